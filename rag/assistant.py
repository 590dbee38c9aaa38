"""The question-answering assistant: retrieval, an answering backend, verified citations."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from dataclasses import replace
from typing import Any

from rag.aggregate import event_passages
from rag.answering import AnswerBackend, Evidence, Message
from rag.backends import DEFAULT_LOCAL_MODEL, make_backend
from rag.catalog import ARTICLE_FIELDS
from rag.citations import ABSTENTION, CheckedAnswer, CitationChecker
from rag.config import Settings
from rag.embeddings import load_embeddings
from rag.errors import (
    ConfigError,
    IndexMissingError,
    ModelPackagesMissingError,
    QuestionError,
)
from rag.evidence import source_label
from rag.question import Query, analyze
from rag.reader import IndexReader
from rag.retrieve import HybridRetriever
from rag.schema import Answer, Passage, Sources
from rag.text.facts import facts
from rag.text.language import detect_language
from rag.text.stem import text_stems
from rag.text.terms import extract_terms
from rag.verify import SupportIndex

_RELATIVE_TIME = re.compile(
    r"\b(?:ago|last|next|yesterday|tomorrow|today|earlier|later|lalu|depan|kemarin|besok|"
    r"tadi|silam)\b",
    re.IGNORECASE,
)
# Letters and symbols that print as nothing: a question of only these is empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


log = logging.getLogger("mitra")


class Assistant:
    """Holds the embedding model, the index and the answering backends for repeated questions.

    The index may change under it (`mitra index` in another process): each question is
    answered from the latest complete index.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        if self.settings.unsupported not in ("remove", "flag"):
            raise ConfigError(
                f"MITRA_UNSUPPORTED={self.settings.unsupported!r}: use 'remove' (leave out "
                "sentences no source supports) or 'flag' (show them marked unverified)"
            )
        self._embeddings = load_embeddings(self.settings.embedding_model, self.settings.models_dir)
        self._reader = IndexReader(self.settings, self._embeddings.model_name)
        self._retriever = HybridRetriever(self._reader, self._embeddings)
        self._backends: dict[str, AnswerBackend] = {}
        self._lock = threading.Lock()

    @property
    def backend_name(self) -> str:
        """The backend that answers by default (its model is loaded on first use)."""
        return self._backend(None).name

    def load_backend(self) -> None:
        """Assemble and load the default backend's model now, not on the first question."""
        load = getattr(self._backend(None), "load", None)
        if callable(load):
            load()

    def _backend(self, spec: str | None) -> AnswerBackend:
        spec = spec or self.settings.llm
        with self._lock:
            if spec not in self._backends:
                self._backends[spec] = self._make(spec)
            return self._backends[spec]

    def _make(self, spec: str) -> AnswerBackend:
        """The backend `spec` names; without the bundled model's packages, the extractive one.

        The fallback is said once, in the log and as the backend's name.
        """
        try:
            return make_backend(spec, self.settings)
        except ModelPackagesMissingError as exc:
            if spec not in ("local", f"local:{DEFAULT_LOCAL_MODEL}"):
                raise
            log.warning("%s; answering with the extractive backend meanwhile", exc)
            return make_backend("extractive", self.settings)

    def _check_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise QuestionError(
                f"the question must be text, not {type(question).__name__}: pass a string"
            )
        question = " ".join(_visible(question).split())
        if not question:
            raise QuestionError("the question is empty: type a question about the articles")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {limit} "
                "(shorten it, or raise MITRA_MAX_QUESTION_CHARS)"
            )
        if detect_language(question) == "other":
            raise QuestionError(
                "mitra answers questions in English or Indonesian: please ask in one of them · "
                "mitra menjawab pertanyaan dalam bahasa Inggris atau Indonesia: silakan "
                "bertanya dalam salah satunya"
            )
        return question

    def retrieve(self, question: str | Query, k: int | None = None) -> list[Passage]:
        """The best passages for `question`, best first (at most two parts of one article)."""
        query = question if isinstance(question, Query) else analyze(self._check_question(question))
        return self._retriever.search(query, k or self.settings.k)

    def ask(
        self,
        question: str,
        *,
        history: Sequence[Message] | None = None,
        k: int | None = None,
        llm: str | None = None,
    ) -> Answer:
        """Answer `question` with numbered, verified citations."""
        answer = None
        for part in self.stream(question, history=history, k=k, llm=llm):
            if isinstance(part, Answer):
                answer = part
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Message] | None = None,
        k: int | None = None,
        llm: str | None = None,
    ) -> Iterator[Sources | str | Answer]:
        """Yield the retrieved `Sources` at once, then the answer text, then the final `Answer`.

        The answer text comes as it is checked, sentence by sentence.
        """
        started = time.perf_counter()
        question = self._check_question(question)
        backend = self._backend(llm)
        query = analyze(question)
        standalone = analyze(backend.condense(question, history)) if history else query
        listed = self._listed(standalone) if standalone.spans else []
        passages = listed or self.retrieve(standalone, k)
        yield Sources(passages)
        support = SupportIndex(passages, self._embeddings)
        evidence = Evidence(passages, support, listing=bool(listed))
        checked = yield from self._checked(query, evidence, backend.generate(query, evidence))
        on_topic = _on_topic(query, checked.text, passages)
        if checked.abstained or not on_topic or not _gives_what_is_asked(query, checked.text):
            second = yield from self._checked(query, evidence, backend.fallback(query, evidence))
            removed = checked.removed + second.removed
            if not second.abstained:
                checked = replace(second, removed=removed)
            elif not checked.abstained and not on_topic:  # true, but about something else
                checked = CheckedAnswer(ABSTENTION[query.language], [], True, removed)
        yield Answer(
            question=question,
            text=checked.text,
            citations=checked.citations,
            abstained=checked.abstained,
            language=query.language,
            passages=passages,
            backend=backend.name,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            removed=checked.removed,
        )

    def _listed(self, query: Query) -> list[Passage]:
        """For a question asking across articles: one passage per partnership event."""
        return event_passages(query, self._reader.view().catalog, self._embeddings)

    def _checked(
        self, query: Query, evidence: Evidence, pieces: Iterator[str]
    ) -> Generator[str, None, CheckedAnswer]:
        """Stream `pieces` through the citation checker; returns the checked answer."""
        checker = CitationChecker(
            evidence.passages,
            evidence.support,
            query.language,
            flag_unsupported=self.settings.unsupported == "flag",
            question=query.text,
        )
        for piece in pieces:
            if shown := checker.feed(piece):
                yield shown
        rest, checked = checker.finish()
        if rest:
            yield rest
        return checked

    def articles(self) -> list[dict[str, Any]]:
        """One row per indexed article: its metadata (id, title, outlet, …) and chunk count."""
        try:
            return self._reader.view().catalog.articles()
        except IndexMissingError:
            return []

    def library_page(self, **query: Any) -> tuple[list[dict[str, Any]], int]:
        """One page of the library and how many articles match (`Catalog.library_page`)."""
        try:
            return self._reader.view().catalog.library_page(**query)
        except IndexMissingError:
            return [], 0

    def article(self, article_id: str) -> dict[str, Any] | None:
        """An article's metadata and its whole cleaned `text`, or None."""
        try:
            record = self._reader.view().catalog.article(article_id)
        except IndexMissingError:
            return None
        if record is None:
            return None
        return {name: getattr(record, name) for name in ARTICLE_FIELDS if name != "signature"}


def _visible(text: str) -> str:
    """`text` without invisible characters (zero-width spaces, joiners, BOM, bidi marks…)."""
    return "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in text
        if unicodedata.category(c) != "Cf" and c not in _BLANK_LETTERS
    )


_default: Assistant | None = None
_default_lock = threading.Lock()


def _on_topic(query: Query, text: str, passages: Sequence[Passage]) -> bool:
    """Whether the answer, if it names anyone or anywhere, names something the question names.

    A supported sentence about something else (another meeting, another country) does not
    answer the question; a bare date or number may. Who reported it (`According to KONTAN.CO.ID
    (17 Aug)`) is no subject.
    """
    for passage in passages:
        text = text.replace(source_label(passage, query.language), " ")
        if passage.outlet:
            text = text.replace(passage.outlet, " ")
    named = [t for t in query.terms if t.kind in ("name", "place")]
    stems = text_stems(text)
    answer_names = any(t.kind in ("name", "place") for t in extract_terms(text))
    return not named or not answer_names or any(t.match(stems) for t in named)


def _gives_what_is_asked(query: Query, text: str) -> bool:
    """Whether an answer to "when" states a time, and one to "how many" an amount."""
    text = re.sub(r"\[\d+\]", " ", text)  # markers are no amounts
    said = facts(text)
    if query.kind == "when":
        return bool(said.years or said.months or said.weekdays or _RELATIVE_TIME.search(text))
    if query.kind == "count":
        return bool(said.numbers or said.vague)
    return True


def ask(
    question: str,
    *,
    history: Sequence[Message] | None = None,
    k: int | None = None,
    llm: str | None = None,
) -> Answer:
    """Answer `question` from the configured index (the assistant is loaded once)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant()
    return _default.ask(question, history=history, k=k, llm=llm)
