"""What the page's chat and library events do: answer, open articles, list, add, remove."""

from __future__ import annotations

import html
import logging
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from index.load import Problem
from index.sync import remove_articles, sync
from rag.answering import ABSTAIN
from rag.catalog import storage_error
from rag.errors import MitraError
from rag.schema import Answer, Sources
from rag.text.dates import date_bounds, format_date
from rag.text.language import detect_language
from ui import render

if TYPE_CHECKING:
    from rag.assistant import Assistant

log = logging.getLogger("mitra.ui")
GENERIC_ERROR = "something went wrong on the server; please try again (the details are in its log)"
TABLE_HEADERS = ["✓", "Title", "Outlet", "Date", "Lang", "Story", "Chunks", "Article id"]
STORY_COLUMN = TABLE_HEADERS.index("Story")
SORTS = {
    "Newest first": "newest",
    "Oldest first": "oldest",
    "Title A–Z": "title",
    "Outlet A–Z": "outlet",
    "Stories first": "story",
    "Recently added": "added",
}
PAGE_SIZE = 25
ISO_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?")
Message = dict[str, Any]
ChatUpdate = tuple[str, list[Message], list[Message], list[str], str]
Page = tuple[list[list[Any]], str, int]
# Gradio hands a handler live progress through a `gr.Progress` default argument.
PROGRESS = gr.Progress()


def friendly(exc: Exception) -> str:
    """The message a user sees for `exc`: a MitraError's own, else a generic one (logged)."""
    if isinstance(exc, MitraError):
        return str(exc)
    log.error("handler failed", exc_info=exc)
    return GENERIC_ERROR


def check_period(since: str | None, until: str | None) -> None:
    """Refuse a period bound that is not a year, a month or a day in ISO form."""
    for name, bound in (("from", since), ("to", until)):
        bound = (bound or "").strip()
        if bound and not (ISO_DATE.fullmatch(bound) and date_bounds(bound)):
            raise MitraError(f"{name} {bound!r} is not a date: use 2022, 2022-06 or 2022-06-15")


class Handlers:
    """The chat's and the library's event handlers, bound to one shared `Assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.uploads_dir = assistant.settings.data_dir / "uploads"

    # Chat ------------------------------------------------------------------------------

    def respond(
        self, message: str, chat: list[Message], history: list[Message], turns: list[str]
    ) -> Iterator[ChatUpdate]:
        """Show the retrieved sources at once, stream the answer, then its citation cards.

        Yields (question box, chat, history, turns, sources panel); `history` is the plain-text
        conversation the assistant reads follow-ups against, `turns` each answer's sources.
        While the answer streams, the panel is left as it is (`gr.skip()`).
        """
        question = (message or "").strip()
        if not question:
            yield message, chat, history, turns, render.sources_html(turns)
            return
        turn = len(turns)
        language = detect_language(question)
        chat = [*chat, _message("user", render.user_html(question)), _message("assistant", "…")]
        text = ""
        answer: Answer | None = None
        try:
            for part in self.assistant.stream(question, history=history):
                if isinstance(part, Answer):
                    answer = part
                    break
                if isinstance(part, Sources):
                    pending = render.pending_html(question, part.passages, turn, language)
                    chat = _reply(chat, render.writing_html("", turn, language))
                    yield "", chat, history, turns, render.sources_html([*turns, pending])
                    continue
                text += part
                if ABSTAIN.startswith(text.strip()):
                    continue  # maybe the start of an abstention: nothing to show yet
                chat = _reply(chat, render.writing_html(text, turn, language))
                yield "", chat, history, turns, gr.skip()
        except Exception as exc:  # shown to this user only; the server keeps serving
            chat = _reply(chat, render.notice_html(friendly(exc)))
            yield "", chat, history, turns, render.sources_html(turns)
            return
        assert answer is not None  # the assistant's stream always ends with the Answer
        if answer.abstained:
            chat = _reply(chat, render.abstained_html(answer))
        else:
            chat = _reply(chat, render.final_answer_html(answer, turn))
        history = [*history, _message("user", question), _message("assistant", answer.text)]
        turns = [*turns, render.turn_html(answer, turn, self._article_texts(answer))]
        yield "", chat, history, turns, render.sources_html(turns)

    def _article_texts(self, answer: Answer) -> dict[str, str]:
        texts: dict[str, str] = {}
        for article_id in {c.article_id for c in answer.citations}:
            article = self.assistant.article(article_id)
            if article:
                texts[article_id] = article["text"]
        return texts

    def read(self, turns: list[str], event: gr.EventData) -> str:
        """Open another outlet's copy of a cited story at the top of the sources panel."""
        article_id = str(getattr(event, "article", ""))
        quote = str(getattr(event, "quote", ""))
        try:
            article = self.assistant.article(article_id)
            if article is None:
                raise MitraError(f"the article {article_id!r} is no longer in the library")
            reader = render.reader_html(article, quote)
        except Exception as exc:
            reader = f'<section class="reader">{render.status_html(friendly(exc), error=True)}'
            reader += "</section>"
        return render.sources_html(turns, reader)

    # Library ---------------------------------------------------------------------------

    def library(self) -> tuple[str, list[list[Any]], str]:
        """The header line, the first page of articles (newest first) and the page line."""
        try:
            rows, total = self.assistant.library_page(page_size=PAGE_SIZE)
        except MitraError as exc:  # a damaged index: the header says what to do
            return render.status_html(str(exc), error=True), [], ""
        return self.header(), _table(rows), _page_line(1, total)

    def header(self) -> str:
        """The backend and the number of articles; or what is wrong with the index."""
        try:
            count = self.assistant.library_page(page_size=1)[1]
        except MitraError as exc:
            return render.status_html(str(exc), error=True)
        backend = html.escape(self.assistant.backend_name)
        return (
            f'<div class="status-line">Answering backend: <code>{backend}</code> · '
            f"{count:,} article{'s' if count != 1 else ''} in the library</div>"
        )

    def facets(self) -> tuple[Any, Any]:
        """The outlet and language choices: those of the indexed articles."""
        try:
            articles = self.assistant.articles()
        except MitraError:  # a damaged index: the header says so
            return gr.skip(), gr.skip()
        outlets = sorted({a["outlet"] for a in articles if a["outlet"]}, key=str.casefold)
        languages = sorted({a["language"] for a in articles if a["language"]})
        return (
            gr.Dropdown(choices=[("All outlets", ""), *((o, o) for o in outlets)]),
            gr.Dropdown(choices=[("All", ""), *((x, x) for x in languages)]),
        )

    def show(
        self,
        search: str,
        outlet: str | None,
        language: str | None,
        since: str,
        until: str,
        story: str,
        sort: str,
        number: int = 1,
        step: int = 0,
    ) -> Page:
        """Page `number + step` of the articles that match the filters (the first on a change).

        Returns the table rows, the line saying which page of how many, and the page number.
        """
        try:
            check_period(since, until)
            query = {
                "search": search or "",
                "outlet": outlet or "",
                "language": language or "",
                "since": (since or "").strip(),
                "until": (until or "").strip(),
                "story": (story or "").strip(),
                "sort": SORTS.get(sort, "newest"),
                "page_size": PAGE_SIZE,
            }
            number = max(1, int(number or 1) + step)
            rows, total = self.assistant.library_page(**query, page=number)
            last = max(1, -(-total // PAGE_SIZE))
            if number > last:  # past the end (articles were removed): show the last page
                number = last
                rows, total = self.assistant.library_page(**query, page=number)
        except Exception as exc:
            return [], render.status_html(friendly(exc), error=True), 1
        return _table(rows), _page_line(number, total), number

    def pick(self, event: gr.SelectData) -> Any:
        """A click on a row's story cell: that story's id, which filters the table to it.

        A click elsewhere (a tick, say) changes nothing. This handler must not update the
        table itself: a select listener with the table among its outputs loses the tick.
        """
        row = event.row_value or []
        if event.index[1] != STORY_COLUMN or not row or not row[STORY_COLUMN]:
            return gr.skip()
        try:
            article = self.assistant.article(str(row[-1]))
        except MitraError:  # a damaged index: the header says so
            return gr.skip()
        return str(article["story_id"]) if article else gr.skip()

    def add(
        self, files: list[str] | None, progress: gr.Progress | Callable[..., Any] = PROGRESS
    ) -> tuple[Any, ...]:
        """Index uploaded files (kept under the data dir); shows the sync's summary.

        The table then lists the library from the most recently added article, unfiltered.
        Returns the status, header, rows, page line, page number, the upload box (emptied),
        the filters (reset: search, outlet, language, from, to, story, sort).
        """
        if not files:
            return (render.status_html("Choose one or more files first."), *(gr.skip(),) * 12)
        try:
            paths, renamed = self._keep_uploads([Path(f) for f in files])

            def on_progress(done: int, total: int) -> None:
                progress((done, total), desc="Embedding", unit="chunks")

            report = sync(paths, self.assistant.settings, progress=on_progress)
            # An upload adds files; the articles it does not name stay, so no prune hint.
            summary = replace(report, not_pruned=0).summary()
            status = render.report_html(summary, [*renamed, *report.problems])
        except Exception as exc:
            status = render.status_html(friendly(exc), error=True)
        rows, line, number = self.show("", "", "", "", "", "", "Recently added")
        outlets, languages = self.facets()
        filters = ("", outlets, languages, "", "", "", "Recently added")
        return (status, self.header(), rows, line, number, None, *filters)

    def _keep_uploads(self, files: list[Path]) -> tuple[list[Path], list[Problem]]:
        """Move uploads into the data dir; a name another file already uses gets a suffix.

        Gradio's upload folder is temporary and served: the articles are kept with the index.
        Returns the kept paths and a note for each upload saved under another name.
        """
        try:
            self.uploads_dir.mkdir(parents=True, exist_ok=True)
            kept = [self._keep(file) for file in files]
        except OSError as exc:
            error = storage_error(exc, self.uploads_dir)
            if error is None:
                raise
            raise error from exc
        renamed = [
            Problem(
                str(target),
                f"saved as {target.name}: another article was uploaded as {file.name}",
                skipped=False,
            )
            for file, target in zip(files, kept, strict=True)
            if target.name != file.name
        ]
        return kept, renamed

    def _keep(self, file: Path) -> Path:
        target = self.uploads_dir / file.name
        number = 1
        while target.exists() and not _same_bytes(target, file):
            number += 1
            target = self.uploads_dir / f"{file.stem}-{number}{file.suffix}"
        if target.exists():  # the same file again: the sync finds it unchanged
            file.unlink()
        else:
            shutil.move(file, target)
        return target

    def remove(
        self,
        table: list[list[Any]] | None,
        search: str,
        outlet: str | None,
        language: str | None,
        since: str,
        until: str,
        story: str,
        sort: str,
        number: int,
    ) -> tuple[Any, ...]:
        """Remove the ticked articles of `table` from the index, in one change.

        The other arguments are the table's filters, sort and page; returns the status,
        header, then the page as `show` does.
        """
        chosen = [str(row[-1]) for row in table or () if row and row[0] is True and row[-1]]
        if not chosen:
            status = render.status_html("Tick the articles to remove first.")
            return (status, *(gr.skip(),) * 4)
        try:
            remove_articles(chosen, self.assistant.settings)
            names = ", ".join(chosen)
            status = render.status_html(
                f"Removed {len(chosen)} article{'s' if len(chosen) != 1 else ''}: {names}."
            )
        except Exception as exc:
            status = render.status_html(friendly(exc), error=True)
        page = self.show(search, outlet, language, since, until, story, sort, number)
        return (status, self.header(), *page)


def _table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            False,
            row["title"],
            row["outlet"],
            format_date(row["date"]),
            row["language"],
            f"{row['members']} articles ▸" if row["members"] > 1 else "",
            row["chunks"],
            row["article_id"],
        ]
        for row in rows
    ]


def _page_line(number: int, total: int) -> str:
    if not total:
        return '<div class="status-line">No articles match.</div>'
    first = (number - 1) * PAGE_SIZE + 1
    last = min(number * PAGE_SIZE, total)
    pages = -(-total // PAGE_SIZE)
    return (
        f'<div class="status-line">{first:,}–{last:,} of {total:,} article'
        f"{'s' if total != 1 else ''} · page {number:,} of {pages:,}</div>"
    )


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _reply(chat: list[Message], content: str) -> list[Message]:
    """The chat with its last (the assistant's) message replaced: each update is a new list."""
    return [*chat[:-1], _message("assistant", content)]


def _message(role: str, content: str) -> Message:
    return {"role": role, "content": content}
