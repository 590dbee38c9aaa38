"""Syndicated copies in answers: how many answers cite the same text twice, with stories and
without them, and hit@5 counted in stories — on an index that holds news-2025.

    MITRA_DATA_DIR=DIR python bench/story_answers_bench.py [QUESTIONS.jsonl …]

DIR must hold the seeds and news-2025 (`mitra index index/articles
../shared/news-2025/articles.jsonl`). Answers use the extractive backend (what is measured is
retrieval: which passages the answer may cite). "Articles" is the same run as before stories
existed: retrieval keeps every article, and the citation checker does not merge one sentence
quoted from two articles into one citation.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from unittest import mock

import rag.retrieve
from rag.assistant import Assistant
from rag.citations import CitationChecker
from rag.config import Settings
from rag.schema import Answer

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = [
    HERE.parents[1] / "shared" / "eval" / "dev_questions.jsonl",
    HERE / "data" / "questions_news.jsonl",
]


def repeated_text(answer: Answer) -> bool:
    """Two citations quote the same sentence (from two outlets' copies of one report)."""
    quotes = [" ".join(c.quote.split()).lower() for c in answer.citations]
    return len(quotes) != len(set(quotes))


def stories_hit(assistant: Assistant, question: str, gold: set[str], k: int = 5) -> bool:
    """A gold article, or another member of its story, among the first k passages."""
    passages = assistant.retrieve(question, k)
    found = {p.article_id for p in passages} | {c.article_id for p in passages for c in p.also}
    return bool(gold & found)


def run(assistant: Assistant, items: Iterable[dict]) -> tuple[int, int, int]:
    """(answers, answers citing one text twice, gold story in the top 5)."""
    answers = repeated = hits = 0
    for item in items:
        answer = assistant.ask(item["question"])
        answers += 1
        repeated += repeated_text(answer)
        hits += stories_hit(assistant, item["question"], set(item.get("gold") or []))
    return answers, repeated, hits


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or DEFAULT_QUESTIONS
    items = [
        json.loads(line)
        for path in paths
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    items = [i for i in items if i.get("type") != "unanswerable"]
    assistant = Assistant(Settings.load().with_overrides(llm="extractive"))
    if not any(a["outlet"] in ("detik.com", "liputan6.com") for a in assistant.articles()[:5000]):
        sys.exit("this index holds no news-2025 articles: index them first (see the docstring)")
    with_stories = run(assistant, items)
    with (
        mock.patch.object(rag.retrieve, "_one_per_story", lambda passages, headers: passages),
        mock.patch.object(CitationChecker, "_repeats", lambda self, support: False),
    ):
        without = run(assistant, items)
    print(f"{len(items)} answerable questions ({', '.join(p.name for p in paths)})")
    print("| retrieval | answers citing one text twice | gold story in top 5 |")
    print("|---|---|---|")
    for name, (answers, repeated, hits) in (("articles", without), ("stories", with_stories)):
        print(f"| {name} | {repeated} of {answers} | {hits / answers:.3f} |")


if __name__ == "__main__":
    main()
