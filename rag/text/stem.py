"""The one stemmer: Sastrawi for Indonesian, a few suffix rules for English.

Also the stems a text reduces to for keyword search and term matching.
"""

from __future__ import annotations

import re
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from rag.text.stopwords import ALL as STOPWORDS
from rag.text.tokens import words

Stems = frozenset[str]

_SASTRAWI = StemmerFactory().create_stemmer()
# Stems that would collide: Sastrawi makes "bersama" "sama" (as in "kerja sama"), "pertahanan"
# "tahan" (as in "ditahan"), "pengacara" "acara", "peringatan" "ingat", "setuju" "tuju".
_KEEP = frozenset("bersama bertahan pertahanan pengacara peringatan setuju".split())
_ENGLISH_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """One stem for Indonesian and English inflections of `word` (lowercase)."""
    if not word.isalpha() or word in _KEEP:
        return word
    stemmed = _SASTRAWI.stem(word)
    if stemmed and stemmed != word:
        return stemmed
    if not word.isascii() or re.search(r"[aius]s$", word):  # "ratus", "tewas": not plurals
        return word
    for suffix, replacement in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= max(3, len(suffix) + 1):
            return word[: -len(suffix)] + replacement
    return word


def _is_stopword(word: str, lower: str) -> bool:
    # An acronym in capitals ("AS", the United States) is a name, not the stopword "as".
    return lower in STOPWORDS and not (word.isupper() and len(word) > 1)


def keyword_tokens(text: str) -> list[str]:
    """The stems of `text`'s content words in order, repeats kept: what keyword search counts."""
    return [
        stem(lower)
        for word, _, _ in words(text)
        if len(lower := word.lower()) > 1 and not _is_stopword(word, lower)
    ]


def text_stems(text: str) -> Stems:
    """Every stem in `text` (stopwords left out), plus the parts of dates like "16/4/23"."""
    stems: set[str] = {"persen"} if "%" in text else set()
    for word, _, _ in words(text):
        lower = word.lower()
        if _is_stopword(word, lower):
            continue
        stems.add(stem(lower))
        if not lower.isalpha():
            parts = re.split(r"[/.,:]", lower)
            stems.update(parts)
            if len(parts) >= 2:
                stems.add("/".join(parts[:2]))
    return frozenset(stems)
