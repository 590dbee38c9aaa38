"""A LangChain chat model over llama.cpp's server running inside this process (xllamacpp).

Decisions worth knowing:
- One `xllamacpp.Server` per (model file, context, threads, slots) serves every instance in the
  process; it loads on first use (or `load()`), under a lock. It is thread-safe, and its
  `parallel` slots decode concurrent requests in one batch. Loading holds the GIL, so every
  Python thread stalls for those seconds: call `load()` at start-up, before serving anyone.
- `n_ctx` is the context of one request, prompt and answer together: the server holds
  `n_ctx * parallel` tokens, a slice per slot. A prompt that does not fit raises
  `ContextOverflowError`; one that fits but leaves fewer than `max_tokens` tokens gets an answer
  cut short, with `finish_reason` "length".
- llama.cpp's prompt cache is on: a prompt that starts like an earlier one (the same system
  prompt) reuses that prefix instead of reading it again.
- xllamacpp always starts the server's HTTP side too, on a random loopback port (`http_url`).
  Answers never use it; token counting does, as the in-process API has no tokenizer call.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    convert_to_openai_messages,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from rag.errors import ContextOverflowError, LLMError, LLMLoadError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.callbacks import CallbackManagerForLLMRun
    from xllamacpp import Server

PROMPT_CACHE_MIB = 1024  # host-memory copies of earlier prompts' KV (llama.cpp's default: 8 GiB)
TOKENIZE_TIMEOUT_S = 30
_SERVERS: dict[tuple[str, int, int, int], Server] = {}
_LOADING = threading.Lock()
_END = object()
# The loopback server must not be reached through an HTTP proxy set in the environment.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def available_threads() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0))


class LocalChatModel(BaseChatModel):
    """A chat model answering from a local GGUF file through llama.cpp, in this process.

    Extra keyword arguments to `invoke`/`stream` go to llama.cpp as request options (e.g.
    `json_schema`, `top_p`).
    """

    model_path: Path
    n_ctx: int = Field(default=4096, gt=0)
    threads: int = Field(default_factory=available_threads, gt=0)
    parallel: int = Field(default=2, gt=0)
    max_tokens: int = Field(default=512, gt=0)
    temperature: float = 0.0
    stop: list[str] | None = None

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_path": str(self.model_path),
            "n_ctx": self.n_ctx,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }

    @property
    def model_name(self) -> str:
        """The model file's name without `.gguf` ("qwen2.5-1.5b")."""
        return self.model_path.name.removesuffix(".gguf")

    @property
    def http_url(self) -> str:
        """The OpenAI-compatible base URL of the same server on loopback (`…/v1`)."""
        return f"{self._server().listening_address}/v1"

    def load(self) -> None:
        """Load the model now rather than on the first request."""
        self._server()

    def get_num_tokens(self, text: str) -> int:
        """Tokens in `text` by the model's own tokenizer, without special tokens."""
        return len(self._post("/tokenize", {"content": text, "add_special": False})["tokens"])

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Prompt tokens of `messages` after the chat template: what counts against `n_ctx`."""
        if tools:
            raise NotImplementedError("LocalChatModel does not count tool definitions")
        prompt = self._post("/apply-template", {"messages": convert_to_openai_messages(messages)})
        return len(self._post("/tokenize", {"content": prompt["prompt"]})["tokens"])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request = self._request(messages, stop, stream=False, **kwargs)
        server = self._server()
        try:
            reply = server.handle_chat_completions(request)
        except ValueError as exc:
            raise _failed(exc) from exc
        _raise_for_error(reply, request["max_tokens"])
        choice = reply["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(reply["usage"]),
            response_metadata=_metadata(
                choice.get("finish_reason"), reply.get("timings"), self.model_name
            ),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, stream=True, **kwargs)
        server = self._server()
        events: queue.Queue[Any] = queue.Queue()
        closed = threading.Event()

        def on_event(event: dict[str, Any]) -> bool:
            events.put(event)
            return closed.is_set()  # True makes llama.cpp stop generating

        def run() -> None:
            try:
                server.handle_chat_completions(request, on_event)
            except Exception as exc:  # handed to the consumer
                events.put(exc)
            events.put(_END)

        # The call blocks until the answer ends, calling back per piece: a thread turns that
        # into this generator. Closing the generator stops the generation at the next piece.
        # Not a daemon, even when streamed from one (a thread inherits that flag): one still
        # inside llama.cpp when the interpreter exits aborts the process ("FATAL: exception not
        # rethrown"); exit waits for the answer to end or be stopped instead.
        threading.Thread(target=run, name="xllamacpp-stream", daemon=False).start()
        try:
            while (event := events.get()) is not _END:
                if isinstance(event, Exception):
                    raise _failed(event) from event
                _raise_for_error(event, request["max_tokens"])
                chunk = _chunk(event, self.model_name)
                if chunk is None:
                    continue
                if run_manager:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
        finally:
            closed.set()

    def _request(
        self, messages: list[BaseMessage], stop: list[str] | None, *, stream: bool, **kwargs: Any
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": convert_to_openai_messages(messages),
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "cache_prompt": True,
            "stream": stream,
        }
        if stream:
            request["stream_options"] = {"include_usage": True}
        stops = [*(self.stop or []), *(stop or [])]
        if stops:
            request["stop"] = stops
        return {**request, **kwargs}

    def _server(self) -> Server:
        key = (str(self.model_path), self.n_ctx, self.threads, self.parallel)
        with _LOADING:
            if key not in _SERVERS:
                _SERVERS[key] = _load(self.model_path, self.n_ctx, self.threads, self.parallel)
            return _SERVERS[key]

    def _post(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self._server().listening_address + route
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with _LOOPBACK.open(request, timeout=TOKENIZE_TIMEOUT_S) as response:
                return json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise _failed(exc) from exc


def _load(path: Path, n_ctx: int, threads: int, parallel: int) -> Server:
    """Start llama.cpp's server on `path`: blocks until the model is loaded and warmed up."""
    import xllamacpp as xlc  # a 100 MB extension: loaded only when a local model is used

    if not path.is_file():
        raise LLMLoadError(f"the local model file {path} does not exist: check the path")
    params = xlc.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx * parallel
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.cache_prompt = True
    params.cache_ram_mib = PROMPT_CACHE_MIB
    params.endpoint_slots = False  # /slots would show other requests' prompts on loopback
    params.verbosity = 0  # llama.cpp logs to stderr; its failures become one-line LLMErrors
    try:
        return xlc.Server(params)
    except RuntimeError as exc:
        raise LLMLoadError(_load_failure(path, n_ctx, parallel)) from exc


def _load_failure(path: Path, n_ctx: int, parallel: int) -> str:
    size = path.stat().st_size
    available = _available_memory()
    setting = f"n_ctx={n_ctx} × {parallel} slots"
    # The weights are mapped from the file; the context and buffers come on top.
    if available is not None and available < size * 1.2 + 256 * 2**20:
        return (
            f"not enough memory to load the local model {path.name} ({size / 2**30:.1f} GiB "
            f"file, {available / 2**30:.1f} GiB available): free memory, lower {setting}, "
            "or use a smaller model"
        )
    return (
        f"the local model {path.name} failed to load with {setting}: lower them, or delete the "
        "file to have it rebuilt"
    )


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _failed(detail: object) -> LLMError:
    text = " ".join(str(detail).split())[:200] or type(detail).__name__
    return LLMError(
        f"the local model failed ({text}): see its settings, or set MITRA_LLM=extractive"
    )


def _raise_for_error(reply: dict[str, Any], max_tokens: int) -> None:
    """Raise the LLMError for an error reply; a prompt too long becomes ContextOverflowError."""
    error = reply.get("error")
    if error is None:
        return
    if error.get("type") == "exceed_context_size_error":
        tokens, n_ctx = error["n_prompt_tokens"], error["n_ctx"]
        raise ContextOverflowError(
            f"the prompt has {tokens} tokens but the local model's context holds {n_ctx}: "
            f"shorten it to at most {max(n_ctx - max_tokens, 0)} tokens (leaving {max_tokens} "
            "for the answer) or raise n_ctx",
            prompt_tokens=tokens,
            n_ctx=n_ctx,
        )
    raise _failed(error.get("message") or error)


def _chunk(event: dict[str, Any], model_name: str) -> ChatGenerationChunk | None:
    """The LangChain chunk for one streamed event; None for one carrying nothing.

    The last one, with the usage, also names the model.
    """
    choices = event.get("choices") or [{}]
    text = (choices[0].get("delta") or {}).get("content") or ""
    finish = choices[0].get("finish_reason")
    usage = event.get("usage")
    if not (text or finish or usage):
        return None
    message = AIMessageChunk(
        content=text,
        usage_metadata=_usage(usage) if usage else None,
        response_metadata=_metadata(
            finish, event.get("timings") if usage else None, model_name if usage else None
        ),
    )
    return ChatGenerationChunk(message=message)


def _usage(usage: dict[str, Any]) -> UsageMetadata:
    return UsageMetadata(
        input_tokens=usage["prompt_tokens"],
        output_tokens=usage["completion_tokens"],
        total_tokens=usage["total_tokens"],
    )


def _metadata(
    finish: str | None, timings: dict[str, Any] | None, model_name: str | None
) -> dict[str, Any]:
    """The response metadata: `finish_reason`, llama.cpp's `timings` and `model_name`."""
    metadata: dict[str, Any] = {}
    if model_name:
        metadata["model_name"] = model_name
    if finish:
        metadata["finish_reason"] = finish
    if timings:
        metadata["timings"] = timings
    return metadata
