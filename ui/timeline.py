"""The partnerships timeline: dated events as points on date × partner, coloured by kind.

Drawn here as inline SVG (no chart library, nothing fetched by the page); every label is escaped.
A date that covers more than a day ("2022", "2022-08") is a faint bar over that period with its
point in the middle. Events without a year are not drawn.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from rag.events import KINDS, Event
from rag.text.dates import date_bounds, format_date

COLOURS = dict(
    zip(
        KINDS,
        ("#d55e00", "#cc79a7", "#0072b2", "#e69f00", "#56b4e9", "#009e73", "#7f7f7f"),
        strict=True,
    )
)
WIDTH = 960
LEFT = 150  # room for partner names
RIGHT = 24
TOP = 34  # the legend
LANE = 26
BOTTOM = 28  # the axis labels
MAX_TICKS = 12


def timeline_svg(events: Sequence[Event]) -> str:
    """The chart of the dated `events`; each point's `data-row` is its index in `events`."""
    placed = [(i, e, bounds) for i, e in enumerate(events) if (bounds := date_bounds(e.date))]
    if not placed:
        return '<p class="hint">No dated events to draw.</p>'
    counts = Counter(e.partner for _, e, _ in placed)
    partners = sorted(counts, key=lambda p: (-counts[p], p))
    first = min(b[0] for _, _, b in placed)
    last = max(b[1] for _, _, b in placed)
    pad = max(timedelta(days=15), (last - first) * 0.02)
    start, end = first - pad, last + pad
    height = TOP + LANE * len(partners) + BOTTOM
    span = (end - start).days

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span

    lanes = "".join(
        f'<text class="lane" x="{LEFT - 8}" y="{TOP + LANE * n + LANE / 2 + 4}" '
        f'text-anchor="end">{html.escape(partner)}</text>'
        f'<line class="lane-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{TOP + LANE * n + LANE / 2}" y2="{TOP + LANE * n + LANE / 2}"/>'
        for n, partner in enumerate(partners)
    )
    ticks = "".join(
        f'<line class="tick" x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" '
        f'y2="{height - BOTTOM}"/><text class="tick-label" x="{x(day):.1f}" '
        f'y="{height - BOTTOM + 16}" text-anchor="middle">{label}</text>'
        for day, label in _ticks(start, end)
    )
    marks = []
    for row, event, (low, high) in placed:
        y = TOP + LANE * partners.index(event.partner) + LANE / 2 + _offset(event.kind)
        colour = COLOURS.get(event.kind, "#444")
        if high > low:
            marks.append(
                f'<rect class="period" x="{x(low):.1f}" y="{y - 3:.1f}" '
                f'width="{max(x(high) - x(low), 2):.1f}" height="6" fill="{colour}"/>'
            )
        middle = low + (high - low) / 2
        tip = " · ".join(
            p for p in (format_date(event.date), event.partner, event.kind, event.status) if p
        )
        marks.append(
            f'<circle class="point" data-row="{row}" cx="{x(middle):.1f}" cy="{y:.1f}" r="5" '
            f'fill="{colour}"><title>{html.escape(f"{tip} — {event.title}")}</title></circle>'
        )
    return (
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="Partnership events by date and partner">'
        f"{_legend(sorted({e.kind for _, e, _ in placed}, key=_kind_order))}"
        f"{ticks}{lanes}{''.join(marks)}</svg>"
    )


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _offset(kind: str) -> float:
    """Kinds sit a little apart in a lane, so that one date's points do not hide each other."""
    return (_kind_order(kind) - (len(KINDS) - 1) / 2) * 1.5


def _legend(kinds: Sequence[str]) -> str:
    items = []
    for n, kind in enumerate(kinds):
        left = LEFT + n * 105
        items.append(
            f'<circle cx="{left + 5}" cy="14" r="5" fill="{COLOURS.get(kind, "#444")}"/>'
            f'<text class="legend" x="{left + 14}" y="18">{html.escape(kind)}</text>'
        )
    return "".join(items)


def _ticks(start: date, end: date) -> list[tuple[date, str]]:
    """Year starts over a long period, else month starts; at most `MAX_TICKS` of them."""
    if (end - start).days > 3 * 365:
        years = list(range(start.year + 1, end.year + 1))
        step = -(-len(years) // MAX_TICKS)
        return [(date(year, 1, 1), str(year)) for year in years[::step]]
    months = []
    day = date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = -(-len(months) // MAX_TICKS)
    return [(day, format_date(day.isoformat()[:7])) for day in months[::step]]
