"""Shared fixtures: settings in a temp data dir, a copy of the seed articles, a Chroma server.

Every test runs with its own MITRA_DATA_DIR and no other MITRA_* setting from outside, and
cannot reach the network beyond loopback.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from index import BUNDLED_ARTICLES
from rag.config import Settings
from rag.embeddings import MitraEmbeddings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWS_2025 = SHARED / "news-2025" / "articles.jsonl"


class NetworkBlockedError(ConnectionRefusedError):
    """A test tried to reach a host other than this machine."""


def is_local(host: object) -> bool:
    """Whether `host` (a name or an address) is this machine: loopback, or any address to bind."""
    if not isinstance(host, str):
        return False
    if host.lower().rstrip(".") in ("", "localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return address.is_loopback or address.is_unspecified


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _local_connect(real: Any) -> Any:
    def connect(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise NetworkBlockedError(f"tests may not reach the network: connect to {address}")
        return real(sock, address)

    return connect


def _local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and not is_local(name):
        raise socket.gaierror(
            socket.EAI_NONAME, f"tests may not reach the network: look-up of {name!r}"
        )
    return _getaddrinfo(host, *args, **kwargs)


def pytest_runtest_setup() -> None:
    """No test reaches the network beyond this machine: connections and name look-ups fail.

    Set before each test's fixtures, rather than once, because pytest-socket (which
    langchain-tests brings) puts the real `socket.socket.connect` back after every test.
    """
    socket.socket.connect = _local_connect(_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _local_connect(_connect_ex)  # type: ignore[method-assign]
    socket.getaddrinfo = _local_getaddrinfo


def _drop_mitra_settings(patch: pytest.MonkeyPatch) -> None:
    """Unset the MITRA_* settings of the environment (MITRA_TEST_* configure the tests).

    Answers come from the extractive backend unless a test names a model: the bundled LLM takes
    seconds per answer on two cores, and the tests of the LLM path ask for it.
    """
    for name in list(os.environ):
        if name.startswith("MITRA_") and not name.startswith("MITRA_TEST_"):
            patch.delenv(name)
    patch.setenv("MITRA_LLM", "extractive")


@pytest.fixture(autouse=True, scope="session")
def _no_outside_settings() -> Iterator[None]:
    """Module- and session-wide fixtures see no MITRA_* setting of the developer's either."""
    with pytest.MonkeyPatch.context() as patch:
        _drop_mitra_settings(patch)
        yield


@pytest.fixture(autouse=True)
def mitra_env(tmp_path: Path, model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own MITRA_DATA_DIR; converted models come from the shared cache."""
    _drop_mitra_settings(monkeypatch)
    monkeypatch.setenv("MITRA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MITRA_MODEL_CACHE", str(model_cache))
    return tmp_path / "data"


class FakeEmbeddings(MitraEmbeddings):
    """Unit vectors seeded by a hash of the text (LangChain's `DeterministicFakeEmbedding`)."""

    def __init__(self, dimension: int = 64) -> None:
        super().__init__("fake-deterministic", dimension)
        self._fake = DeterministicFakeEmbedding(size=dimension)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.array([self._fake.embed_query(text) for text in texts], np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def fake_embeddings(monkeypatch: pytest.MonkeyPatch) -> FakeEmbeddings:
    """Fake embeddings wherever mitra loads its model (indexing, the assistant), for tests that
    do not measure retrieval quality: no model to load, the same vectors on every run."""
    import index.sync
    import rag.assistant
    import rag.embeddings

    fake = FakeEmbeddings()
    for module in (rag.embeddings, index.sync, rag.assistant):
        monkeypatch.setattr(module, "load_embeddings", lambda *_args, **_kwargs: fake)
    return fake


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a server the tests started; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Converted embedding models persist between runs: the conversion is slow and pure."""
    cache = Path(os.environ.get("MITRA_TEST_MODEL_CACHE", Path.home() / ".cache/mitra/models"))
    cache.mkdir(parents=True, exist_ok=True)
    return cache


@pytest.fixture
def settings(tmp_path: Path, model_cache: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_cache=model_cache, llm="extractive")


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A writable copy of the five bundled seed articles."""
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED_ARTICLES, folder)
    return folder


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    """Start a real `chroma run` server on 127.0.0.1 over `path`; returns it and its URL."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_process(process)
                pytest.fail("`chroma run` did not start")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1; yields its URL."""
    process, url = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    try:
        yield url
    finally:
        stop_process(process)
