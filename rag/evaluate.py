"""Evaluation on a questions file.

What it measures: retrieval hits, cited gold, accuracy, answer language, citation precision,
supported sentences, abstention, latency.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from statistics import mean
from typing import IO, Any

from rag.assistant import Assistant
from rag.errors import MitraError
from rag.schema import Answer
from rag.text.language import detect_language

HIT_KS = (1, 5, 10)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Questions in the format of dev_questions.jsonl; a malformed line is a clear error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise MitraError(f"cannot read questions file {path}: {exc.strerror}") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MitraError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise MitraError(f"{path}:{number}: each line needs a 'question' string")
        questions.append(item)
    return questions


def satisfies(text: str, must: list[list[str]]) -> bool:
    """Every group has at least one alternative in `text` (case-insensitive)."""
    lowered = text.lower()
    return all(any(alt.lower() in lowered for alt in group) for group in must)


def answer_language(answer: Answer) -> str:
    """The language the answer is written in, quotations left out.

    An English question answered with a quoted Indonesian sentence is not answered in English.
    """
    own_words = _QUOTED.sub(" ", answer.text)
    quoted = len(answer.text) - len(own_words)
    if quoted > len(re.sub(r"\W", "", own_words)):  # mostly quotation: its language counts
        return detect_language(answer.text)
    return detect_language(own_words)


def evaluate(
    assistant: Assistant, questions: list[dict[str, Any]], progress: IO[str] | None = None
) -> dict[str, Any]:
    """Run every question; the report has per-question rows and overall/per-language metrics."""
    rows = []
    for number, item in enumerate(questions, start=1):
        gold = set(item.get("gold") or [])
        retrieved = [p.article_id for p in assistant.retrieve(item["question"], max(HIT_KS))]
        started = time.perf_counter()
        answer = assistant.ask(item["question"])
        latency = (time.perf_counter() - started) * 1000
        unanswerable = item.get("type") == "unanswerable"
        lang = item.get("lang") or answer.language
        cited = [c.article_id for c in answer.citations]
        row = {
            "id": item.get("id", str(number)),
            "type": item.get("type", ""),
            "lang": lang,
            "unanswerable": unanswerable,
            "abstained": answer.abstained,
            "correct": (
                answer.abstained
                if unanswerable
                else not answer.abstained and satisfies(answer.text, item.get("must") or [])
            ),
            "gold_cited": bool(gold & set(cited)),
            "language_match": answer_language(answer) == lang,
            "citation_precision": (sum(a in gold for a in cited) / len(cited)) if cited else None,
            "sentences_shown": _sentences(answer),
            "removed": answer.removed,
            "unverified_shown": sum(not c.verified for c in answer.citations),
            "latency_ms": round(latency, 1),
            "answer": answer.text,
        }
        for k in HIT_KS:
            row[f"hit@{k}"] = bool(gold & set(retrieved[:k]))
        rows.append(row)
        if progress:
            mark = "ok " if row["correct"] else "MISS"
            print(f"[{number}/{len(questions)}] {mark} {item['question']}", file=progress)
    groups = {"all": rows} | {
        lang: [r for r in rows if r["lang"] == lang] for lang in sorted({r["lang"] for r in rows})
    }
    return {"metrics": {name: _metrics(group) for name, group in groups.items()}, "rows": rows}


def _sentences(answer: Answer) -> int:
    if answer.abstained:
        return 0
    return max(1, len(re.findall(r"\[\d+\]", answer.text)))


def _rate(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    metrics: dict[str, Any] = {"questions": len(rows)}
    for k in HIT_KS:
        metrics[f"gold in top {k}"] = _rate([r[f"hit@{k}"] for r in answerable])
    metrics["gold cited"] = _rate([r["gold_cited"] for r in answerable])
    metrics["answer accuracy"] = _rate([r["correct"] for r in answerable])
    # An English question answered by a correct Indonesian quote is not answered for its reader.
    metrics["accurate, in the question's language"] = _rate(
        [r["correct"] and r["language_match"] for r in answerable]
    )
    metrics["answer language = question language"] = _rate([r["language_match"] for r in rows])
    precisions = [
        r["citation_precision"] for r in answerable if r["citation_precision"] is not None
    ]
    metrics["citation precision"] = round(mean(precisions), 3) if precisions else None
    shown = sum(r["sentences_shown"] for r in rows)
    removed = sum(r["removed"] for r in rows)
    metrics["sentences supported (shown / written)"] = (
        round(shown / (shown + removed), 3) if shown + removed else None
    )
    metrics["unsupported shown as verified"] = sum(r["unverified_shown"] for r in rows)
    metrics["abstention (unanswerable)"] = _rate([r["abstained"] for r in unanswerable])
    metrics["false abstention"] = _rate([r["abstained"] for r in answerable])
    metrics["mean latency ms"] = round(mean(r["latency_ms"] for r in rows), 1) if rows else None
    return metrics


def markdown_report(report: dict[str, Any]) -> str:
    """One column per group (all, en, id), one row per metric."""
    metrics = report["metrics"]
    names = list(metrics)
    lines = ["| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for metric in metrics["all"]:
        cells = ["–" if metrics[n][metric] is None else str(metrics[n][metric]) for n in names]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
