"""mitra's question-answering library: `ask()` a question, get an `Answer` with citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import MitraError
from rag.schema import Answer, Citation, Passage

if TYPE_CHECKING:
    from rag.assistant import Assistant, ask

__all__ = ["Answer", "Assistant", "Citation", "MitraError", "Passage", "ask"]


def __getattr__(name: str) -> Any:
    # The assistant pulls in Chroma and torch: load it only when asked for.
    if name in ("Assistant", "ask"):
        from rag import assistant

        return getattr(assistant, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
