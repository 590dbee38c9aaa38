"""Incremental sync of article files into the chunk store: only what changed is embedded."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.chunk import chunk_text
from index.clean import Article, clean_article
from index.load import Problem, load_paths
from index.lock import index_lock
from rag.config import Settings
from rag.embeddings import load_embeddings
from rag.errors import MitraError
from rag.store import ChunkStore, open_client

EMBED_BATCH = 128
Progress = Callable[[int, int], None]


@dataclass
class SyncReport:
    """What a sync did, counted in articles."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    not_pruned: int = 0
    chunks_embedded: int = 0
    problems: list[Problem] = field(default_factory=list)

    def skip(self, path: str, reason: str) -> None:
        self.skipped += 1
        self.problems.append(Problem(path, reason))

    def summary(self) -> str:
        line = (
            f"added {self.added} · updated {self.updated} · removed {self.removed} · "
            f"unchanged {self.unchanged} · skipped {self.skipped}"
        )
        reasons = [f"{Path(p.path).name}: {p.reason}" for p in self.problems if p.skipped]
        if reasons:
            line += f" ({'; '.join(reasons)})"
        if self.not_pruned:
            line += (
                f"\n{self.not_pruned} indexed article(s) are no longer in the given paths; "
                "`--prune` removes them"
            )
        return line

    def to_dict(self) -> dict[str, Any]:
        counts = ("added", "updated", "removed", "unchanged", "skipped", "chunks_embedded")
        data: dict[str, Any] = {name: getattr(self, name) for name in counts}
        data["not_pruned"] = self.not_pruned
        data["problems"] = [
            {"path": p.path, "reason": p.reason} for p in self.problems if p.skipped
        ]
        data["warnings"] = [
            {"path": p.path, "reason": p.reason} for p in self.problems if not p.skipped
        ]
        return data


def content_hash(article: Article) -> str:
    """Hash of everything indexed about an article except where it was found."""
    fields = asdict(article)
    del fields["article_id"], fields["path"]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def chunk_id(article_hash: str, position: int) -> str:
    return f"{article_hash[:24]}-{position:04d}"


def sync(
    paths: list[Path],
    settings: Settings,
    *,
    prune: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """Bring the index in line with the articles under `paths`; safe to interrupt and re-run."""
    with index_lock(settings.data_dir):
        embeddings = load_embeddings(settings.embedding_model, settings.models_dir)
        client = open_client(settings)
        name = f"{settings.collection}.rebuild" if rebuild else settings.collection
        if rebuild and name in {c.name for c in client.list_collections()}:
            client.delete_collection(name)
        store = ChunkStore.open(
            client, name, embeddings.model_name, create=True, dimension=embeddings.dimension
        )
        report = _sync_store(paths, settings, store, embeddings, prune=prune, progress=progress)
        if rebuild:
            # The old index served queries until the new one was complete.
            if settings.collection in {c.name for c in client.list_collections()}:
                client.delete_collection(settings.collection)
            store.collection.modify(name=settings.collection)
        return report


def _sync_store(
    paths: list[Path],
    settings: Settings,
    store: ChunkStore,
    embeddings: Any,
    *,
    prune: bool,
    progress: Progress | None,
) -> SyncReport:
    report = SyncReport()
    loaded = load_paths(paths, settings.max_file_bytes)
    report.problems.extend(loaded.problems)
    report.skipped += sum(p.skipped for p in loaded.problems)
    stored = store.stored_articles()
    hash_owner = {h: aid for aid, s in stored.items() for h in s.chunks}
    current_ids = {raw.article_id for raw in loaded.articles}
    seen: dict[str, str] = {}
    pending: list[tuple[str, str, dict[str, Any]]] = []
    replaced: list[str] = []
    for raw in loaded.articles:
        article = clean_article(raw)
        if not article.text.strip():
            report.skip(raw.path, "no article text left after removing page furniture")
            continue
        digest = content_hash(article)
        if digest in seen:
            report.skip(raw.path, f"same article as {seen[digest]} (indexed once)")
            continue
        seen[digest] = article.article_id
        owner = hash_owner.get(digest)
        if owner is not None and owner != article.article_id:
            if owner in current_ids or _still_there(stored[owner].path):
                report.skip(raw.path, f"same article as {owner} (indexed once)")
                continue
            # The owner's file is gone: this is a rename, and its chunks keep their vectors.
            _move(store, stored.pop(owner), digest, article)
            report.updated += 1
            continue
        existing = stored.get(article.article_id)
        if existing and existing.is_complete(digest) and len(existing.chunks) == 1:
            report.unchanged += 1
            continue
        if existing and set(existing.chunks) - {digest}:
            report.updated += 1
            replaced.extend(cid for h, ids in existing.chunks.items() if h != digest for cid in ids)
        else:
            report.added += 1
        have = existing.chunks.get(digest, set()) if existing else set()
        pending.extend(item for item in _chunk_records(article, digest) if item[0] not in have)
    _embed_and_store(store, embeddings, pending, progress)
    report.chunks_embedded = len(pending)
    store.delete(replaced)
    gone = [aid for aid in stored if aid not in current_ids]
    if prune:
        store.delete([cid for aid in gone for ids in stored[aid].chunks.values() for cid in ids])
        report.removed = len(gone)
    else:
        report.not_pruned = len(gone)
    return report


def _chunk_records(article: Article, digest: str) -> list[tuple[str, str, dict[str, Any]]]:
    chunks = chunk_text(article.text)
    base = {k: v for k, v in asdict(article).items() if k != "text"}
    records = []
    for chunk in chunks:
        meta: dict[str, Any] = {
            **base,
            "content_hash": digest,
            "chunk_index": chunk.index,
            "n_chunks": len(chunks),
            "start": chunk.start,
            "end": chunk.end,
        }
        if chunk.index == 0:
            meta["article_text"] = article.text
        records.append((chunk_id(digest, chunk.index), chunk.text, meta))
    return records


def _still_there(path: str) -> bool:
    """Whether an indexed article's source file still exists (records: their file)."""
    return Path(re.sub(r"(:\d+|\[\d+\])$", "", path)).exists()


def _move(store: ChunkStore, previous: Any, digest: str, article: Article) -> None:
    ids = sorted(previous.chunks[digest])
    metadatas = [{"article_id": article.article_id, "path": article.path} for _ in ids]
    store.update_metadata(ids, metadatas)


def _embed_and_store(
    store: ChunkStore,
    embeddings: Any,
    pending: list[tuple[str, str, dict[str, Any]]],
    progress: Progress | None,
) -> None:
    total = len(pending)
    if progress:
        progress(0, total)
    for start in range(0, total, EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        vectors = embeddings.embed_documents([text for _, text, _ in batch])
        store.upsert(
            ids=[cid for cid, _, _ in batch],
            documents=[text for _, text, _ in batch],
            metadatas=[meta for _, _, meta in batch],
            embeddings=vectors,
        )
        if progress:
            progress(min(start + EMBED_BATCH, total), total)


def remove_article(article_id: str, settings: Settings) -> int:
    """Remove one article's chunks; returns how many were removed."""
    with index_lock(settings.data_dir):
        embeddings = load_embeddings(settings.embedding_model, settings.models_dir)
        store = ChunkStore.open(open_client(settings), settings.collection, embeddings.model_name)
        stored = store.stored_articles().get(article_id)
        if stored is None:
            raise MitraError(f"no indexed article {article_id!r}: nothing was removed")
        ids = [cid for chunk_ids in stored.chunks.values() for cid in chunk_ids]
        store.delete(ids)
        return len(ids)
