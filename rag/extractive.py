"""The offline backend: answers by quoting the retrieved sentences that answer the question."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rag.answering import ABSTAIN, Evidence, Message
from rag.evidence import LISTING_ITEMS, candidates, quotes, select
from rag.question import Query
from rag.text.terms import extract_terms

_FOLLOW_UP = re.compile(
    r"^(?:and|but|so|what about|how about|dan|lalu|terus|kemudian|bagaimana dengan)\b|"
    r"\b(?:they|them|their|he|him|his|she|her|it|its|this|that|these|those|there|both|"
    r"mereka|dia|ia|beliau|itu|tersebut|keduanya|sana|kunjungannya|pernyataannya)\b",
    re.IGNORECASE,
)


class ExtractiveBackend:
    """Quotes the best-matching sentences with their source; abstains when none answers."""

    name = "extractive"

    def generate(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """Quote the sentences that answer `query`, each with its source and `[n]`."""
        passages = evidence.passages
        if evidence.listing:  # each passage is one event's sentence: quote every one
            units = candidates(passages, pairs=False)[:LISTING_ITEMS]
            yield from quotes(units, passages, query.language)
            return
        picked = select(query, passages)
        if not picked:
            yield ABSTAIN
            return
        yield from quotes(picked, passages, query.language)

    def fallback(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """Nothing simpler to try: the quotes either answer or they do not."""
        yield ABSTAIN

    def condense(self, question: str, history: Sequence[Message]) -> str:
        """Add the names and key words of the earlier question a follow-up refers to."""
        own_terms = extract_terms(question)
        if not _FOLLOW_UP.search(question) and any(t.kind != "word" for t in own_terms):
            return question
        own = {alt for term in own_terms for alt in term.alternatives}
        for message in reversed(history):
            if message.get("role") != "user":
                continue
            terms = extract_terms(message.get("content", ""))
            carried = [t.text for t in terms if t.weight >= 1.0 and not own & set(t.alternatives)]
            if any(t.kind in ("name", "place") for t in terms) and carried:
                return f"{question} ({' '.join(carried)})"
        return question
