"""rag.retrieve: hybrid search over a real index (the seed articles and a syndicated copy of one),
the merging of an article's chunks and the one-article-per-story rule."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from index import BUNDLED_ARTICLES
from index.sync import sync
from rag.assistant import Assistant
from rag.catalog import Catalog, ChunkRecord
from rag.config import Settings
from rag.embeddings import MitraEmbeddings
from rag.question import analyze
from rag.retrieve import _merge_by_article, _one_per_story, keyword_query
from rag.schema import Passage

LI_SHANGFU = "001_b0b6c7e473a13e24.txt"
COPY = "li_shangfu_copy.txt"  # the same report in another outlet
QUESTIONS = [
    "Siapa Li Shangfu?",
    "Whom did Sergei Lavrov visit in Jakarta?",
    "Kapan Moskow mengirim puluhan ribu tentara ke Ukraina?",
    "Rusia",
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Settings:
    folder = tmp_path_factory.mktemp("articles")
    for article in BUNDLED_ARTICLES.iterdir():
        shutil.copy(article, folder)
    dateline, *body = (BUNDLED_ARTICLES / LI_SHANGFU).read_text(encoding="utf-8").splitlines()
    assert dateline == "Jakarta, MISTAR.ID"
    (folder / COPY).write_text("\n".join(["Moskow, SUARA.COM", *body]), encoding="utf-8")
    settings = Settings(
        llm="extractive", data_dir=tmp_path_factory.mktemp("data"), model_cache=model_cache
    )
    assert sync([folder], settings).added == 6
    return settings


@pytest.fixture(scope="module")
def assistant(indexed: Settings) -> Assistant:
    return Assistant(indexed)


@pytest.fixture(scope="module")
def catalog(indexed: Settings) -> Catalog:
    return Catalog.open(indexed.catalog_path)


@pytest.mark.parametrize("question", QUESTIONS)
def test_each_story_from_one_article_in_at_most_two_parts_best_first(
    assistant: Assistant, question: str
) -> None:
    passages = assistant.retrieve(question, 10)
    articles = [p.article_id for p in passages]
    assert len(set(articles)) == 5  # six articles, five stories: a copy takes no slot
    assert len({LI_SHANGFU, COPY} & set(articles)) == 1
    assert all(articles.count(a) <= 2 for a in articles)
    for a, b in itertools.combinations(passages, 2):
        assert a.article_id != b.article_id or a.end <= b.start or b.end <= a.start
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    assert len(assistant.retrieve(question, 2)) == 2


def test_a_story_names_its_other_outlets(assistant: Assistant) -> None:
    best = assistant.retrieve("Siapa Li Shangfu?", 3)[0]
    assert best.article_id in (LI_SHANGFU, COPY)
    (carrier,) = best.also
    assert {best.article_id, carrier.article_id} == {LI_SHANGFU, COPY}
    assert {best.outlet, carrier.outlet} == {"MISTAR.ID", "SUARA.COM"}


@pytest.mark.parametrize("question", QUESTIONS)
def test_passages_are_whole_chunks_of_their_article(
    assistant: Assistant, catalog: Catalog, question: str
) -> None:
    for passage in assistant.retrieve(question, 5):
        article = assistant.article(passage.article_id)
        assert article is not None and passage.title == article["title"]
        assert article["text"][passage.start : passage.end] == passage.text
        chunks = catalog.article_chunks(passage.article_id)
        assert passage.start in {c.start for c in chunks}
        assert passage.end in {c.end for c in chunks}
        (best,) = [c for c in chunks if c.chunk_id == passage.chunk_id]
        assert passage.start <= best.start and best.end <= passage.end


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Whom did Sergei Lavrov visit in Jakarta?", "003_132bb7926b8ada7c.txt"),
        ("Which Myanmar general visited Russia?", "003_132bb7926b8ada7c.txt"),
        ("Rusia dan China memperluas kerja sama keamanan", "002_3604e166b6412a05.txt"),
        ("What did Putin and Pezeshkian say about their relations?", "004_90f9c632933ed71b.txt"),
    ],
)
def test_the_answering_article_comes_first(
    assistant: Assistant, question: str, article: str
) -> None:
    assert assistant.retrieve(question, 5)[0].article_id == article


def test_an_english_question_searches_the_indonesian_words() -> None:
    words = keyword_query(analyze("Which defence minister met Putin?")).split()
    assert {"menteri", "pertahanan", "temu"} <= set(words)
    indonesian = "Siapa menteri pertahanan yang bertemu Putin?"
    assert keyword_query(analyze(indonesian)) == indonesian


def test_keyword_hits_decide_when_the_vectors_are_noise(
    fake_embeddings: MitraEmbeddings, settings: Settings
) -> None:
    sync([BUNDLED_ARTICLES], settings)
    assert Catalog.open(settings.catalog_path).meta("embedding_model") == "fake-deterministic"
    passages = Assistant(settings).retrieve("Jenderal Senior Min Aung Hlaing", 5)
    assert passages[0].article_id == "003_132bb7926b8ada7c.txt"


def chunk(chunk_id: str, article_id: str, start: int, end: int, text: str) -> ChunkRecord:
    return ChunkRecord(chunk_id, article_id, 0, start, end, text[start:end], "")


def test_overlapping_neighbours_merge_into_one_passage() -> None:
    text = "".join(f"Kalimat nomor {i:03d} tentang kerja sama. " for i in range(60))
    a = [chunk(f"a{i}", "a", start, start + 600, text) for i, start in enumerate((0, 550, 1100))]
    far = chunk("a3", "a", 1800, 2400, text)
    other = chunk("b0", "b", 0, 600, text)
    ranked = [a[1], other, a[0], far, a[2]]  # a[2] ranks after two others of its article
    fused = {c.chunk_id: 1.0 / (61 + rank) for rank, c in enumerate(ranked)}
    headers = {"a": {"title": "A"}, "b": {"title": "B"}}
    first, second, third = _merge_by_article(ranked, fused, headers)
    assert (first.article_id, first.chunk_id, first.start, first.end) == ("a", "a1", 0, 1150)
    assert first.text == text[0:1150] and first.title == "A"
    assert first.score == pytest.approx(0.5)  # the best chunk's, not the sum of its chunks
    assert (second.article_id, second.text) == ("b", text[0:600])
    # The best part of the article that does not overlap the first (a[2] does) is a second
    # passage of its own.
    assert (third.article_id, third.chunk_id, third.text) == ("a", "a3", text[1800:2400])


def test_one_per_story_keeps_the_best_copy() -> None:
    passages = [Passage(aid, f"{aid}-0", score, "…") for aid, score in [("b", 0.9), ("a", 0.8)]]
    passages += [Passage("c", "c-0", 0.7, "…"), Passage("d", "d-0", 0.6, "…")]
    headers: dict[str, dict[str, object]] = {
        "a": {"story_id": "a"},
        "b": {"story_id": "a"},  # a copy of a's story
        "c": {"story_id": ""},  # not grouped: a story of its own
        "d": {},
    }
    passages.append(Passage("b", "b-5", 0.5, "…"))  # another part of the copy shown
    passages.append(Passage("a", "a-5", 0.4, "…"))
    kept = _one_per_story(passages, headers)
    assert [p.chunk_id for p in kept] == ["b-0", "c-0", "d-0", "b-5"]
