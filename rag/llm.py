"""Answers written by a chat model through LangChain.

The chat model: the bundled local model (xllamacpp), Ollama, or any OpenAI-compatible server.

Decisions worth knowing:
- The model is given a budget of sentences, not whole passages (`rag.evidence.for_prompt`): the
  ones that answer the question best, numbered by their passage. A small model on two cores
  reads a short prompt in seconds, and the fixed system prompt is cached by llama.cpp.
- `timeout` bounds the wait for each streamed piece (the first one included), not the whole
  answer, so a slow but steady local model still finishes; `max_tokens` bounds the length.
- A reply that is empty, or that opens with `ABSTAIN`, becomes exactly `ABSTAIN`: an empty
  reply is an abstention, not an error. Failures to reach or use the server are `LLMError`.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TypedDict, cast

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from pydantic import SecretStr

from rag.answering import ABSTAIN, Evidence, Message
from rag.config import Settings
from rag.errors import ConfigError, ContextOverflowError, LLMError
from rag.evidence import LISTING_ITEMS, Unit, candidates, for_prompt, quotes, select
from rag.prompts import render_prompt
from rag.question import Query
from rag.schema import Passage
from rag.text.dates import find_dates, format_date
from rag.text.facts import english_scales
from rag.text.language import detect_language

OLLAMA_URL = "http://127.0.0.1:11434"
OPENAI_URL = "https://api.openai.com/v1"
LANGUAGE_NAMES = {"en": "English", "id": "Indonesian"}
MAX_SENTENCES = 3
HISTORY_MESSAGES = 6  # the last turns are enough to resolve "it" / "itu"
HISTORY_CHARS = 600
_MARKER = re.compile(r"\s*\[\d+\]")
_LABEL = re.compile(r"^(standalone question|question|pertanyaan)\s*:\s*", re.IGNORECASE)
_DONE = object()


class _Sentence(TypedDict):
    """A sentence for the translation prompt, with the number of its passage."""

    n: int
    text: str


class _Source(TypedDict):
    """A passage's chosen sentences for the answer prompt, with what to cite it by."""

    n: int
    outlet: str
    date: str
    text: str


class LLMBackend:
    """An `AnswerBackend` over any LangChain chat model."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str = "custom",
        endpoint: str | None = None,
        timeout: float = 60.0,
        prompts_dir: Path | None = None,
    ) -> None:
        self.name = name
        self._model = model
        self._timeout = timeout
        self._prompts_dir = prompts_dir
        self._where = f"the LLM server at {endpoint}" if endpoint else f"the LLM {name!r}"

    @classmethod
    def from_spec(
        cls, kind: str, model: str, settings: Settings, *, max_tokens: int = 512
    ) -> LLMBackend:
        """`ollama` or `openai` (any OpenAI-compatible server) serving `model`."""
        timeout = settings.llm_timeout
        if kind == "ollama":
            from langchain_ollama import ChatOllama

            endpoint = settings.llm_base_url or OLLAMA_URL
            chat: BaseChatModel = ChatOllama(
                model=model,
                base_url=endpoint,
                temperature=0,
                num_predict=max_tokens,
                client_kwargs={"timeout": timeout},
            )
        elif kind == "openai":
            from langchain_openai import ChatOpenAI

            if not settings.llm_base_url and not settings.llm_api_key:
                raise ConfigError(
                    f"openai:{model} needs MITRA_LLM_BASE_URL (a local OpenAI-compatible "
                    "server, e.g. http://127.0.0.1:8080/v1) or MITRA_LLM_API_KEY"
                )
            endpoint = settings.llm_base_url or OPENAI_URL
            chat = ChatOpenAI(
                model=model,
                base_url=endpoint,
                # Local servers ignore the key, but the client insists on one.
                api_key=SecretStr(settings.llm_api_key or "not-needed"),
                temperature=0,
                # The field `max_tokens` under the name the constructor knows it by.
                max_completion_tokens=max_tokens,
                timeout=timeout,
                max_retries=1,
            )
        else:
            raise ConfigError(f"unknown LLM kind {kind!r}: use 'ollama' or 'openai'")
        return cls(
            chat,
            name=f"{kind}:{model}",
            endpoint=endpoint,
            timeout=timeout,
            prompts_dir=settings.prompts_dir,
        )

    def generate(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """Stream an answer citing `[n]` = `passages[n - 1]`, or exactly `ABSTAIN`.

        A list across articles (`evidence.listing`) is one event sentence per item: each is
        given as it is, or translated for an English question, so each item keeps its source.
        """
        if evidence.listing:
            units = candidates(evidence.passages, pairs=False)[:LISTING_ITEMS]
            yield from self._in_language(query, units, evidence.passages)
            return
        units = for_prompt(query, evidence.passages, evidence.support.similarities(query.text))
        if not units:
            yield ABSTAIN
            return
        while True:
            messages = answer_messages(query, evidence.passages, units, self._prompts_dir)
            try:
                yield from _abstain_or_stream(self.stream_chat(messages))
                return
            except ContextOverflowError:
                if len(units) == 1:
                    raise
                units = units[: len(units) // 2]  # a prompt too long for the model is cut

    def load(self) -> None:
        """Load the model now when it runs in this process (the bundled one)."""
        load = getattr(self._model, "load", None)
        if callable(load):
            load()

    def fallback(self, query: Query, evidence: Evidence) -> Iterator[str]:
        """A second try when no sentence of the answer could be checked.

        The sentences that answer by the rules (`rag.evidence.select`), in the question's
        language.
        """
        picked = select(query, evidence.passages)
        if not picked:
            yield ABSTAIN
            return
        yield from self._in_language(query, picked, evidence.passages)

    def _in_language(
        self, query: Query, units: Sequence[Unit], passages: Sequence[Passage]
    ) -> Iterator[str]:
        """The sentences in the question's language, each ending with its `[n]`.

        Quoted with their sources for an Indonesian question; translated by the model for an
        English one (a task small models do well).
        """
        if query.language != "en":
            yield from quotes(list(units), passages, query.language)
            return
        sentences: list[_Sentence] = [
            {"n": u.passage + 1, "text": english_scales(" ".join(u.text.split()))} for u in units
        ]
        prompt = render_prompt(
            "translate.md",
            self._prompts_dir,
            sentences=sentences,
            language=LANGUAGE_NAMES["en"],
            fence=_fence([s["text"] for s in sentences]),
        )
        yield from _abstain_or_stream(self.stream_chat([HumanMessage(prompt)]))

    def condense(self, question: str, history: Sequence[Message]) -> str:
        """The follow-up rewritten to stand alone; the question itself if the model fails at it."""
        turns = _recent_turns(history)
        if not turns:
            return question
        prompt = render_prompt(
            "condense.md",
            self._prompts_dir,
            history=turns,
            question=question,
            language=LANGUAGE_NAMES[detect_language(question)],
        )
        return _standalone("".join(self.stream_chat([HumanMessage(prompt)])), question)

    def stream_chat(self, messages: list[BaseMessage]) -> Generator[str, None, None]:
        """Stream the model's reply to `messages`, waiting at most `timeout` s for each piece.

        The model runs in a daemon thread so that a stalled call can be abandoned: LangChain
        models need not honour any timeout (the fake ones in tests do not).
        """
        pieces: queue.Queue[object] = queue.Queue()
        stop = threading.Event()

        def pump() -> None:
            try:
                # `stream` is a generator, annotated as the Iterator it returns.
                stream = cast("Generator[AIMessageChunk, None, None]", self._model.stream(messages))
                with closing(stream) as chunks:
                    for chunk in chunks:
                        if stop.is_set():
                            return
                        pieces.put(chunk.text)
            except Exception as exc:  # handed to the consumer, which turns it into an LLMError
                pieces.put(exc)
            pieces.put(_DONE)

        threading.Thread(target=pump, name="mitra-llm", daemon=True).start()
        try:
            while True:
                try:
                    piece = pieces.get(timeout=self._timeout)
                except queue.Empty:
                    raise self._timed_out() from None
                if piece is _DONE:
                    return
                if isinstance(piece, Exception):
                    raise self._error(piece) from piece
                yield str(piece)
        finally:
            stop.set()

    def _timed_out(self) -> LLMError:
        return LLMError(
            f"{self._where} did not answer within {self._timeout:g} s: raise MITRA_LLM_TIMEOUT, "
            "use a smaller model, or set MITRA_LLM=extractive"
        )

    def _error(self, exc: Exception) -> LLMError:
        """One actionable line for a failure of the model call."""
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
            return self._timed_out()
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
            return LLMError(f"{self._where} is not reachable: start it or set MITRA_LLM=extractive")
        status = getattr(exc, "status_code", None)
        if isinstance(status, int) and status > 0:
            hint = {
                401: "check MITRA_LLM_API_KEY",
                403: "check MITRA_LLM_API_KEY",
                404: f"check that it serves the model in MITRA_LLM={self.name}",
            }.get(status, "see the server's log, or set MITRA_LLM=extractive")
            return LLMError(f"{self._where} answered HTTP {status}: {hint}")
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return LLMError(f"{self._where} failed ({detail}): check it, or set MITRA_LLM=extractive")


def answer_messages(
    query: Query,
    passages: Sequence[Passage],
    units: Sequence[Unit],
    prompts_dir: Path | None = None,
) -> list[BaseMessage]:
    """The fixed system rules (cached by the model server) and the user turn.

    The user turn holds the chosen sentences under their passage's number, outlet and date,
    fenced as data, and the question.
    """
    by_passage: dict[int, list[str]] = {}  # most relevant passage first, sentences in order
    for unit in units:
        by_passage.setdefault(unit.passage, [])
    for unit in sorted(units, key=lambda u: u.start):
        text = _resolved(unit.text, passages[unit.passage].date, query.language)
        if query.language == "en":
            text = english_scales(text)
        by_passage[unit.passage].append(" ".join(text.split()))
    sources: list[_Source] = [
        {
            "n": index + 1,
            "outlet": passages[index].outlet or "unknown outlet",
            "date": format_date(passages[index].date, query.language) or "undated",
            "text": " ".join(texts),
        }
        for index, texts in by_passage.items()
    ]
    fence = _fence([s["text"] for s in sources])
    language = LANGUAGE_NAMES.get(query.language, "English")
    system = render_prompt(
        "answer_system.md",
        prompts_dir,
        max_sentences=MAX_SENTENCES,
        abstain=ABSTAIN,
        fence="```",
    )
    user = render_prompt(
        "answer.md",
        prompts_dir,
        sources=sources,
        question=query.text,
        language=language,
        fence=fence,
    )
    return [SystemMessage(system), HumanMessage(user)]


def _resolved(text: str, article_date: str, language: str) -> str:
    """`text` with each relative date followed by what it resolves to ("(= Jun 2021)").

    Resolved against the article's date: small models otherwise work out a wrong year.
    """
    pieces, position = [], 0
    for start, end, iso in find_dates(text, article_date):
        stated = text[start:end]
        if not iso[:1].isdigit() or iso[:4] in stated:
            continue  # no year to add, or the text states it already
        pieces += [text[position:end], f" (= {format_date(iso, language)})"]
        position = end
    return "".join(pieces) + text[position:]


def _fence(texts: Iterable[str]) -> str:
    """Backticks longer than any run inside the sources, so no source can close its fence."""
    longest = max((len(run) for text in texts for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _abstain_or_stream(pieces: Generator[str, None, None]) -> Iterator[str]:
    """Pass the answer through, but turn an empty reply or one opening with ABSTAIN into ABSTAIN.

    Holds back only while the reply so far could still be the start of ABSTAIN.
    """
    with closing(pieces):  # stops the model once the reply is known to abstain
        head = ""
        for piece in pieces:
            head += piece
            probe = head.lstrip(" \t\r\n*`\"'")
            if probe.startswith(ABSTAIN):
                break
            if probe and not ABSTAIN.startswith(probe):
                yield head.lstrip()
                yield from pieces
                return
    yield ABSTAIN


def _recent_turns(history: Sequence[Message]) -> list[dict[str, str]]:
    """The last turns, without citation markers and cut short, for the condense prompt."""
    turns = []
    for message in history[-HISTORY_MESSAGES:]:
        content = message.get("content")
        if message.get("role") in ("user", "assistant") and isinstance(content, str):
            text = _MARKER.sub("", content).strip()
            if text and text != ABSTAIN:
                turns.append({"role": message["role"], "content": text[:HISTORY_CHARS]})
    return turns


def _standalone(reply: str, question: str) -> str:
    """The rewritten question from the model's reply, or `question` if the reply is junk."""
    line = next((line.strip() for line in reply.splitlines() if line.strip()), "")
    line = _LABEL.sub("", line.strip("\"'`* ")).strip("\"'`* ")
    # Resolving "dia" adds a name or two; a much longer line is the model rambling or echoing.
    if not line or ABSTAIN in line or len(line) > 2 * len(question) + 100:
        return question
    return line
