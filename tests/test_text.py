"""The text toolkit: tokens, stems, stopwords, language, sentences, dates."""

from __future__ import annotations

import pytest

from rag.text.dates import format_date
from rag.text.facts import facts
from rag.text.language import detect_language
from rag.text.sentences import split_sentences, strip_dateline
from rag.text.stem import keyword_tokens, stem, text_stems
from rag.text.tokens import words


@pytest.mark.parametrize(
    ("iso", "english", "indonesian"),
    [
        ("2022-09-19", "19 Sep 2022", "19 Sep 2022"),
        ("2025-06-18T10:00:00+07:00", "18 Jun 2025", "18 Jun 2025"),
        ("--08-17", "17 Aug", "17 Agu"),
        ("2023-05", "May 2023", "Mei 2023"),
        ("--13-01", "--13-01", "--13-01"),
        ("kemarin", "kemarin", "kemarin"),
        ("", "", ""),
    ],
)
def test_format_date(iso: str, english: str, indonesian: str) -> None:
    assert format_date(iso, "en") == english
    assert format_date(iso, "id") == indonesian


def test_words_keep_numbers_whole_and_drop_possessives() -> None:
    assert [w for w, _, _ in words("Li Shangfu's visit on 16/4/23 cost Rp1.194")] == [
        "Li",
        "Shangfu",
        "visit",
        "on",
        "16/4/23",
        "cost",
        "Rp",
        "1.194",
    ]
    text = "Putin's talks"
    assert [text[s:e] for _, s, e in words(text)] == ["Putin", "talks"]


def test_one_stemmer_for_both_languages_with_its_exceptions() -> None:
    assert stem("pertemuan") == stem("bertemu") == "temu"
    assert stem("pertahanan") == "pertahanan"  # not "tahan", as in "ditahan"
    assert stem("bersama") == "bersama"  # not "sama", as in "kerja sama"
    assert stem("meetings") == "meeting"
    assert stem("ratus") == "ratus"


def test_keyword_tokens_drop_stopwords_and_keep_acronyms() -> None:
    assert keyword_tokens("Kerja sama pertahanan antara AS dan Rusia") == [
        "kerja",
        "sama",
        "pertahanan",
        "as",
        "rusia",
    ]
    assert "persen" in text_stems("naik 5%")
    assert {"16", "4", "16/4"} <= text_stems("Minggu (16/4/23)")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Whom did Sergei Lavrov visit in Jakarta?", "en"),
        ("Kapan Moskow mengirim puluhan ribu tentara ke Ukraina?", "id"),
        ("Путин и Прабово встретились?", "other"),
        ("Putin Prabowo", "id"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_sentences_and_datelines() -> None:
    text = "KONTAN.CO.ID - Dr. Li tiba 6.760 km jauhnya. Ia bertemu J. Biden!\nBaru"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == [
        "KONTAN.CO.ID - Dr. Li tiba 6.760 km jauhnya.",
        "Ia bertemu J. Biden!",
        "Baru",
    ]
    assert strip_dateline(spans[0]) == "Dr. Li tiba 6.760 km jauhnya."
    assert strip_dateline("Jakarta - Rusia dan India sepakat.") == "Rusia dan India sepakat."
    aside = "Putin - yang jarang bepergian - tiba."
    assert strip_dateline(aside) == aside


def test_facts_agree_across_languages() -> None:
    claim = facts("Four mercenaries were killed on Sunday, 16 April 2023, in the first attack.")
    source = facts("Empat tentara bayaran tewas pada Minggu (16/4/2023) dalam serangan pertama.")
    assert claim.missing_from(source) == []
    assert facts("Lima tentara tewas pada Senin.").missing_from(source) == [
        "number 5",
        "weekday 0",
    ]
    assert "negation" in facts("China did not send weapons.").missing_from(facts("China kirim."))
    assert facts("tens of thousands").vague == facts("puluhan ribu").vague == {"tens", "thousands"}
    assert facts("HS 5402.33.10 and 6.760 km and 1,5 persen").numbers == {54023310, 6760, 1.5}
