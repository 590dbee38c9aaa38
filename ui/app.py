"""The Gradio page (`build_app`) and serving it safely (`launch`)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

import gradio as gr

from rag.config import Settings
from rag.errors import ConfigError
from ui import render
from ui.handlers import TABLE_HEADERS, Handlers

if TYPE_CHECKING:
    from rag.assistant import Assistant

# Requests waiting beyond the running ones; more are refused ("queue full") until some finish.
QUEUE_SIZE = 64
EXAMPLES = [
    "What kind of cooperation did Russian and Palestinian officials discuss in Moscow?",
    "Apa yang dipuji Putin dan Li Shangfu dalam pertemuan mereka?",
    "Whom did Sergei Lavrov visit in Jakarta?",
    "Mengapa Rusia dan China memperluas kerja sama keamanan?",
]
CSS = """
#mitra-sources { max-height: 680px; overflow-y: auto; }
.sources .turn { display: none; }
.sources:not(.picked) .turn:last-child, .sources.picked .turn.shown { display: block; }
.sources h3 { font-size: 1em; margin: 0 0 8px; }
.sources .hint { color: var(--body-text-color-subdued); }
.source { border: 1px solid var(--border-color-primary); border-radius: 8px;
          padding: 8px 12px; margin-bottom: 10px; }
.source.active { outline: 2px solid var(--color-accent); }
.source.unverified { border-style: dashed; }
.source .num { font-weight: 700; color: var(--color-accent); }
.source .meta { color: var(--body-text-color-subdued); font-size: 0.9em; }
.source .badge { background: #fde68a; color: #78350f; border-radius: 4px; padding: 0 6px;
                 margin-left: 6px; font-size: 0.85em; white-space: nowrap; }
.source .passage { margin: 8px 0; padding-left: 10px; font-size: 0.93em;
                   border-left: 3px solid var(--border-color-primary); }
.source .article { max-height: 320px; overflow-y: auto; font-size: 0.9em; padding: 6px 0; }
.sources mark, .answer mark { background: #fef08a; color: #1f2937; }
a.cite { font-weight: 700; text-decoration: none; cursor: pointer; }
a.cite.unverified { text-decoration: underline dotted; }
.answer.abstained, .notice { font-style: italic; }
.report.error { color: #b91c1c; }
.status-line { color: var(--body-text-color-subdued); }
"""
# Clicking `[n]` in an answer shows that answer's sources and brings source n into view.
HEAD = """<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest ? event.target.closest("a.cite") : null;
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  const panel = card.closest(".sources");
  panel.classList.add("picked");
  panel.querySelectorAll(".turn").forEach((t) => t.classList.toggle("shown", t.contains(card)));
  panel.querySelectorAll(".source.active").forEach((c) => c.classList.remove("active"));
  card.classList.add("active");
  card.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
</script>"""


def build_app(assistant: Assistant) -> gr.Blocks:
    """The page: a Chat tab with a sources panel, and a Library tab to list, add, remove."""
    handlers = Handlers(assistant)
    with gr.Blocks(title="mitra", analytics_enabled=False) as app:
        gr.Markdown(
            "# mitra\nCited answers about Russia's international partnerships "
            "· Jawaban bersumber tentang kemitraan internasional Rusia"
        )
        header = gr.HTML(handlers.header(len(assistant.articles())))
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        elem_id="mitra-chat",
                        height=520,
                        feedback_options=None,
                        buttons=["copy", "copy_all"],
                        placeholder="Ask in English or Bahasa Indonesia.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            label="Question",
                            show_label=False,
                            placeholder="Ask a question · Ajukan pertanyaan",
                            max_length=assistant.settings.max_question_chars,
                            max_lines=4,
                            scale=5,
                            elem_id="mitra-question",
                        )
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="mitra-ask")
                    gr.Examples(EXAMPLES, inputs=question, label="Examples · Contoh")
                    new_chat = gr.Button("New conversation", size="sm")
                with gr.Column(scale=2):
                    sources = gr.HTML(
                        render.EMPTY_SOURCES, elem_id="mitra-sources", js_on_load=None
                    )
            with gr.Tab("Library", id="library"):
                with gr.Row():
                    with gr.Column():
                        files = gr.File(
                            file_count="multiple",
                            label="Add articles: .txt .md .html .json .jsonl",
                            elem_id="mitra-upload",
                        )
                        add = gr.Button("Add to library", variant="primary", elem_id="mitra-add")
                    with gr.Column():
                        choice = gr.Dropdown(
                            label="Remove an article", elem_id="mitra-remove-choice"
                        )
                        remove = gr.Button("Remove", variant="stop", elem_id="mitra-remove")
                status = gr.HTML(elem_id="mitra-library-status", js_on_load=None)
                gr.Markdown("### Articles in the library")
                table = gr.Dataframe(
                    headers=TABLE_HEADERS,
                    datatype="str",
                    interactive=False,
                    wrap=True,
                    column_widths=["52%", "14%", "10%", "8%", "16%"],
                    elem_id="mitra-articles",
                )
        history = gr.State([])
        turns = gr.State([])

        gr.on(
            [question.submit, ask.click],
            handlers.respond,
            inputs=[question, chatbot, history, turns],
            outputs=[question, chatbot, history, turns, sources],
            api_name="chat",
        )
        gr.on(
            [new_chat.click, chatbot.clear],
            lambda: ([], [], [], render.EMPTY_SOURCES),
            outputs=[chatbot, history, turns, sources],
            api_visibility="private",
        )
        library = [header, table, choice]
        app.load(handlers.library, outputs=library, api_visibility="private")
        add.click(
            handlers.add,
            inputs=files,
            outputs=[status, *library, files],
            concurrency_limit=1,
            concurrency_id="library",
            api_name="add",
        )
        remove.click(
            handlers.remove,
            inputs=choice,
            outputs=[status, *library],
            concurrency_limit=1,
            concurrency_id="library",
            api_name="remove",
        )
    return app


def launch(app: gr.Blocks, settings: Settings) -> tuple[str, str | None]:
    """Serve `app` as `settings` say, without blocking; returns the local and share URLs."""
    app.queue(default_concurrency_limit=settings.concurrency, max_size=QUEUE_SIZE)
    _, local_url, share_url = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=parse_auth(settings.auth),
        share=settings.share,
        max_file_size=f"{settings.max_upload_mb}mb",
        blocked_paths=[str(settings.data_dir)],
        show_error=False,
        ssr_mode=False,
        quiet=True,
        prevent_thread_lock=True,
        theme=gr.themes.Soft(),
        css=CSS,
        head=HEAD,
    )
    return local_url, share_url


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """`user:password` → (user, password); None when no login is configured."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise ConfigError("MITRA_AUTH must look like user:password (both parts non-empty)")
    return user, password


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
