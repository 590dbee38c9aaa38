"""The chunk vectors in Chroma: embedded under the data directory, or on a Chroma server.

A chunk's id derives from its article's content, so a vector is computed once and kept while
any indexed article has that chunk; everything else about chunks lives in the catalog.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.api import ClientAPI, ServerAPI
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import PyEmbedding
from chromadb.config import Settings as ChromaSettings
from chromadb.config import System

from rag.catalog import storage_error
from rag.config import Settings
from rag.errors import (
    ConfigError,
    IndexDamagedError,
    IndexMissingError,
    MitraError,
    ModelMismatchError,
    StorageError,
)

_PAGE = 2000
T = TypeVar("T")
# The Chroma instance of each client `_own_client` opened, stopped by `close_client`.
_OWN_SYSTEMS: weakref.WeakKeyDictionary[ClientAPI, System] = weakref.WeakKeyDictionary()
log = logging.getLogger("mitra.store")
# Chroma logs telemetry and client noise at INFO; users only need our own messages.
logging.getLogger("chromadb").setLevel(logging.ERROR)


def open_client(settings: Settings, *, readonly: bool = False) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client for `chroma_url`.

    A reader (`readonly`) gets an embedded client of its own each time: Chroma keeps a
    collection's vectors in memory per client, and a shared one would never see what
    `mitra index` in another process wrote since. Where Chroma cannot open its files (a
    read-only or full disk), a reader opens a private copy, so questions are still answered.
    """
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        return _http_client(settings, chroma_settings)
    path = settings.chroma_dir
    if readonly and not path.exists():
        raise IndexMissingError("there is no index yet")
    try:
        if readonly:
            return _own_client(path)
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises InternalError and others for bad files
        # Chroma keeps a client that failed to start and hands it out again: drop it.
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        error = _open_error(exc, path)
        if readonly and isinstance(error, StorageError):
            return private_copy(path)
        raise error from exc


def private_copy(path: Path) -> ClientAPI:
    """A client on a copy of the store at `path`, in a temporary folder removed at exit.

    For readers of a store Chroma cannot open or read in place: opening and reading may write
    (Chroma applies pending changes first), which a read-only or full disk refuses.
    """
    copy = Path(tempfile.mkdtemp(prefix="mitra-chroma-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    try:
        shutil.copytree(path, copy, dirs_exist_ok=True)
        client = _own_client(copy)
    except Exception as exc:
        shutil.rmtree(copy, ignore_errors=True)
        raise _open_error(exc, path) from exc
    log.warning("%s cannot be used in place: answering from a private copy in %s", path, copy)
    return client


def _own_client(path: Path) -> ClientAPI:
    """An embedded client with a Chroma instance of its own (later clients of `path` share it)."""
    system = System(
        ChromaSettings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(path))
    )
    # Chroma asks for its abstract API class and gets the configured implementation.
    system.instance(ServerAPI)  # type: ignore[type-abstract]
    system.start()
    client = Client.from_system(system)
    _OWN_SYSTEMS[client] = system
    return client


def close_client(client: ClientAPI) -> None:
    """Stop the Chroma instance a reader's embedded client has to itself.

    That frees its memory and files; any other client is left alone. The client must not be
    used afterwards.
    """
    system = _OWN_SYSTEMS.pop(client, None)
    if system is not None:
        system.stop()


def _open_error(exc: Exception, path: Path) -> MitraError:
    return storage_error(exc, path) or IndexDamagedError(
        f"the vector store in {path} cannot be opened ({' '.join(str(exc).split())[:160]})"
    )


def _http_client(settings: Settings, chroma_settings: ChromaSettings) -> ClientAPI:
    base = settings.chroma_url or ""
    url = urlparse(base)
    host = url.hostname
    if url.scheme not in ("http", "https") or not host:
        raise ConfigError(
            f"MITRA_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
        )
    timeout = settings.chroma_timeout
    unreachable = (
        f"the Chroma server at {settings.chroma_url} did not answer within {timeout:g} s: start "
        "it (`chroma run --path DIR --port PORT`), raise MITRA_CHROMA_TIMEOUT, or unset "
        "MITRA_CHROMA_URL"
    )
    # Chroma's client waits forever for an answer, and its start already asks the server
    # for its tenant and database: ask first, and start it, under one deadline.
    deadline = time.monotonic() + timeout
    try:
        httpx.get(f"{base.rstrip('/')}/api/v2/heartbeat", timeout=timeout)
        client = _within(
            deadline - time.monotonic(),
            lambda: chromadb.HttpClient(
                host=host,
                port=url.port or (443 if url.scheme == "https" else 80),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            ),
        )
    except (httpx.TimeoutException, TimeoutError) as exc:
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


def _within(seconds: float, make: Callable[[], T]) -> T:
    """`make()`, or TimeoutError after `seconds` (a hung call is left to a daemon thread)."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, make()))
        except BaseException as exc:  # handed to the caller
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="mitra-chroma-start", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if not outcome:
        raise TimeoutError(f"no answer within {seconds:.1f} s")
    done, value = outcome[0]
    if not done:
        raise value
    return value


@contextmanager
def _server_errors() -> Iterator[None]:
    """A Chroma server that stops answering mid-session, as one line instead of a traceback."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise MitraError(
            "the Chroma server did not answer within MITRA_CHROMA_TIMEOUT: check that it is "
            "running, or raise the limit"
        ) from exc
    except httpx.TransportError as exc:
        raise MitraError(
            f"lost the connection to the Chroma server ({exc}): check that it is running"
        ) from exc


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
            with _server_errors():
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
        """How many vectors the collection holds."""
        with _server_errors():
            return self.collection.count()

    def upsert(self, ids: list[str], embeddings: Iterable[Iterable[float]]) -> None:
        """Store vectors by chunk id (the text is in the catalog: not stored twice)."""
        with _server_errors():
            vectors: list[PyEmbedding] = [list(v) for v in embeddings]
            self.collection.upsert(ids=ids, embeddings=vectors)

    def present(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` already have a vector (a resumed run does not embed them again)."""
        found: set[str] = set()
        for start in range(0, len(ids), _PAGE):
            with _server_errors():
                page = self.collection.get(ids=list(ids[start : start + _PAGE]), include=[])
            found.update(page["ids"])
        return found

    def copy_to(self, other: ChunkStore, ids: Sequence[str]) -> set[str]:
        """Copy the vectors this store has for `ids` into `other`; returns the ids copied."""
        copied: set[str] = set()
        for start in range(0, len(ids), _PAGE):
            with _server_errors():
                page = self.collection.get(
                    ids=list(ids[start : start + _PAGE]), include=["embeddings"]
                )
            vectors = page["embeddings"]
            if len(page["ids"]) and vectors is not None:
                other.upsert(list(page["ids"]), vectors)
                copied.update(page["ids"])
        return copied

    def delete(self, ids: Sequence[str]) -> None:
        """Delete the vectors of these chunk ids."""
        for start in range(0, len(ids), _PAGE):
            with _server_errors():
                self.collection.delete(ids=list(ids[start : start + _PAGE]))

    def all_ids(self) -> Iterator[str]:
        """Every chunk id in the collection, fetched a page at a time."""
        offset = 0
        while True:
            with _server_errors():
                page = self.collection.get(include=[], limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield from page["ids"]
            offset += len(page["ids"])

    def query(self, vector: list[float], n: int) -> list[tuple[str, float]]:
        """The `n` nearest chunks as (id, cosine similarity)."""
        queries: list[PyEmbedding] = [vector]
        with _server_errors():
            result = self.collection.query(
                query_embeddings=queries, n_results=n, include=["distances"]
            )
        distances = result["distances"]
        assert distances is not None  # asked for in `include`
        return [
            (chunk_id, 1.0 - distance)
            for chunk_id, distance in zip(result["ids"][0], distances[0], strict=True)
        ]
