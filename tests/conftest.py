"""Shared fixtures: settings in a temp data dir, a copy of the seed articles, a Chroma server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import BUNDLED_ARTICLES
from rag.config import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWS_2025 = SHARED / "news-2025" / "articles.jsonl"


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
    return Settings(data_dir=tmp_path / "data", model_cache=model_cache)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A writable copy of the five bundled seed articles."""
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED_ARTICLES, folder)
    return folder


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1; yields its URL."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    path = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("`chroma run` did not start")
                time.sleep(0.3)
        yield url
    finally:
        stop_process(process)
