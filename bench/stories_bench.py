"""Story grouping benchmark: signature cost against embedding, quality on labelled pairs, speed.

    python bench/stories_bench.py [--news PATH] [--pairs PATH] [--scale 100000]
                                  [--embed-articles 50] [--no-libs]

Cleans every news-2025 article the way the indexer does, computes `index.stories.signature`
for each (ms per article), times the project's embedding model on the chunks of 50 of the same
articles (the ratio says what signatures add to index time), groups all articles, and prints
precision and recall of "same story" on bench/data/story_pairs.jsonl over a range of thresholds
(same_topic and unrelated pairs are the negatives), the chosen threshold, how many stories have
two or more members, and `group_stories` time at 3,280 members and at 100k members. The 100k
members are the 3,280 signatures replicated with fresh ids; every copy XORs each minimum with
its own random mask, so pairs within a copy keep their similarity while copies never match one
another (a corpus 30 times larger with the same make-up, not 30 duplicates of each article).
With datasketch and rensa installed it also compares them with the numpy MinHash used here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import stories  # noqa: E402
from index.chunk import chunk_text  # noqa: E402
from index.clean import clean_article  # noqa: E402
from index.load import load_paths  # noqa: E402
from index.stories import StoryMember, group_stories, signature  # noqa: E402

DEFAULT_NEWS = ROOT.parent / "shared" / "news-2025" / "articles.jsonl"
DEFAULT_PAIRS = ROOT / "bench" / "data" / "story_pairs.jsonl"
MODELS_DIR = Path.home() / ".cache" / "mitra" / "models"
THRESHOLDS = (0.1, 0.12, 0.14, 0.16, 0.17, 0.18, 0.19, 0.2, 0.22, 0.25, 0.3, 0.4, 0.5)
TARGET_PRECISION, TARGET_RECALL = 0.95, 0.9


def load_news(path: Path) -> list[dict[str, str]]:
    """News records with the text cleaned the way the indexer cleans it."""
    records = []
    for raw in load_paths([path], 10**7).articles:
        article = clean_article(raw)
        records.append(
            {
                "id": raw.article_id,
                "date": raw.date,
                "outlet": raw.outlet,
                "agency": article.agency,
                "text": article.text,
            }
        )
    return records


def scores(
    mapping: dict[str, str], pairs: Sequence[dict[str, str]]
) -> tuple[float, float, int, int]:
    """Precision, recall, false positives and false negatives of "same story"."""
    tp = fp = fn = 0
    for pair in pairs:
        predicted = mapping[pair["a"]] == mapping[pair["b"]]
        actual = pair["label"] == "same_story"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    return tp / max(1, tp + fp), tp / max(1, tp + fn), fp, fn


def story_sizes(mapping: dict[str, str]) -> Counter[int]:
    """How many stories have each number of members."""
    return Counter(Counter(mapping.values()).values())


def timed(function: Callable[[], object], rounds: int = 1) -> tuple[object, float]:
    """The result and the best wall time in seconds."""
    best, result = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return result, best


def embedding_ms_per_article(texts: Sequence[str]) -> tuple[float, int]:
    """Embedding time per article (ms) for these articles' chunks, and the chunk count."""
    from rag.embeddings import load_embeddings

    model = load_embeddings("multilingual-e5-small", MODELS_DIR)
    chunks = [c.text for text in texts for c in chunk_text(text)]
    model.embed_documents(chunks[:8])  # warm-up: sessions and allocations
    _, seconds = timed(lambda: model.embed_documents(chunks), rounds=2)
    return 1000 * seconds / len(texts), len(chunks)


def replicate(members: Sequence[StoryMember], total: int) -> list[StoryMember]:
    """`total` members: copies of `members` with fresh ids, each copy XOR-masked (see top)."""
    rng = np.random.default_rng(2025)
    header = stories._HEADER.size
    out: list[StoryMember] = []
    copy = 0
    while len(out) < total:
        mask = rng.integers(0, 2**32, stories.NUM_PERM, dtype=np.uint32).astype("<u4")
        for m in members[: total - len(out)]:
            values = np.frombuffer(m.signature, dtype="<u4", offset=header) ^ mask
            fresh = m.signature[:header] + values.astype("<u4").tobytes()
            out.append(replace(m, article_id=f"{m.article_id}#{copy}", signature=fresh))
        copy += 1
    return out


def compare_libraries(texts: Sequence[str], pairs: Sequence[tuple[int, int]]) -> None:
    """Signature time and Jaccard estimation error of numpy (ours), datasketch and rensa."""
    grams = [sorted(stories._shingles(t)) for t in texts]
    sets = [set(g) for g in grams]
    exact = np.array([len(sets[a] & sets[b]) / max(1, len(sets[a] | sets[b])) for a, b in pairs])
    first, second = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    variants: dict[str, Callable[[list[str]], np.ndarray]] = {
        "numpy (index.stories)": stories._minhash,
    }
    try:
        import datasketch

        def with_datasketch(g: list[str]) -> np.ndarray:
            m = datasketch.MinHash(num_perm=stories.NUM_PERM, seed=1)
            m.update_batch([s.encode() for s in g])
            return m.hashvalues

        variants[f"datasketch {_version('datasketch')}"] = with_datasketch
    except ImportError:
        print("  datasketch not installed: skipped")
    try:
        import rensa

        def with_rensa(g: list[str]) -> np.ndarray:
            m = rensa.RMinHash(stories.NUM_PERM, 42)
            m.update(g)
            return np.array(m.digest(), dtype=np.uint32)

        variants[f"rensa {_version('rensa')} RMinHash"] = with_rensa
    except ImportError:
        print("  rensa not installed: skipped")
    print(f"  {'library':28} {'ms/article':>10} {'RMSE vs exact Jaccard':>22}")
    for name, make in variants.items():
        signatures, seconds = timed(lambda make=make: np.stack([make(g) for g in grams]))
        estimate = (signatures[first] == signatures[second]).mean(axis=1)
        error = float(np.sqrt(np.mean((estimate - exact) ** 2)))
        print(f"  {name:28} {1000 * seconds / len(grams):10.3f} {error:22.4f}")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--scale", type=int, default=100_000, help="members for the big timing")
    parser.add_argument("--embed-articles", type=int, default=50)
    parser.add_argument("--no-libs", action="store_true", help="skip datasketch/rensa")
    parser.add_argument("--errors", action="store_true", help="list the misjudged pairs")
    args = parser.parse_args()
    for path in (args.news, args.pairs):
        if not path.exists():
            print(f"skipped: {path} not found (the story benchmark needs news-2025 and labels)")
            return

    records = load_news(args.news)
    pairs = [json.loads(line) for line in args.pairs.open(encoding="utf-8") if line.strip()]
    index = {r["id"]: i for i, r in enumerate(records)}
    missing = [p for p in pairs if p["a"] not in index or p["b"] not in index]
    if missing:
        sys.exit(f"{len(missing)} labelled pairs name articles not in {args.news}")
    labels = Counter(p["label"] for p in pairs)
    print(f"{len(records)} articles, {len(pairs)} labelled pairs {dict(labels)}")

    texts = [r["text"] for r in records]
    signatures, seconds = timed(lambda: [signature(t) for t in texts], rounds=2)
    sig_ms = 1000 * seconds / len(texts)
    print(
        f"\nsignature: {sig_ms:.3f} ms/article ({stories.NUM_PERM} minima, {len(signatures[0])} B)"
    )

    step = max(1, len(texts) // args.embed_articles)
    sample = texts[::step][: args.embed_articles]
    try:
        embed_ms, n_chunks = embedding_ms_per_article(sample)
    except Exception as error:  # the comparison needs the model; the rest does not
        print(f"embedding model unavailable ({error}): no cost ratio")
        embed_ms, n_chunks = float("nan"), 0
    print(
        f"embedding (multilingual-e5-small, {len(sample)} articles, {n_chunks} chunks): "
        f"{embed_ms:.1f} ms/article -> signature = {100 * sig_ms / embed_ms:.2f}% of it"
    )

    members = [
        StoryMember(r["id"], r["date"], r["outlet"], s, r["agency"])
        for r, s in zip(records, signatures, strict=True)
    ]
    blind = [replace(m, outlet="") for m in members]
    print(
        f"\nprecision/recall of same_story on {sum(labels.values())} pairs "
        "(groups from all articles; 'blind' ignores outlets)"
    )
    print(
        f"  {'threshold':>9} {'P':>6} {'R':>6} {'FP':>3} {'FN':>3} {'stories>=2':>10}   blind P/R"
    )
    best: tuple[float, float] | None = None
    for threshold in THRESHOLDS:
        mapping = group_stories(members, threshold=threshold)
        p, r, fp, fn = scores(mapping, pairs)
        bp, br, _, _ = scores(group_stories(blind, threshold=threshold), pairs)
        multi = sum(n for size, n in story_sizes(mapping).items() if size >= 2)
        mark = " *" if threshold == stories.THRESHOLD else ""
        row = f"{threshold:9.2f} {p:6.3f} {r:6.3f} {fp:3d} {fn:3d} {multi:10d}"
        print(f"  {row}   {bp:.3f}/{br:.3f}{mark}")
        if p >= TARGET_PRECISION and (best is None or r >= best[1]):
            best = (threshold, r)
    chosen = stories.THRESHOLD
    print(
        f"  2-fold check (threshold picked on one half of the pairs, scored on the other): "
        f"{_two_fold(members, pairs)}"
    )
    print(f"  * chosen threshold {chosen} (same outlet: {stories.SAME_OUTLET_THRESHOLD})")
    if best is None:
        print(f"  no threshold reaches precision {TARGET_PRECISION}")
    else:
        print(f"  best recall at precision >= {TARGET_PRECISION}: {best[1]:.3f} at {best[0]}")

    print("\njoin rule at the chosen threshold")
    for join in ("canonical", "majority", "components"):
        mapping, seconds = timed(lambda join=join: group_stories(members, join=join))
        p, r, fp, fn = scores(mapping, pairs)
        sizes = story_sizes(mapping)
        unmatched = _members_off_canonical(mapping, members)
        print(
            f"  {join:10} P={p:.3f} R={r:.3f} FP={fp} FN={fn} "
            f"stories>=2: {sum(n for s, n in sizes.items() if s >= 2)} largest: {max(sizes)} "
            f"members below threshold with their canonical: {unmatched}"
        )

    print("\nsame-outlet checks at the chosen threshold (each row adds one)")
    undated = [replace(m, signature=m.signature[:8] + bytes(8) + m.signature[16:]) for m in members]
    growth = stories.FOLLOW_UP_GROWTH
    steps = (
        ("outlet-blind Jaccard", blind, 0.0, float("inf")),
        (f"+ same outlet >= {stories.SAME_OUTLET_THRESHOLD}", undated, None, float("inf")),
        (f"+ follow-up growth {growth}", undated, None, growth),
        ("+ stated days in common", members, None, growth),
    )
    same_outlet = stories.SAME_OUTLET_THRESHOLD
    for name, variant, floor, factor in steps:
        stories.SAME_OUTLET_THRESHOLD = same_outlet if floor is None else floor
        stories.FOLLOW_UP_GROWTH = factor
        p, r, fp, fn = scores(group_stories(variant), pairs)
        print(f"  {name:28} P={p:.3f} R={r:.3f} FP={fp} FN={fn}")
    stories.SAME_OUTLET_THRESHOLD, stories.FOLLOW_UP_GROWTH = same_outlet, growth

    mapping = group_stories(members)
    if args.errors:
        print("\nmisjudged pairs at the chosen settings")
        for pair in pairs:
            predicted = mapping[pair["a"]] == mapping[pair["b"]]
            if predicted != (pair["label"] == "same_story"):
                a, b = (members[index[pair[k]]].signature for k in "ab")
                values = stories._decode([a, b]).values
                kind = "FP" if predicted else "FN"
                estimate = float(np.mean(values[0] == values[1]))
                print(f"  {kind} J~{estimate:.2f} {pair['a']} {pair['b']}: {pair['note']}")
    sizes = story_sizes(mapping)
    multi = sum(n for s, n in sizes.items() if s >= 2)
    grouped = sum(s * n for s, n in sizes.items() if s >= 2)
    print(
        f"\nchosen settings: {multi} stories with >= 2 members ({grouped} articles), "
        f"sizes {dict(sorted(sizes.items()))}"
    )

    _, small = timed(lambda: group_stories(members), rounds=3)
    big_members = replicate(members, args.scale)
    big, large = timed(lambda: group_stories(big_members))
    big_multi = sum(n for s, n in story_sizes(big).items() if s >= 2)  # type: ignore[arg-type]
    print(
        f"group_stories: {1000 * small:.0f} ms at {len(members)} members, "
        f"{large:.2f} s at {len(big_members)} members ({big_multi} stories >= 2)"
    )
    regroup_share = 100 * 1000 * small / (embed_ms * len(members))
    print(
        f"whole feature (signatures + regrouping all {len(members)}): "
        f"{100 * sig_ms / embed_ms + regroup_share:.2f}% of embedding time for the same articles"
    )

    if not args.no_libs:
        decoded = stories._decode(signatures)
        first, second = stories._candidates(decoded.values, decoded.sizes)
        checked = {(index[p["a"]], index[p["b"]]) for p in pairs}
        checked |= set(zip(first.tolist(), second.tolist(), strict=True))
        print(
            f"\nMinHash implementations (same shingles, {stories.NUM_PERM} permutations; "
            f"error over the labelled pairs and all {len(first)} LSH candidate pairs)"
        )
        compare_libraries(texts, sorted(checked))
    print(
        json.dumps(
            {
                "signature_ms": round(sig_ms, 3),
                "embed_ms": round(embed_ms, 1),
                "group_ms_3280": round(1000 * small),
                "group_s_scale": round(large, 2),
                "median_chars": statistics.median(len(t) for t in texts),
            }
        )
    )


def _two_fold(members: Sequence[StoryMember], pairs: Sequence[dict[str, str]]) -> str:
    """Pick the threshold on half the pairs (best recall at the target precision), score it on
    the other half; both ways. Only the threshold is refitted."""
    mappings = {t: group_stories(members, threshold=t) for t in THRESHOLDS}
    halves = ([], [])
    for pair in pairs:
        digest = hashlib.blake2b(f"{pair['a']} {pair['b']}".encode(), digest_size=1).digest()
        halves[digest[0] % 2].append(pair)
    results = []
    for fit, held in (halves, halves[::-1]):
        eligible = [t for t in THRESHOLDS if scores(mappings[t], fit)[0] >= TARGET_PRECISION]
        pick = max(eligible, key=lambda t: (scores(mappings[t], fit)[1], t), default=0.2)
        p, r, _, _ = scores(mappings[pick], held)
        results.append(f"t={pick} -> P={p:.3f} R={r:.3f} on {len(held)} held-out pairs")
    return "; ".join(results)


def _members_off_canonical(mapping: dict[str, str], members: Sequence[StoryMember]) -> int:
    """Members of multi-member stories whose estimated Jaccard with the canonical is too low."""
    by_id = {m.article_id: m for m in members}
    off = 0
    for article, story in mapping.items():
        if article != story:
            a, b = by_id[article].signature, by_id[story].signature
            values = stories._decode([a, b]).values
            off += float(np.mean(values[0] == values[1])) < stories.THRESHOLD
    return off


if __name__ == "__main__":
    main()
