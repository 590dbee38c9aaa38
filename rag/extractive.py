"""The offline backend: answers by quoting the retrieved sentences that answer the question."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rag.answering import ABSTAIN, Message
from rag.evidence import Unit, select
from rag.question import Query
from rag.schema import Passage
from rag.text.dates import format_date
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

    def generate(self, query: Query, passages: Sequence[Passage]) -> Iterator[str]:
        """Quote the sentences that answer `query`, each with its source and `[n]`."""
        picked = select(query, passages)
        if not picked:
            yield ABSTAIN
            return
        yield from _compose(picked, passages, query.language)

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


def _compose(picked: list[Unit], passages: Sequence[Passage], language: str) -> Iterator[str]:
    """Yield the answer quote by quote: the source, the quoted words, and `[n]`."""
    for position, unit in enumerate(picked):
        source = source_label(passages[unit.passage], language)
        quote = " ".join(unit.text.split())
        separator = "\n\n" if position else ""
        yield f"{separator}{source}: «{quote}» [{unit.passage + 1}]"


def source_label(passage: Passage, language: str) -> str:
    """Who said it and when: `According to KONTAN.CO.ID (17 Aug)`, `Menurut … (17 Agu)`."""
    english = language == "en"
    outlet = passage.outlet or ("an article" if english else "sebuah artikel")
    date = format_date(passage.date, language)
    label = f"{'According to' if english else 'Menurut'} {outlet}"
    return f"{label} ({date})" if date else label
