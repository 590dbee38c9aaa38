"""Questions that span articles ("which countries…", "negara mana saja…"), from the events.

Five retrieved passages cannot list five partners from five articles. The partnership events
extracted at index time can: those that fit the question (its partner, the kinds of cooperation
it names, its time) are ranked by how close their quote is to the question, one per partner,
and each becomes a passage holding just its quote — so every item of the answer is cited to
its own sentence, by whichever backend writes the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.catalog import Catalog, EventRecord
from rag.question import Query
from rag.schema import Passage
from rag.text.dates import overlaps
from rag.text.event_cues import KIND_CUES, NEUTRAL
from rag.text.gazetteer import find_places
from rag.text.stem import text_stems
from rag.text.terms import coverage

MAX_ITEMS = 6
# Quotes embedded per question at most: the rest are ranked by their words alone.
MAX_EMBEDDED = 80
HOME = "Russia"
_PEOPLE = re.compile(
    r"\b(?:officials?|leaders?|ministers?|people|pejabat|pemimpin|menteri|tokoh|siapa)\b",
    re.IGNORECASE,
)
_COUNTRIES = re.compile(r"\b(?:countr|nation|partner|negara|bangsa|mitra)", re.IGNORECASE)


def event_passages(
    query: Query, catalog: Catalog, embeddings: Embeddings, limit: int = MAX_ITEMS
) -> list[Passage]:
    """The events that answer a listing question, one per partner, best first."""
    partners = {name for name, _, _ in find_places(query.text)} - {HOME}
    kinds = _kinds(query.text)
    period = query.period if query.dated else None
    found = [
        e
        for e in catalog.events()
        if (not partners or e.partner in partners)
        and (not kinds or e.kind in kinds)
        and (period is None or overlaps(e.date, period.since, period.until))
    ]
    if not found:
        return []
    best = _by_closeness(query, found, embeddings)
    if query.kind == "who" or _PEOPLE.search(query.text):  # name the people when asked for
        best.sort(key=lambda e: not e.actors)
    # "Which countries…" wants each partner once; "which officials / meetings…", each article.
    key = "partner" if _COUNTRIES.search(query.text) else "article_id"
    chosen: list[EventRecord] = []
    for event in best:
        if len(chosen) == limit:
            break
        if all(getattr(c, key) != getattr(event, key) for c in chosen):
            chosen.append(event)
    headers = catalog.article_headers(sorted({e.article_id for e in chosen}))
    return [_passage(e, headers.get(e.article_id, {})) for e in chosen]


def _kinds(question: str) -> set[str]:
    """The kinds of cooperation a question names ("senjata" → arms)."""
    text = NEUTRAL.sub(" ", question)
    return {kind for kind, cues in KIND_CUES if cues.search(text)}


def _by_closeness(
    query: Query, events: Sequence[EventRecord], embeddings: Embeddings
) -> list[EventRecord]:
    """Events by how close their quote is to the question in meaning.

    When there are many, only those sharing the most words with it are compared.
    """
    # One quote often holds several events (one per partner): embed each sentence once.
    quotes = list(dict.fromkeys(e.quote for e in events))
    if len(quotes) > MAX_EMBEDDED:
        quotes.sort(key=lambda q: coverage(query.terms, text_stems(q)), reverse=True)
        quotes = quotes[:MAX_EMBEDDED]
    vectors = np.array(embeddings.embed_documents(quotes))
    question = np.array(embeddings.embed_query(query.text))
    closeness = dict(zip(quotes, vectors @ question, strict=True))
    return sorted(events, key=lambda e: closeness.get(e.quote, -1.0), reverse=True)


def _passage(event: EventRecord, header: dict[str, object]) -> Passage:
    return Passage(
        article_id=event.article_id,
        chunk_id=f"event:{event.event_id}",
        score=1.0,
        text=event.quote,
        title=str(header.get("title", "")),
        outlet=str(header.get("outlet", "")),
        date=str(header.get("date", "")),
        start=event.start,
        end=event.end,
    )
