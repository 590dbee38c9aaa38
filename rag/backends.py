"""Answering backends by name: `local[:model]`, `extractive`, `ollama:<model>`, `openai:<model>`."""

from __future__ import annotations

from rag.answering import AnswerBackend
from rag.config import Settings
from rag.errors import ConfigError

DEFAULT_LOCAL_MODEL = "qwen2.5-1.5b"
# Per request: the fixed prompt (~350 tokens), the sentences (~300) and the answer fit easily.
LOCAL_CONTEXT = 2048
LOCAL_MAX_TOKENS = 160


def make_backend(spec: str, settings: Settings) -> AnswerBackend:
    """The backend `spec` names; models are loaded on first use, not here."""
    if spec == "extractive":
        from rag.extractive import ExtractiveBackend

        return ExtractiveBackend()
    kind, _, model = spec.partition(":")
    if kind == "local":
        return _local(model or DEFAULT_LOCAL_MODEL, settings)
    if kind in ("ollama", "openai") and model:
        from rag.llm import LLMBackend

        return LLMBackend.from_spec(kind, model, settings)
    raise ConfigError(
        f"unknown answering backend {spec!r}: use 'local', 'local:<model or .gguf path>', "
        "'extractive', 'ollama:<model>' or 'openai:<model>' (MITRA_LLM or --llm)"
    )


def _local(model: str, settings: Settings) -> AnswerBackend:
    from rag.llm import LLMBackend
    from rag.local_llm import LocalChatModel
    from rag.local_model import ensure_model

    path = ensure_model(model, settings.models_dir)
    chat = LocalChatModel(model_path=path, n_ctx=LOCAL_CONTEXT, max_tokens=LOCAL_MAX_TOKENS)
    return LLMBackend(
        chat,
        name=f"local:{model}",
        timeout=settings.llm_timeout,
        prompts_dir=settings.prompts_dir,
    )
