"""How well the citation checker tells supported claims from corrupted ones.

Reads bench/data/checker_cases.jsonl — answer sentences written by hand, each with the seed-article
sentence it is cited to: correct ones, and corruptions (number, date, name changed; a sentence
invented; the right claim cited to the wrong source; negated; meaning changed). Prints, per
label and language, the share the checker accepts, and the targets: corrupted caught ≥ 0.95,
correct flagged ≤ 0.05.

    python bench/checker_bench.py [--threshold T] [--show]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from index import BUNDLED_ARTICLES
from index.clean import clean_article
from index.load import load_paths
from rag import verify
from rag.embeddings import load_embeddings
from rag.schema import Passage

CASES = Path(__file__).parent / "data" / "checker_cases.jsonl"
BASIC = {"number", "date", "name", "invented", "wrong_source"}
SUBTLE = {"negation", "meaning"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=verify.MIN_SIMILARITY)
    parser.add_argument("--coverage", type=float, default=verify.MIN_COVERAGE)
    parser.add_argument("--show", action="store_true", help="print every misjudged case")
    args = parser.parse_args()
    verify.MIN_SIMILARITY = args.threshold
    verify.MIN_COVERAGE = args.coverage
    embeddings = load_embeddings("multilingual-e5-small", Path.home() / ".cache/mitra/models")
    articles = {
        raw.article_id: clean_article(raw)
        for raw in load_paths([BUNDLED_ARTICLES], 5_000_000).articles
    }
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()]
    accepted: dict[tuple[str, str], list[bool]] = defaultdict(list)
    similarities: dict[bool, list[float]] = defaultdict(list)
    hard: list[bool] = []  # correct sentences written to be hard: far paraphrases
    plain: list[bool] = []
    for case in cases:
        article = articles[case["article_id"]]
        passage = Passage(
            case["article_id"], "x", 1.0, case["quote"], article.title, article.outlet,
            article.date,
        )  # fmt: skip
        support = verify.SupportIndex([passage], embeddings).best(case["sentence"])
        ok = support is not None and support.supported
        accepted[(case["label"], case["lang"])].append(ok)
        accepted[(case["label"], "all")].append(ok)
        if case["label"] == "correct":
            (hard if case["note"].startswith("hard") else plain).append(ok)
        if support is not None:
            similarities[case["label"] == "correct"].append(support.similarity)
        if args.show and ok != (case["label"] == "correct"):
            missing = support.missing if support else ()
            print(
                f"{case['id']} {case['label']:12} sim={support and support.similarity:.3f} "
                f"missing={list(missing)}\n   {case['sentence']}\n   {case['quote'][:200]}"
            )
    print(f"\nthreshold {args.threshold}: share accepted by the checker")
    print(f"{'label':14}{'en':>8}{'id':>8}{'all':>8}{'n':>5}")
    for label in sorted({label for label, _ in accepted}):
        cells = [accepted.get((label, lang), []) for lang in ("en", "id", "all")]
        shares = [f"{sum(c) / len(c):8.2f}" if c else "       –" for c in cells]
        print(f"{label:14}{''.join(shares)}{len(cells[2]):5}")
    groups = {
        "corrupted (number, date, name, invented, wrong source)": BASIC,
        "corrupted (negation, meaning)": SUBTLE,
        "all corrupted": BASIC | SUBTLE,
    }
    print()
    for name, labels in groups.items():
        oks = [ok for label in labels for ok in accepted.get((label, "all"), [])]
        print(f"{name}: caught {1 - sum(oks) / len(oks):.3f} of {len(oks)} (target ≥ 0.95)")
    for name, oks in (("correct", accepted[("correct", "all")]), ("hard", hard), ("plain", plain)):
        print(
            f"{name} correct: flagged {1 - sum(oks) / len(oks):.3f} of {len(oks)} (target ≤ 0.05)"
        )
    for is_correct, values in sorted(similarities.items()):
        q = [round(float(v), 3) for v in sorted(values)[:: max(1, len(values) // 8)]]
        print(f"similarity of {'correct' if is_correct else 'corrupted'}: {q}")


if __name__ == "__main__":
    main()
