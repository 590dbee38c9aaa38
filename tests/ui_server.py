"""Run `mitra ui` as a subprocess on a free loopback port (browser tests, the load bench)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from conftest import free_port, stop_process

# The first start converts the embedding model and indexes the bundled articles.
START_TIMEOUT_S = 240


@contextmanager
def running_ui(data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start `mitra ui` with `MITRA_DATA_DIR=data_dir`; yields its URL, stops it afterwards.

    Its output goes to `data_dir/../mitra-ui.log`, quoted when it fails to start.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    mitra = Path(sys.executable).with_name("mitra")
    environ = {**os.environ, "MITRA_DATA_DIR": str(data_dir), **(env or {})}
    log_path = data_dir.parent / "mitra-ui.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(mitra), "ui", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log_path)
        yield url
    finally:
        stop_process(process, timeout=15)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}gradio_api/info", timeout=5):
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"`mitra ui` did not start at {url}; its output:\n{output}")
        time.sleep(0.5)
