"""`mitra ask` and `mitra eval`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.config import Settings
from rag.schema import Answer


def add_ask_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ask", help="answer a question with cited sources")
    parser.add_argument("question", help="the question, in Indonesian or English")
    parser.add_argument("--json", action="store_true", help="print the Answer as JSON")
    parser.add_argument(
        "--llm",
        help="answering backend: local (the bundled model), local:NAME_OR_GGUF, extractive, "
        "ollama:MODEL, openai:MODEL (default: MITRA_LLM)",
    )
    parser.add_argument("--k", type=int, help="how many passages to retrieve")
    parser.set_defaults(run=run_ask)


def run_ask(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant

    settings = Settings.load().with_overrides(llm=args.llm, k=args.k)
    answer = Assistant(settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer: Answer) -> str:
    """The answer, then its numbered sources: outlet · date · title, and the quote."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        header = " · ".join(part for part in (c.outlet, c.date, c.title) if part)
        mark = "" if c.verified else " (unverified)"
        lines.append(f"[{c.n}] {header} — {c.article_id}{mark}")
        lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def add_eval_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval", help="measure retrieval and answers on a questions file (JSONL)"
    )
    parser.add_argument("questions", type=Path, help="JSONL: question, lang, type, gold, must")
    parser.add_argument("--llm", help="answering backend (default: MITRA_LLM)")
    parser.add_argument("--k", type=int, help="how many passages the answer uses")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("eval-results"),
        help="folder for report.md and report.json (default: eval-results)",
    )
    parser.set_defaults(run=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    from rag.assistant import Assistant
    from rag.evaluate import evaluate, load_questions, markdown_report

    settings = Settings.load().with_overrides(llm=args.llm, k=args.k)
    questions = load_questions(args.questions)
    report = evaluate(Assistant(settings), questions, progress=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    table = markdown_report(report)
    (args.out / "report.md").write_text(table, encoding="utf-8")
    (args.out / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(table)
    print(f"\nwritten: {args.out / 'report.md'}, {args.out / 'report.json'}")
    return 0
