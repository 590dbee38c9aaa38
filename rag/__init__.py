"""mitra's question-answering library: `ask()` a question, get an `Answer` with citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import MitraError

# Imported at once, unlike `ask`: the submodule `rag.events` would take the name `events` as soon
# as anything imported it. It is light (SQLite and the text toolkit, no models).
from rag.events import events
from rag.schema import Answer, Citation, Passage

if TYPE_CHECKING:
    from rag.assistant import Assistant, ask

__all__ = ["Answer", "Assistant", "Citation", "MitraError", "Passage", "ask", "events"]


def __getattr__(name: str) -> Any:
    # The assistant pulls in Chroma and torch: load it only when asked for.
    if name in ("Assistant", "ask"):
        from rag import assistant

        return getattr(assistant, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
