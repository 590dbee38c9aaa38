"""Query benchmark: mitra's pipeline vs a naive LangChain baseline, side by side in one run.

    python bench/query_bench.py [--data-dir DIR] [--limit N] [--repeat R]

Both index the five seeds plus the news-2025 batch (when ../shared/news-2025 is present). The
baseline is the textbook recipe: RecursiveCharacterTextSplitter(1000, 200), the same embedding
model, Chroma similarity search. Printed: hit@5 of the gold article on the dev questions for each,
retrieval latency p50/p95 for each, and mitra's extractive answer latency p50/p95.
An existing `--data-dir` is reused (only missing articles are embedded), so a second run is quick.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402
from langchain_chroma import Chroma  # noqa: E402
from langchain_core.documents import Document  # noqa: E402
from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402

from index import BUNDLED_ARTICLES  # noqa: E402
from index.load import load_paths  # noqa: E402
from index.sync import sync  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.embeddings import load_embeddings  # noqa: E402

SHARED = ROOT.parent / "shared"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(run: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = run()
    return result, (time.perf_counter() - started) * 1000


def baseline_store(paths: list[Path], settings: Settings, embeddings: object) -> Chroma:
    """The naive recipe's Chroma collection, built once in the data dir."""
    client = chromadb.PersistentClient(
        path=str(settings.data_dir / "baseline"),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    store = Chroma(client=client, collection_name="baseline", embedding_function=embeddings)
    if store._collection.count() == 0:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        documents = [
            Document(page_content=raw.text, metadata={"article_id": raw.article_id})
            for raw in load_paths(paths, settings.max_file_bytes).articles
        ]
        chunks = splitter.split_documents(documents)
        print(f"baseline: embedding {len(chunks)} chunks…", file=sys.stderr)
        for start in range(0, len(chunks), 256):
            store.add_documents(chunks[start : start + 256])
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="reuse this data dir (default: a temp dir)")
    parser.add_argument("--news", type=Path, default=SHARED / "news-2025" / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=SHARED / "eval/dev_questions.jsonl")
    parser.add_argument("--limit", type=int, help="use only the first N news articles")
    parser.add_argument("--repeat", type=int, default=3, help="timing repetitions per question")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="mitra-qbench-"))
    settings = Settings(data_dir=data_dir, llm="extractive")
    paths = [BUNDLED_ARTICLES]
    if args.news.exists():
        batch = data_dir / "news.jsonl"
        data_dir.mkdir(parents=True, exist_ok=True)
        with args.news.open(encoding="utf-8") as source, batch.open("w") as target:
            target.writelines(
                line for n, line in enumerate(source) if args.limit is None or n < args.limit
            )
        paths.append(batch)
    report = sync(paths, settings)
    print(f"mitra index: {report.summary()}", file=sys.stderr)
    embeddings = load_embeddings(settings.embedding_model, settings.models_dir)
    baseline = baseline_store(paths, settings, embeddings)
    assistant = Assistant(settings)

    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line]
    answerable = [q for q in questions if q.get("gold")]
    hits = {"mitra": 0, "baseline": 0}
    latency: dict[str, list[float]] = {
        "mitra retrieval": [],
        "baseline retrieval": [],
        "mitra answer": [],
    }
    for item in answerable:
        gold = set(item["gold"])
        passages, _ = timed(lambda q=item["question"]: assistant.retrieve(q, 5))
        documents, _ = timed(lambda q=item["question"]: baseline.similarity_search(q, k=5))
        hits["mitra"] += bool(gold & {p.article_id for p in passages})
        hits["baseline"] += bool(gold & {d.metadata["article_id"] for d in documents})
    for item in questions * args.repeat:
        question = item["question"]
        latency["mitra retrieval"].append(timed(lambda q=question: assistant.retrieve(q, 5))[1])
        latency["baseline retrieval"].append(
            timed(lambda q=question: baseline.similarity_search(q, k=4))[1]
        )
        latency["mitra answer"].append(timed(lambda q=question: assistant.ask(q))[1])

    print(f"\ncorpus: {len(assistant.articles())} articles; {len(answerable)} answerable questions")
    print(f"{'':22}{'mitra':>10}{'baseline':>10}{'ratio':>8}")
    rate = {name: count / len(answerable) for name, count in hits.items()}
    print(
        f"{'hit@5':22}{rate['mitra']:>10.2f}{rate['baseline']:>10.2f}"
        f"{rate['mitra'] / max(rate['baseline'], 1e-9):>8.2f}"
    )
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        ours = percentile(latency["mitra retrieval"], q)
        theirs = percentile(latency["baseline retrieval"], q)
        print(f"{'retrieval ms ' + label:22}{ours:>10.1f}{theirs:>10.1f}{ours / theirs:>8.2f}")
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        print(f"{'answer ms ' + label:22}{percentile(latency['mitra answer'], q):>10.1f}")
    print(
        json.dumps(
            {
                "hit@5": rate,
                "median_ms": {k: round(statistics.median(v), 1) for k, v in latency.items()},
                "p95_ms": {k: round(percentile(v, 0.95), 1) for k, v in latency.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
