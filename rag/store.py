"""The Chroma collection of chunks: embedded under the data directory, or a Chroma server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings
from rag.errors import ConfigError, IndexMissingError, MitraError, ModelMismatchError

_PAGE = 2000
# Chroma logs telemetry and client noise at INFO; users only need our own messages.
logging.getLogger("chromadb").setLevel(logging.ERROR)


def open_client(settings: Settings) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client for `chroma_url`."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(
            f"MITRA_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
        )
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises several unrelated types for a dead server
        raise MitraError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({exc}): start it "
            "(`chroma run --path DIR --port PORT`) or unset MITRA_CHROMA_URL"
        ) from exc


@dataclass
class StoredArticle:
    """What the index holds for one article id: chunk ids by content hash."""

    chunks: dict[str, set[str]] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    path: str = ""

    def is_complete(self, content_hash: str) -> bool:
        return len(self.chunks.get(content_hash, ())) == self.expected.get(content_hash, -1)


class ChunkStore:
    """The chunks of all indexed articles, with their article metadata, in one collection."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    @classmethod
    def open(
        cls,
        client: ClientAPI,
        name: str,
        model_name: str,
        *,
        create: bool = False,
        dimension: int | None = None,
    ) -> ChunkStore:
        """Open the collection, checking it was built with `model_name`."""
        if create:
            collection = client.get_or_create_collection(
                name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": model_name, "dimension": dimension or 0},
                embedding_function=None,
            )
        else:
            try:
                collection = client.get_collection(name, embedding_function=None)
            except Exception as exc:  # NotFoundError, or ValueError on older servers
                raise IndexMissingError(f"there is no index ({name!r} not found)") from exc
        built_with = (collection.metadata or {}).get("embedding_model")
        if built_with and built_with != model_name:
            raise ModelMismatchError(
                f"the index was built with the embedding model {built_with!r} but the settings "
                f"say {model_name!r}: run `mitra index --rebuild` (or set "
                f"MITRA_EMBEDDING_MODEL={built_with})"
            )
        return cls(collection)

    def count(self) -> int:
        return self.collection.count()

    def upsert(
        self,
        ids: list[str],
        documents: list[str],
        metadatas: list[dict[str, Any]],
        embeddings: list[list[float]],
    ) -> None:
        self.collection.upsert(
            ids=ids, documents=documents, metadatas=metadatas, embeddings=embeddings
        )

    def update_metadata(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        self.collection.update(ids=ids, metadatas=metadatas)

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self.collection.delete(ids=ids[start : start + _PAGE])

    def iter_chunks(self, include_documents: bool = False) -> Iterator[tuple[str, str, dict]]:
        """Every chunk as (id, document or "", metadata), page by page."""
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            documents = page.get("documents") or [""] * len(page["ids"])
            yield from zip(page["ids"], documents, page["metadatas"], strict=True)
            offset += len(page["ids"])

    def stored_articles(self) -> dict[str, StoredArticle]:
        """What is indexed, per article id, for incremental sync."""
        articles: dict[str, StoredArticle] = {}
        for chunk_id, _, meta in self.iter_chunks():
            stored = articles.setdefault(str(meta["article_id"]), StoredArticle())
            content_hash = str(meta["content_hash"])
            stored.chunks.setdefault(content_hash, set()).add(chunk_id)
            stored.expected[content_hash] = int(meta["n_chunks"])
            stored.path = str(meta.get("path", ""))
        return articles

    def query(self, vector: list[float], n: int) -> list[tuple[str, str, dict, float]]:
        """The `n` nearest chunks as (id, document, metadata, cosine similarity)."""
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=n,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (chunk_id, doc, meta, 1.0 - dist)
            for chunk_id, doc, meta, dist in zip(
                result["ids"][0],
                result["documents"][0],
                result["metadatas"][0],
                result["distances"][0],
                strict=True,
            )
        ]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """The metadata of an article's first chunk, which carries its whole cleaned text."""
        page = self.collection.get(
            where={"$and": [{"article_id": article_id}, {"chunk_index": 0}]},
            include=["metadatas"],
        )
        return page["metadatas"][0] if page["ids"] else None


def open_store(
    settings: Settings, model_name: str, *, create: bool = False, dimension: int | None = None
) -> ChunkStore:
    """The configured collection, embedded or on the Chroma server."""
    return ChunkStore.open(
        open_client(settings), settings.collection, model_name, create=create, dimension=dimension
    )
