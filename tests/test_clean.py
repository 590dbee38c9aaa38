"""Cleaning and metadata extraction on the five seed articles and on crafted news text."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from index import BUNDLED_ARTICLES
from index.chunk import chunk_text
from index.clean import Article, clean_article
from index.glued import repair_glued_words
from index.load import RawArticle, load_paths
from rag.text.sentences import split_sentences


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    loaded = load_paths([BUNDLED_ARTICLES], 5_000_000)
    assert not loaded.problems
    return {raw.article_id[:3]: clean_article(raw) for raw in loaded.articles}


# What each seed's text states: outlet in its dateline, agency credited, first date given.
EXPECTED = {
    "000": ("KONTAN.CO.ID", "Reuters", "--08-17"),
    "001": ("MISTAR.ID", "ChannelNewsAsia", "2023-04-16"),
    "002": ("KOMPAS.TV", "Associated Press", "2022-09-19"),
    "003": ("", "TASS", "--07-11"),
    "004": ("", "TASS", ""),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_metadata(seeds: dict[str, Article], seed: str) -> None:
    article = seeds[seed]
    assert (article.outlet, article.agency, article.date) == EXPECTED[seed]
    assert article.language == "id"
    assert article.title and article.title.rstrip("…") in article.text


def test_seed_titles(seeds: dict[str, Article]) -> None:
    assert seeds["002"].title == (
        "Berkaca dari Kondisi Saat Ini , Rusia dan China Perluas Kerja Sama Keamanan"
    )
    assert seeds["001"].title.startswith("Presiden Rusia Vladimir Putin bertemu")
    assert seeds["000"].title.startswith("Kementerian Pertahanan Rusia pada hari Rabu")
    assert seeds["003"].title.startswith("Rusia dan Myanmar")


def test_bylines_become_metadata(seeds: dict[str, Article]) -> None:
    assert seeds["002"].author == "Ikhsan Abdul Hakim"
    assert seeds["002"].editor == "Hariyanto-Kurniawan"
    assert seeds["000"].editor == "Prihastomo Wahyu Widodo"
    for article in seeds.values():
        assert "Editor :" not in article.text and "Sumber:" not in article.text


def test_page_furniture_is_dropped(seeds: dict[str, Article]) -> None:
    for article in seeds.values():
        lowered = article.text.lower()
        assert "baca juga" not in lowered and "klik di sini" not in lowered
    assert "Rusia memandang Israel" in seeds["004"].text


def test_promotions_and_related_videos_are_dropped() -> None:
    raw = RawArticle(
        "x",
        "x",
        "Liputan6.com, Jakarta - Menteri bertemu.\nSCROLL TO CONTINUE WITH CONTENT\n"
        "Advertisement\nSimak juga Video: Putin ke Prabowo\nBaca juga:Berita lain\n"
        "Lihat juga Video 'Lain':\nIsi berita berlanjut.",
    )
    assert (
        clean_article(raw).text == "Liputan6.com, Jakarta - Menteri bertemu.\nIsi berita berlanjut."
    )


def test_glued_words_are_split_but_names_kept() -> None:
    text = "Menteri Pertahanan RusiaSergei Shoigudalam pertemuan. Sergei Shoigu hadir."
    assert repair_glued_words(text).startswith("Menteri Pertahanan Rusia Sergei Shoigu dalam")
    assert repair_glued_words("McDonald, iPhone, YouTube dan WhatsApp") == (
        "McDonald, iPhone, YouTube dan WhatsApp"
    )
    assert repair_glued_words("PresidenPrabowo Subiantomelakukan kunjungan. Prabowo Subianto") == (
        "Presiden Prabowo Subianto melakukan kunjungan. Prabowo Subianto"
    )


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = "Dia di Jl. Sudirman No. 5 bersama Dr. Andi. Harga Rp1.194 triliun. “Kami siap.” Lalu"
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == [
        "Dia di Jl. Sudirman No. 5 bersama Dr. Andi.",
        "Harga Rp1.194 triliun.",
        "“Kami siap.”",
        "Lalu",
    ]


def test_chunks_are_exact_slices_that_overlap(seeds: dict[str, Article]) -> None:
    text = seeds["004"].text
    chunks = chunk_text(text)
    assert len(chunks) > 3
    for before, after in pairwise(chunks):
        assert after.start < before.end  # one sentence shared
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 600 or len(split_sentences(chunk.text)) == 1
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_html_and_json_records(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>Judul</title><meta property='og:site_name' content='KOMPAS.com'>"
        "<meta property='article:published_time' content='2025-06-18'><script>var x=1;</script>"
        "<style>p{}</style></head><body><h1>Rusia dan Indonesia</h1><p>Isi berita.</p>"
        "</body></html>"
    )
    (tmp_path / "batch.jsonl").write_text(
        '{"id": "n1", "title": "T", "content": "Isi.", "date": "2025-06-19", '
        '"source": "detik.com"}\n'
    )
    loaded = load_paths([tmp_path], 5_000_000)
    by_id = {a.article_id: a for a in loaded.articles}
    page = clean_article(by_id["page.html"])
    assert "var x" not in page.text and "p{}" not in page.text and "Isi berita." in page.text
    assert (page.title, page.outlet, page.date) == (
        "Rusia dan Indonesia",
        "KOMPAS.com",
        "2025-06-18",
    )
    record = clean_article(by_id["n1"])
    assert (record.title, record.outlet, record.date) == ("T", "detik.com", "2025-06-19")
