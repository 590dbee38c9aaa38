"""Safe HTML for answers, sources and library messages: every piece of article text is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from index.load import Problem
from rag.schema import Answer, Citation, Passage
from rag.text.dates import format_date

MARKER = re.compile(r"\[(\d+)\]")
LABELS = {
    "en": {
        "sources": "Sources for",
        "unverified": "unverified",
        "unverified_hint": "no passage in the article supports this citation word for word",
        "read": "Read the whole article",
        "no_sources": "No sources: the articles do not answer this question.",
    },
    "id": {
        "sources": "Sumber untuk",
        "unverified": "tidak terverifikasi",
        "unverified_hint": "tidak ada kutipan di artikel yang mendukung sitasi ini secara harfiah",
        "read": "Baca artikel lengkap",
        "no_sources": "Tidak ada sumber: artikel tidak menjawab pertanyaan ini.",
    },
}
EMPTY_SOURCES = (
    '<div class="sources"><p class="hint">Ask a question: the sources of the answer, with the '
    "quoted passages, appear here. · Ajukan pertanyaan: sumber jawaban muncul di sini.</p></div>"
)


def escape(text: str) -> str:
    """Escape text for HTML, keeping its line breaks visible."""
    return html.escape(text).replace("\n", "<br>")


def source_id(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


def answer_html(text: str, turn: int, citations: Sequence[Citation] | None = None) -> str:
    """The answer text escaped, each `[n]` a link to source n of this turn.

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
    return f'<div class="answer">{"".join(parts)}</div>'


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


def turn_html(answer: Answer, turn: int, articles: Mapping[str, str]) -> str:
    """The sources of one answer; `articles` maps article ids to their whole cleaned text."""
    labels = LABELS.get(answer.language, LABELS["en"])
    heading = f"<h3>{labels['sources']}: “{html.escape(answer.question)}”</h3>"
    if answer.abstained or not answer.citations:
        body = f'<p class="hint">{labels["no_sources"]}</p>'
    else:
        passages = {p.chunk_id: p for p in answer.passages}
        body = "".join(
            _source_card(c, turn, passages.get(c.chunk_id), articles.get(c.article_id), labels)
            for c in answer.citations
        )
    return f'<section class="turn" data-turn="{turn}">{heading}{body}</section>'


def sources_html(turns: Iterable[str]) -> str:
    """The sources panel: every turn's sources; the page shows the latest, or a clicked one."""
    sections = "".join(turns)
    return f'<div class="sources">{sections}</div>' if sections else EMPTY_SOURCES


def _source_card(
    citation: Citation,
    turn: int,
    passage: Passage | None,
    article_text: str | None,
    labels: Mapping[str, str],
) -> str:
    meta = " · ".join(
        html.escape(part) for part in (citation.outlet, format_date(citation.date)) if part
    )
    badge = (
        ""
        if citation.verified
        else f'<span class="badge" title="{labels["unverified_hint"]}">'
        f"⚠ {labels['unverified']}</span>"
    )
    if passage is None:
        context = f"<mark>{escape(citation.quote)}</mark>"
    else:
        context = highlight(passage.text, citation.quote, citation.start - passage.start)
    whole = ""
    if article_text:
        whole = (
            f'<details><summary>{labels["read"]}</summary><div class="article">'
            f"{highlight(article_text, citation.quote, citation.start)}</div></details>"
        )
    title = html.escape(citation.title or citation.article_id)
    return (
        f'<article class="source{"" if citation.verified else " unverified"}" '
        f'id="{source_id(turn, citation.n)}">'
        f'<header><span class="num">[{citation.n}]</span> <strong>{title}</strong>{badge}'
        f'<div class="meta">{meta}</div></header>'
        f'<blockquote class="passage">{context}</blockquote>{whole}</article>'
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
