"""The Library tab: search, filter, sort and page the articles; add files; remove ticked rows."""

from __future__ import annotations

import functools

import gradio as gr

from ui.handlers import SORTS, TABLE_HEADERS, Handlers


def build_library_tab(handlers: Handlers, header: gr.HTML, app: gr.Blocks) -> None:
    """The tab's upload, filters, table and paging, and their events (`app.load` fills it)."""
    with gr.Tab("Library", id="library"):
        with gr.Row():
            files = gr.File(
                file_count="multiple",
                label="Add articles: .txt .md .html .json .jsonl",
                elem_id="mitra-upload",
                height=120,
                scale=4,
            )
            add = gr.Button("Add to library", variant="primary", elem_id="mitra-add", scale=1)
        status = gr.HTML(elem_id="mitra-library-status", js_on_load=None)
        with gr.Row(equal_height=True):
            search = gr.Textbox(
                label="Search",
                placeholder="title, outlet or text",
                elem_id="mitra-search",
                scale=3,
            )
            outlet = gr.Dropdown(
                label="Outlet",
                choices=[("All outlets", "")],
                value="",
                elem_id="mitra-outlet",
                scale=2,
            )
            language = gr.Dropdown(
                label="Language",
                choices=[("All", "")],
                value="",
                elem_id="mitra-language",
                scale=1,
            )
            since = gr.Textbox(label="From", placeholder="2022-06", elem_id="mitra-from", scale=1)
            until = gr.Textbox(label="To", placeholder="2023", elem_id="mitra-to", scale=1)
            story = gr.Textbox(
                label="Story",
                placeholder="click a story cell",
                elem_id="mitra-story",
                scale=1,
            )
            sort = gr.Dropdown(
                label="Sort",
                choices=list(SORTS),
                value="Newest first",
                elem_id="mitra-sort",
                scale=1,
                min_width=170,
            )
        table = gr.Dataframe(
            headers=TABLE_HEADERS,
            datatype=["bool", "str", "str", "str", "str", "str", "number", "str"],
            type="array",
            interactive=True,
            static_columns=list(range(1, len(TABLE_HEADERS))),
            wrap=True,
            column_widths=["4%", "38%", "13%", "10%", "6%", "11%", "6%", "12%"],
            max_height=900,
            elem_id="mitra-articles",
        )
        with gr.Row(equal_height=True):
            previous = gr.Button(
                "← Previous", size="sm", elem_id="mitra-previous", scale=0, min_width=110
            )
            line = gr.HTML(elem_id="mitra-page", js_on_load=None)
            following = gr.Button("Next →", size="sm", elem_id="mitra-next", scale=0, min_width=110)
            remove = gr.Button(
                "Remove ticked articles",
                variant="stop",
                size="sm",
                elem_id="mitra-remove",
                scale=0,
                min_width=200,
            )
        number = gr.State(1)

    filters = [search, outlet, language, since, until, story, sort]
    page = [table, line, number]
    app.load(
        handlers.library,
        outputs=[header, table, line],
        api_visibility="private",
        concurrency_id="library-read",
    )
    app.load(
        handlers.facets,
        outputs=[outlet, language],
        api_visibility="private",
        concurrency_id="library-read",
    )
    gr.on(
        [
            search.input,
            search.submit,
            outlet.input,
            language.input,
            since.submit,
            since.blur,
            until.submit,
            until.blur,
            story.change,
            sort.input,
        ],
        handlers.show,
        inputs=filters,
        outputs=page,
        trigger_mode="always_last",
        api_visibility="private",
        concurrency_id="library-read",
    )
    for button, step in ((previous, -1), (following, 1)):
        button.click(
            functools.partial(handlers.show, step=step),
            inputs=[*filters, number],
            outputs=page,
            api_visibility="private",
            concurrency_id="library-read",
        )
    table.select(
        handlers.pick,
        outputs=story,
        api_visibility="private",
        concurrency_id="library-read",
    )
    add.click(
        handlers.add,
        inputs=files,
        outputs=[status, header, *page, files, *filters],
        api_name="add",
        concurrency_limit=1,
        concurrency_id="library",
    )
    remove.click(
        handlers.remove,
        inputs=[table, *filters, number],
        outputs=[status, header, *page],
        api_name="remove",
        concurrency_limit=1,
        concurrency_id="library",
    )
