"""`mitra ui`: serve the web interface; an empty index gets the bundled articles first."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from index import BUNDLED_ARTICLES
from index.sync import sync
from rag.config import Settings

if TYPE_CHECKING:
    from rag.assistant import Assistant


def add_ui_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "ui",
        help="serve the web interface (chat with cited sources, article library)",
        description="Serve the web interface. It listens on 127.0.0.1 unless told otherwise; "
        "set MITRA_AUTH=user:password to require a login.",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1, MITRA_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default 7860, MITRA_PORT)")
    parser.add_argument(
        "--share",
        action="store_true",
        default=None,
        help="also publish a temporary public gradio.live link (off unless asked, MITRA_SHARE)",
    )
    parser.set_defaults(run=run_ui)


def run_ui(args: argparse.Namespace) -> int:
    # Gradio, Chroma and torch load slowly: only `mitra ui` pays for them.
    from rag import Assistant
    from ui.app import build_app, is_loopback, launch, parse_auth

    settings = Settings.load().with_overrides(host=args.host, port=args.port, share=args.share)
    parse_auth(settings.auth)  # a malformed login fails before the slow start
    assistant = Assistant(settings)
    ensure_index(assistant)
    # Loading a model holds up every thread for seconds: do it before anyone is served.
    print(f"mitra ui: loading the answering backend ({settings.llm})…", flush=True)
    assistant.load_backend()
    app = build_app(assistant)
    local_url, share_url = launch(app, settings)
    print(f"mitra ui: serving on {local_url} (backend: {assistant.backend_name})", flush=True)
    if share_url:
        print(f"mitra ui: public link {share_url} (anyone with it can use the app)", flush=True)
    if not is_loopback(settings.host) and not settings.auth:
        print(
            f"mitra ui: warning: listening on {settings.host} without a login; "
            "set MITRA_AUTH=user:password",
            file=sys.stderr,
        )
    print("mitra ui: press Ctrl+C to stop", flush=True)
    app.block_thread()
    return 0


def ensure_index(assistant: Assistant) -> None:
    """Index the bundled articles when the index holds none, printing progress."""
    if assistant.articles():
        return
    folder = assistant.settings.articles_dir or BUNDLED_ARTICLES
    print(f"mitra ui: the index is empty; indexing the articles in {folder}", flush=True)
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        percent = done * 100 // total if total else 100
        if percent // 10 != shown // 10:
            shown = percent
            print(f"mitra ui: embedded {done}/{total} chunks ({percent}%)", flush=True)

    report = sync([folder], assistant.settings, progress=progress)
    print(f"mitra ui: {report.summary()}", flush=True)
