"""What the page's events do: answer in the chat, list, add and remove articles."""

from __future__ import annotations

import html
import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from index.load import Problem
from index.sync import remove_article, sync
from rag.answering import ABSTAIN
from rag.catalog import storage_error
from rag.errors import MitraError
from rag.schema import Answer, Sources
from rag.text.dates import format_date
from ui import render

if TYPE_CHECKING:
    from rag.assistant import Assistant

log = logging.getLogger("mitra.ui")
GENERIC_ERROR = "something went wrong on the server; please try again (the details are in its log)"
TABLE_HEADERS = ["Title", "Outlet", "Date", "Chunks", "Article id"]
Message = dict[str, Any]
ChatUpdate = tuple[str, list[Message], list[Message], list[str], str]
# Gradio hands a handler live progress through a `gr.Progress` default argument.
PROGRESS = gr.Progress()


def friendly(exc: Exception) -> str:
    """The message a user sees for `exc`: a MitraError's own, else a generic one (logged)."""
    if isinstance(exc, MitraError):
        return str(exc)
    log.error("handler failed", exc_info=exc)
    return GENERIC_ERROR


class Handlers:
    """The event handlers, bound to one shared `Assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.uploads_dir = assistant.settings.data_dir / "uploads"

    def respond(
        self, message: str, chat: list[Message], history: list[Message], turns: list[str]
    ) -> Iterator[ChatUpdate]:
        """Stream the answer to `message` into the chat, then show its sources.

        Yields (question box, chat, history, turns, sources panel); `history` is the plain-text
        conversation the assistant reads follow-ups against, `turns` each answer's sources.
        """
        question = (message or "").strip()
        if not question:
            yield message, chat, history, turns, render.sources_html(turns)
            return
        turn = len(turns)
        chat = [*chat, _message("user", render.user_html(question)), _message("assistant", "…")]
        text = ""
        answer: Answer | None = None
        try:
            for part in self.assistant.stream(question, history=history):
                if isinstance(part, Answer):
                    answer = part
                    break
                if isinstance(part, Sources):
                    continue
                text += part
                if ABSTAIN.startswith(text.strip()):
                    continue  # maybe the start of an abstention: nothing to show yet
                chat[-1] = _message("assistant", render.answer_html(text, turn))
                yield "", chat, history, turns, render.sources_html(turns)
        except Exception as exc:  # shown to this user only; the server keeps serving
            chat[-1] = _message("assistant", render.notice_html(friendly(exc)))
            yield "", chat, history, turns, render.sources_html(turns)
            return
        assert answer is not None  # the assistant's stream always ends with the Answer
        if answer.abstained:
            chat[-1] = _message("assistant", render.abstained_html(answer))
        else:
            chat[-1] = _message(
                "assistant", render.answer_html(answer.text, turn, answer.citations)
            )
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

    def library(self) -> tuple[str, list[list[Any]], Any]:
        """The header line, the table of indexed articles and the choices of articles to remove."""
        try:
            articles = self.assistant.articles()
        except MitraError as exc:  # a damaged index: the header says what to do
            return render.status_html(str(exc), error=True), [], gr.Dropdown(choices=[])
        rows = [
            [a["title"], a["outlet"], format_date(a["date"]), a["chunks"], a["article_id"]]
            for a in articles
        ]
        choices = [
            (f"{a['title'] or a['article_id']} ({a['article_id']})", a["article_id"])
            for a in articles
        ]
        return self.header(len(articles)), rows, gr.Dropdown(choices=choices, value=None)

    def header(self, count: int) -> str:
        backend = html.escape(self.assistant.backend_name)
        return (
            f'<div class="status-line">Answering backend: <code>{backend}</code> · '
            f"{count} article{'s' if count != 1 else ''} in the library</div>"
        )

    def add(
        self, files: list[str] | None, progress: gr.Progress | Callable[..., Any] = PROGRESS
    ) -> tuple[str, str, list[list[Any]], Any, None]:
        """Index uploaded files (kept under the data dir); shows the sync's summary."""
        if not files:
            return (render.status_html("Choose one or more files first."), *self.library(), None)
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
        return (status, *self.library(), None)

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

    def remove(self, article_id: str | None) -> tuple[str, str, list[list[Any]], Any]:
        """Remove the chosen article from the index."""
        if not article_id:
            return (render.status_html("Choose an article to remove first."), *self.library())
        try:
            remove_article(article_id, self.assistant.settings)
            status = render.status_html(f"Removed {article_id}.")
        except Exception as exc:
            status = render.status_html(friendly(exc), error=True)
        return (status, *self.library())


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _message(role: str, content: str) -> Message:
    return {"role": role, "content": content}
