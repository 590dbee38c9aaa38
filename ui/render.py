"""Safe HTML for answers, sources and library messages: every piece of article text is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from index.load import Problem
from rag.events import Event
from rag.schema import Answer, Carrier, Citation, Passage
from rag.text.dates import format_date

MARKER = re.compile(r"\[(\d+)\]")
LABELS = {
    "en": {
        "sources": "Sources for",
        "unverified": "unverified",
        "unverified_hint": "no passage in the article supports this citation word for word",
        "read": "Read the whole article",
        "no_sources": "No sources: the articles do not answer this question.",
        "found": "Sources found: {n} · writing the answer…",
        "none_found": "No passages found.",
        "writing": "writing the answer…",
        "also": "also reported by",
        "close": "close",
    },
    "id": {
        "sources": "Sumber untuk",
        "unverified": "tidak terverifikasi",
        "unverified_hint": "tidak ada kutipan di artikel yang mendukung sitasi ini secara harfiah",
        "read": "Baca artikel lengkap",
        "no_sources": "Tidak ada sumber: artikel tidak menjawab pertanyaan ini.",
        "found": "Sumber ditemukan: {n} · menulis jawaban…",
        "none_found": "Tidak ada bagian artikel yang ditemukan.",
        "writing": "menulis jawaban…",
        "also": "juga diberitakan oleh",
        "close": "tutup",
    },
}
EMPTY_SOURCES = (
    '<div class="sources"><p class="hint">Ask a question: the sources of the answer, with the '
    "quoted passages, appear here. · Ajukan pertanyaan: sumber jawaban muncul di sini.</p></div>"
)


def escape(text: str) -> str:
    """Escape text for HTML, keeping its line breaks visible."""
    return html.escape(text).replace("\n", "<br>")


def labels(language: str) -> Mapping[str, str]:
    return LABELS.get(language, LABELS["en"])


def source_id(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


def answer_html(
    text: str, turn: int, citations: Sequence[Citation] | None = None, note: str = ""
) -> str:
    """The answer text escaped, each `[n]` a link to source n of this turn; `note` muted after.

    While the answer streams (`citations` None) every marker is a link; once it is final, only
    markers with a citation are. One `<div>` without blank lines: Markdown leaves such an HTML
    block alone, so nothing in the text is read as Markdown.
    """
    by_n = {c.n: c for c in citations or ()}
    parts: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        parts.append(escape(text[position : match.start()]))
        n = int(match.group(1))
        if citations is None or n in by_n:
            parts.append(_cite_link(turn, n, by_n.get(n)))
        else:
            parts.append(match.group(0))
        position = match.end()
    parts.append(escape(text[position:]))
    if note:
        parts.append(f' <span class="removed-note">{escape(note)}</span>')
    return f'<div class="answer">{"".join(parts)}</div>'


def final_answer_html(answer: Answer, turn: int) -> str:
    """A finished answer; the note saying how many claims were left out is shown apart."""
    text, note = answer.text, ""
    if answer.removed and text.endswith(")") and " (" in text:
        text, _, rest = text.rpartition(" (")
        note = f"({rest}"
    return answer_html(text, turn, answer.citations, note)


def writing_html(text: str, turn: int, language: str) -> str:
    """The answer so far, with a status saying the model is still writing."""
    status = f'<div class="status-line writing">{labels(language)["writing"]}</div>'
    return (answer_html(text, turn) if text else "") + status


def _cite_link(turn: int, n: int, citation: Citation | None) -> str:
    classes = "cite" if citation is None or citation.verified else "cite unverified"
    title = f' title="{html.escape(citation.title)}"' if citation and citation.title else ""
    return f'<a class="{classes}" href="#{source_id(turn, n)}"{title}>[{n}]</a>'


def abstained_html(answer: Answer) -> str:
    """The assistant's plain statement that the articles do not answer the question."""
    return f'<div class="answer abstained">{escape(answer.text)}</div>'


def notice_html(message: str) -> str:
    """A message from the app itself (an error, a hint) shown in the chat."""
    return f'<div class="notice">⚠️ {escape(message)}</div>'


def user_html(question: str) -> str:
    return f'<div class="question">{escape(question)}</div>'


def pending_html(question: str, passages: Sequence[Passage], turn: int, language: str) -> str:
    """The passages an answer is being written from, shown before its first word."""
    words = labels(language)
    status = words["found"].format(n=len(passages)) if passages else words["none_found"]
    cards = "".join(_passage_card(p) for p in passages)
    return (
        f'<section class="turn pending" data-turn="{turn}">'
        f"<h3>{words['sources']}: “{html.escape(question)}”</h3>"
        f'<p class="status-line writing">{status}</p>{cards}</section>'
    )


def _passage_card(passage: Passage) -> str:
    title = html.escape(passage.title or passage.article_id)
    return (
        f'<article class="source retrieved"><header><strong>{title}</strong>'
        f'<div class="meta">{_meta(passage.outlet, passage.date)}</div></header>'
        f'<blockquote class="passage">{escape(passage.text)}</blockquote></article>'
    )


def _meta(outlet: str, date: str) -> str:
    return " · ".join(html.escape(part) for part in (outlet, format_date(date)) if part)


def turn_html(answer: Answer, turn: int, articles: Mapping[str, str]) -> str:
    """The sources of one answer; `articles` maps article ids to their whole cleaned text."""
    words = labels(answer.language)
    heading = f"<h3>{words['sources']}: “{html.escape(answer.question)}”</h3>"
    if answer.abstained or not answer.citations:
        body = f'<p class="hint">{words["no_sources"]}</p>'
    else:
        passages = {p.chunk_id: p for p in answer.passages}
        body = "".join(
            _source_card(c, turn, passages.get(c.chunk_id), articles.get(c.article_id), words)
            for c in answer.citations
        )
    return f'<section class="turn" data-turn="{turn}">{heading}{body}</section>'


def sources_html(turns: Iterable[str], reader: str = "") -> str:
    """The sources panel: every turn's sources; the page shows the latest, or a clicked one.

    `reader` (an article opened from a source card) comes first.
    """
    sections = "".join(turns)
    if not (sections or reader):
        return EMPTY_SOURCES
    return f'<div class="sources">{reader}{sections}</div>'


def _source_card(
    citation: Citation,
    turn: int,
    passage: Passage | None,
    article_text: str | None,
    words: Mapping[str, str],
) -> str:
    badge = (
        ""
        if citation.verified
        else f'<span class="badge" title="{words["unverified_hint"]}">'
        f"⚠ {words['unverified']}</span>"
    )
    if passage is None:
        context = f"<mark>{escape(citation.quote)}</mark>"
    else:
        context = highlight(passage.text, citation.quote, citation.start - passage.start)
    whole = ""
    if article_text:
        whole = (
            f'<details><summary>{words["read"]}</summary><div class="article">'
            f"{highlight(article_text, citation.quote, citation.start)}</div></details>"
        )
    title = html.escape(citation.title or citation.article_id)
    return (
        f'<article class="source{"" if citation.verified else " unverified"}" '
        f'id="{source_id(turn, citation.n)}">'
        f'<header><span class="num">[{citation.n}]</span> <strong>{title}</strong>{badge}'
        f'<div class="meta">{_meta(citation.outlet, citation.date)}</div>'
        f"{also_html(citation.also, words)}</header>"
        f'<blockquote class="passage">{context}</blockquote>{whole}</article>'
    )


def also_html(carriers: Sequence[Carrier], words: Mapping[str, str]) -> str:
    """ "also reported by detik.com, liputan6.com · 20 Jun 2025": each outlet opens its copy."""
    if not carriers:
        return ""
    links = ", ".join(
        f'<a class="carrier" href="#" data-article="{html.escape(c.article_id)}" '
        f'title="{html.escape(" · ".join(p for p in (c.title, format_date(c.date)) if p))}">'
        f"{html.escape(c.outlet or c.title or c.article_id)}</a>"
        for c in carriers
    )
    dates = ", ".join(dict.fromkeys(format_date(c.date) for c in carriers if c.date))
    when = f" · {html.escape(dates)}" if dates else ""
    return f'<div class="also">{words["also"]} {links}{when}</div>'


def reader_html(article: Mapping[str, Any], quote: str, language: str = "en") -> str:
    """An article opened from the panel, with `quote` marked where its text has it."""
    text = str(article["text"])
    body = highlight(text, quote, -1) if quote in text else escape(text)
    title = html.escape(str(article["title"] or article["article_id"]))
    return (
        f'<section class="reader"><header><strong>{title}</strong>'
        f'<a class="reader-close" href="#">{labels(language)["close"]}</a>'
        f'<div class="meta">{_meta(str(article["outlet"]), str(article["date"]))}</div></header>'
        f'<div class="article">{body}</div></section>'
    )


def highlight(text: str, quote: str, offset: int) -> str:
    """`text` escaped with `quote` in `<mark>`: at `offset` when it is there, else where found."""
    if not quote:
        return escape(text)
    if text[offset : offset + len(quote)] != quote or offset < 0:
        offset = text.find(quote)
    if offset < 0:
        return f"<mark>{escape(quote)}</mark><br>…<br>{escape(text)}"
    end = offset + len(quote)
    return f"{escape(text[:offset])}<mark>{escape(quote)}</mark>{escape(text[end:])}"


def report_html(summary: str, problems: Sequence[Problem]) -> str:
    """A sync's summary line (it names each rejected file and why), then any warnings."""
    warnings = "".join(
        f"<li><strong>{html.escape(Path(p.path).name)}</strong>: {html.escape(p.reason)}</li>"
        for p in problems
        if not p.skipped
    )
    listed = f'<p>Warnings:</p><ul class="warnings">{warnings}</ul>' if warnings else ""
    return f'<div class="report"><p class="summary">{escape(summary)}</p>{listed}</div>'


def status_html(message: str, *, error: bool = False) -> str:
    return f'<div class="report{" error" if error else ""}">{escape(message)}</div>'


def event_html(event: Event, article_text: str | None) -> str:
    """A partnership event: its facts, then its quote marked in the whole article."""
    facts = " · ".join(
        html.escape(part)
        for part in (
            format_date(event.date) or "undated",
            event.partner,
            event.kind,
            event.status,
            "; ".join(event.actors),
            event.place,
        )
        if part
    )
    if article_text is None:
        gone = '<p class="hint">The article is no longer in the library.</p>'
        body = f"<mark>{escape(event.quote)}</mark>{gone}"
    else:
        body = highlight(article_text, event.quote, event.start)
    title = html.escape(event.title or event.article_id)
    return (
        f'<article class="event"><header><strong>{title}</strong>'
        f'<div class="meta">{_meta(event.outlet, event.article_date)}</div>'
        f'<div class="facts">{facts}</div></header><div class="article">{body}</div></article>'
    )
