"""Scale benchmark: cold start, memory and retrieval at ~15k and ~100k chunks, old and new.

    python bench/scale_bench.py [--root DIR] [--target 100000] [--questions 30] [--runs 3]
                                [--llm extractive] [--json]

The ~15k index is the five seeds plus ../shared/news-2025, built once with `mitra index` into
`--root`/15k and reused by later runs. The ~100k one is that index replicated with distinct ids
(catalog rows copied, vectors read back from Chroma and stored again under the new ids: nothing
is embedded again), built once into `--root`/100k. For each size it measures:

- cold start: `mitra ask` in a fresh process, wall time to the printed answer, CPU time (user
  and system: about what the wall time is on an idle machine, a shared one adds waiting) and
  peak resident memory (medians of `--runs`);
- the old design's cold start: the same process, first reading every chunk from Chroma and
  building BM25 in memory (what each process did before the catalog and the saved keyword
  index), measured the same way, and the ratios new/old;
- retrieval p50/p95 in one process over `--questions` questions (after one warm-up).

Skips, saying so, when ../shared/news-2025 is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import BUNDLED_ARTICLES  # noqa: E402
from index.sync import chunk_id  # noqa: E402
from rag.catalog import Catalog  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.keyword import KeywordIndex  # noqa: E402
from rag.store import ChunkStore, open_client  # noqa: E402

NEWS = ROOT.parent / "shared" / "news-2025" / "articles.jsonl"
QUESTIONS = ROOT / "bench" / "data" / "questions_news.jsonl"
COLD_QUESTION = "Siapa yang menandatangani nota kesepakatan platform investasi Rusia–Indonesia?"
PAGE = 2000
# What each `mitra ask` process did before the redesign, on top of today's start: read every
# chunk's text and build BM25 over it. The old reader read the texts (and metadata) from
# Chroma; here they come from the faster catalog, so the old cost is, if anything, understated.
OLD_DESIGN = """
import sys
from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.keyword import KeywordIndex
from rag.text.stem import keyword_tokens
assistant = Assistant()
catalog = Catalog.open(assistant.settings.catalog_path)
chunks = catalog.chunks(catalog.chunk_ids())
KeywordIndex.build((cid, keyword_tokens(c.text)) for cid, c in chunks.items())
print(assistant.ask(sys.argv[1]).text)
"""
# Runs a command; prints its wall time, CPU time (user + system) and peak resident memory (KiB).
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if done.returncode:
    sys.exit(done.stderr[-2000:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


@dataclass
class Row:
    """One index size's figures."""

    name: str
    chunks: int
    cold_s: float
    cold_cpu_s: float
    rss_mb: float
    old_cold_s: float
    old_cold_cpu_s: float
    old_rss_mb: float
    p50_ms: float
    p95_ms: float

    @property
    def cold_ratio(self) -> float:
        return self.cold_s / self.old_cold_s

    @property
    def rss_ratio(self) -> float:
        return self.rss_mb / self.old_rss_mb


def environment(data_dir: Path, settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "MITRA_DATA_DIR": str(data_dir),
        "MITRA_MODEL_CACHE": str(settings.models_dir),
        "MITRA_LLM": settings.llm,
    }


def build_15k(data_dir: Path, settings: Settings) -> None:
    """Index the seeds and news-2025 with `mitra index` (once; a finished index is reused)."""
    if _finished(data_dir):
        return
    print(f"indexing the seeds and {NEWS} into {data_dir} (once; minutes)…", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "ui.cli", "index", str(BUNDLED_ARTICLES), str(NEWS)],
        env=environment(data_dir, settings),
        check=True,
    )


def build_replicated(source: Path, data_dir: Path, settings: Settings, target: int) -> None:
    """Copy `source`'s index with distinct ids until it holds about `target` chunks (once)."""
    if _finished(data_dir, more_than=_chunks(source)):
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    local = replace(settings, data_dir=data_dir)
    catalog = Catalog.create(local.catalog_path)
    base = catalog.chunk_count()
    copies = max(1, math.ceil(target / base) - 1)
    print(f"replicating {base} chunks {copies} times into {data_dir} (once)…", file=sys.stderr)
    store = ChunkStore.open(open_client(local), local.collection, local.embedding_model)
    vectors = _all_vectors(store)
    articles = [
        (catalog.article(row["article_id"]), catalog.article_chunks(row["article_id"]))
        for row in catalog.articles()
    ]
    with catalog.transaction():
        for copy in range(1, copies + 1):
            ids, embeddings = [], []
            for article, originals in articles:
                digest = hashlib.sha256(f"{article.content_hash}:{copy}".encode()).hexdigest()
                new_id = f"{article.article_id}~{copy}"
                chunks = [
                    replace(c, chunk_id=chunk_id(digest, c.position), article_id=new_id)
                    for c in originals
                ]
                catalog.put_article(
                    replace(article, article_id=new_id, content_hash=digest, story_id=""), chunks
                )
                ids += [c.chunk_id for c in chunks]
                embeddings += [vectors[c.chunk_id] for c in originals]
            for start in range(0, len(ids), PAGE):
                end = start + PAGE
                store.upsert(ids[start:end], embeddings[start:end])
            print(f"  copy {copy}/{copies} stored", file=sys.stderr)
        generation = str(int(catalog.meta("generation", "0")) + 1)
        KeywordIndex.build(catalog.chunk_tokens()).save(local.keyword_dir / generation)
    catalog.close()


def _finished(data_dir: Path, more_than: int = 0) -> bool:
    """Whether `data_dir` holds a finished index (keyword index saved) of over `more_than`
    chunks."""
    try:
        catalog = Catalog.open(data_dir / "catalog.sqlite3")
    except Exception:  # missing or unfinished: built (again)
        return False
    try:
        generation = catalog.meta("generation", "0")
        saved = (data_dir / "keyword" / generation).is_dir()
        return saved and catalog.chunk_count() > more_than
    finally:
        catalog.close()


def _chunks(data_dir: Path) -> int:
    catalog = Catalog.open(data_dir / "catalog.sqlite3")
    try:
        return catalog.chunk_count()
    finally:
        catalog.close()


def _all_vectors(store: ChunkStore) -> dict[str, list[float]]:
    vectors: dict[str, list[float]] = {}
    offset = 0
    while True:
        page = store.collection.get(include=["embeddings"], limit=PAGE, offset=offset)
        if not page["ids"]:
            return vectors
        vectors.update(zip(page["ids"], (list(v) for v in page["embeddings"]), strict=True))
        offset += len(page["ids"])


def cold_start(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Medians of `command`'s wall time (s), CPU time (s) and peak resident memory (MB), each
    run in a fresh process."""
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        wall, cpu, peak_kib = done.stdout.split()
        times.append(float(wall))
        cpus.append(float(cpu))
        peaks.append(int(peak_kib) / 1024)
    return statistics.median(times), statistics.median(cpus), statistics.median(peaks)


def retrieval_ms(settings: Settings, questions: list[str]) -> tuple[float, float]:
    """Retrieval p50 and p95 (ms) over `questions` in one process, after one warm-up."""
    from rag.assistant import Assistant

    assistant = Assistant(settings)
    assistant.retrieve(questions[0])
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.retrieve(question)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return statistics.median(latencies), p95


def measure(name: str, data_dir: Path, settings: Settings, args: argparse.Namespace) -> Row:
    local = replace(settings, data_dir=data_dir)
    env = environment(data_dir, settings)
    catalog = Catalog.open(local.catalog_path)
    chunks = catalog.chunk_count()
    catalog.close()
    print(f"{name}: {chunks} chunks: cold starts…", file=sys.stderr)
    new = cold_start([sys.executable, "-m", "ui.cli", "ask", COLD_QUESTION], env, args.runs)
    old = cold_start([sys.executable, "-c", OLD_DESIGN, COLD_QUESTION], env, args.runs)
    questions = [
        json.loads(line)["question"]
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][: args.questions]
    print(f"{name}: retrieval…", file=sys.stderr)
    p50, p95 = retrieval_ms(local, questions)
    return Row(name, chunks, *new, *old, p50, p95)


def report(rows: list[Row], as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                [{**asdict(r), "cold_ratio": r.cold_ratio, "rss_ratio": r.rss_ratio} for r in rows]
            )
        )
        return
    columns = ("index", "chunks", "cold s", "cpu s", "RSS MB", "p50 ms", "p95 ms")
    old = ("old cold s", "old cpu s", "old RSS MB", "cold new/old", "RSS new/old")
    print("".join(f"{c:>9}" for c in columns) + "".join(f"{c:>13}" for c in old))
    for r in rows:
        print(
            f"{r.name:>9}{r.chunks:>9}{r.cold_s:>9.2f}{r.cold_cpu_s:>9.2f}{r.rss_mb:>9.0f}"
            f"{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.old_cold_s:>13.2f}{r.old_cold_cpu_s:>13.2f}"
            f"{r.old_rss_mb:>13.0f}{r.cold_ratio:>13.2f}{r.rss_ratio:>13.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/tmp/mitra-scale-bench"))
    parser.add_argument("--target", type=int, default=100_000, help="chunks of the large index")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="cold starts per measurement")
    parser.add_argument(
        "--llm",
        default="extractive",
        help="answering backend of the cold starts (default: extractive, as the issue measured;"
        " an LLM adds its own start and writing time)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    args = parser.parse_args()
    if not NEWS.exists():
        print(f"skipped: {NEWS} is absent (the ~15k index needs it)", file=sys.stderr)
        return 0
    settings = Settings.load().with_overrides(llm=args.llm)
    small, large = args.root / "15k", args.root / "100k"
    build_15k(small, settings)
    build_replicated(small, large, settings, args.target)
    rows = [measure("15k", small, settings, args), measure("100k", large, settings, args)]
    report(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
