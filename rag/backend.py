"""The answering backends' contract, and the factory that picks one from a setting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from rag.config import Settings
from rag.errors import ConfigError
from rag.schema import Passage

# A backend writes exactly this when the passages do not answer the question.
ABSTAIN = "NOT_IN_SOURCES"
Message = dict[str, str]  # {"role": "user" | "assistant", "content": "..."}


class AnswerBackend(Protocol):
    """Writes an answer from numbered passages; `[n]` cites `passages[n - 1]`."""

    name: str

    def generate(self, question: str, passages: Sequence[Passage], language: str) -> Iterator[str]:
        """Stream the answer text (with `[n]` markers), or just `ABSTAIN`."""
        ...

    def condense(self, question: str, history: Sequence[Message]) -> str:
        """Rewrite a follow-up into a question that stands alone."""
        ...


def make_backend(spec: str, settings: Settings) -> AnswerBackend:
    """`extractive`, `ollama:<model>` or `openai:<model>` (base URL and key from settings)."""
    if spec == "extractive":
        from rag.extractive import ExtractiveBackend

        return ExtractiveBackend()
    kind, _, model = spec.partition(":")
    if kind in ("ollama", "openai") and model:
        from rag.llm import LLMBackend

        return LLMBackend.from_spec(kind, model, settings)
    raise ConfigError(
        f"unknown answering backend {spec!r}: use 'extractive', 'ollama:<model>' or "
        "'openai:<model>' (MITRA_LLM or --llm)"
    )
