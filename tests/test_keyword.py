"""rag.keyword: BM25 over stemmed Indonesian, saved per generation and memory-mapped back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.keyword import KeywordIndex, prune_folders
from rag.text.stem import keyword_tokens

CHUNKS = {
    "putin-li": "Presiden Rusia Vladimir Putin bertemu Menteri Pertahanan China Li Shangfu di "
    "Moskow pada hari Minggu.",
    "myanmar": "Rusia dan Myanmar kembali menggarisbawahi rencana memperkuat kerja sama militer.",
    "flood": "Banjir setinggi satu meter merendam ratusan rumah di Kabupaten Bandung.",
    "port": "Perusahaan pelabuhan membangun terminal peti kemas baru di Bitung.",
}


@pytest.fixture
def index() -> KeywordIndex:
    return KeywordIndex.build((cid, keyword_tokens(text)) for cid, text in CHUNKS.items())


def ids(hits: list[tuple[str, float]]) -> list[str]:
    return [chunk_id for chunk_id, _ in hits]


def test_best_match_first_and_only_matches(index: KeywordIndex) -> None:
    hits = index.search("Kapan Putin bertemu Li Shangfu?", 10)
    assert ids(hits) == ["putin-li"]
    hits = index.search("kerja sama militer Rusia", 10)
    assert ids(hits) == ["myanmar", "putin-li"]
    assert hits[0][1] > hits[1][1] > 0


def test_n_limits_the_hits(index: KeywordIndex) -> None:
    assert ids(index.search("Rusia", 1)) in (["putin-li"], ["myanmar"])
    assert len(index.search("Rusia di", 10)) == 2


def test_affixed_forms_match_their_stem(index: KeywordIndex) -> None:
    assert ids(index.search("pertemuan", 10)) == ["putin-li"]  # bertemu
    assert ids(index.search("pembangunan", 10)) == ["port"]  # membangun
    assert ids(index.search("diperkuat", 10)) == ["myanmar"]  # memperkuat


def test_stopwords_and_unknown_words_find_nothing(index: KeywordIndex) -> None:
    assert index.search("yang dan di pada", 10) == []
    assert index.search("Zelensky", 10) == []
    assert index.search("", 10) == []


def test_save_and_load(index: KeywordIndex, tmp_path: Path) -> None:
    folder = tmp_path / "keyword" / "3"
    index.save(folder)
    assert not folder.with_name("3.partial").exists()
    loaded = KeywordIndex.load(folder)
    assert len(loaded) == len(index) == 4 and loaded.chunk_ids == list(CHUNKS)
    for query in ("Putin Moskow", "kerja sama Rusia", "banjir Bandung"):
        assert loaded.search(query, 10) == index.search(query, 10)


def test_an_empty_index(tmp_path: Path) -> None:
    empty = KeywordIndex.build([])
    assert len(empty) == 0 and empty.search("Rusia", 5) == []
    empty.save(tmp_path / "empty")
    loaded = KeywordIndex.load(tmp_path / "empty")
    assert len(loaded) == 0 and loaded.search("Rusia", 5) == []


def test_a_missing_or_damaged_index_raises(index: KeywordIndex, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        KeywordIndex.load(tmp_path / "absent")
    index.save(tmp_path / "damaged")
    (tmp_path / "damaged" / "chunk_ids.json").write_text(json.dumps([*CHUNKS, "extra"]))
    with pytest.raises(ValueError, match="holds 4 documents, not 5"):
        KeywordIndex.load(tmp_path / "damaged")


def test_prune_keeps_only_the_named_generations(index: KeywordIndex, tmp_path: Path) -> None:
    root = tmp_path / "keyword"
    prune_folders(root, {"1"})  # nothing saved yet: nothing to do
    for generation in ("1", "2", "3"):
        index.save(root / generation)
    prune_folders(root, {"3"})
    assert [p.name for p in root.iterdir()] == ["3"]
