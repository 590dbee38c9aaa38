"""The web interface without a browser: HTML rendering and escaping, and the event handlers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
import pytest
from conftest import free_port

from index import BUNDLED_ARTICLES
from index.load import Problem
from index.sync import sync
from rag.config import Settings
from rag.errors import ConfigError
from rag.schema import Answer, Citation, Passage
from ui import render
from ui.app import QUEUE_SIZE, build_app, is_loopback, launch, parse_auth
from ui.handlers import GENERIC_ERROR, Handlers

if TYPE_CHECKING:
    from rag.assistant import Assistant

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ARTICLE = f"Rusia dan Palestina bertemu. {SCRIPT} Mereka membahas kerja sama intelijen. {IMG}"
QUOTE = "kerja sama intelijen"


def citation(n: int = 1, *, verified: bool = True, quote: str = QUOTE) -> Citation:
    start = ARTICLE.find(quote)
    return Citation(
        n=n,
        article_id="a.txt",
        title=f"Judul {IMG}",
        outlet=f"Outlet {SCRIPT}",
        date="2022-08-17",
        quote=quote,
        start=start,
        end=start + len(quote),
        chunk_id="c0",
        score=0.5,
        verified=verified,
    )


def answer(*citations: Citation, language: str = "en", abstained: bool = False) -> Answer:
    passage = Passage("a.txt", "c0", 0.5, ARTICLE[20:], start=20, end=len(ARTICLE))
    return Answer(
        question=f"What was discussed? {SCRIPT}",
        text=f"Intelligence cooperation {IMG} [1].",
        citations=list(citations),
        abstained=abstained,
        language=language,
        passages=[passage],
    )


def assert_inert(html: str) -> None:
    """No tag from article text survives: it is all shown as text."""
    for tag in ("<script", "<img"):
        assert tag not in html


def test_answer_text_is_escaped_and_markers_link_to_sources() -> None:
    html = render.answer_html(f"A {SCRIPT} B [1] C [7].", turn=2, citations=[citation()])
    assert_inert(html)
    assert "&lt;script&gt;" in html
    assert '<a class="cite" href="#src-2-1"' in html
    assert "[7]" in html and "#src-2-7" not in html  # no such citation: left as text


def test_markers_link_while_streaming_and_unverified_ones_look_different() -> None:
    assert 'href="#src-0-3"' in render.answer_html("so [3", 0) + render.answer_html("so [3]", 0)
    html = render.answer_html("x [1]", 0, [citation(verified=False)])
    assert 'class="cite unverified"' in html


def test_answer_is_one_html_block_so_markdown_stays_text() -> None:
    html = render.answer_html("line one\n\n*not bold* # not a heading", 0, [])
    assert "\n" not in html
    assert html.startswith('<div class="answer">') and "*not bold*" in html


def test_source_card_marks_the_quote_in_its_passage_and_escapes_everything() -> None:
    html = render.turn_html(answer(citation()), 0, {"a.txt": ARTICLE})
    assert_inert(html)
    assert '<blockquote class="passage">' in html
    assert html.count(f"<mark>{QUOTE}</mark>") == 2  # in the passage and in the whole article
    assert "<details><summary>Read the whole article</summary>" in html
    assert 'id="src-0-1"' in html and "17 Aug 2022" in html
    assert "unverified" not in html


@pytest.mark.parametrize(
    ("language", "label"), [("en", "unverified"), ("id", "tidak terverifikasi")]
)
def test_unverified_citations_are_marked_in_the_answer_language(language: str, label: str) -> None:
    html = render.turn_html(answer(citation(verified=False), language=language), 0, {})
    assert f"⚠ {label}</span>" in html
    assert 'class="source unverified"' in html


def test_abstained_answer_has_no_sources() -> None:
    abstained = replace(answer(language="id", abstained=True), text="Tidak disebutkan <b>.")
    assert "Tidak disebutkan &lt;b&gt;." in render.abstained_html(abstained)
    assert "Tidak ada sumber" in render.turn_html(abstained, 0, {})


def test_highlight_finds_a_quote_away_from_its_offset_or_shows_it_apart() -> None:
    assert render.highlight("a <b> c", "<b>", 99) == "a <mark>&lt;b&gt;</mark> c"
    assert render.highlight("abc", "zz", 0).startswith("<mark>zz</mark>")
    assert render.highlight("a\nb", "", 0) == "a<br>b"


def test_sources_panel_holds_every_turn() -> None:
    assert render.sources_html([]) == render.EMPTY_SOURCES
    panel = render.sources_html(["<section>1</section>", "<section>2</section>"])
    assert panel.count("<section>") == 2


def test_report_escapes_file_names_and_lists_warnings() -> None:
    html = render.report_html(
        f"skipped 1 ({IMG}.bin: binary file, not text)",
        [Problem(f"/up/{SCRIPT}.txt", "read as cp1252", skipped=False)],
    )
    assert_inert(html)
    assert "Warnings:" in html and "read as cp1252" in html


def test_auth_setting() -> None:
    assert parse_auth(None) is None
    assert parse_auth("ana:s3cr:et") == ("ana", "s3cr:et")
    with pytest.raises(ConfigError, match="user:password"):
        parse_auth("ana")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("x", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- handlers, against a real assistant over the bundled articles ---


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Assistant:
    from rag import Assistant

    data = tmp_path_factory.mktemp("ui-data")
    settings = Settings(data_dir=data, model_cache=model_cache)
    sync([BUNDLED_ARTICLES], settings)
    assistant = Assistant(settings)
    return assistant


@pytest.fixture
def handlers(assistant: Assistant) -> Handlers:
    return Handlers(assistant)


def final(updates: Iterator[tuple]) -> tuple[list[tuple], tuple]:
    seen = list(updates)
    return seen, seen[-1]


def test_chat_streams_an_answer_then_shows_its_sources(handlers: Handlers) -> None:
    question = "What kind of cooperation did Russian and Palestinian officials discuss?"
    seen, (box, chat, history, turns, sources) = final(handlers.respond(question, [], [], []))
    assert len(seen) > 1  # the text streamed in before the sources came
    assert box == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert 'href="#src-0-1"' in chat[1]["content"]
    assert history[0] == {"role": "user", "content": question}
    assert "[1]" in history[1]["content"] and "<" not in history[1]["content"]
    assert len(turns) == 1 and 'id="src-0-1"' in sources and "<mark>" in sources

    follow_up = "Dan apa kata Putin tentang sekutu?"
    _, (_, chat, history, turns, sources) = final(handlers.respond(follow_up, chat, history, turns))
    assert len(chat) == 4 and len(history) == 4 and len(turns) == 2
    assert 'data-turn="1"' in sources and 'data-turn="0"' in sources


def test_chat_shows_user_errors_and_hides_others(
    handlers: Handlers, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, (_, chat, history, turns, _) = final(handlers.respond("x" * 5000, [], [], []))
    assert "limit is" in chat[-1]["content"] and history == [] and turns == []

    def broken(*args: object, **kwargs: object) -> Iterator[str]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(handlers.assistant, "stream", broken)
    _, (_, chat, _, _, _) = final(handlers.respond("Siapa?", [], [], []))
    assert GENERIC_ERROR in chat[-1]["content"] and "secret" not in chat[-1]["content"]


def test_empty_question_changes_nothing(handlers: Handlers) -> None:
    [(_, chat, history, turns, sources)] = handlers.respond("  ", [], [], [])
    assert (chat, history, turns, sources) == ([], [], [], render.EMPTY_SOURCES)


def test_library_upload_ask_and_remove(handlers: Handlers, tmp_path: Path) -> None:
    header, rows, _ = handlers.library()
    assert "5 articles" in header and len(rows) == 5
    fact = tmp_path / "kazan.txt"
    fact.write_text(
        "Rusia dan Indonesia sepakat membangun pabrik baterai di Kazan.\n"
        "Menurut Kementerian Industri, pabrik baterai di Kazan akan dibuka pada 2031.\n",
        encoding="utf-8",
    )
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    calls: list[tuple] = []
    status, header, rows, choices, files = handlers.add(
        [str(fact), str(binary)], lambda *a, **k: calls.append(a)
    )
    assert "added 1" in status and "photo.txt: binary file, not text" in status
    assert calls and files is None
    assert "6 articles" in header and "kazan.txt" in [row[-1] for row in rows]
    assert "kazan.txt" in [value for _, value in choices.choices]

    _, (_, _, _, _, sources) = final(
        handlers.respond("Kapan pabrik baterai di Kazan dibuka?", [], [], [])
    )
    assert "dibuka pada 2031.</mark>" in sources

    status, header, rows, _ = handlers.remove("kazan.txt")
    assert "Removed kazan.txt" in status and "5 articles" in header


def test_library_asks_for_a_choice_first(handlers: Handlers) -> None:
    assert "Choose one or more files" in handlers.add([], lambda *a, **k: None)[0]
    assert "Choose an article" in handlers.remove(None)[0]


def test_launch_is_local_with_login_size_limit_and_bounded_queue(assistant: Assistant) -> None:
    settings = replace(
        assistant.settings, port=free_port(), auth="ana:rahasia", max_upload_mb=3, concurrency=3
    )
    app = build_app(assistant)
    local_url, share_url = launch(app, settings)
    try:
        assert local_url == f"http://127.0.0.1:{settings.port}/" and share_url is None
        assert app.auth == [("ana", "rahasia")]
        assert app.max_file_size == 3 * 1024 * 1024
        assert app._queue.default_concurrency_limit == 3
        assert app._queue.max_size == QUEUE_SIZE
        assert str(settings.data_dir) in app.blocked_paths
    finally:
        app.close()


def test_app_exposes_only_the_chat_and_library_endpoints(assistant: Assistant) -> None:
    app = build_app(assistant)
    assert isinstance(app, gr.Blocks)
    named = {fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"}
    assert named == {"chat", "add", "remove"}
