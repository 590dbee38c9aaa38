"""Hybrid retrieval: dense (multilingual embeddings) and BM25, fused by reciprocal rank."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from rag.keyword import KeywordIndex
from rag.question import Query
from rag.schema import Passage
from rag.store import ChunkStore

RRF_K = 60
CANDIDATES = 40


@dataclass(frozen=True)
class _Chunk:
    chunk_id: str
    text: str
    meta: dict


class HybridRetriever:
    """Finds the best passages for a question, at most one merged passage per article."""

    def __init__(self, store: ChunkStore, embeddings: Embeddings) -> None:
        self._store = store
        self._embeddings = embeddings
        self._lock = threading.Lock()
        self._chunks: list[_Chunk] = []
        self._keyword = KeywordIndex([])
        self.refresh()

    def refresh(self) -> None:
        """Re-read the chunks for keyword search (after the index changed)."""
        chunks = [_Chunk(cid, doc, meta) for cid, doc, meta in self._store.iter_chunks(True)]
        keyword = KeywordIndex.from_texts([c.text for c in chunks])
        with self._lock:
            self._chunks, self._keyword = chunks, keyword

    @property
    def size(self) -> int:
        return len(self._chunks)

    def search(self, query: Query, k: int) -> list[Passage]:
        """The `k` best passages, best first; several hits in one article are merged."""
        with self._lock:
            chunks, keyword = self._chunks, self._keyword
        if not chunks:
            return []
        fused: dict[str, float] = defaultdict(float)
        found: dict[str, _Chunk] = {}
        vector = self._embeddings.embed_query(query.text)
        dense = self._store.query(vector, min(CANDIDATES, len(chunks)))
        for rank, (cid, doc, meta, _) in enumerate(dense):
            fused[cid] += 1.0 / (RRF_K + rank + 1)
            found[cid] = _Chunk(cid, doc, meta)
        for rank, (position, _) in enumerate(keyword.search(keyword_query(query), CANDIDATES)):
            chunk = chunks[position]
            fused[chunk.chunk_id] += 1.0 / (RRF_K + rank + 1)
            found[chunk.chunk_id] = chunk
        return _merge_by_article(found, fused, k)


def keyword_query(query: Query) -> str:
    """An English question gets its Indonesian lexicon equivalents: the articles' words."""
    if query.language != "en":
        return query.text
    equivalents = {s for term in query.terms for alt in term.alternatives for s in alt}
    return " ".join([query.text, *sorted(equivalents)])


def _merge_by_article(found: dict[str, _Chunk], fused: dict[str, float], k: int) -> list[Passage]:
    by_article: dict[str, list[_Chunk]] = defaultdict(list)
    for cid in sorted(fused, key=fused.__getitem__, reverse=True):
        by_article[str(found[cid].meta["article_id"])].append(found[cid])
    # An article scores as its best chunk (rank 1 in both lists = 1.0): summing its chunks
    # would favour long articles over the short one that answers.
    best = 2.0 / (RRF_K + 1)
    passages = []
    for article_chunks in by_article.values():
        top = article_chunks[0]
        span = [top]
        # A neighbouring chunk that also matched joins the best one: one passage per article.
        for other in article_chunks[1:3]:
            if _overlapping(top, other):
                span.append(other)
        span.sort(key=lambda c: int(c.meta["start"]))
        passages.append(_passage(span, top, fused[top.chunk_id] / best))
    passages.sort(key=lambda p: p.score, reverse=True)
    return passages[:k]


def _overlapping(a: _Chunk, b: _Chunk) -> bool:
    return int(a.meta["start"]) <= int(b.meta["end"]) and int(b.meta["start"]) <= int(a.meta["end"])


def _passage(span: list[_Chunk], top: _Chunk, score: float) -> Passage:
    text = span[0].text
    end = int(span[0].meta["end"])
    for chunk in span[1:]:
        start = int(chunk.meta["start"])
        text += chunk.text[end - start :]
        end = int(chunk.meta["end"])
    meta = top.meta
    return Passage(
        article_id=str(meta["article_id"]),
        chunk_id=top.chunk_id,
        score=round(score, 4),
        text=text,
        title=str(meta.get("title", "")),
        outlet=str(meta.get("outlet", "")),
        date=str(meta.get("date", "")),
        start=int(span[0].meta["start"]),
        end=end,
    )
