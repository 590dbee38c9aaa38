"""Incremental sync of article files into the index: only what changed is embedded.

One run, under the index lock: plan the changes against the catalog, embed the chunks that have
no vector yet (a resumed run finds those it already stored), then change the catalog and write
the keyword index in one transaction. Readers see the old index until that commit and the new
one after it; vectors nothing refers to any more are deleted last.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.chunk import chunk_text
from index.clean import Article, clean_article
from index.events import extract_events
from index.load import Problem, RawArticle, load_paths
from index.lock import index_lock
from index.stories import StoryMember, group_stories, signature
from rag.catalog import ArticleRecord, Catalog, ChunkRecord, EventRecord, storage_error
from rag.config import Settings
from rag.embeddings import MitraEmbeddings, load_embeddings
from rag.errors import IndexDamagedError, MitraError, ModelMismatchError
from rag.keyword import KeywordIndex, prune_folders
from rag.store import ChunkStore, open_client
from rag.text.stem import keyword_tokens

EMBED_BATCH = 128
Progress = Callable[[int, int], None]
_PENDING = "pending_deletions"


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

    @property
    def indexed_nothing(self) -> bool:
        """Every given path failed: nothing was added, updated or found unchanged."""
        return self.skipped > 0 and not (self.added or self.updated or self.unchanged)

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


@dataclass
class _Plan:
    """The changes one run makes to the catalog."""

    put: list[tuple[ArticleRecord, list[ChunkRecord]]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # old id, new id, path
    removed: list[str] = field(default_factory=list)
    events: dict[str, list[EventRecord]] = field(default_factory=dict)  # by article id

    def __bool__(self) -> bool:
        return bool(self.put or self.renamed or self.removed)


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
    with index_lock(settings.data_dir), _storage_errors(settings.data_dir):
        embeddings = load_embeddings(settings.embedding_model, settings.models_dir)
        if rebuild:
            return _rebuild(paths, settings, embeddings, progress)
        catalog, store = _open_for_writing(settings, embeddings)
        try:
            _finish_deletions(catalog, store)
            _drop_damaged_keyword_index(catalog, settings)
            report = SyncReport()
            plan = _plan(paths, settings, catalog, report, prune=prune)
            _embed_missing(plan, store, embeddings, report, progress)
            _commit(catalog, store, settings, plan)
            return report
        finally:
            catalog.close()


def remove_article(article_id: str, settings: Settings) -> None:
    """Remove one article (its chunks, vectors and events) from the index."""
    remove_articles([article_id], settings)


def remove_articles(article_ids: Sequence[str], settings: Settings) -> None:
    """Remove these articles (their chunks, vectors and events) from the index in one commit."""
    with index_lock(settings.data_dir), _storage_errors(settings.data_dir):
        embeddings = load_embeddings(settings.embedding_model, settings.models_dir)
        catalog, store = _open_for_writing(settings, embeddings)
        try:
            for article_id in article_ids:
                if catalog.article(article_id) is None:
                    raise MitraError(f"no indexed article {article_id!r}: nothing was removed")
            _commit(catalog, store, settings, _Plan(removed=list(dict.fromkeys(article_ids))))
        finally:
            catalog.close()


@contextmanager
def _storage_errors(data_dir: Path) -> Iterator[None]:
    """A full disk or a read-only data directory as one line instead of a traceback."""
    try:
        yield
    except MitraError:
        raise
    except Exception as exc:  # OSError, sqlite3 and Chroma errors all carry the cause in text
        error = storage_error(exc, data_dir)
        if error is None:
            raise
        raise error from exc


def _open_for_writing(
    settings: Settings,
    embeddings: MitraEmbeddings,
    *,
    catalog_path: Path | None = None,
    collection: str | None = None,
) -> tuple[Catalog, ChunkStore]:
    catalog = Catalog.create(catalog_path or settings.catalog_path)
    built_with = catalog.meta("embedding_model")
    if built_with and built_with != embeddings.model_name:
        catalog.close()
        raise ModelMismatchError(
            f"the index was built with the embedding model {built_with!r} but the settings say "
            f"{embeddings.model_name!r}: run `mitra index --rebuild` (or set "
            f"MITRA_EMBEDDING_MODEL={built_with})"
        )
    store = ChunkStore.open(
        open_client(settings),
        collection or settings.collection,
        embeddings.model_name,
        create=True,
        dimension=embeddings.dimension,
    )
    chunks = catalog.chunk_count()
    if chunks and store.count() == 0:
        catalog.close()
        raise IndexDamagedError(f"the vector store lost the index's {chunks} chunk vectors")
    return catalog, store


def _plan(
    paths: list[Path], settings: Settings, catalog: Catalog, report: SyncReport, *, prune: bool
) -> _Plan:
    loaded = load_paths(paths, settings.max_file_bytes, follow_symlinks=settings.follow_symlinks)
    report.problems.extend(loaded.problems)
    report.skipped += sum(p.skipped for p in loaded.problems)
    known = catalog.fingerprints()
    owner_of = {digest: aid for aid, (digest, _) in known.items()}
    plan = _Plan()
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    current: set[str] = set()
    for raw in loaded.articles:
        if raw.article_id in seen_id:
            report.skip(
                raw.path,
                f"another article in this run has the id {raw.article_id!r} "
                f"({seen_id[raw.article_id]}): give each its own id",
            )
            continue
        seen_id[raw.article_id] = raw.path
        current.add(raw.article_id)
        _plan_article(raw, known, owner_of, seen_hash, current, plan, report)
    gone = [aid for aid in known if aid not in current]
    renamed_away = {old for old, _, _ in plan.renamed}
    gone = [aid for aid in gone if aid not in renamed_away]
    if prune:
        plan.removed.extend(gone)
        report.removed = len(gone)
    else:
        report.not_pruned = len(gone)
    return plan


def _plan_article(
    raw: RawArticle,
    known: dict[str, tuple[str, str]],
    owner_of: dict[str, str],
    seen_hash: dict[str, str],
    current: set[str],
    plan: _Plan,
    report: SyncReport,
) -> None:
    article = clean_article(raw)
    if not article.text.strip():
        report.skip(raw.path, "no article text left after removing page furniture")
        return
    digest = content_hash(article)
    if digest in seen_hash:
        report.skip(raw.path, f"same article as {seen_hash[digest]} (indexed once)")
        return
    seen_hash[digest] = article.article_id
    owner = owner_of.get(digest)
    if owner is not None and owner != article.article_id:
        if owner in current or _still_there(known[owner][1]):
            report.skip(raw.path, f"same article as {owner} (indexed once)")
            return
        # The owner's file is gone: this is a rename, and its chunks keep their vectors.
        plan.renamed.append((owner, article.article_id, article.path))
        report.updated += 1
        return
    previous = known.get(article.article_id)
    if previous and previous[0] == digest:
        report.unchanged += 1
        return
    if previous:
        report.updated += 1
    else:
        report.added += 1
    plan.put.append(_records(article, digest))
    plan.events[article.article_id] = extract_events(article)


def _records(article: Article, digest: str) -> tuple[ArticleRecord, list[ChunkRecord]]:
    record = ArticleRecord(
        content_hash=digest, signature=signature(article.text), **asdict(article)
    )
    chunks = [
        ChunkRecord(
            chunk_id=chunk_id(digest, chunk.index),
            article_id=article.article_id,
            position=chunk.index,
            start=chunk.start,
            end=chunk.end,
            text=chunk.text,
            tokens=" ".join(keyword_tokens(chunk.text)),
        )
        for chunk in chunk_text(article.text)
    ]
    return record, chunks


def _still_there(path: str) -> bool:
    """Whether an indexed article's source file still exists (records: their file)."""
    return Path(re.sub(r"(:\d+|\[\d+\])$", "", path)).exists()


def _embed_missing(
    plan: _Plan,
    store: ChunkStore,
    embeddings: MitraEmbeddings,
    report: SyncReport,
    progress: Progress | None,
    *,
    donor: ChunkStore | None = None,
) -> None:
    """Store a vector for every chunk of the plan that has none: copied from `donor` (the
    index a rebuild replaces, same model) when it has one, else embedded."""
    chunks = [chunk for _, article_chunks in plan.put for chunk in article_chunks]
    have = store.present([c.chunk_id for c in chunks])
    pending = [c for c in chunks if c.chunk_id not in have]
    if donor is not None:
        copied = donor.copy_to(store, [c.chunk_id for c in pending])
        pending = [c for c in pending if c.chunk_id not in copied]
    total = len(pending)
    if progress:
        progress(0, total)
    for start in range(0, total, EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        vectors = embeddings.embed_documents([c.text for c in batch])
        store.upsert([c.chunk_id for c in batch], vectors)
        report.chunks_embedded += len(batch)
        if progress:
            progress(min(start + EMBED_BATCH, total), total)


def _commit(catalog: Catalog, store: ChunkStore, settings: Settings, plan: _Plan) -> None:
    """Apply `plan` in one transaction with a fresh keyword index; then drop unused vectors."""
    generation = catalog.meta("generation", "0")
    if not plan and (settings.keyword_dir / generation).is_dir():
        return
    before = set(catalog.chunk_ids())
    with catalog.transaction():
        for old_id, new_id, path in plan.renamed:
            catalog.rename_article(old_id, new_id, path)
        for article_id in plan.removed:
            catalog.delete_article(article_id)
        for article, chunks in plan.put:
            catalog.put_article(article, chunks)
            catalog.put_events(article.article_id, plan.events.get(article.article_id, []))
        catalog.set_stories(_stories(catalog))
        unused = sorted(before - set(catalog.chunk_ids()))
        catalog.set_meta(_PENDING, json.dumps(unused))
        catalog.set_meta("embedding_model", store.collection.metadata["embedding_model"])
        new_generation = str(int(generation) + 1)
        folder = settings.keyword_dir / new_generation
        shutil.rmtree(folder, ignore_errors=True)
        KeywordIndex.build(catalog.chunk_tokens()).save(folder)
    prune_folders(settings.keyword_dir, keep={generation, new_generation})
    _finish_deletions(catalog, store)


def _stories(catalog: Catalog) -> dict[str, str]:
    """Every article's story, regrouped from all signatures (a new copy joins its story)."""
    members = [
        StoryMember(article_id, date, outlet, sig, agency)
        for article_id, date, outlet, agency, sig in catalog.signatures()
    ]
    return group_stories(members)


def _finish_deletions(catalog: Catalog, store: ChunkStore) -> None:
    """Delete the vectors the last commit left unused (again, if a crash interrupted it)."""
    unused = json.loads(catalog.meta(_PENDING, "[]"))
    if unused:
        store.delete(unused)
        catalog.set_meta(_PENDING, "[]")


def _drop_damaged_keyword_index(catalog: Catalog, settings: Settings) -> None:
    """Remove a saved keyword index that no longer loads, so that this run writes it again."""
    folder = settings.keyword_dir / catalog.meta("generation", "0")
    if folder.is_dir():
        try:
            KeywordIndex.load(folder)
        except (OSError, ValueError, KeyError):
            shutil.rmtree(folder, ignore_errors=True)


def _rebuild(
    paths: list[Path], settings: Settings, embeddings: MitraEmbeddings, progress: Progress | None
) -> SyncReport:
    """Index everything anew beside the old index, then put the new one in its place.

    The old index keeps serving questions until the swap; a damaged one is set aside.
    """
    staging = settings.catalog_path.with_name("catalog.rebuild.sqlite3")
    staging.unlink(missing_ok=True)
    name = f"{settings.collection}.rebuild"
    client = _client_for_rebuild(settings)
    if name in {c.name for c in client.list_collections()}:
        client.delete_collection(name)
    catalog, store = _open_for_writing(settings, embeddings, catalog_path=staging, collection=name)
    try:
        catalog.set_meta("generation", str(_next_generation(settings)))
        report = SyncReport()
        plan = _plan(paths, settings, catalog, report, prune=False)
        if not plan:
            raise MitraError(
                f"nothing could be indexed from {', '.join(map(str, paths))} "
                f"({report.summary()}): the index is left as it was"
            )
        donor = _old_vectors(client, settings, embeddings)
        _embed_missing(plan, store, embeddings, report, progress, donor=donor)
        _commit(catalog, store, settings, plan)
    finally:
        catalog.close()
    if settings.collection in {c.name for c in client.list_collections()}:
        client.delete_collection(settings.collection)
    store.collection.modify(name=settings.collection)
    staging.replace(settings.catalog_path)
    return report


def _old_vectors(client: Any, settings: Settings, embeddings: MitraEmbeddings) -> ChunkStore | None:
    """The index being rebuilt, when its vectors come from the same model: they are reused."""
    try:
        old = ChunkStore.open(client, settings.collection, embeddings.model_name)
        old.count()
    except Exception:  # missing, built by another model, or damaged: embed anew
        return None
    return old


def _client_for_rebuild(settings: Settings) -> Any:
    """The Chroma client; an embedded store too damaged to open is set aside first."""
    try:
        return open_client(settings)
    except IndexDamagedError:
        aside = settings.chroma_dir.with_name("chroma.damaged")
        shutil.rmtree(aside, ignore_errors=True)
        settings.chroma_dir.rename(aside)
        return open_client(settings)


def _next_generation(settings: Settings) -> int:
    """A generation past the old catalog's, so readers never mistake the new one for it."""
    try:
        old = Catalog.open(settings.catalog_path)
        try:
            return int(old.meta("generation", "0")) + 1
        finally:
            old.close()
    except MitraError:
        return 1
