"""Event extraction benchmark: accuracy on the hand-labelled gold set, and its cost in time.

    python bench/events_bench.py [--news PATH] [--errors dev] [--no-timing]

Runs `index.events.extract_events` on the cleaned labelled articles (news-2025 when
../shared/news-2025 is present, else the seeds alone; the five seeds always) and prints, on a
dev half and a test half (articles split by a hash of their id) and on all:

- precision and recall of (article, partner) pairs;
- kind accuracy: the share of gold (article, partner, kind) found, on matched pairs;
- date accuracy: the share of gold events with a date, on matched pairs, for which an extracted
  event of the same article, partner and kind, or (when none has that kind) of the same article
  and partner, carries that date; "any kind": of the same article and partner; "labelled art.
  dates": extracted with the article dates the labellers knew (two seeds' files give no year);
- the same date accuracy when each candidate's sentence is dated by its first date found by
  `rag.text.dates.find_dates` and, when installed, by dateparser's `search_dates`;

then the extraction time per article against the embedding time per article (the chunks of 40
articles), since events may add at most 15 % to a full index build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import BUNDLED_ARTICLES  # noqa: E402
from index.chunk import chunk_text  # noqa: E402
from index.clean import Article, clean_article  # noqa: E402
from index.events import extract_events  # noqa: E402
from index.load import load_paths  # noqa: E402
from rag.catalog import EventRecord  # noqa: E402
from rag.embeddings import load_embeddings  # noqa: E402
from rag.text.dates import find_dates  # noqa: E402

GOLD = ROOT / "bench" / "data" / "events_gold.jsonl"
DEFAULT_NEWS = ROOT.parent / "shared" / "news-2025" / "articles.jsonl"
MODELS = Path.home() / ".cache" / "mitra" / "models"
DateFinder = Callable[[str, str], str]


def half(article_id: str) -> str:
    """ "dev" or "test", fixed by a hash of the article id."""
    return "dev" if int(hashlib.sha256(article_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def load_articles(news: Path) -> list[Article]:
    """The seeds, and every news-2025 article, cleaned the way the indexer cleans them."""
    paths = [BUNDLED_ARTICLES, news]
    if not news.exists():
        print(f"{news} not found: measuring the seeds alone", file=sys.stderr)
        paths = [BUNDLED_ARTICLES]
    return [clean_article(raw) for raw in load_paths(paths, 10**7).articles]


@dataclass
class Scores:
    """Counts for one half; `errors` lists what went wrong, for development on the dev half."""

    gold_pairs: set[tuple[str, str]] = field(default_factory=set)
    found_pairs: set[tuple[str, str]] = field(default_factory=set)
    kinds: list[bool] = field(default_factory=list)
    dates: dict[str, list[bool]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    articles: int = 0

    def row(self) -> dict[str, float | int]:
        hit = len(self.gold_pairs & self.found_pairs)
        row: dict[str, float | int] = {
            "articles": self.articles,
            "gold pairs": len(self.gold_pairs),
            "pair precision": _share(hit, len(self.found_pairs)),
            "pair recall": _share(hit, len(self.gold_pairs)),
            "kind accuracy": _share(sum(self.kinds), len(self.kinds)),
        }
        for name, found in self.dates.items():
            row[name] = _share(sum(found), len(found))
        row["dated gold events"] = len(next(iter(self.dates.values()), []))
        return row


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else float("nan")


def score(
    gold: dict,
    article: Article,
    found: dict[str, list[EventRecord]],
    scores: Scores,
    finders: dict[str, DateFinder],
) -> None:
    """Count one article; `found` holds its events as indexed ("indexed") and as extracted with
    the labelled article date ("labelled")."""
    events = found["indexed"]
    aid = article.article_id
    scores.articles += 1
    gold_pairs = {(aid, e["partner"]) for e in gold["events"]}
    found_pairs = {(aid, e.partner) for e in events}
    scores.gold_pairs |= gold_pairs
    scores.found_pairs |= found_pairs
    for _, partner in sorted(found_pairs - gold_pairs):
        quote = next(e.quote for e in events if e.partner == partner)
        scores.errors.append(f"{aid} extra partner {partner}: {quote[:160]}")
    for _, partner in sorted(gold_pairs - found_pairs):
        scores.errors.append(f"{aid} missed partner {partner}")
    found_kinds = {(e.partner, e.kind) for e in events}
    for g in gold["events"]:
        if (aid, g["partner"]) not in found_pairs:
            continue
        hit = (g["partner"], g["kind"]) in found_kinds
        scores.kinds.append(hit)
        if not hit:
            scores.errors.append(f"{aid} {g['partner']}: missed kind {g['kind']}: {g['evidence']}")
        if g["date"]:
            score_date(g, article, found, scores, finders)


def score_date(
    g: dict,
    article: Article,
    found: dict[str, list[EventRecord]],
    scores: Scores,
    finders: dict[str, DateFinder],
) -> None:
    """Whether a candidate event has the gold date: candidates are the events of the same
    partner and kind, or of the same partner when none has that kind ("any kind": always)."""

    def candidates(events: list[EventRecord], any_kind: bool = False) -> list[EventRecord]:
        same = [e for e in events if e.partner == g["partner"]]
        return (not any_kind and [e for e in same if e.kind == g["kind"]]) or same

    dated = {e.date for e in candidates(found["indexed"])}
    hits = {
        "date accuracy": g["date"] in dated,
        "date, any kind": g["date"] in {e.date for e in candidates(found["indexed"], True)},
        "date, labelled art. dates": g["date"] in {e.date for e in candidates(found["labelled"])},
    }
    for name, finder in finders.items():
        quotes = {e.quote for e in candidates(found["indexed"])}
        hits[name] = g["date"] in {finder(quote, article.date) for quote in quotes}
    for name, hit in hits.items():
        scores.dates.setdefault(name, []).append(hit)
    if not hits["date accuracy"]:
        scores.errors.append(
            f"{article.article_id} {g['partner']}/{g['kind']}: date {g['date']} not in "
            f"{sorted(dated)}: {g['evidence']}"
        )


def first_date(sentence: str, reference: str) -> str:
    found = find_dates(sentence, reference)
    return found[0][2] if found else ""


def dateparser_finder() -> DateFinder | None:
    """The first date dateparser finds in a sentence, as precise as it parsed it."""
    try:
        from dateparser import DateDataParser
        from dateparser.search import search_dates
    except ImportError:
        return None
    from datetime import datetime

    parser = DateDataParser(languages=["id", "en"])

    def find(sentence: str, reference: str) -> str:
        base = reference[:10] if len(reference) >= 10 and reference[0] != "-" else ""
        settings = {"PREFER_DATES_FROM": "past"}
        if base:
            settings["RELATIVE_BASE"] = datetime.fromisoformat(base)
        found = search_dates(sentence, languages=["id", "en"], settings=settings)
        if not found:
            return ""
        text, when = found[0]
        period = parser.get_date_data(text).period or "day"
        return when.strftime({"year": "%Y", "month": "%Y-%m"}.get(period, "%Y-%m-%d"))

    return find


def time_extraction(articles: Iterable[Article]) -> tuple[float, int]:
    """Seconds per article for `extract_events`, after the one-off gazetteer load."""
    articles = list(articles)
    extract_events(articles[0])
    start = time.perf_counter()
    for article in articles:
        extract_events(article)
    return (time.perf_counter() - start) / len(articles), len(articles)


def time_embedding(articles: list[Article]) -> tuple[float, int]:
    """Seconds per article to embed the chunks of `articles`, and how many chunks they have."""
    embeddings = load_embeddings("multilingual-e5-small", MODELS)
    embeddings.embed_documents(["warm-up"])
    texts = [c.text for a in articles for c in chunk_text(a.text)]
    start = time.perf_counter()
    embeddings.embed_documents(texts)
    return (time.perf_counter() - start) / len(articles), len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    parser.add_argument("--errors", choices=["dev", "test", "all"], help="print these errors")
    parser.add_argument("--no-timing", action="store_true", help="skip the time measurements")
    args = parser.parse_args()

    golds = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    articles = {a.article_id: a for a in load_articles(args.news)}
    labelled = [g for g in golds if g["article_id"] in articles]
    finders: dict[str, DateFinder] = {"date: first find_dates": first_date}
    parse_with_dateparser = dateparser_finder()
    if parse_with_dateparser:
        finders["date: first dateparser"] = parse_with_dateparser
    else:
        print("dateparser is not installed: its comparison is left out", file=sys.stderr)

    halves = {"dev": Scores(), "test": Scores(), "all": Scores()}
    for gold in labelled:
        article = articles[gold["article_id"]]
        found = {"indexed": extract_events(article)}
        same = article.date[:10] == gold["article_date"]
        relabelled = replace(article, date=gold["article_date"])
        found["labelled"] = found["indexed"] if same else extract_events(relabelled)
        for name in (half(article.article_id), "all"):
            score(gold, article, found, halves[name], finders)

    rows = {name: s.row() for name, s in halves.items()}
    metrics = list(rows["all"])
    print(f"{'':26}" + "".join(f"{name:>10}" for name in rows))
    for metric in metrics:
        print(f"{metric:26}" + "".join(f"{rows[name][metric]:>10}" for name in rows))
    if args.errors:
        print(f"\nerrors ({args.errors}):")
        print("\n".join(halves[args.errors].errors))

    if args.no_timing:
        return
    per_article, measured = time_extraction(articles.values())
    embedded = [articles[g["article_id"]] for g in labelled[:40]]
    per_embedding, chunks = time_embedding(embedded)
    timings = {"extraction ms/article": per_article * 1000, "articles timed": measured}
    timings |= {"embedding ms/article": per_embedding * 1000, "chunks embedded": chunks}
    timings |= {"overhead vs embedding": per_article / per_embedding}
    print()
    for name, value in timings.items():
        shown = f"{value:.1%}" if name.startswith("overhead") else f"{value:.1f}"
        print(f"{name:26}{shown:>10}")
    print(json.dumps({"accuracy": rows, "timing": timings}))


if __name__ == "__main__":
    main()
