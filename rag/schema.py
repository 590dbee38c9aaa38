"""The typed results the library returns: passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Carrier:
    """Another outlet's copy of the same story (syndicated news): where else it was reported."""

    article_id: str
    title: str
    outlet: str
    date: str
    url: str = ""


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of an article, best first in `Answer.passages`."""

    article_id: str
    chunk_id: str
    score: float
    text: str
    title: str = ""
    outlet: str = ""
    date: str = ""
    start: int = 0
    end: int = 0
    also: tuple[Carrier, ...] = ()  # the other articles of its story


@dataclass(frozen=True)
class Sources:
    """The passages an answer is being written from: streamed before its first word."""

    passages: list[Passage]


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer; `quote` is `article_text[start:end]` verbatim."""

    n: int
    article_id: str
    title: str
    outlet: str
    date: str
    quote: str
    start: int
    end: int
    chunk_id: str
    score: float
    verified: bool
    also: tuple[Carrier, ...] = ()  # the same story in other outlets


@dataclass(frozen=True)
class Answer:
    """An answer with inline `[n]` markers that refer to `citations`."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    language: str = "en"
    passages: list[Passage] = field(default_factory=list)
    backend: str = "extractive"
    latency_ms: float = 0.0
    removed: int = 0  # sentences left out because no passage supports them

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain dicts and lists (`dataclasses.asdict`)."""
        return asdict(self)
