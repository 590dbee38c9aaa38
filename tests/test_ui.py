"""The web interface without a browser: HTML rendering and escaping, and the event handlers."""

from __future__ import annotations

import csv
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pytest
from conftest import free_port
from ui_articles import BUNDLED_STORY, STORY_COPY, write_extra_articles

from index import BUNDLED_ARTICLES
from index.load import Problem
from index.sync import sync
from rag.catalog import ArticleRecord, Catalog
from rag.config import Settings
from rag.errors import ConfigError
from rag.events import Event
from rag.schema import Answer, Carrier, Citation, Passage, Sources
from ui import render
from ui.app import QUEUE_SIZE, build_app, is_loopback, launch, parse_auth
from ui.handlers import GENERIC_ERROR, STORY_COLUMN, Handlers
from ui.partnerships import Partnerships
from ui.timeline import timeline_svg

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


def carrier(article_id: str = 'b"<x>.json', outlet: str = f"detik {SCRIPT}") -> Carrier:
    return Carrier(article_id, f"Salinan {IMG}", outlet, "2025-06-20", "https://detik.com/x")


def test_retrieved_sources_show_at_once_escaped_with_a_writing_status() -> None:
    passage = Passage("a.txt", "c0", 0.5, ARTICLE, title=f"T {IMG}", outlet="detik.com")
    html = render.pending_html(f"Siapa? {SCRIPT}", [passage], 3, "id")
    assert_inert(html)
    assert 'class="turn pending" data-turn="3"' in html
    assert "Sumber ditemukan: 1 · menulis jawaban…" in html and 'class="source retrieved"' in html
    assert "No passages found." in render.pending_html("Who?", [], 0, "en")
    assert 'class="status-line writing"' in render.writing_html("so far [1]", 0, "en")
    assert 'href="#src-0-1"' in render.writing_html("so far [1]", 0, "en")


def test_a_note_on_left_out_claims_is_shown_muted() -> None:
    note = "(1 claim left out: the sources do not support it.)"
    removed = replace(answer(citation()), text=f"Intelligence [1]. {note}", removed=1)
    html = render.final_answer_html(removed, 0)
    assert f'<span class="removed-note">{note}</span>' in html
    assert 'href="#src-0-1"' in html
    kept = render.final_answer_html(replace(removed, text="Intelligence (SVR) [1].", removed=0), 0)
    assert "removed-note" not in kept


def test_a_story_names_its_other_outlets_each_openable() -> None:
    other = carrier("c.txt", "liputan6.com")
    cited = replace(citation(), also=(carrier(), other))
    html = render.turn_html(answer(cited), 0, {})
    assert_inert(html)
    assert 'data-article="b&quot;&lt;x&gt;.json"' in html
    assert '<div class="also">also reported by <a class="carrier"' in html
    assert ">liputan6.com</a> · 20 Jun 2025</div>" in html  # one date for copies of one day
    assert "juga diberitakan oleh" in render.turn_html(answer(cited, language="id"), 0, {})
    assert 'class="also"' not in render.turn_html(answer(citation()), 0, {})


def test_an_opened_article_is_escaped_and_marks_the_quote_when_it_has_it() -> None:
    article = {
        "article_id": "b.txt",
        "title": IMG,
        "outlet": SCRIPT,
        "date": "2022-08",
        "text": ARTICLE,
    }
    html = render.reader_html(article, QUOTE)
    assert_inert(html)
    assert f"<mark>{QUOTE}</mark>" in html and "Aug 2022" in html
    assert "<mark>" not in render.reader_html(article, "not in this copy")
    assert render.sources_html([], html).startswith(f'<div class="sources">{html}')


def event(partner: str = "Iran", date: str = "2024-01-05", kind: str = "military") -> Event:
    quote = f"Rusia dan {partner} {SCRIPT} {IMG} menggelar latihan."
    return Event(
        partner=partner,
        kind=kind,
        date=date,
        status="held",
        actors=(f"Shoigu {SCRIPT}",),
        place="Teheran",
        article_id="e.txt",
        quote=quote,
        start=6,
        end=6 + len(quote),
        title=f"Latihan {IMG}",
        outlet="detik.com",
        article_date="2024-01-06",
    )


def test_an_event_shows_its_quote_marked_in_its_article_as_text() -> None:
    chosen = event()
    text = f"Kamis. {chosen.quote} Lalu."
    html = render.event_html(chosen, text)
    assert_inert(html)
    assert "<mark>Rusia dan Iran &lt;script&gt;" in html
    assert "5 Jan 2024 · Iran · military · held · Shoigu &lt;script&gt;" in html
    assert "no longer in the library" in render.event_html(chosen, None)


def test_timeline_draws_dated_events_by_partner_and_kind_escaped() -> None:
    found = [
        event("Iran"),
        event("India", "2023-03", "arms"),
        event("Mesir <b>", "2021", "economic"),
        event("China", "--08-17"),
        event("China", ""),
    ]
    svg = timeline_svg(found)
    assert svg.startswith('<svg class="timeline"') and "<b>" not in svg
    assert svg.count('class="point"') == 3  # the two without a year are not drawn
    assert 'data-row="0"' in svg and 'data-row="3"' not in svg
    assert svg.count('class="period"') == 2  # a month and a year span a period
    assert ">Mesir &lt;b&gt;</text>" in svg and ">2022</text>" in svg
    assert "No dated events" in timeline_svg(found[3:])


def test_timeline_ticks_months_over_a_short_period() -> None:
    svg = timeline_svg([event(date="2024-01-05"), event("India", "2024-06-20")])
    assert ">Feb 2024</text>" in svg and ">2024</text>" not in svg


# --- handlers, against a real assistant over the bundled articles and two more ---


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Assistant:
    from rag import Assistant

    data = tmp_path_factory.mktemp("ui-data")
    settings = Settings(data_dir=data, model_cache=model_cache)
    sync([BUNDLED_ARTICLES, *write_extra_articles(tmp_path_factory.mktemp("extra"))], settings)
    return Assistant(settings)


@pytest.fixture
def handlers(assistant: Assistant) -> Handlers:
    return Handlers(assistant)


def final(updates: Iterator[tuple]) -> tuple[list[tuple], tuple]:
    seen = list(updates)
    return seen, seen[-1]


def test_chat_shows_the_sources_first_streams_the_answer_then_its_citations(
    handlers: Handlers,
) -> None:
    question = "What kind of cooperation did Russian and Palestinian officials discuss?"
    seen, (box, chat, history, turns, sources) = final(handlers.respond(question, [], [], []))
    _, first_chat, _, first_turns, first_sources = seen[0]
    assert 'class="turn pending" data-turn="0"' in first_sources and first_turns == []
    assert 'class="source retrieved"' in first_sources
    assert "writing the answer" in first_chat[-1]["content"]
    streamed = seen[1:-1]
    assert streamed and all(update[4] == gr.skip() for update in streamed)  # panel kept
    assert box == ""
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert 'href="#src-0-1"' in chat[1]["content"] and "writing" not in chat[1]["content"]
    assert history[0] == {"role": "user", "content": question}
    assert "[1]" in history[1]["content"] and "<" not in history[1]["content"]
    assert len(turns) == 1 and 'id="src-0-1"' in sources and "<mark>" in sources
    assert "pending" not in sources

    follow_up = "Dan apa kata Putin tentang sekutu?"
    _, (_, chat, history, turns, sources) = final(handlers.respond(follow_up, chat, history, turns))
    assert len(chat) == 4 and len(history) == 4 and len(turns) == 2
    assert 'data-turn="1"' in sources and 'data-turn="0"' in sources


def test_a_cited_story_names_its_other_outlet_which_opens_in_the_panel(
    handlers: Handlers,
) -> None:
    question = "Why are Russia and China expanding their security cooperation?"
    _, (*_, turns, sources) = final(handlers.respond(question, [], [], []))
    assert 'class="also">also reported by <a class="carrier"' in sources
    [other] = re.findall(r'<a class="carrier" href="#" data-article="([^"]+)"', sources)
    assert other in (BUNDLED_STORY, STORY_COPY)  # whichever was not cited

    quote = "Rusia dan China dilaporkan bersepakat"
    panel = handlers.read(turns, gr.EventData(None, {"article": other, "quote": quote}))
    assert panel.startswith('<div class="sources"><section class="reader">')
    assert f"<mark>{quote}</mark>" in panel and 'data-turn="0"' in panel
    gone = handlers.read(turns, gr.EventData(None, {"article": "gone.txt", "quote": ""}))
    assert "&#x27;gone.txt&#x27; is no longer in the library" in gone


def test_left_out_claims_and_unverified_citations_are_marked_in_the_chat(
    handlers: Handlers, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = "(1 claim left out: the sources do not support it.)"
    final_answer = replace(
        answer(citation(verified=False)), text=f"Intelligence [1]. {note}", removed=1
    )

    def stream(*args: object, **kwargs: object) -> Iterator[object]:
        yield Sources(final_answer.passages)
        yield "Intelligence [1]."
        yield f" {note}"
        yield final_answer

    monkeypatch.setattr(handlers.assistant, "stream", stream)
    _, (_, chat, _, _, sources) = final(handlers.respond("What?", [], [], []))
    assert f'<span class="removed-note">{note}</span>' in chat[-1]["content"]
    assert 'class="cite unverified"' in chat[-1]["content"]
    assert "⚠ unverified</span>" in sources
    assert_inert(sources)


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


NO_FILTER = ("", "", "", "", "", "", "Newest first")


def select(row: list[Any], column: int) -> gr.SelectData:
    return gr.SelectData(None, {"index": [0, column], "value": row[column], "row_value": row})


def test_library_searches_filters_sorts_and_opens_a_story(handlers: Handlers) -> None:
    header, rows, line = handlers.library()
    assert "7 articles" in header and len(rows) == 7 and "1–7 of 7 articles" in line
    assert [r[3] for r in rows][:4] == ["16 Apr 2023", "12 Mar 2023", "20 Sep 2022", "19 Sep 2022"]
    rows, line, number = handlers.show("Patrushev", "", "", "", "", "", "Oldest first")
    assert [r[-1] for r in rows] == [BUNDLED_STORY, STORY_COPY] and number == 1
    assert rows[0][STORY_COLUMN] == "2 articles ▸" and rows[0][0] is False
    story = handlers.pick(select(rows[1], STORY_COLUMN))
    assert story == BUNDLED_STORY
    assert handlers.pick(select(rows[1], 0)) == gr.skip()  # a tick, not a story
    rows, line, _ = handlers.show("", "", "", "", "", story, "Newest first")
    assert [r[2] for r in rows] == ["liputan6.com", "KOMPAS.TV"] and "of 2 articles" in line

    rows, _, _ = handlers.show("", "liputan6.com", "id", "2022-09", "2022", "", "Title A–Z")
    assert [r[-1] for r in rows] == [STORY_COPY]
    rows, _, _ = handlers.show("", "", "", "2023", "", "", "Oldest first")
    assert [r[3] for r in rows] == ["12 Mar 2023", "16 Apr 2023"]
    rows, line, number = handlers.show("", "", "", "", "", "", "Stories first", 5, 1)
    assert number == 1 and len(rows) == 7  # past the last page: the last page
    rows, line, _ = handlers.show("", "", "", "2022-13", "", "", "Newest first")
    assert rows == [] and "&#x27;2022-13&#x27; is not a date" in line and "error" in line
    outlets, languages = handlers.facets()
    assert ("liputan6.com", "liputan6.com") in outlets.choices and ("All", "") in languages.choices


def test_library_upload_ask_and_remove(handlers: Handlers, tmp_path: Path) -> None:
    fact = tmp_path / "kazan.txt"
    fact.write_text(
        "Rusia dan Indonesia sepakat membangun pabrik baterai di Kazan.\n"
        "Menurut Kementerian Industri, pabrik baterai di Kazan akan dibuka pada 2031.\n",
        encoding="utf-8",
    )
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    calls: list[tuple] = []
    status, header, rows, line, number, files, *filters = handlers.add(
        [str(fact), str(binary)], lambda *a, **k: calls.append(a)
    )
    assert "added 1" in status and "photo.txt: binary file, not text" in status
    assert calls and files is None and number == 1 and "of 8 articles" in line
    assert "8 articles" in header and rows[0][-1] == "kazan.txt"  # the newest addition first
    assert filters[0] == "" and filters[-1] == "Recently added"

    _, (_, _, _, _, sources) = final(
        handlers.respond("Kapan pabrik baterai di Kazan dibuka?", [], [], [])
    )
    assert "dibuka pada 2031.</mark>" in sources

    table = [[row[-1] == "kazan.txt", *row[1:]] for row in rows]
    status, header, rows, _, _ = handlers.remove(table, *filters, 1)
    assert "Removed 1 article: kazan.txt." in status and "7 articles" in header
    assert "kazan.txt" not in [row[-1] for row in rows]


def test_ticked_articles_are_removed_in_one_change(handlers: Handlers, tmp_path: Path) -> None:
    for name in ("satu", "dua"):
        (tmp_path / f"{name}.txt").write_text(
            f"Rusia dan Bolivia membahas litium {name}.\nPertemuan {name} berlangsung di La Paz.\n",
            encoding="utf-8",
        )
    _, _, rows, *_ = handlers.add([str(p) for p in tmp_path.iterdir()], lambda *a, **k: None)
    catalog = Catalog.open(handlers.assistant.settings.catalog_path)
    before = int(catalog.meta("generation"))
    table = [[row[-1] in ("satu.txt", "dua.txt"), *row[1:]] for row in rows]
    status, header, rows, _, _ = handlers.remove(table, "", "", "", "", "", "", "Newest first", 1)
    assert "Removed 2 articles: " in status and "7 articles" in header
    assert int(catalog.meta("generation")) == before + 1
    catalog.close()


def test_library_asks_for_a_choice_first(handlers: Handlers) -> None:
    assert "Choose one or more files" in handlers.add([], lambda *a, **k: None)[0]
    unticked = [[False, "t", "o", "", "id", "", 1, "a.txt"]]
    status, *rest = handlers.remove(unticked, *NO_FILTER, 1)
    assert "Tick the articles to remove first" in status and rest == [gr.skip()] * 4


def test_partnerships_filter_draw_list_and_export_events(assistant: Assistant) -> None:
    view = Partnerships(assistant)
    partners = [value for _, value in view.partners().choices]
    assert partners[0] == "" and {"Iran", "India", "Vietnam", "Egypt", "Palestine"} <= set(partners)

    summary, chart, rows, path, found = view.show("", "", "", "")
    undated = sum(not e.date[:1].isdigit() for e in found)
    assert f"{len(found)} events · {undated} without a date" in summary
    assert chart.count('class="point"') == len(found) - undated and len(rows) == len(found)
    assert_inert(chart)
    with open(str(path), encoding="utf-8", newline="") as file:
        exported = list(csv.DictReader(file))
    assert len(exported) == len(found) and exported[0]["partner"] == found[0].partner

    summary, chart, rows, path, found = view.show("Iran", "military", "2024", "")
    assert [(r[1], r[2], r[3]) for r in rows] == [("5 Jan 2024", "Iran", "military")]
    assert "1 event</div>" in summary and chart.count('class="point"') == 1
    opened = view.open_row(found, select(rows[0], 2))
    assert_inert(opened)
    assert "<mark>Rusia dan Iran &lt;script&gt;alert(&#x27;event&#x27;)&lt;/script&gt;" in opened
    assert view.open_point(found, gr.EventData(None, {"row": 0})) == opened
    assert "Click a row" in view.open_point(found, gr.EventData(None, {"row": 7}))

    summary, chart, rows, path, found = view.show("", "", "20x", "")
    assert "from &#x27;20x&#x27; is not a date" in summary
    assert (chart, rows, path, found) == ("", [], None, [])
    assert "unknown partner &#x27;Atlantis&#x27;" in view.show("Atlantis", "", "", "")[0]


def test_old_csv_exports_are_removed(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = Partnerships(assistant)
    view.exports = tmp_path
    monkeypatch.setattr("ui.partnerships.KEPT_EXPORTS", 2)
    exports = []
    for partner in ("", "Iran", "", "India"):  # the first export again: now a recent one
        exports.append(view.show(partner, "", "", "")[3])
        time.sleep(0.05)  # apart by more than the file system's clock step
    first, last = exports[0], exports[-1]
    assert first and last and Path(first).exists() and Path(last).exists()
    assert len(list(tmp_path.iterdir())) == 2


def test_an_export_is_whole_while_the_same_export_is_written_again(
    assistant: Assistant, tmp_path: Path
) -> None:
    """The page fires a filter's event twice at once: a reader must never get a cut file."""
    view = Partnerships(assistant)
    view.exports = tmp_path
    found = view.show("", "", "", "")[4]
    path = Path(view.export(found) or "")
    whole = path.read_bytes()
    writing = threading.Event()
    writing.set()

    def export_again() -> None:
        while writing.is_set():
            view.export(found)

    writers = [threading.Thread(target=export_again) for _ in range(3)]
    for writer in writers:
        writer.start()
    try:
        reads = [path.read_bytes() for _ in range(2000)]
    finally:
        writing.clear()
        for writer in writers:
            writer.join()
    assert all(read == whole for read in reads)


def test_library_page_searches_filters_sorts_and_pages_3285_articles(tmp_path: Path) -> None:
    """The Library's one query, in SQL over a catalog the size of the news-2025 batch."""
    catalog = Catalog.create(tmp_path / "catalog.sqlite3")
    outlets = ("detik.com", "liputan6.com", "kompas.com", "tempo.co")
    filler = "Pemerintah membahas kerja sama di berbagai bidang dengan mitra. " * 50
    with catalog.transaction():
        for n in range(3285):
            text = filler + ("Kapal selam Kilo berlabuh. " if n % 100 == 0 else "")
            catalog.put_article(
                ArticleRecord(
                    article_id=f"a{n:04d}",
                    content_hash=f"h{n}",
                    path=f"a{n:04d}.txt",
                    title=f"Berita {n:04d}" + (" naik 100%" if n == 7 else ""),
                    outlet=outlets[n % 4],
                    agency="",
                    date=f"{2021 + n % 4}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    language="en" if n % 5 == 0 else "id",
                    url="",
                    author="",
                    editor="",
                    text=text,
                ),
                [],
            )
        # Three copies of a0010's story; every other article is its own story.
        catalog.set_stories({f"a{n:04d}": "a0010" for n in (10, 11, 12)})
    started = time.perf_counter()
    rows, total = catalog.library_page(page=132)
    assert total == 3285 and len(rows) == 10  # 131 full pages of 25, then 10
    assert catalog.library_page(search="kilo")[1] == 33
    assert catalog.library_page(search="kilo tempo.co")[1] == 0  # a0000…: every 100th is detik
    assert catalog.library_page(search="kilo detik")[1] == 33
    assert [r["article_id"] for r in catalog.library_page(search="100%")[0]] == ["a0007"]
    assert catalog.library_page(search="_")[1] == 0  # LIKE's wildcards are literal
    assert catalog.library_page(outlet="tempo.co", language="en")[1] == 164
    dates = [f"{2021 + n % 4}-{1 + n % 12:02d}" for n in range(3285)]
    dated = catalog.library_page(since="2022-06", until="2023-02", page_size=3285)[0]
    assert {r["date"][:7] for r in dated} == {d for d in dates if "2022-06" <= d <= "2023-02"}
    grouped, _ = catalog.library_page(sort="story", page_size=4)
    assert [(r["article_id"], r["members"]) for r in grouped[:3]] == [
        ("a0012", 3),  # the story's articles together, oldest first
        ("a0010", 3),
        ("a0011", 3),
    ]
    assert grouped[3]["members"] == 1 and grouped[0]["story"] == "a0010"
    assert catalog.library_page(story="a0010")[1] == 3
    assert catalog.library_page(sort="added")[0][0]["article_id"] == "a3284"
    assert catalog.library_page(page=999) == ([], 3285)
    elapsed = (time.perf_counter() - started) / 13
    print(f"library_page over 3,285 articles: {elapsed * 1000:.0f} ms per query on average")
    assert elapsed < 0.5
    with pytest.raises(ValueError, match="unknown sort"):
        catalog.library_page(sort="random()")
    catalog.close()


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
