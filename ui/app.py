"""The Gradio page (`build_app`) and serving it safely (`launch`)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

import gradio as gr

from rag.config import Settings
from rag.errors import ConfigError
from ui.chat import build_chat_tab
from ui.handlers import Handlers
from ui.library import build_library_tab
from ui.partnerships import Partnerships, build_partnerships_tab
from ui.style import CSS, HEAD

if TYPE_CHECKING:
    from rag.assistant import Assistant

# Requests waiting beyond the running ones; more are refused ("queue full") until some finish.
QUEUE_SIZE = 64


def build_app(assistant: Assistant) -> gr.Blocks:
    """The page: Chat (with its sources panel), Partnerships and Library tabs."""
    handlers = Handlers(assistant)
    with gr.Blocks(title="mitra", analytics_enabled=False) as app:
        gr.Markdown(
            "# mitra\nCited answers about Russia's international partnerships "
            "· Jawaban bersumber tentang kemitraan internasional Rusia"
        )
        header = gr.HTML(handlers.header(), elem_id="mitra-header", js_on_load=None)
        with gr.Tabs():
            build_chat_tab(handlers)
            build_partnerships_tab(Partnerships(assistant))
            build_library_tab(handlers, header, app)
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
