"""The index as readers see it: one consistent generation, swapped for the next between questions.

`mitra index` may change the index while the page or a long-lived `Assistant` runs. A reader
checks the catalog's identity (its file and generation) before each question and, when it
changed, loads the new generation whole: catalog, vector collection and keyword index. It never
writes, so a read-only data directory still answers questions.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import threading
import time
from dataclasses import dataclass

from chromadb.api import ClientAPI

from rag.catalog import Catalog, storage_error
from rag.config import Settings
from rag.errors import IndexDamagedError, IndexMissingError, MitraError, ModelMismatchError
from rag.keyword import KeywordIndex
from rag.store import ChunkStore, close_client, open_client, private_copy

log = logging.getLogger("mitra.reader")
# How long a replaced view stays usable: longer than any question takes to retrieve with it.
RETIRE_S = 10.0


@dataclass(frozen=True)
class IndexView:
    """One generation of the index."""

    catalog: Catalog
    store: ChunkStore
    keyword: KeywordIndex
    identity: tuple[int, str]
    client: ClientAPI

    @property
    def chunk_count(self) -> int:
        """How many chunks this generation holds (as its keyword index counts them)."""
        return len(self.keyword)


class IndexReader:
    """Hands out the current `IndexView`, reloading it when the index changed on disk.

    A replaced view is released (its files closed, its vectors out of memory) once it has been
    retired for `RETIRE_S` seconds, so a question still reading it finishes first.
    """

    def __init__(self, settings: Settings, model_name: str) -> None:
        self._settings = settings
        self._model_name = model_name
        self._lock = threading.Lock()
        self._view: IndexView | None = None
        self._retired: list[tuple[float, IndexView]] = []  # (when, view)
        self._server: ClientAPI | None = None  # a Chroma server's client serves every view

    def view(self) -> IndexView:
        """The current index; `IndexMissingError` when there is none yet."""
        with self._lock:
            view = self._view
            if view is None or view.catalog.identity() != view.identity:
                current = self._load(view)
                if view is not None:
                    self._retired.append((time.monotonic(), view))
                self._view = view = current
            self._release_retired(RETIRE_S)
            return view

    def _release_retired(self, after_s: float) -> None:
        now = time.monotonic()
        due = [view for when, view in self._retired if now - when >= after_s]
        if not due:
            return
        self._retired = [(when, view) for when, view in self._retired if now - when < after_s]
        live = [view for _, view in self._retired]
        if self._view is not None:
            live.append(self._view)
        for view in due:
            if all(view.catalog is not v.catalog for v in live):
                view.catalog.close()
            if all(view.client is not v.client for v in live):
                close_client(view.client)
        _return_freed_memory()

    def _load(self, previous: IndexView | None) -> IndexView:
        catalog = previous.catalog if previous else None
        if catalog is None or catalog.identity()[1] == "":  # none yet, or a rebuild replaced it
            catalog = Catalog.open(self._settings.catalog_path)
        try:
            return self._load_from(catalog)
        except BaseException:
            if previous is None or catalog is not previous.catalog:
                catalog.close()
            raise

    def _load_from(self, catalog: Catalog) -> IndexView:
        identity = catalog.identity()
        built_with = catalog.meta("embedding_model")
        if built_with and built_with != self._model_name:
            raise ModelMismatchError(
                f"the index was built with the embedding model {built_with!r} but the settings "
                f"say {self._model_name!r}: run `mitra index --rebuild` (or set "
                f"MITRA_EMBEDDING_MODEL={built_with})"
            )
        if catalog.article_count() == 0:
            raise IndexMissingError("the index holds no articles")
        client, store = self._store(catalog)
        return IndexView(catalog, store, self._keyword(catalog, identity[1]), identity, client)

    def _store(self, catalog: Catalog) -> tuple[ClientAPI, ChunkStore]:
        """The vectors of this generation (a rebuild replaces the collection: opened anew)."""
        if self._settings.chroma_url:
            self._server = self._server or open_client(self._settings, readonly=True)
            client = self._server
        else:
            client = open_client(self._settings, readonly=True)
        lost = IndexDamagedError(
            f"the vector store lost the index's {catalog.chunk_count()} chunk vectors"
        )
        try:
            store = ChunkStore.open(client, self._settings.collection, self._model_name)
            count = store.count()
        except IndexMissingError as exc:
            raise lost from exc
        except MitraError:
            raise
        except Exception as exc:  # Chroma's own errors: reading may need to write first
            if self._settings.chroma_url or storage_error(exc, self._settings.chroma_dir) is None:
                raise IndexDamagedError(f"the vector store cannot be read ({exc})") from exc
            close_client(client)
            client = private_copy(self._settings.chroma_dir)
            store = ChunkStore.open(client, self._settings.collection, self._model_name)
            count = store.count()
        if count == 0:
            raise lost
        return client, store

    def _keyword(self, catalog: Catalog, generation: str) -> KeywordIndex:
        folder = self._settings.keyword_dir / generation
        try:
            return KeywordIndex.load(folder)
        except (OSError, ValueError, KeyError) as exc:
            # Rebuilt in memory; the next `mitra index` writes it again.
            log.warning(
                "keyword index %s unusable (%s): rebuilding it from the catalog", folder, exc
            )
            return KeywordIndex.build(catalog.chunk_tokens())

    def close(self) -> None:
        """Release the current view and every retired one now."""
        with self._lock:
            if self._view is not None:
                self._retired.append((-math.inf, self._view))
                self._view = None
            self._release_retired(0.0)


def _return_freed_memory() -> None:
    """Hand the memory of released views back to the system.

    glibc keeps it in the arenas of the threads that allocated it, and every view's Chroma
    instance brings threads of its own.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)
