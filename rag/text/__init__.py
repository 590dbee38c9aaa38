"""One text toolkit for Indonesian and English news: words, stems, stopwords, sentences, dates.

Everything that reads text — keyword search, question analysis, answer checks, ingestion —
tokenizes, stems and drops stopwords the same way through these modules.
"""
