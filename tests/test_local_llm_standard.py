"""LangChain's standard integration tests for `LocalChatModel`, on the real bundled 0.5B model."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import ChatModelIntegrationTests

from rag.errors import ModelPackagesMissingError
from rag.local_llm import LocalChatModel
from rag.local_model import ensure_model

pytestmark = pytest.mark.slow


@cache
def _model_path() -> Path:
    models = Path(os.environ.get("MITRA_TEST_MODEL_CACHE", Path.home() / ".cache/mitra/models"))
    return ensure_model("qwen2.5-0.5b", models, progress=False)


# The suite's async tests need pytest-asyncio's mark (the project's mode is strict).
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:.*is marked with '@pytest.mark.asyncio':pytest.PytestWarning")
class TestLocalChatModelStandard(ChatModelIntegrationTests):
    @property
    def chat_model_class(self) -> type[LocalChatModel]:
        return LocalChatModel

    @property
    def chat_model_params(self) -> dict[str, Any]:
        try:
            path = _model_path()
        except ModelPackagesMissingError as exc:
            pytest.skip(f"the bundled model is not installed: {exc}")
        # Short answers: the suite checks the interface, not the prose.
        return {"model_path": path, "n_ctx": 1024, "max_tokens": 48}

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False

    @property
    def supports_json_mode(self) -> bool:
        return False

    @property
    def returns_usage_metadata(self) -> bool:
        return True
