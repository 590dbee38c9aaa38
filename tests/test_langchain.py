"""rag.langchain: LangChain's standard retriever tests on MitraRetriever, and answer_chain's
invoke, stream and batch, over the bundled articles with the real model."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableLambda, RunnableParallel
from langchain_tests.integration_tests import RetrieversIntegrationTests

from index import BUNDLED_ARTICLES
from index.sync import sync
from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import QuestionError
from rag.langchain import MitraRetriever, answer_chain
from rag.schema import Answer

LAVROV = "Whom did Sergei Lavrov visit in Jakarta?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Assistant:
    settings = Settings(
        llm="extractive", data_dir=tmp_path_factory.mktemp("data"), model_cache=model_cache
    )
    assert sync([BUNDLED_ARTICLES], settings).added == 5
    return Assistant(settings)


# The standard suite's one async test needs pytest-asyncio's mark (the project's mode is strict).
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:.*is marked with '@pytest.mark.asyncio':pytest.PytestWarning")
class TestMitraRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, assistant: Assistant) -> None:
        self.assistant = assistant

    @property
    def retriever_constructor(self) -> type[MitraRetriever]:
        return MitraRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, object]:
        return {"assistant": self.assistant}

    @property
    def retriever_query_example(self) -> str:
        return "Siapa Li Shangfu?"


def test_documents_carry_the_passage_and_its_source(assistant: Assistant) -> None:
    docs = MitraRetriever(assistant=assistant, k=2).invoke(LAVROV)
    assert len(docs) == 2
    best = docs[0]
    assert best.metadata["article_id"] == "003_132bb7926b8ada7c.txt"
    assert best.id == best.metadata["chunk_id"]
    article = assistant.article(best.metadata["article_id"])
    assert article is not None
    assert article["text"][best.metadata["start"] : best.metadata["end"]] == best.page_content
    for name in ("title", "outlet", "date"):
        assert best.metadata[name] == article[name]
    assert docs[0].metadata["score"] >= docs[1].metadata["score"]
    assert best.metadata["also"] == []


def test_retriever_in_an_lcel_chain(assistant: Assistant) -> None:
    def format_docs(docs: list[Document]) -> str:
        return "\n\n".join(f"[{d.metadata['outlet']}] {d.page_content}" for d in docs)

    chain = MitraRetriever(assistant=assistant, k=3) | format_docs
    context = chain.invoke(LAVROV)
    assert context.count("\n\n[") == 2 and "Retno Marsudi" in context


def test_answer_chain_invoke_stream_batch(assistant: Assistant) -> None:
    chain = answer_chain(assistant, llm="extractive")
    answer = chain.invoke(LAVROV)
    assert isinstance(answer, Answer) and answer.backend == "extractive"
    assert "Retno Marsudi" in answer.text and answer.citations[0].quote

    *deltas, last = chain.stream({"question": LAVROV})
    assert deltas and all(isinstance(d, str) for d in deltas)
    assert last.text == answer.text == "".join(deltas).strip()

    english, indonesian = chain.batch([LAVROV, "Kapan Moskow mengirim tentara ke Ukraina?"])
    assert english.text == answer.text
    assert indonesian.language == "id" and "Februari 2022" in indonesian.text


def test_answer_chain_async_and_piped(assistant: Assistant) -> None:
    chain = answer_chain(assistant, llm="extractive")

    async def both() -> tuple[Answer, list[str | Answer]]:
        return await chain.ainvoke(LAVROV), [part async for part in chain.astream(LAVROV)]

    answer, parts = asyncio.run(both())
    assert parts[-1].text == answer.text and isinstance(parts[0], str)
    quotes = chain | RunnableLambda(lambda a: [c.quote for c in a.citations])
    assert quotes.invoke(LAVROV) == [c.quote for c in answer.citations]
    assert list(quotes.stream(LAVROV)) == [[c.quote for c in answer.citations]]


def test_the_readme_example(assistant: Assistant) -> None:
    chain = RunnableParallel(
        answer=answer_chain(assistant, llm="extractive"), docs=MitraRetriever(assistant=assistant)
    )
    out = chain.invoke(LAVROV)
    assert isinstance(out["answer"], Answer) and len(out["docs"]) == assistant.settings.k
    assert out["answer"].citations[0].article_id == out["docs"][0].metadata["article_id"]
    streamed = [part["answer"] for part in chain.stream(LAVROV) if "answer" in part]
    assert streamed[-1].text == out["answer"].text


def test_answer_chain_schemas(assistant: Assistant) -> None:
    chain = answer_chain(assistant, llm="extractive")
    schema = chain.get_input_jsonschema()
    assert schema["anyOf"] == [{"type": "string"}, {"$ref": "#/$defs/QuestionInput"}]
    question = schema["$defs"]["QuestionInput"]
    assert question["required"] == ["question"] and "history" in question["properties"]
    assert chain.get_output_jsonschema()["$ref"] == "#/$defs/Answer"


def test_answer_chain_follows_the_conversation(assistant: Assistant) -> None:
    chain = answer_chain(assistant, llm="extractive")
    first = chain.invoke(LAVROV)
    for history in (
        [{"role": "user", "content": LAVROV}, {"role": "assistant", "content": first.text}],
        [HumanMessage(LAVROV), AIMessage(first.text)],
    ):
        answer = chain.invoke({"question": "What did he say about ASEAN?", "history": history})
        assert "003_132bb7926b8ada7c.txt" in {c.article_id for c in answer.citations}


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"query": LAVROV}, "not a dict with the keys 'query'"),
        ({"question": LAVROV, "histroy": []}, "'histroy'"),
        (42, "not a value of type int"),
        ("   ", "empty"),
    ],
)
def test_answer_chain_bad_input_is_a_clear_error(
    assistant: Assistant, question: object, message: str
) -> None:
    with pytest.raises(QuestionError, match=message):
        answer_chain(assistant, llm="extractive").invoke(question)  # type: ignore[arg-type]
