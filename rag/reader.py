"""The index as readers see it: one consistent generation, swapped for the next between questions.

`mitra index` may change the index while the page or a long-lived `Assistant` runs. A reader
checks the catalog's identity (its file and generation) before each question and, when it
changed, loads the new generation whole: catalog, vector collection and keyword index. It never
writes, so a read-only data directory still answers questions.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from rag.catalog import Catalog
from rag.config import Settings
from rag.errors import IndexDamagedError, IndexMissingError, ModelMismatchError
from rag.keyword import KeywordIndex
from rag.store import ChunkStore, open_client

log = logging.getLogger("mitra.reader")


@dataclass(frozen=True)
class IndexView:
    """One generation of the index."""

    catalog: Catalog
    store: ChunkStore
    keyword: KeywordIndex
    identity: tuple[int, str]

    @property
    def chunk_count(self) -> int:
        return len(self.keyword)


class IndexReader:
    """Hands out the current `IndexView`, reloading it when the index changed on disk."""

    def __init__(self, settings: Settings, model_name: str) -> None:
        self._settings = settings
        self._model_name = model_name
        self._lock = threading.Lock()
        self._view: IndexView | None = None
        self._client = None

    def view(self) -> IndexView:
        """The current index; `IndexMissingError` when there is none yet."""
        with self._lock:
            view = self._view
            if view is None or view.catalog.identity() != view.identity:
                self._view = view = self._load(view)
            return view

    def _load(self, previous: IndexView | None) -> IndexView:
        catalog = previous.catalog if previous else None
        if catalog is not None and catalog.identity()[1] == "":  # a rebuild replaced the file
            catalog.close()
            catalog = None
        if catalog is None:
            catalog = Catalog.open(self._settings.catalog_path)
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
        if self._client is None:
            self._client = open_client(self._settings, readonly=True)
        # A rebuild replaces the collection: fetch it anew with every generation.
        store = ChunkStore.open(self._client, self._settings.collection, self._model_name)
        if store.count() == 0:
            raise IndexDamagedError(
                f"the vector store lost the index's {catalog.chunk_count()} chunk vectors"
            )
        return IndexView(catalog, store, self._keyword(catalog, identity[1]), identity)

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
        with self._lock:
            if self._view is not None:
                self._view.catalog.close()
                self._view = None
