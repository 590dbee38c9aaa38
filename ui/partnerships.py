"""The Partnerships tab: Russia's partnership events on a timeline and in a table, with CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from rag.errors import IndexMissingError
from rag.events import KINDS, Event, events
from rag.files import write_atomically
from rag.text.dates import date_bounds, format_date
from ui import render
from ui.events_command import FIELDS, event_row
from ui.handlers import check_period, friendly
from ui.timeline import timeline_svg

if TYPE_CHECKING:
    from rag.assistant import Assistant

TABLE_HEADERS = ["#", "Date", "Partner", "Kind", "Status", "Quote", "Outlet"]
QUOTE_CHARS = 120
KEPT_EXPORTS = 50  # CSV files kept for download; older ones are removed
EMPTY_ARTICLE = '<p class="hint">Click a row or a point: its quote appears here in its article.</p>'
# A click on a chart point opens its event, as a click on its table row does.
POINT_CLICK = """
element.addEventListener('click', (event) => {
  const point = event.target.closest ? event.target.closest('.point') : null;
  if (point) trigger('pick', {row: Number(point.dataset.row)});
});
"""
View = tuple[str, str, list[list[Any]], str | None, list[Event]]


class Partnerships:
    """The tab's event handlers, bound to one shared `Assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.exports = Path(tempfile.gettempdir()) / "mitra-exports"

    def partners(self) -> Any:
        """The partner choices: every partner the indexed articles report."""
        try:
            found = events(settings=self.assistant.settings)
        except Exception:  # the filter stays usable; `show` says what is wrong
            found = []
        names = sorted({e.partner for e in found}, key=str.casefold)
        return gr.Dropdown(choices=[("All partners", ""), *((n, n) for n in names)])

    def show(self, partner: str | None, kind: str | None, since: str, until: str) -> View:
        """The events that match the filters.

        Returns the summary line, the chart, the table rows, the CSV file of those events and
        the events themselves (rows and points refer to them by position).
        """
        try:
            check_period(since, until)
            found = events(
                partner or None,
                kind or None,
                (since or "").strip() or None,
                (until or "").strip() or None,
                settings=self.assistant.settings,
            )
        except IndexMissingError:
            found = []
        except Exception as exc:
            return render.status_html(friendly(exc), error=True), "", [], None, []
        return _summary(found), timeline_svg(found), _rows(found), self.export(found), found

    def open_row(self, found: list[Event], event: gr.SelectData) -> str:
        """A table row's event: its quote marked in its article."""
        row = event.row_value or [0]
        return self._open(found, int(row[0]) - 1)

    def open_point(self, found: list[Event], event: gr.EventData) -> str:
        """A chart point's event: its quote marked in its article."""
        return self._open(found, int(getattr(event, "row", -1)))

    def _open(self, found: list[Event], index: int) -> str:
        if not 0 <= index < len(found):
            return EMPTY_ARTICLE
        chosen = found[index]
        try:
            article = self.assistant.article(chosen.article_id)
        except Exception as exc:
            return render.status_html(friendly(exc), error=True)
        return render.event_html(chosen, article["text"] if article else None)

    def export(self, found: list[Event]) -> str | None:
        """The events as a CSV file (`mitra events --csv` columns), named by its content."""
        if not found:
            return None
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**event_row(e), "actors": "; ".join(e.actors)} for e in found)
        data = buffer.getvalue().encode("utf-8")
        folder = self.exports / hashlib.sha256(data).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "partnership-events.csv"
        if not path.exists():
            # The same export may be being written by another request (the page fires a
            # filter's event twice at once): a reader must never get a cut file.
            write_atomically(path, data)
        folder.touch()  # the same export again is a recent one
        _keep_newest(self.exports, KEPT_EXPORTS)
        return str(path)


def _keep_newest(exports: Path, kept: int) -> None:
    """Remove all but the `kept` newest exports: each filter the users tried wrote one."""
    aged = []
    for folder in exports.iterdir():
        try:
            aged.append((folder.stat().st_mtime, folder))
        except FileNotFoundError:  # removed by a concurrent export
            continue
    for _, folder in sorted(aged, reverse=True)[kept:]:
        shutil.rmtree(folder, ignore_errors=True)


def _summary(found: list[Event]) -> str:
    if not found:
        return '<div class="status-line">No events match.</div>'
    undated = sum(date_bounds(e.date) is None for e in found)
    line = f"{len(found):,} event{'s' if len(found) != 1 else ''}"
    if undated:
        line += (
            f" · {undated:,} without a date (or its year): listed in the table, "
            "not on the time axis"
        )
    return f'<div class="status-line">{line}</div>'


def _rows(found: list[Event]) -> list[list[Any]]:
    return [
        [
            n,
            format_date(e.date) or "–",
            e.partner,
            e.kind,
            e.status,
            _shorten(" ".join(e.quote.split())),
            e.outlet,
        ]
        for n, e in enumerate(found, start=1)
    ]


def _shorten(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def build_partnerships_tab(view: Partnerships) -> None:
    """The tab's filters, chart, table, article panel and CSV download, and their events."""
    with gr.Tab("Partnerships", id="partnerships") as tab:
        with gr.Row(equal_height=True):
            partner = gr.Dropdown(
                label="Partner", choices=[("All partners", "")], value="", elem_id="mitra-partner"
            )
            kind = gr.Dropdown(
                label="Kind",
                choices=[("All kinds", ""), *((k, k) for k in KINDS)],
                value="",
                elem_id="mitra-kind",
            )
            since = gr.Textbox(label="From", placeholder="2022 or 2022-06", elem_id="mitra-since")
            until = gr.Textbox(label="To", placeholder="2023-12", elem_id="mitra-until")
        with gr.Row(equal_height=True):
            summary = gr.HTML(elem_id="mitra-events-summary", js_on_load=None, scale=4)
            download = gr.DownloadButton(
                "Download CSV", value=None, size="sm", elem_id="mitra-events-csv", scale=0
            )
        chart = gr.HTML(elem_id="mitra-timeline", js_on_load=POINT_CLICK)
        with gr.Row():
            table = gr.Dataframe(
                headers=TABLE_HEADERS,
                datatype="str",
                interactive=False,
                wrap=True,
                show_search="search",
                column_widths=["4%", "11%", "11%", "13%", "9%", "38%", "14%"],
                max_height=560,
                elem_id="mitra-events",
                scale=3,
            )
            article = gr.HTML(
                EMPTY_ARTICLE,
                elem_id="mitra-event-article",
                js_on_load=None,
                max_height=560,
                scale=2,
            )
        found = gr.State([])

    filters = [partner, kind, since, until]
    shown = [summary, chart, table, download, found]
    tab.select(view.partners, outputs=partner, api_visibility="private").then(
        view.show, inputs=filters, outputs=shown, api_visibility="private"
    )
    gr.on(
        [partner.input, kind.input, since.submit, since.blur, until.submit, until.blur],
        view.show,
        inputs=filters,
        outputs=shown,
        api_visibility="private",
    )
    table.select(view.open_row, inputs=found, outputs=article, api_visibility="private")
    chart.pick(view.open_point, inputs=found, outputs=article, api_visibility="private")
