"""The citation checker on the seed articles with the real multilingual model: each claim is
cited to the passage that supports it, across languages; unsupported ones are left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import BUNDLED_ARTICLES
from index.chunk import chunk_text
from index.clean import Article, clean_article
from index.load import load_paths
from rag.answering import ABSTAIN
from rag.citations import ABSTENTION, CheckedAnswer, CitationChecker
from rag.embeddings import MitraEmbeddings, load_embeddings
from rag.schema import Passage
from rag.verify import SupportIndex

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
    """The first chunk of each seed article, in id order: [1] is 000 … [5] is 004."""
    result = []
    for key in sorted(articles):
        article = articles[key]
        chunk = chunk_text(article.text)[0]
        result.append(
            Passage(
                article.article_id,
                f"{key}#0",
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
def embeddings(model_cache: Path) -> MitraEmbeddings:
    return load_embeddings("multilingual-e5-small", model_cache)


@pytest.fixture(scope="module")
def support(passages: list[Passage], embeddings: MitraEmbeddings) -> SupportIndex:
    return SupportIndex(passages, embeddings)


def check(
    reply: str | list[str],
    passages: list[Passage],
    support: SupportIndex,
    language: str = "en",
    *,
    flag: bool = False,
) -> tuple[list[str], CheckedAnswer]:
    """What the checker shows piece by piece, and the checked answer."""
    checker = CitationChecker(passages, support, language, flag_unsupported=flag)
    pieces = [reply] if isinstance(reply, str) else reply
    shown = [checker.feed(piece) for piece in pieces]
    rest, answer = checker.finish()
    return [*shown, rest], answer


def assert_exact(answer: CheckedAnswer, articles: dict[str, Article]) -> None:
    for citation in answer.citations:
        text = articles[citation.article_id[:3]].text
        assert citation.quote and text[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize("reply", [ABSTAIN, f"  {ABSTAIN}.\n", f"**{ABSTAIN}**", "", "[9]"])
@pytest.mark.parametrize("language", ["en", "id"])
def test_abstention_is_localised(
    reply: str, language: str, passages: list[Passage], support: SupportIndex
) -> None:
    _, answer = check(reply, passages, support, language)
    assert answer.abstained and answer.citations == []
    assert answer.text == ABSTENTION[language]


def test_english_claim_is_cited_to_its_indonesian_sentence(
    passages: list[Passage], support: SupportIndex, articles: dict[str, Article]
) -> None:
    _, answer = check(
        "Putin met China's defence minister Li Shangfu in Moscow on Sunday (16/4/23) [2].",
        passages,
        support,
    )
    (citation,) = answer.citations
    assert citation.verified and citation.article_id.startswith("001")
    assert "Li Shangfu" in citation.quote and answer.removed == 0
    assert answer.text.endswith("[1].")
    assert_exact(answer, articles)


def test_wrong_or_missing_markers_are_replaced_by_the_supporting_source(
    passages: list[Passage], support: SupportIndex
) -> None:
    reply = (
        "Putin met China's defence minister Li Shangfu in Moscow on Sunday [1]. "
        "Russia's defence ministry said on Wednesday its officials met a commander of the "
        "Palestinian security forces to discuss military and intelligence cooperation."
    )
    _, answer = check(reply, passages, support)
    assert [c.article_id[:3] for c in answer.citations] == ["001", "000"]
    assert "[1]" in answer.text and answer.text.count("[2]") == 1


@pytest.mark.parametrize(
    "reply",
    [
        "[2] mentions that Putin met China's defence minister Li Shangfu in Moscow on Sunday.",
        "Putin met China's defence minister Li Shangfu in Moscow on Sunday [2] and [2].",
    ],
)
def test_a_marker_opening_the_sentence_or_joined_by_and_cites_the_claim(
    reply: str, passages: list[Passage], support: SupportIndex
) -> None:
    _, answer = check(reply, passages, support)
    assert answer.removed == 0 and [c.article_id[:3] for c in answer.citations] == ["001"]
    assert answer.text == "Putin met China's defence minister Li Shangfu in Moscow on Sunday [1]."


def test_markers_are_renumbered_by_first_use_and_bad_ones_ignored(
    passages: list[Passage], support: SupportIndex
) -> None:
    reply = (
        "Russia's defence ministry said its officials met Palestinian security forces "
        "commanders to discuss military and intelligence cooperation [1, 7]. "
        "Putin met Li Shangfu in Moscow [0][2]."
    )
    _, answer = check(reply, passages, support)
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.text.count("[1]") == 1 and answer.text.count("[2]") == 1
    assert "[7]" not in answer.text and "[0]" not in answer.text


@pytest.mark.parametrize(
    "claim",
    [
        "Putin met China's defence minister Li Shangfu in Moscow on Monday [2].",  # weekday
        "Putin met China's defence minister Wei Fenghe in Moscow on Sunday [2].",  # name
        "Egypt signed a wheat export agreement with Vietnam [2].",  # invented
        "Xi Jinping did not meet Putin in Moscow [2].",  # negated
    ],
)
def test_an_unsupported_sentence_is_left_out_and_said_so(
    claim: str, passages: list[Passage], support: SupportIndex
) -> None:
    good = "Putin met China's defence minister Li Shangfu in Moscow on Sunday [2]."
    _, answer = check(f"{good} {claim}", passages, support)
    assert answer.removed == 1 and len(answer.citations) == 1 and answer.citations[0].verified
    assert answer.text.startswith(good.replace("[2]", "[1]"))
    assert "left out" in answer.text and claim.split(" [")[0] not in answer.text


def test_a_leader_opening_the_sentence_must_be_in_the_source(
    passages: list[Passage], support: SupportIndex
) -> None:
    # Li Shangfu's visit, dated, given to Iran's president.
    _, answer = check("Pezeshkian met Putin in Moscow on Sunday (16/4/23) [2].", passages, support)
    assert answer.abstained and answer.removed == 1
    _, answer = check("Putin met Li Shangfu in Moscow on Sunday (16/4/23) [2].", passages, support)
    assert not answer.abstained and answer.removed == 0


@pytest.mark.parametrize(("role", "supported"), [("prime minister", True), ("ambassador", False)])
def test_the_role_given_to_someone_must_be_the_sources(
    role: str, supported: bool, embeddings: MitraEmbeddings
) -> None:
    text = (
        "Presiden Iran Masoud Pezeshkian telah setuju untuk mengunjungi perdana menteri Rusia "
        "di Moskow, menurut kantor berita RIA."
    )
    passage = Passage("x.txt", "x#0", 0.5, text, "Iran", "RIA", "2024-10-11", 0, len(text))
    reply = f"Iran's president has agreed to visit Russia's {role} in Moscow [1]."
    _, answer = check(reply, [passage], SupportIndex([passage], embeddings))
    assert answer.abstained is not supported


def test_flag_mode_keeps_the_sentence_unverified(
    passages: list[Passage], support: SupportIndex
) -> None:
    _, answer = check("Egypt signed a wheat deal with Vietnam [2].", passages, support, flag=True)
    assert "Egypt" in answer.text and not answer.abstained
    assert answer.citations and not any(c.verified for c in answer.citations)


def test_when_every_sentence_is_unsupported_the_answer_abstains(
    passages: list[Passage], support: SupportIndex
) -> None:
    _, answer = check("Egypt signed a wheat deal with Vietnam [2].", passages, support, "id")
    assert answer.abstained and answer.text == ABSTENTION["id"] and answer.removed == 1


def test_sentences_are_shown_as_soon_as_they_are_checked(
    passages: list[Passage], support: SupportIndex
) -> None:
    pieces = ["Putin met Li Shangfu ", "in Moscow [2]. Rusia dan China ", "memperkuat hubungan "]
    pieces.append("militer sejak Februari 2022 [2].")
    shown, answer = check(pieces, passages, support, "id")
    assert shown[0] == "" and shown[1].startswith("Putin met Li Shangfu in Moscow [1]")
    assert "Februari 2022" in "".join(shown) and "".join(shown).strip() == answer.text


def test_a_verbatim_quote_is_found_at_its_offsets(
    passages: list[Passage], support: SupportIndex, articles: dict[str, Article]
) -> None:
    reply = f"Menurut MISTAR.ID (16 Apr 2023): «{PUTIN_LI}» [2]"
    _, answer = check(reply, passages, support, "id")
    (citation,) = answer.citations
    assert answer.text == reply.replace("[2]", "[1]")
    assert citation.verified and citation.quote == PUTIN_LI
    assert_exact(answer, articles)


def test_markers_quoted_from_an_article_are_text(
    passages: list[Passage], support: SupportIndex, embeddings: MitraEmbeddings
) -> None:
    odd = Passage(
        "odd.txt", "odd#0", 1.0, "Rusia dan Mesir sepakat [1] [99] soal gandum tahun ini."
    )
    checker = CitationChecker([odd], SupportIndex([odd], embeddings), "id")
    checker.feed("Menurut artikel: «Rusia dan Mesir sepakat [1] [99] soal gandum tahun ini.» [1]")
    _, answer = checker.finish()
    (citation,) = answer.citations
    assert citation.verified and citation.quote == odd.text


def test_an_abbreviation_does_not_end_the_sentence(embeddings: MitraEmbeddings) -> None:
    text = "Presiden Prabowo Subianto tiba di Bandara Pulkovo, St. Petersburg, Rabu (18/6/2025)."
    passage = Passage(
        "spb", "spb#0", 0.9, text, "Prabowo Tiba di Rusia", "detik.com", "2025-06-19", 0, len(text)
    )
    support = SupportIndex([passage], embeddings)
    reply = ["Prabowo arrived at Pulkovo Airport in St. ", "Petersburg on June 18, 2025 [1]."]
    shown, answer = check(reply, [passage], support)
    assert (
        answer.text == "Prabowo arrived at Pulkovo Airport in St. Petersburg on June 18, 2025 [1]."
    )
    assert shown[0] == "" and len(answer.citations) == 1 and answer.removed == 0
