"""Hybrid retrieval: dense (multilingual embeddings) and BM25, fused by reciprocal rank."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from langchain_core.embeddings import Embeddings

from rag.catalog import ChunkRecord
from rag.question import Query
from rag.reader import IndexReader, IndexView
from rag.schema import Carrier, Passage
from rag.text.dates import Period, date_bounds, find_dates, overlaps

RRF_K = 60
CANDIDATES = 40


class HybridRetriever:
    """Finds the best passages for a question, at most two parts of any one article."""

    def __init__(self, reader: IndexReader, embeddings: Embeddings) -> None:
        self._reader = reader
        self._embeddings = embeddings

    def search(self, query: Query, k: int) -> list[Passage]:
        """The `k` best passages, best first; overlapping hits in one article are merged."""
        view = self._reader.view()
        fused: dict[str, float] = defaultdict(float)
        # A question about a time looks deeper, then puts what happened then first.
        depth = CANDIDATES * (3 if query.period else 1)
        vector = self._embeddings.embed_query(query.text)
        dense = view.store.query(vector, min(depth, view.chunk_count))
        keyword = view.keyword.search(keyword_query(query), depth)
        for hits in (dense, keyword):
            for rank, (chunk_id, _) in enumerate(hits):
                fused[chunk_id] += 1.0 / (RRF_K + rank + 1)
        # Chunks another process removed since this view was loaded are not in the catalog.
        chunks = view.catalog.chunks(list(fused))
        headers = view.catalog.article_headers(sorted({c.article_id for c in chunks.values()}))
        ranked = [
            chunks[cid]
            for cid in sorted(fused, key=fused.__getitem__, reverse=True)
            if cid in chunks and chunks[cid].article_id in headers
        ]
        passages = _one_per_story(_merge_by_article(ranked, fused, headers), headers)
        if query.period:
            passages = _by_period(passages, query.period, k)
        return _with_carriers(passages[:k], headers, view)


def keyword_query(query: Query) -> str:
    """An English question gets its Indonesian lexicon equivalents: the articles' words."""
    if query.language != "en":
        return query.text
    equivalents = {s for term in query.terms for alt in term.alternatives for s in alt}
    return " ".join([query.text, *sorted(equivalents)])


def _by_period(passages: list[Passage], period: Period, k: int) -> list[Passage]:
    """Passages about the question's time first.

    "Latest" orders the best 2k by date, newest first; an article with no date is never taken
    for a recent one and comes last.
    """
    if period.latest and not (period.since or period.until):
        best = passages[: 2 * k]
        dated = sorted((p for p in best if date_bounds(p.date)), key=_newest, reverse=True)
        return dated + [p for p in best if not date_bounds(p.date)]
    inside = [p for p in passages if _within(p, period)]
    return inside + [p for p in passages if p not in inside]


def _newest(passage: Passage) -> date:
    bounds = date_bounds(passage.date)
    return bounds[1] if bounds else date.min


def _within(passage: Passage, period: Period) -> bool:
    """The article is from the period, or the passage says something happened in it."""
    if overlaps(passage.date, period.since, period.until):
        return True
    mentioned = find_dates(passage.text, passage.date)
    return any(overlaps(iso, period.since, period.until) for _, _, iso in mentioned)


def _one_per_story(passages: list[Passage], headers: dict[str, dict[str, object]]) -> list[Passage]:
    """Each story shown from one article, its best: copies in other outlets take no slot."""
    shown_by: dict[str, str] = {}  # story -> the article that shows it
    kept = []
    for passage in passages:
        story = str(headers[passage.article_id].get("story_id") or passage.article_id)
        if shown_by.setdefault(story, passage.article_id) == passage.article_id:
            kept.append(passage)
    return kept


def _with_carriers(
    passages: list[Passage], headers: dict[str, dict[str, object]], view: IndexView
) -> list[Passage]:
    """Each passage with the other articles of its story (where else it was reported)."""
    stories = {str(headers[p.article_id].get("story_id") or "") for p in passages} - {""}
    members = view.catalog.story_members(sorted(stories))
    result = []
    for passage in passages:
        story = str(headers[passage.article_id].get("story_id") or "")
        also = tuple(
            Carrier(
                str(m["article_id"]),
                str(m["title"]),
                str(m["outlet"]),
                str(m["date"]),
                str(m["url"]),
            )
            for m in members.get(story, [])
            if m["article_id"] != passage.article_id
        )
        result.append(replace(passage, also=also) if also else passage)
    return result


def _merge_by_article(
    ranked: list[ChunkRecord],
    fused: dict[str, float],
    headers: dict[str, dict[str, object]],
) -> list[Passage]:
    by_article: dict[str, list[ChunkRecord]] = defaultdict(list)
    for chunk in ranked:
        by_article[chunk.article_id].append(chunk)
    # An article scores as its best chunk (rank 1 in both lists = 1.0): summing its chunks
    # would favour long articles over the short one that answers.
    best = 2.0 / (RRF_K + 1)
    passages = []
    for article_id, article_chunks in by_article.items():
        top = article_chunks[0]
        # A neighbouring chunk that also matched joins the best one.
        span = [top, *(c for c in article_chunks[1:3] if _overlapping(top, c))]
        span.sort(key=lambda c: c.start)
        passages.append(_passage(span, top, fused[top.chunk_id] / best, headers[article_id]))
        # Another part of the same article may hold the answer: it competes for a slot too.
        other = next((c for c in article_chunks if not any(_overlapping(c, s) for s in span)), None)
        if other is not None:
            score = fused[other.chunk_id] / best
            passages.append(_passage([other], other, score, headers[article_id]))
    passages.sort(key=lambda p: p.score, reverse=True)
    return passages


def _overlapping(a: ChunkRecord, b: ChunkRecord) -> bool:
    return a.start <= b.end and b.start <= a.end


def _passage(
    span: list[ChunkRecord], top: ChunkRecord, score: float, header: dict[str, object]
) -> Passage:
    text, end = span[0].text, span[0].end
    for chunk in span[1:]:
        text += chunk.text[end - chunk.start :]
        end = chunk.end
    return Passage(
        article_id=top.article_id,
        chunk_id=top.chunk_id,
        score=round(score, 4),
        text=text,
        title=str(header.get("title", "")),
        outlet=str(header.get("outlet", "")),
        date=str(header.get("date", "")),
        start=span[0].start,
        end=end,
    )
