"""The chunk vectors in Chroma: embedded under the data directory, or on a Chroma server.

A chunk's id derives from its article's content, so a vector is computed once and kept while
any indexed article has that chunk; everything else about chunks lives in the catalog.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings
from rag.errors import (
    ConfigError,
    IndexDamagedError,
    IndexMissingError,
    MitraError,
    ModelMismatchError,
)

_PAGE = 2000
log = logging.getLogger("mitra.store")
# Chroma logs telemetry and client noise at INFO; users only need our own messages.
logging.getLogger("chromadb").setLevel(logging.ERROR)


def open_client(settings: Settings, *, readonly: bool = False) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client for `chroma_url`.

    Chroma cannot open its files on a read-only disk; a reader (`readonly`) then opens a
    private copy, so questions are still answered.
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        return _http_client(settings, chroma_settings)
    path = settings.chroma_dir
    if readonly and not path.exists():
        raise IndexMissingError("there is no index yet")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises InternalError and others for bad files
        if readonly and "readonly" in str(exc).replace("-", "").lower():
            copy = Path(tempfile.mkdtemp(prefix="mitra-chroma-"))
            shutil.copytree(path, copy, dirs_exist_ok=True)
            log.warning("%s is read-only: answering from a private copy in %s", path, copy)
            return chromadb.PersistentClient(path=str(copy), settings=chroma_settings)
        raise _open_error(exc, path) from exc


def _open_error(exc: Exception, path: Path) -> MitraError:
    from rag.catalog import storage_error

    return storage_error(exc, path) or IndexDamagedError(
        f"the vector store in {path} cannot be opened ({' '.join(str(exc).split())[:160]})"
    )


def _http_client(settings: Settings, chroma_settings: ChromaSettings) -> ClientAPI:
    url = urlparse(settings.chroma_url or "")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(
            f"MITRA_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
        )
    timeout = settings.chroma_timeout
    unreachable = (
        f"the Chroma server at {settings.chroma_url} did not answer within {timeout:g} s: start "
        "it (`chroma run --path DIR --port PORT`), raise MITRA_CHROMA_TIMEOUT, or unset "
        "MITRA_CHROMA_URL"
    )
    # Chroma's client waits forever for an answer; ask first, with a deadline.
    try:
        httpx.get(f"{settings.chroma_url.rstrip('/')}/api/v2/heartbeat", timeout=timeout)
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except httpx.TimeoutException as exc:
        raise MitraError(unreachable) from exc
    except Exception as exc:  # chromadb raises several unrelated types for a dead server
        raise MitraError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({exc}): start it "
            "(`chroma run --path DIR --port PORT`) or unset MITRA_CHROMA_URL"
        ) from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):  # bound every later request too
        session.timeout = httpx.Timeout(timeout)
    return client


class ChunkStore:
    """One Chroma collection of chunk vectors (cosine), recording the model that made them."""

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
        try:
            if create:
                collection = client.get_or_create_collection(
                    name,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedding_model": model_name, "dimension": dimension or 0},
                    embedding_function=None,
                )
            else:
                collection = client.get_collection(name, embedding_function=None)
        except MitraError:
            raise
        except Exception as exc:  # NotFoundError, or ValueError on older servers
            if create:
                raise _open_error(exc, Path(name)) from exc
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

    def upsert(self, ids: list[str], documents: list[str], embeddings: list[list[float]]) -> None:
        self.collection.upsert(ids=ids, documents=documents, embeddings=embeddings)

    def present(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` already have a vector (a resumed run does not embed them again)."""
        found: set[str] = set()
        for start in range(0, len(ids), _PAGE):
            page = self.collection.get(ids=list(ids[start : start + _PAGE]), include=[])
            found.update(page["ids"])
        return found

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self.collection.delete(ids=list(ids[start : start + _PAGE]))

    def all_ids(self) -> Iterator[str]:
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield from page["ids"]
            offset += len(page["ids"])

    def query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        """The `n` nearest chunks as (id, cosine similarity)."""
        result = self.collection.query(
            query_embeddings=[vector], n_results=n, include=["distances"]
        )
        return [
            (chunk_id, 1.0 - distance)
            for chunk_id, distance in zip(result["ids"][0], result["distances"][0], strict=True)
        ]
