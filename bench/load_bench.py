"""Load benchmark: 20 simulated users asking through the web app's API, then `rag.ask()` directly.

    python bench/load_bench.py [--url http://127.0.0.1:PORT/] [--users 20] [--seconds 60]
                               [--max-requests 200] [--data-dir DIR] [--json]

Without `--url` it starts `mitra ui` on a free loopback port over `--data-dir` (default: a
temporary folder, indexed from the bundled articles on start). With `--url` it connects to a
running app, which must listen on a loopback address; give the app's data directory as
`--data-dir` so that the direct calls read the same index. Each simulated user asks the
questions in turn, each in a new conversation, through the `/chat` endpoint the page uses
(Gradio's queue included), until the time or the request budget is spent. The same questions
then go through `rag.ask()` in this process, one at a time. Prints errors (there must be none),
p50/p95 latency and throughput for both, and the app/direct latency ratios; exits 1 on errors.
Answers come from the backend `MITRA_LLM` names: the local LLM by default; `MITRA_LLM=extractive`
measures the app and its queue alone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from gradio_client import Client  # noqa: E402
from ui_server import running_ui  # noqa: E402

from ui.app import is_loopback  # noqa: E402

QUESTIONS = [
    "What kind of cooperation did Russian and Palestinian officials discuss in Moscow?",
    "Apa yang dibahas Putin dengan Menteri Pertahanan China Li Shangfu?",
    "Why did Russia and Myanmar meet in July?",
    "Mengapa Rusia dan China memperluas kerja sama keamanan?",
    "Apa yang dikatakan Putin tentang hubungan Rusia dan Iran?",
    "Which Chinese state broadcaster reported Li Shangfu's comments?",
    "Kapan Moskow mengirim puluhan ribu tentara ke Ukraina?",
    "Who is Nikolai Patrushev?",
]


@dataclass
class Run:
    """Latencies (seconds) and errors of one way of asking."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def figures(self) -> dict[str, float | int | str]:
        ordered = sorted(self.latencies)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else 0.0
        return {
            "name": self.name,
            "requests": len(self.latencies) + len(self.errors),
            "errors": len(self.errors),
            "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
            "p95_ms": round(p95 * 1000, 1),
            "per_s": round(len(self.latencies) / self.wall_s, 2) if self.wall_s else 0.0,
        }


def through_app(url: str, users: int, seconds: float, max_requests: int) -> Run:
    """`users` threads, each a Gradio client session, asking until time or budget runs out."""
    run = Run(f"app, {users} users")
    budget = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(number: int) -> None:
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        questions = itertools.cycle(QUESTIONS[number % len(QUESTIONS) :] + QUESTIONS)
        while time.monotonic() < deadline and next(budget) < max_requests:
            question = next(questions)
            client.reset_session()  # a new conversation: no follow-up rewriting
            started = time.perf_counter()
            try:
                _, chat, sources = client.predict(question, [], api_name="/chat")
                error = check_reply(chat, sources)
            except Exception as exc:  # every failure counts, whatever its kind
                error = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                if error:
                    run.errors.append(f"{question}: {error}")
                else:
                    run.latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.wall_s = time.perf_counter() - started
    return run


def check_reply(chat: list[dict], sources: str) -> str:
    """Why a reply is not an answer with sources (or a plain abstention); empty when it is."""
    reply = chat[-1]["content"][0]["text"] if chat else ""
    if 'class="notice"' in reply:
        return f"the app answered with an error: {reply}"
    if 'class="turn"' not in sources:
        return "no sources panel in the reply"
    return ""


def directly(ask: Callable[[str], object], count: int) -> Run:
    """The same questions through `rag.ask()` in this process, one at a time."""
    run = Run("rag.ask(), 1 caller")
    ask(QUESTIONS[0])  # load the assistant outside the timing, as the app did at start
    started = time.perf_counter()
    for question in itertools.islice(itertools.cycle(QUESTIONS), count):
        began = time.perf_counter()
        try:
            ask(question)
            run.latencies.append(time.perf_counter() - began)
        except Exception as exc:
            run.errors.append(f"{question}: {type(exc).__name__}: {exc}")
    run.wall_s = time.perf_counter() - started
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app on a loopback address (default: start one)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, help="the index both sides read")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        with ExitStack() as server:
            url = args.url
            if url is None:
                print(f"starting `mitra ui` over {data_dir} …", file=sys.stderr)
                url = server.enter_context(running_ui(data_dir))
            elif not is_loopback(urlparse(url).hostname or ""):
                parser.error("--url must be a loopback address such as http://127.0.0.1:7860/")
            app = through_app(url, args.users, args.seconds, args.max_requests)
        # The app has stopped (or is idle): the direct calls get the machine to themselves.
        os.environ["MITRA_DATA_DIR"] = str(data_dir)
        from rag import ask

        direct = directly(ask, min(len(app.latencies) or len(QUESTIONS), args.max_requests))
    report(app, direct, as_json=args.json)
    return 1 if app.errors or direct.errors else 0


def report(app: Run, direct: Run, *, as_json: bool) -> None:
    rows = [app.figures(), direct.figures()]
    ratios = {
        f"{key}_ratio": round(float(rows[0][key]) / float(rows[1][key]), 1) if rows[1][key] else 0
        for key in ("p50_ms", "p95_ms", "per_s")
    }
    if as_json:
        print(json.dumps({"app": rows[0], "direct": rows[1], **ratios}))
    else:
        print(f"{'':22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}")
        for row in rows:
            print(
                f"{row['name']:22}{row['requests']:>9}{row['errors']:>8}"
                f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['per_s']:>8}"
            )
        print(
            f"app/direct: latency p50 ×{ratios['p50_ms_ratio']}, p95 ×{ratios['p95_ms_ratio']}; "
            f"throughput ×{ratios['per_s_ratio']}"
        )
    for error in (app.errors + direct.errors)[:10]:
        print(f"error: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
