"""Partnership events: whom Russia works with, on what and when, as the indexed articles report.

The indexer extracts the events (`index.events`); this module reads them from the catalog:

    events(partner="Tiongkok", kind="military", since="2022", until="2023-06")

Dates are partial ISO ("2022", "2022-08", "2022-08-16"). A period filter keeps an event whose
date overlaps it: "2022" is within since="2022-06". An event without a (full-year) date is left
out whenever `since` or `until` is given, never treated as recent. Results are sorted by date,
undated events last.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from rag.catalog import Catalog, EventRecord
from rag.config import Settings
from rag.errors import MitraError
from rag.text.dates import date_bounds, overlaps
from rag.text.gazetteer import canonical_partner, gazetteer

KINDS = ("military", "arms", "security", "nuclear", "space", "economic", "diplomatic")
STATUSES = ("held", "agreed", "signed", "planned", "alleged")


class UnknownPartnerError(MitraError):
    """A partner filter that names no country or bloc."""


class UnknownKindError(MitraError):
    """A kind filter that is none of `KINDS`."""


class BadDateError(MitraError):
    """A period bound that is not an ISO date."""


@dataclass(frozen=True)
class Event:
    """One partnership fact an article reports; `quote` is `article_text[start:end]`."""

    partner: str
    kind: str
    date: str
    status: str
    actors: tuple[str, ...]
    place: str
    article_id: str
    quote: str
    start: int
    end: int
    title: str = ""
    outlet: str = ""
    article_date: str = ""
    event_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The event as a dict of its fields, `actors` as a list."""
        data = asdict(self)
        data["actors"] = list(self.actors)
        return data


def events(
    partner: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    settings: Settings | None = None,
) -> list[Event]:
    """The indexed events, filtered by partner, kind and period, sorted by date.

    The partner may be named in either language ("Tiongkok" is "China"); the period's bounds are
    partial ISO dates, inclusive.
    """
    wanted = _partner(partner) if partner else None
    if kind and kind not in KINDS:
        raise UnknownKindError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    for name, bound in (("since", since), ("until", until)):
        if bound and date_bounds(bound) is None:
            raise BadDateError(f"--{name} {bound!r} is not a date: use 2022, 2022-06 or 2022-06-15")
    catalog = Catalog.open((settings or Settings.load()).catalog_path)
    try:
        records = [
            r
            for r in catalog.events()
            if (wanted is None or r.partner == wanted)
            and (not kind or r.kind == kind)
            and overlaps(r.date, since or "", until or "")
        ]
        headers = catalog.article_headers(sorted({r.article_id for r in records}))
    finally:
        catalog.close()
    found = [_event(r, headers.get(r.article_id, {})) for r in records]
    return sorted(found, key=_chronological)


def _partner(name: str) -> str:
    canonical = canonical_partner(name)
    if canonical is None:
        close = gazetteer().close_to(name)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UnknownPartnerError(
            f"unknown partner {name!r}: no country or bloc by that name{hint}"
        )
    return canonical


def _event(record: EventRecord, header: dict[str, object]) -> Event:
    return Event(
        partner=record.partner,
        kind=record.kind,
        date=record.date,
        status=record.status,
        actors=tuple(a for a in record.actors.split("; ") if a),
        place=record.place,
        article_id=record.article_id,
        quote=record.quote,
        start=record.start,
        end=record.end,
        title=str(header.get("title", "")),
        outlet=str(header.get("outlet", "")),
        article_date=str(header.get("date", "")),
        event_id=record.event_id,
    )


def _chronological(event: Event) -> tuple[date, int, str, str, int]:
    """By the first day the date covers, a year before its months; undated ones last."""
    bounds = date_bounds(event.date)
    first = bounds[0] if bounds else date.max
    return first, -len(event.date), event.article_id, event.partner, event.start
