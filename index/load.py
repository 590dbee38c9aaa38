"""Read article files (.txt, .md, .html, .json, .jsonl) into raw articles, reporting bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.html_text import html_to_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
RECORD_SUFFIXES = (".json", ".jsonl")
_TEXT_FIELDS = ("text", "content", "body")


@dataclass(frozen=True)
class RawArticle:
    """One article as found in a file, before cleaning."""

    article_id: str
    path: str
    text: str
    title: str = ""
    date: str = ""
    url: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class Problem:
    """Why a file or record was skipped (or read with a caveat, when `skipped` is false)."""

    path: str
    reason: str
    skipped: bool = True


@dataclass
class LoadResult:
    articles: list[RawArticle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_paths(paths: list[Path], max_bytes: int) -> LoadResult:
    """Load every article under `paths` (files or folders); never raises for bad input."""
    result = LoadResult()
    for root in paths:
        if not root.exists():
            result.problems.append(Problem(str(root), "no such file or folder"))
        elif root.is_dir():
            files = sorted(
                p
                for p in root.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            )
            if not files:
                kinds = ", ".join(SUPPORTED_SUFFIXES)
                result.problems.append(Problem(str(root), f"folder holds no articles ({kinds})"))
            for file in files:
                _load_file(file, file.relative_to(root).as_posix(), max_bytes, result)
        else:
            _load_file(root, root.name, max_bytes, result)
    return result


def _load_file(path: Path, article_id: str, max_bytes: int, result: LoadResult) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        result.problems.append(Problem(str(path), f"unsupported file type {suffix!r} ({kinds})"))
        return
    try:
        size = path.stat().st_size
        # Record files hold many articles: the size limit applies to each record instead.
        if suffix not in RECORD_SUFFIXES and size > max_bytes:
            result.problems.append(Problem(str(path), _too_big(size, max_bytes)))
            return
        data = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(str(path), f"cannot read file: {exc.strerror}"))
        return
    problem = _check_bytes(data)
    if problem:
        result.problems.append(Problem(str(path), problem))
        return
    text, caveat = decode_text(data)
    if text is None:
        result.problems.append(Problem(str(path), caveat))
        return
    if caveat:
        result.problems.append(Problem(str(path), caveat, skipped=False))
    if suffix in RECORD_SUFFIXES:
        _load_records(path, article_id, text, suffix, max_bytes, result)
    elif suffix in (".html", ".htm"):
        page = html_to_text(text)
        result.articles.append(
            RawArticle(article_id, str(path), page.text, page.title, page.date, outlet=page.site)
        )
    else:
        result.articles.append(RawArticle(article_id, str(path), text))


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit "
        "(raise MITRA_MAX_FILE_BYTES to allow it)"
    )


def _check_bytes(data: bytes) -> str:
    if not data.strip():
        return "empty file"
    head = data[:8192]
    if b"\x00" in head:
        return "binary file, not text"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(head) * 0.05:
        return "binary file, not text"
    return ""


def decode_text(data: bytes) -> tuple[str | None, str]:
    """Decode UTF-8 (BOM allowed), else cp1252; returns (text, caveat or error)."""
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not valid UTF-8: read as cp1252 (Windows-1252)"
    except UnicodeDecodeError:
        return None, "cannot decode text: neither UTF-8 nor cp1252"


def _load_records(
    path: Path, file_id: str, text: str, suffix: str, max_bytes: int, result: LoadResult
) -> None:
    try:
        records = list(_parse_records(text, suffix))
    except ValueError as exc:
        result.problems.append(Problem(str(path), f"invalid JSON: {exc}"))
        return
    if not records:
        result.problems.append(Problem(str(path), "no records in file"))
    for number, record in records:
        where = f"{path}:{number}" if suffix == ".jsonl" else f"{path}[{number}]"
        if isinstance(record, json.JSONDecodeError):
            result.problems.append(Problem(where, f"invalid JSON: {record.msg}"))
            continue
        if not isinstance(record, dict):
            result.problems.append(Problem(where, "record is not a JSON object"))
            continue
        body = next((record[k] for k in _TEXT_FIELDS if isinstance(record.get(k), str)), "")
        if not body.strip():
            result.problems.append(Problem(where, "record has no 'text' or 'content' field"))
            continue
        size = len(body.encode("utf-8"))
        if size > max_bytes:
            result.problems.append(Problem(where, _too_big(size, max_bytes)))
            continue
        record_id = str(record.get("id") or f"{file_id}#{number}")
        result.articles.append(
            RawArticle(
                article_id=record_id,
                path=where,
                text=body,
                title=_field(record, "title"),
                date=_field(record, "date", "published", "published_at"),
                url=_field(record, "url", "link"),
                outlet=_field(record, "outlet", "source", "publisher"),
            )
        )


def _field(record: dict, *names: str) -> str:
    for name in names:
        value = record.get(name)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return ""


def _parse_records(text: str, suffix: str) -> Iterator[tuple[int, object]]:
    if suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, exc
        return
    data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    yield from enumerate(items)
