"""mitra as LangChain components: a retriever and an answering chain.

`MitraRetriever` is mitra's hybrid search (dense and BM25, fused; each story from one article) as a
`BaseRetriever`. `answer_chain()` is the whole assistant as a `Runnable`: a question in, a
checked `Answer` with citations out.

    from rag.langchain import MitraRetriever, answer_chain

    docs = MitraRetriever(k=3).invoke("Siapa Li Shangfu?")
    answer = answer_chain().invoke({"question": "What did he say?", "history": [...]})
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, NotRequired, cast

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import run_in_executor
from pydantic import Field
from typing_extensions import TypedDict  # not typing's: pydantic needs this one on 3.11

from rag.answering import Message
from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import QuestionError
from rag.schema import Answer, Passage


class MitraRetriever(BaseRetriever):
    """The best passages for a question as `Document`s, best first, at most one per story.

    `page_content` is the passage (neighbouring matching chunks of an article merged); the
    metadata carry `article_id`, `chunk_id` (the best chunk), `title`, `outlet`, `date`,
    `start` and `end` (offsets into the cleaned article), `score` (1.0 = ranked first by both
    searches) and `also` (the ids of the same story's articles in other outlets).

    Example:
        ```python
        retriever = MitraRetriever(k=3)            # the index MITRA_* settings name
        retriever = MitraRetriever(assistant=assistant)
        docs = retriever.invoke("Siapa Li Shangfu?", k=1)
        ```
    """

    assistant: Assistant = Field(default_factory=Assistant, exclude=True)
    """Holds the embedding model and the index; by default built from the MITRA_* settings."""
    k: int | None = Field(default=None, ge=1)
    """Passages returned; None: the settings' `k` (MITRA_K)."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: Any) -> MitraRetriever:
        """A retriever over the index `settings` name (default: `Settings.load()`)."""
        return cls(assistant=Assistant(settings), **kwargs)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
    ) -> list[Document]:
        return [_document(p) for p in self.assistant.retrieve(query, k or self.k)]


def _document(passage: Passage) -> Document:
    return Document(
        id=passage.chunk_id,
        page_content=passage.text,
        metadata={
            "article_id": passage.article_id,
            "chunk_id": passage.chunk_id,
            "title": passage.title,
            "outlet": passage.outlet,
            "date": passage.date,
            "start": passage.start,
            "end": passage.end,
            "score": passage.score,
            "also": [carrier.article_id for carrier in passage.also],
        },
    )


class QuestionInput(TypedDict):
    """A question with the conversation so far (for follow-ups such as "What did he say?")."""

    question: str
    history: NotRequired[Sequence[Message | BaseMessage]]


ChainInput = str | QuestionInput


class AnswerChain(Runnable[ChainInput, Answer]):
    """The assistant as a `Runnable`: a question (str or `QuestionInput`) in, an `Answer` out.

    `invoke`, `batch` and their async forms return `Answer`s. `stream` (and `astream`,
    `transform`) yield the answer text as it is checked, as `str` deltas (their concatenation is
    `Answer.text`, give or take surrounding whitespace), then the final `Answer` as the last
    chunk. A step piped after this one receives the `Answer`.
    """

    def __init__(
        self, assistant: Assistant, *, llm: str | None = None, k: int | None = None
    ) -> None:
        self.assistant = assistant
        self.llm = llm
        self.k = k

    # The streaming methods yield `str` deltas before the final `Answer`, where `Runnable`
    # types every chunk as its output. The output stays `Answer` (what `invoke` returns and the
    # output schema describes), so their overrides are wider than `Runnable`'s by design.

    def invoke(
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        """The checked `Answer` to the question."""
        return self._call_with_config(self._answer, input, config, **kwargs)

    def stream(  # type: ignore[override]  # str deltas, then the Answer (see above)
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[str | Answer]:
        """The answer text as `str` deltas as it is checked, then the final `Answer`."""
        yield from self.transform(iter([input]), config, **kwargs)

    def transform(  # type: ignore[override]  # str deltas, then the Answer (see above)
        self, input: Iterator[ChainInput], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[str | Answer]:
        """`stream` for an input that arrives in chunks (text chunks are joined)."""
        yield from self._transform_stream_with_config(
            input,
            self._stream,  # type: ignore[arg-type]  # str deltas, then the Answer (see above)
            config,
            **kwargs,
        )

    async def astream(  # type: ignore[override]  # str deltas, then the Answer (see above)
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[str | Answer]:
        """`stream`, run in an executor one part at a time."""
        parts = self.stream(input, config, **kwargs)
        done = object()
        while (part := await run_in_executor(config, next, parts, done)) is not done:
            yield cast("str | Answer", part)  # anything but `done` came from `parts`

    def _answer(self, input: ChainInput) -> Answer:
        question, history = _question(input)
        return self.assistant.ask(question, history=history, k=self.k, llm=self.llm)

    def _stream(self, inputs: Iterator[ChainInput]) -> Iterator[str | Answer]:
        question, history = _question(_gather(inputs))
        for part in self.assistant.stream(question, history=history, k=self.k, llm=self.llm):
            if isinstance(part, str | Answer):
                yield part


def answer_chain(
    assistant: Assistant | None = None, *, llm: str | None = None, k: int | None = None
) -> AnswerChain:
    """The assistant as a `Runnable` (see `AnswerChain`).

    Args:
        assistant: The assistant to answer with; by default one built from the MITRA_* settings.
        llm: The answering backend (`extractive`, `ollama:<model>`, …); default MITRA_LLM.
        k: Passages an answer is written from; default MITRA_K.
    """
    return AnswerChain(assistant or Assistant(), llm=llm, k=k)


def _gather(inputs: Iterator[ChainInput]) -> ChainInput:
    """One input from streamed chunks: text chunks are joined, otherwise the last one counts."""
    final: Any = None
    for chunk in inputs:
        try:
            final = chunk if final is None else final + chunk
        except TypeError:
            final = chunk
    return final


def _question(input: ChainInput) -> tuple[str, list[Message] | None]:
    if isinstance(input, dict) and "question" in input and set(input) <= {"question", "history"}:
        history = input.get("history")
        return input["question"], [_message(m) for m in history] if history else None
    if isinstance(input, str):
        return input, None
    raise QuestionError(
        "answer_chain takes a question (a string) or a dict with 'question' and optionally "
        f"'history', not {_describe(input)}"
    )


def _message(message: Message | BaseMessage) -> Message:
    if isinstance(message, BaseMessage):
        role = {"human": "user", "ai": "assistant"}.get(message.type, message.type)
        return {"role": role, "content": message.text}
    return message


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return f"a dict with the keys {', '.join(map(repr, value)) or '(none)'}"
    return f"a value of type {type(value).__name__}"
