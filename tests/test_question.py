"""rag.question: what kind of answer a question wants, its language and its terms."""

from __future__ import annotations

import pytest

from rag.question import analyze
from rag.text.stem import text_stems


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Whom did Sergei Lavrov visit in Jakarta?", "who"),
        ("Siapa yang bertemu Min Aung Hlaing?", "who"),
        ("Which officials met in Moscow?", "who"),
        ("When did Moscow send troops to Ukraine?", "when"),
        ("Kapan Moskow mengirim puluhan ribu tentara ke Ukraina?", "when"),
        ("In what year did the talks start?", "when"),
        ("Where did Putin meet Li Shangfu?", "where"),
        ("Di mana Putin bertemu Li Shangfu?", "where"),
        ("How many soldiers did Russia send?", "count"),
        ("Berapa banyak tentara yang dikirim?", "count"),
        ("Why did Russia and China expand security cooperation?", "why"),
        ("Mengapa Rusia dan China memperluas kerja sama keamanan?", "why"),
        ("What did Putin say about Iran?", "say"),
        ("Apa kata Putin tentang Iran?", "say"),
        ("Which news agency reported the meeting?", "which"),
        ("Senjata apa yang dijual Rusia?", "which"),
        ("Did Russia sell weapons to Myanmar?", "yesno"),
        ("Apakah Rusia menjual senjata ke Myanmar?", "yesno"),
        ("What kind of cooperation did they discuss?", "what"),
        ("Russia and Myanmar", "what"),
    ],
)
def test_kind(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


def test_the_first_question_word_decides() -> None:
    assert analyze("What did he say when asked about Ukraine?").kind == "say"
    assert analyze("When did Putin say that Iran is a partner?").kind == "when"


def test_asking_what_was_said_is_quoting() -> None:
    assert analyze("Who called Myanmar a partner?").quoting
    assert analyze("Apa kata Putin tentang Iran?").quoting
    assert not analyze("Who met Li Shangfu?").quoting


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Whom did Sergei Lavrov visit in Jakarta?", "en"),
        ("Which Chinese state broadcaster reported Li Shangfu's comments?", "en"),
        ("Kapan Moskow mengirim puluhan ribu tentara ke Ukraina?", "id"),
        ("Siapa Li Shangfu?", "id"),
    ],
)
def test_language(question: str, language: str) -> None:
    query = analyze(question)
    assert query.language == language and query.text == question


def test_names_places_and_words() -> None:
    query = analyze("Whom did Sergei Lavrov visit in Jakarta?")
    kinds = {term.text: term.kind for term in query.terms}
    assert kinds == {"Sergei Lavrov": "name", "visit": "word", "Jakarta": "place"}
    assert [term.text for term in query.names] == ["Sergei Lavrov", "Jakarta"]
    assert all(term.weight > 1 for term in query.names)


def test_question_words_and_stopwords_are_not_terms() -> None:
    query = analyze("Siapa yang bertemu Min Aung Hlaing di Moskow?")
    assert [term.text for term in query.terms] == ["bertemu", "Min Aung Hlaing", "Moskow"]


def test_an_english_term_matches_the_indonesian_text() -> None:
    article = text_stems("Menteri Pertahanan China Li Shangfu bertemu Putin di Moskow.")
    query = analyze("Which defence minister met Putin in Moscow?")
    assert all(term.match(article) == 1.0 for term in query.terms), query.terms
    assert analyze("Russia").terms[0].match(text_stems("Pemerintah Rusia")) == 1.0


def test_indonesian_affixes_match_one_stem() -> None:
    (term,) = [t for t in analyze("Siapa yang bertemu Li Shangfu?").terms if t.kind == "word"]
    for text in ("pertemuan itu", "ia menemui menteri", "keduanya bertemu"):
        assert term.match(text_stems(text)) == 1.0, text
    assert term.match(text_stems("ia mengirim tentara")) == 0.0


def test_part_of_a_name_counts_in_part() -> None:
    (name,) = analyze("Siapa Li Shangfu?").names
    assert name.match(text_stems("Li Shangfu tiba")) == 1.0
    assert 0 < name.match(text_stems("Li tiba di Moskow")) < 1


def test_the_type_word_of_which_questions_weighs_less() -> None:
    weights = {t.text: t.weight for t in analyze("Which news agency reported the meeting?").terms}
    assert weights["news agency"] < weights["meeting"]
    weights = {t.text: t.weight for t in analyze("Senjata apa yang dijual Rusia?").terms}
    assert weights["Senjata"] < weights["dijual"]
