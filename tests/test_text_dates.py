"""Dates in text and in questions: found, resolved against a reference, never invented."""

from __future__ import annotations

import pytest

from rag.text.dates import Period, date_bounds, find_dates, overlaps, question_period


def dates(text: str, reference: str = "") -> list[tuple[str, str]]:
    return [(text[start:end], iso) for start, end, iso in find_dates(text, reference)]


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("bertemu pada hari Selasa (16/8).", "2022-08-17", ("hari Selasa (16/8)", "2022-08-16")),
        ("pada hari Minggu (16/4/23).", "", ("hari Minggu (16/4/23)", "2023-04-16")),
        ("dikutip Senin (19/9/2022)", "2025-06-20", ("Senin (19/9/2022)", "2022-09-19")),
        ("Pertemuan pada Kamis (19/6/) lalu", "2025-06-20", ("Kamis (19/6/)", "2025-06-19")),
        ("Pada 11 Juli, pejabat", "2022-07-13", ("11 Juli", "2022-07-11")),
        ("pada 28 Desember", "2023-01-03", ("28 Desember", "2022-12-28")),
        ("bertemu di Moskow bulan lalu.", "2023-04-16", ("bulan lalu", "2023-03")),
        ("Juni tahun lalu, Jenderal", "2022-07-13", ("Juni tahun lalu", "2021-06")),
        (
            "usai kudeta pada 1 Februari tahun lalu",
            "2022-07-13",
            ("1 Februari tahun lalu", "2021-02-01"),
        ),
        ("Masih tahun lalu, sukses", "2022-07-13", ("tahun lalu", "2021")),
        ("ke Ukraina pada Februari 2022.", "", ("Februari 2022", "2022-02")),
        ("sanksi AS sejak 2018 atas", "", ("2018", "2018")),
        ("pada 18-20 Juni 2025", "", ("18-20 Juni 2025", "2025-06-18")),
        (
            "periode Januari sampai dengan Maret 2025",
            "",
            ("Januari sampai dengan Maret 2025", "2025"),
        ),
        ("Selama 4 bulan tahun ini, volume", "2025-06-20", ("tahun ini", "2025")),
        ("kemarin", "2025-06-20", ("kemarin", "2025-06-19")),
        ("hari ini", "2025-06-20T10:07+07:00", ("hari ini", "2025-06-20")),
        ("dua tahun lalu", "2025-06-20", ("dua tahun lalu", "2023")),
        ("Putin met Xi on Friday", "2025-06-18", ("Friday", "2025-06-13")),
        ("Prabowo akan bertemu Putin pada Kamis", "2025-06-18", ("Kamis", "2025-06-19")),
        ("the summit on June 16, 2022", "", ("June 16, 2022", "2022-06-16")),
        ("last month", "2025-01-10", ("last month", "2024-12")),
    ],
)
def test_find_dates_resolves_against_the_reference(
    text: str, reference: str, expected: tuple[str, str]
) -> None:
    assert dates(text, reference) == [expected]


def test_partial_references_keep_partial_dates() -> None:
    # The article's date has no year ("--08-17"): day and month only, never a guessed year.
    assert dates("Selasa (16/8)", "--08-17") == [("Selasa (16/8)", "--08-16")]
    assert dates("pada Juli", "") == [("Juli", "--07")]
    # Relative dates need the reference they count from.
    assert dates("bulan lalu dan kemarin dan Jumat", "") == []
    assert dates("tahun lalu", "--08-17") == []


def test_numbers_that_are_no_dates() -> None:
    assert dates("Rp70,3 triliun, 2.000 tentara, S-400, Su-30, musim 2025-2026, rasio (2/3)") == []
    assert dates("you may march in", "2025-06-20") == []  # lower-case month words


@pytest.mark.parametrize(
    ("question", "period"),
    [
        (
            "Which countries did Russia discuss military cooperation with in 2022?",
            Period("2022", "2022"),
        ),
        ("Apa yang terjadi pada Juli 2022?", Period("2022-07", "2022-07")),
        ("What has happened with Myanmar since 2021?", Period(since="2021")),
        ("Kerja sama apa saja sejak 2021?", Period(since="2021")),
        ("What did Russia and China agree before the invasion?", Period(until="2022-02-24")),
        ("Apa yang disepakati setelah invasi?", Period(since="2022-02-24")),
        ("What are the latest arms deals?", Period(latest=True)),
        ("Kerja sama militer terbaru?", Period(latest=True)),
        ("Siapa yang bertemu Putin bulan lalu?", Period("2025-05", "2025-05")),
        ("between 2020 and 2022", Period("2020", "2022")),
        ("before July 2022", Period(until="2022-06")),
        ("after 2021", Period(since="2022")),
        ("in the past 3 years", Period(since="2022", until="2025-06-20")),
    ],
)
def test_question_period(question: str, period: Period) -> None:
    assert question_period(question, "2025-06-20") == period


def test_questions_without_a_time() -> None:
    assert question_period("Negara mana saja yang membeli senjata Rusia?", "2025-06-20") is None
    assert question_period("Who met Li Shangfu?") is None


def test_partial_dates_overlap_periods() -> None:
    assert date_bounds("2022")[1].isoformat() == "2022-12-31"
    assert date_bounds("2024-02")[1].isoformat() == "2024-02-29"
    assert date_bounds("--08-16") is None and date_bounds("") is None
    assert overlaps("2022", since="2022-06")
    assert not overlaps("2021-12", since="2022")
    assert overlaps("2022-02-24", until="2022-02-24")
    assert not overlaps("", since="2022") and overlaps("")
