"""Answering backends by name: `make_backend("extractive")`, `"ollama:<model>"`, …"""

from __future__ import annotations

from rag.answering import AnswerBackend
from rag.config import Settings
from rag.errors import ConfigError


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
