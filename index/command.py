"""`mitra index`: sync article files into the index, with a progress bar and a summary."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index import BUNDLED_ARTICLES
from rag.config import Settings


def add_index_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "index",
        help="add new and changed articles to the index",
        description="Index article files (.txt .md .html .json .jsonl) or folders of them; "
        "only new or changed articles are embedded.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or folders (default: MITRA_ARTICLES_DIR, else the bundled articles)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove indexed articles that are not among PATHS any more",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="re-embed everything (needed after changing the embedding model)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_index)


def run_index(args: argparse.Namespace) -> int:
    """Sync, print the summary (or JSON); exit status 1 when nothing could be indexed."""
    from tqdm import tqdm

    from index.sync import sync

    settings = Settings.load()
    paths = args.paths or [settings.articles_dir or BUNDLED_ARTICLES]
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total and not args.json:
            bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
        if bar is not None:
            bar.update(done - bar.n)

    try:
        report = sync(paths, settings, prune=args.prune, rebuild=args.rebuild, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for warning in (p for p in report.problems if not p.skipped):
            print(f"warning: {warning.path}: {warning.reason}", file=sys.stderr)
        print(report.summary())
    # Scripts must notice when every given path failed: the summary above says why.
    return 1 if report.indexed_nothing and not report.removed else 0
