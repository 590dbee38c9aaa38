"""The LLM backend against a real OpenAI-compatible server: llama.cpp's, with Qwen2.5-Coder 0.5B.

The model is small and answers badly: these tests check the plumbing (streaming, citation
checks, errors, timeouts), not the answers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.messages import HumanMessage
from llm_server import MODEL_ALIAS, RunningServer, Unavailable, llama_server

from rag.answering import ABSTAIN, Evidence
from rag.citations import ABSTENTION, CitationChecker
from rag.config import Settings
from rag.embeddings import MitraEmbeddings, load_embeddings
from rag.errors import LLMError
from rag.llm import LLMBackend
from rag.question import analyze
from rag.schema import Passage
from rag.verify import SupportIndex

pytestmark = [pytest.mark.slow, pytest.mark.server]

MAX_TOKENS = 64
PASSAGES = [
    Passage(
        "a1",
        "a1#0",
        0.9,
        "Presiden Rusia Vladimir Putin bertemu Presiden Prabowo Subianto di Moskow pada Juni "
        "2025. Kedua pemimpin membahas kerja sama energi dan pertahanan.",
        "Putin dan Prabowo bertemu di Moskow",
        "Antara",
        "2025-06-19",
    ),
    Passage(
        "a2",
        "a2#0",
        0.7,
        "Indonesia resmi menjadi anggota penuh BRICS pada Januari 2025.",
        "Indonesia bergabung dengan BRICS",
        "Kompas",
        "2025-01-07",
    ),
]
FAKE = Evidence(PASSAGES, SupportIndex(PASSAGES, DeterministicFakeEmbedding(size=16)))


@pytest.fixture(scope="module")
def embeddings(model_cache: Path) -> MitraEmbeddings:
    return load_embeddings("multilingual-e5-small", model_cache)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Iterator[RunningServer]:
    try:
        with llama_server(
            tmp_path_factory.mktemp("llama-server"), models_dir=model_cache
        ) as running:
            yield running
    except Unavailable as exc:
        pytest.skip(f"no llama-server: {exc}")


def backend(base_url: str, timeout: float = 60) -> LLMBackend:
    settings = Settings(llm_base_url=base_url, llm_timeout=timeout)
    return LLMBackend.from_spec("openai", MODEL_ALIAS, settings, max_tokens=MAX_TOKENS)


def test_the_reply_streams_in_several_pieces(server: RunningServer) -> None:
    pieces = list(backend(server.base_url).stream_chat([HumanMessage("Count from one to ten.")]))
    assert len(pieces) >= 3
    assert "".join(pieces).strip()


def test_an_answer_goes_through_the_citation_checks(
    server: RunningServer, embeddings: MitraEmbeddings
) -> None:
    llm = backend(server.base_url)
    assert llm.name == f"openai:{MODEL_ALIAS}"
    evidence = Evidence(PASSAGES, SupportIndex(PASSAGES, embeddings))
    raw = "".join(llm.generate(analyze("Kapan Putin bertemu Prabowo?"), evidence))
    assert raw.strip()
    checker = CitationChecker(PASSAGES, evidence.support, "id")
    checker.feed(raw)
    _, checked = checker.finish()
    text, citations = checked.text, checked.citations
    if checked.abstained:
        assert (text, citations) == (ABSTENTION["id"], [])
        return
    assert ABSTAIN not in text
    assert sorted({int(n) for n in re.findall(r"\[(\d+)\]", text)}) == [c.n for c in citations]
    for citation in citations:
        source = next(p for p in PASSAGES if p.article_id == citation.article_id)
        assert citation.quote and citation.quote in source.text


def test_a_server_that_is_down_fails_fast() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    started = time.monotonic()
    with pytest.raises(LLMError, match=f"the LLM server at {url} is not reachable: start it"):
        list(backend(url, timeout=30).generate(analyze("Kapan Putin bertemu Prabowo?"), FAKE))
    assert time.monotonic() - started < 5


def test_a_tiny_timeout_fails_without_hanging(server: RunningServer) -> None:
    started = time.monotonic()
    with pytest.raises(LLMError, match=r"did not answer within 0\.2 s: raise MITRA_LLM_TIMEOUT"):
        list(backend(server.base_url, timeout=0.2).generate(analyze("Kapan?"), FAKE))
    assert time.monotonic() - started < 3
