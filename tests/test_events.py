"""Partnership events: extracted at index time from the seeds, kept in step with their
articles, queried through `rag.events` and `mitra events`."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import BUNDLED_ARTICLES
from index.clean import Article
from index.events import extract_events
from index.sync import sync
from rag.catalog import Catalog
from rag.config import Settings
from rag.events import KINDS, BadDateError, UnknownKindError, UnknownPartnerError, events
from rag.text.dates import overlaps
from rag.text.gazetteer import canonical_partner, find_places

CHINA_DEFENCE = "001_b0b6c7e473a13e24.txt"
PATRUSHEV = "002_3604e166b6412a05.txt"
IRAN = "004_90f9c632933ed71b.txt"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Iterator[Settings]:
    """One real index of the five seeds, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("events")
    shutil.copytree(BUNDLED_ARTICLES, root / "articles")
    settings = Settings(llm="extractive", data_dir=root / "data", model_cache=model_cache)
    sync([root / "articles"], settings)
    yield settings


def article(text: str, date: str = "") -> Article:
    return Article("a.txt", "a.txt", text, "", "", "", date, "id")


def test_every_seed_event_quotes_its_article_verbatim(indexed: Settings) -> None:
    catalog = Catalog.open(indexed.catalog_path)
    try:
        found = catalog.events()
        texts = {aid: catalog.article(aid).text for aid in {e.article_id for e in found}}
    finally:
        catalog.close()
    assert len(texts) == 5
    for event in found:
        assert texts[event.article_id][event.start : event.end] == event.quote
        assert event.kind in KINDS


def test_the_seeds_give_their_known_events(indexed: Settings) -> None:
    by_article = {}
    for event in events(settings=indexed):
        by_article.setdefault(event.article_id, set()).add((event.partner, event.kind))
    assert ("China", "military") in by_article[CHINA_DEFENCE]
    assert ("Palestine", "military") in by_article["000_e323d79fa0a37bfc.txt"]
    assert ("Mali", "military") in by_article["000_e323d79fa0a37bfc.txt"]
    assert ("China", "security") in by_article[PATRUSHEV]
    assert ("Myanmar", "arms") in by_article["003_132bb7926b8ada7c.txt"]
    assert ("Iran", "nuclear") in by_article[IRAN]
    # A war theatre, a venue and a critic are no partners.
    partners = {partner for pairs in by_article.values() for partner, _ in pairs}
    assert not partners & {"Ukraine", "Turkmenistan", "Russia"}

    meeting = [e for e in events("China", "military", settings=indexed) if e.date == "2023-04-16"]
    assert meeting and meeting[0].article_id == CHINA_DEFENCE
    assert {"Vladimir Putin", "Li Shangfu"} <= set(meeting[0].actors)
    assert meeting[0].status == "held" and meeting[0].place == "Moskow"
    assert meeting[0].outlet and meeting[0].article_date == "2023-04-16"


def test_relative_dates_resolve_against_the_article_date(indexed: Settings) -> None:
    china = {(e.article_id, e.date) for e in events("China", settings=indexed)}
    assert (CHINA_DEFENCE, "2023-03") in china  # "bertemu Putin di Moskow bulan lalu"
    assert (PATRUSHEV, "2022-09-19") in china  # "di Nanping, Senin (19/9)"

    text = (
        "Juni tahun lalu, Presiden Rusia Vladimir Putin bertemu Presiden Myanmar di Moskow. "
        "Pada 11 Juli, Rusia dan Myanmar menandatangani perjanjian kerja sama militer. "
        "Menteri Pertahanan Rusia akan berkunjung ke Myanmar pada Jumat."
    )
    dates = {(e.status, e.date) for e in extract_events(article(text, "2022-07-13"))}
    assert {("held", "2021-06"), ("signed", "2022-07-11"), ("planned", "2022-07-15")} <= dates


def test_no_date_is_invented() -> None:
    text = "Presiden Rusia Vladimir Putin bertemu Presiden Iran Masoud Pezeshkian di Moskow."
    assert {e.date for e in extract_events(article(text, "2024-10-11"))} == {""}
    undated = extract_events(article("Rusia dan China bertemu pada Selasa (16/8) lalu."))
    assert {e.date for e in undated} == {"--08-16"}  # the year is not known


def test_the_dateline_city_is_no_partner() -> None:
    text = "Jakarta - Rusia dan India sepakat memperluas kerja sama pertahanan."
    assert {e.partner for e in extract_events(article(text))} == {"India"}


def test_edits_update_events_and_pruning_removes_them(settings: Settings, articles: Path) -> None:
    sync([articles], settings)
    iran = {e.event_id for e in events("Iran", settings=settings)}
    assert iran and not events("India", settings=settings)

    changed = articles / PATRUSHEV
    changed.write_text(
        changed.read_text() + "\nRusia dan India menandatangani kontrak pasokan rudal pada 5 Mei.\n"
    )
    # Markup in an article is text: the quote keeps it verbatim (the page escapes it).
    (articles / "markup.txt").write_text(
        "Rusia dan Vietnam <script>alert('x')</script> sepakat memperluas kerja sama ekonomi.\n"
    )
    sync([articles], settings)
    india = events("India", settings=settings)
    assert [(e.kind, e.status, e.date, e.article_id) for e in india] == [
        ("arms", "signed", "2022-05-05", PATRUSHEV)
    ]
    (vietnam,) = events("Vietnam", settings=settings)
    assert "<script>alert('x')</script>" in vietnam.quote
    assert {e.event_id for e in events("Iran", settings=settings)} == iran

    (articles / IRAN).unlink()
    sync([articles], settings, prune=True)
    assert not events("Iran", settings=settings)
    assert events("India", settings=settings)


def test_filters(indexed: Settings) -> None:
    everything = events(settings=indexed)
    assert events("Tiongkok", settings=indexed) == [e for e in everything if e.partner == "China"]
    assert all(e.kind == "arms" for e in events(kind="arms", settings=indexed))
    in_2022 = events(since="2022", until="2022", settings=indexed)
    assert in_2022 and all(e.date.startswith("2022") for e in in_2022)
    # Partial dates overlap: "2022-02" is within since="2022-02-24", not until="2022-01".
    assert any(e.date == "2022-02" for e in events(since="2022-02-24", settings=indexed))
    assert not any(e.date == "2022-02" for e in events(until="2022-01", settings=indexed))
    # Undated events never pass a period filter, and come last otherwise.
    assert all(e.date for e in events(since="1900", settings=indexed))
    dated = [bool(e.date and not e.date.startswith("--")) for e in everything]
    assert dated == sorted(dated, reverse=True)

    with pytest.raises(UnknownPartnerError, match="China"):
        events("Chna", settings=indexed)
    with pytest.raises(UnknownKindError, match="military, arms"):
        events(kind="weapons", settings=indexed)
    with pytest.raises(BadDateError):
        events(since="last year", settings=indexed)


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"MITRA_DATA_DIR": str(settings.data_dir), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "events", *args], env=env, capture_output=True, text=True
    )


def test_cli_json_csv_and_errors(indexed: Settings) -> None:
    result = run_cli(indexed, "--partner", "Tiongkok", "--kind", "military", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed and {e["partner"] for e in listed} == {"China"}
    assert set(listed[0]) >= {"partner", "kind", "date", "status", "actors", "place", "quote"}
    assert isinstance(listed[0]["actors"], list)

    result = run_cli(indexed, "--since", "2022-07", "--until", "2022-12", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(overlaps(r["date"], "2022-07", "2022-12") for r in rows)
    assert {"article_id", "quote", "start", "end", "title", "outlet"} <= set(rows[0])

    table = run_cli(indexed, "--partner", "Myanmar").stdout
    assert "Myanmar" in table and table.rstrip().endswith("events")

    unknown = run_cli(indexed, "--kind", "weapons")
    assert unknown.returncode == 2 and "military, arms" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_gazetteer_names_partners_in_either_language() -> None:
    assert {canonical_partner(n) for n in ("Tiongkok", "China", "Beijing", "Xi Jinping")} == {
        "China"
    }
    assert canonical_partner("Korut") == canonical_partner("Korea Utara") == "North Korea"
    assert canonical_partner("AS") == canonical_partner("Amerika Serikat") == "United States"
    assert canonical_partner("Uni Eropa") == "European Union"
    assert canonical_partner("Palestina") == "Palestine"
    assert canonical_partner("Atlantis") is None
    text = "Menlu AS, Komisi XI, Laut China Selatan, US$4 miliar, Israeldan Iran, as well"
    assert [(name, text[s:e]) for name, s, e in find_places(text)] == [
        ("United States", "AS"),
        ("Israel", "Israel"),
        ("Iran", "Iran"),
    ]
