"""The `mitra` command: `index`, `ask`, `eval`, `ui`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rag.errors import MitraError


def build_parser() -> argparse.ArgumentParser:
    from index.command import add_index_command
    from ui.commands import add_ask_command, add_eval_command
    from ui.events_command import add_events_command
    from ui.serve import add_ui_command

    parser = argparse.ArgumentParser(
        prog="mitra",
        description="Cited answers about Russia's international partnerships from news articles.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        add_index_command,
        add_ask_command,
        add_eval_command,
        add_events_command,
        add_ui_command,
    ):
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except MitraError as exc:
        print(f"mitra: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mitra: interrupted; the index is as it was before this run", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
