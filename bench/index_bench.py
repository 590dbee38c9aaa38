"""Index benchmark: bare encode time vs full index time vs a no-change resync, in one run.

    python bench/index_bench.py [--limit N] [--news PATH]

Indexes the five seeds plus the news-2025 batch (when ../shared/news-2025 is present; else the
seeds alone) into a temporary data directory and prints (a) the bare model's encode time for the
very same chunks, (b) the full `sync` time, (c) the no-change resync time, their ratios, and
the model's encode speed in chunks/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import BUNDLED_ARTICLES  # noqa: E402
from index.chunk import chunk_text  # noqa: E402
from index.clean import clean_article  # noqa: E402
from index.load import load_paths  # noqa: E402
from index.sync import sync  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.embeddings import load_embeddings  # noqa: E402

DEFAULT_NEWS = ROOT.parent / "shared" / "news-2025" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--limit", type=int, help="use only the first N news articles")
    parser.add_argument("--model", default=Settings().embedding_model)
    parser.add_argument("--work-dir", type=Path, help="keep the index here (must be new)")
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="mitra-bench-"))
    work.mkdir(parents=True, exist_ok=False)
    paths = [BUNDLED_ARTICLES]
    if args.news.exists():
        batch = work / "news.jsonl"
        with args.news.open(encoding="utf-8") as source, batch.open("w") as target:
            for number, line in enumerate(source):
                if args.limit is not None and number >= args.limit:
                    break
                target.write(line)
        paths.append(batch)
    else:
        print(f"{args.news} not found: benchmarking the seeds alone", file=sys.stderr)
    settings = Settings.load().with_overrides(data_dir=work / "data", embedding_model=args.model)
    embeddings = load_embeddings(settings.embedding_model, settings.models_dir)

    loaded = load_paths(paths, settings.max_file_bytes)
    texts = [c.text for raw in loaded.articles for c in chunk_text(clean_article(raw).text)]
    lengths = [len(t) for t in texts]
    print(
        f"{len(loaded.articles)} articles, {len(texts)} chunks, "
        f"median {statistics.median(lengths):.0f} characters"
    )

    started = time.perf_counter()
    embeddings.embed_documents(texts)
    encode = time.perf_counter() - started

    started = time.perf_counter()
    report = sync(paths, settings)
    full = time.perf_counter() - started

    started = time.perf_counter()
    resync = sync(paths, settings)
    nochange = time.perf_counter() - started
    assert resync.chunks_embedded == 0 and report.chunks_embedded == len(texts)

    figures = {
        "model": embeddings.model_name,
        "articles": len(loaded.articles),
        "chunks": len(texts),
        "a_encode_s": round(encode, 2),
        "b_full_index_s": round(full, 2),
        "c_resync_s": round(nochange, 2),
        "b_over_a": round(full / encode, 3),
        "c_over_b": round(nochange / full, 4),
        "chunks_per_s": round(len(texts) / encode, 1),
    }
    print(f"(a) bare encode      {encode:8.1f} s   {figures['chunks_per_s']} chunks/s")
    print(f"(b) full index       {full:8.1f} s   (b)/(a) = {figures['b_over_a']}  target ≤ 1.15")
    print(
        f"(c) no-change resync {nochange:8.1f} s   (c)/(b) = {figures['c_over_b']}  target ≤ 0.02"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
