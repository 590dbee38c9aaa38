"""The answering backends' contract: what a backend is given and what it must write."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.question import Query
from rag.schema import Passage
from rag.verify import SupportIndex

# A backend writes exactly this when the passages do not answer the question.
ABSTAIN = "NOT_IN_SOURCES"
Message = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}


@dataclass(frozen=True)
class Evidence:
    """What a backend answers from: the retrieved passages and their sentences, embedded."""

    passages: Sequence[Passage]
    support: SupportIndex
    listing: bool = False  # one item per passage: a list gathered across articles (events)


class AnswerBackend(Protocol):
    """Writes an answer from numbered passages; `[n]` cites `passages[n - 1]`."""

    name: str

    def generate(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """Stream the answer text (with `[n]` markers) in `query.language`, or just `ABSTAIN`."""
        ...

    def fallback(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """A second, simpler try when no sentence of the first answer could be checked."""
        ...

    def condense(self, question: str, history: Sequence[Message]) -> str:
        """Rewrite a follow-up into a question that stands alone."""
        ...
