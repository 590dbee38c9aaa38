"""The question-answering assistant: retrieval, an answering backend, verified citations."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from rag.answering import AnswerBackend, Message
from rag.backends import make_backend
from rag.catalog import ARTICLE_FIELDS
from rag.citations import finalize
from rag.config import Settings
from rag.embeddings import load_embeddings
from rag.errors import IndexMissingError, QuestionError
from rag.question import Query, analyze
from rag.reader import IndexReader
from rag.retrieve import HybridRetriever
from rag.schema import Answer, Passage


class Assistant:
    """Holds the embedding model, the index and the answering backends for repeated questions.

    The index may change under it (`mitra index` in another process): each question is
    answered from the latest complete index.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.load()
        self._embeddings = load_embeddings(self.settings.embedding_model, self.settings.models_dir)
        self._reader = IndexReader(self.settings, self._embeddings.model_name)
        self._retriever = HybridRetriever(self._reader, self._embeddings)
        self._backends: dict[str, AnswerBackend] = {}
        self._lock = threading.Lock()

    @property
    def backend_name(self) -> str:
        return self.settings.llm

    def _backend(self, spec: str | None) -> AnswerBackend:
        spec = spec or self.settings.llm
        with self._lock:
            if spec not in self._backends:
                self._backends[spec] = make_backend(spec, self.settings)
            return self._backends[spec]

    def _check_question(self, question: str) -> str:
        question = " ".join((question or "").split())
        if not question:
            raise QuestionError("the question is empty: type a question about the articles")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionError(
                f"the question is {len(question)} characters long; the limit is {limit} "
                "(shorten it, or raise MITRA_MAX_QUESTION_CHARS)"
            )
        return question

    def retrieve(self, question: str | Query, k: int | None = None) -> list[Passage]:
        """The best passages for `question`, best first (at most one per article)."""
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
    ) -> Iterator[str | Answer]:
        """Yield the answer text as it is written, then the final `Answer`."""
        started = time.perf_counter()
        question = self._check_question(question)
        backend = self._backend(llm)
        query = analyze(question)
        standalone = analyze(backend.condense(question, history)) if history else query
        passages = self.retrieve(standalone, k)
        parts: list[str] = []
        for delta in backend.generate(query, passages):
            parts.append(delta)
            yield delta
        text, citations, abstained = finalize("".join(parts), passages, query.language)
        yield Answer(
            question=question,
            text=text,
            citations=citations,
            abstained=abstained,
            language=query.language,
            passages=passages,
            backend=backend.name,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def articles(self) -> list[dict[str, Any]]:
        """One row per indexed article: id, title, outlet, date, agency, language, chunks…"""
        try:
            return self._reader.view().catalog.articles()
        except IndexMissingError:
            return []

    def article(self, article_id: str) -> dict[str, Any] | None:
        """An article's metadata and its whole cleaned `text`, or None."""
        try:
            record = self._reader.view().catalog.article(article_id)
        except IndexMissingError:
            return None
        if record is None:
            return None
        return {name: getattr(record, name) for name in ARTICLE_FIELDS if name != "signature"}


_default: Assistant | None = None
_default_lock = threading.Lock()


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
