"""Citation checks on seed-article passages: markers, quotes at exact offsets, abstention."""

from __future__ import annotations

import pytest

from index import BUNDLED_ARTICLES
from index.chunk import chunk_text
from index.clean import Article, clean_article
from index.load import load_paths
from rag.answering import ABSTAIN
from rag.citations import ABSTENTION, finalize
from rag.schema import Passage

PUTIN_LI = (
    "Presiden Rusia Vladimir Putin bertemu dengan Menteri Pertahanan China Li Shangfu di Moskow "
    "pada hari Minggu (16/4/23)."
)


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    loaded = load_paths([BUNDLED_ARTICLES], 5_000_000)
    return {raw.article_id[:3]: clean_article(raw) for raw in loaded.articles}


@pytest.fixture(scope="module")
def passages(articles: dict[str, Article]) -> list[Passage]:
    """The second chunk of each seed article (offsets > 0, so they matter), in id order."""
    result = []
    for article in articles.values():
        chunk = chunk_text(article.text)[1]
        result.append(
            Passage(
                article.article_id,
                f"{article.article_id}#1",
                0.5,
                chunk.text,
                article.title,
                article.outlet,
                article.date,
                chunk.start,
                chunk.end,
            )
        )
    return result


@pytest.fixture(scope="module")
def first_chunk(articles: dict[str, Article]) -> Passage:
    article = articles["001"]
    chunk = chunk_text(article.text)[0]
    return Passage(
        article.article_id,
        "001#0",
        0.9,
        chunk.text,
        article.title,
        article.outlet,
        article.date,
        chunk.start,
        chunk.end,
    )


def assert_exact(citations: list, articles: dict[str, Article]) -> None:
    for citation in citations:
        text = articles[citation.article_id[:3]].text
        assert citation.quote and text[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize(
    "reply", [ABSTAIN, f"  {ABSTAIN}.\n", f"**{ABSTAIN}**", "", f"{ABSTAIN} [9]"]
)
@pytest.mark.parametrize("language", ["en", "id"])
def test_abstention_is_localised(reply: str, language: str, passages: list[Passage]) -> None:
    text, citations, abstained = finalize(reply, passages, language)
    assert abstained and citations == []
    assert text == ABSTENTION[language]
    assert text.startswith("The articles do not say" if language == "en" else "Artikel-artikel")


def test_abstention_token_beside_a_cited_answer_is_dropped(first_chunk: Passage) -> None:
    text, citations, abstained = finalize(f"«{PUTIN_LI}» [1] {ABSTAIN}", [first_chunk], "en")
    assert not abstained and ABSTAIN not in text and len(citations) == 1


def test_markers_are_renumbered_by_first_use(passages: list[Passage]) -> None:
    reply = "Shoigu attended [3]. Patrushev spoke [1, 3]. Koffler warned [5][1]."
    text, citations, _ = finalize(reply, passages, "en")
    assert text == "Shoigu attended [1]. Patrushev spoke [2][1]. Koffler warned [3][2]."
    assert [c.n for c in citations] == [1, 2, 3]
    assert [c.article_id[:3] for c in citations] == ["002", "000", "004"]


def test_out_of_range_markers_are_removed(passages: list[Passage]) -> None:
    text, citations, abstained = finalize("Putin met Li [7]. Xi visited [0][2].", passages, "en")
    assert text == "Putin met Li. Xi visited [1]."
    assert [c.article_id[:3] for c in citations] == ["001"] and not abstained


def test_marker_ranges_are_expanded(passages: list[Passage]) -> None:
    text, citations, _ = finalize("Several outlets reported talks [1-3].", passages, "en")
    assert text == "Several outlets reported talks [1][2][3]."
    assert len(citations) == 3


def test_verbatim_quote_is_found_at_its_offsets(
    first_chunk: Passage, articles: dict[str, Article]
) -> None:
    reply = f"According to MISTAR.ID (16 Apr 2023): «{PUTIN_LI}» [1]"
    text, citations, _ = finalize(reply, [first_chunk], "en")
    assert text == reply
    (citation,) = citations
    assert citation.verified and citation.quote.startswith("Presiden Rusia Vladimir Putin")
    assert (citation.outlet, citation.date, citation.chunk_id) == (
        "MISTAR.ID",
        "2023-04-16",
        "001#0",
    )
    assert_exact(citations, articles)


def test_translated_claim_is_matched_to_its_sentence(
    first_chunk: Passage, articles: dict[str, Article]
) -> None:
    reply = "Putin met China's defence minister Li Shangfu in Moscow on Sunday [1]."
    _, citations, _ = finalize(reply, [first_chunk], "en")
    (citation,) = citations
    assert citation.verified and "Li Shangfu" in citation.quote
    assert_exact(citations, articles)


def test_indonesian_paraphrase_is_verified(first_chunk: Passage) -> None:
    reply = "Rusia dan China memperkuat hubungan militer sejak Februari 2022 [1]."
    _, citations, _ = finalize(reply, [first_chunk], "id")
    assert citations[0].verified and "Februari 2022" in citations[0].quote


def test_unsupported_claim_is_flagged(first_chunk: Passage, articles: dict[str, Article]) -> None:
    reply = "Egypt signed a wheat export agreement with Vietnam [1]."
    _, citations, abstained = finalize(reply, [first_chunk], "en")
    (citation,) = citations
    assert not abstained and not citation.verified
    assert_exact(citations, articles)


def test_claims_on_one_source_share_one_quote(
    first_chunk: Passage, articles: dict[str, Article]
) -> None:
    reply = "Putin met Li Shangfu in Moscow [1]. Both praised military cooperation [1]."
    _, citations, _ = finalize(reply, [first_chunk], "en")
    (citation,) = citations
    assert citation.verified and "Li Shangfu" in citation.quote and "kerja sama" in citation.quote
    assert_exact(citations, articles)


def test_marker_after_the_full_stop_cites_the_sentence_before(first_chunk: Passage) -> None:
    _, citations, _ = finalize("Putin met Li Shangfu in Moscow. [1]", [first_chunk], "en")
    assert citations[0].verified


def test_answer_without_markers_has_no_citations(passages: list[Passage]) -> None:
    assert finalize("Putin met Li.", passages, "en") == ("Putin met Li.", [], False)
