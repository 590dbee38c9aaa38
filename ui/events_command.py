"""`mitra events`: the partnership events the indexed articles report, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from rag.events import KINDS, Event, events

FIELDS = (
    "partner",
    "kind",
    "date",
    "status",
    "actors",
    "place",
    "article_id",
    "quote",
    "start",
    "end",
    "title",
    "outlet",
    "article_date",
)
_QUOTE_WIDTH = 100


def add_events_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "events", help="list Russia's partnership events the articles report (who, what, when)"
    )
    parser.add_argument("--partner", help="a country or bloc, in English or Indonesian (Tiongkok)")
    parser.add_argument("--kind", help=f"one of: {', '.join(KINDS)}")
    parser.add_argument("--since", metavar="DATE", help="from this date on: 2022, 2022-06, …")
    parser.add_argument("--until", metavar="DATE", help="up to this date: 2023, 2023-02-24, …")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print a JSON list of events")
    output.add_argument("--csv", action="store_true", help="print CSV with a header row")
    parser.set_defaults(run=run_events)


def run_events(args: argparse.Namespace) -> int:
    found = events(args.partner, args.kind, args.since, args.until)
    if args.json:
        print(json.dumps([event_row(e) for e in found], ensure_ascii=False, indent=2))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**event_row(e), "actors": "; ".join(e.actors)} for e in found)
    else:
        print(format_table(found))
    return 0


def event_row(event: Event) -> dict[str, Any]:
    """The event's fields as `--json` and `--csv` print them."""
    data = event.to_dict()
    return {name: data[name] for name in FIELDS}


def format_table(found: list[Event]) -> str:
    """One line per event: date, partner, kind, status, then who and the quote."""
    if not found:
        return "no events match"
    rows = [(e.date or "–", e.partner, e.kind, e.status) for e in found]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for event, row in zip(found, rows, strict=True):
        head = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        source = " · ".join(p for p in (event.outlet, event.article_date, event.article_id) if p)
        quote = " ".join(event.quote.split())
        if len(quote) > _QUOTE_WIDTH:
            quote = quote[: _QUOTE_WIDTH - 1].rstrip() + "…"
        lines.append(f"{head}  {'; '.join(event.actors)}".rstrip())
        lines.append(f"    {quote} — {source}")
    lines.append(f"{len(found)} event{'s' if len(found) != 1 else ''}")
    return "\n".join(lines)
