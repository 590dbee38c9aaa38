"""Read article files (.txt, .md, .html, .json, .jsonl) into raw articles, reporting bad input."""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.html_text import html_to_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
RECORD_SUFFIXES = (".json", ".jsonl")
_TEXT_FIELDS = ("text", "content", "body")
_HIDDEN = "hidden {kind} (its name starts with '.'): not indexed"
_OUTSIDE = (
    "symbolic link to a {kind} outside the folder: not followed (set MITRA_FOLLOW_SYMLINKS=true "
    "to index it)"
)


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


def load_paths(paths: list[Path], max_bytes: int, *, follow_symlinks: bool = False) -> LoadResult:
    """Load every article under `paths` (files or folders); never raises for bad input.

    In a folder, hidden files and folders (names starting with '.') are reported and skipped,
    and so is a symbolic link to anything outside the folder unless `follow_symlinks`. A path
    given directly is read whatever its name.
    """
    result = LoadResult()
    for root in paths:
        if not root.exists():
            result.problems.append(Problem(str(root), "no such file or folder"))
        elif root.is_dir():
            reported = len(result.problems)
            files = _folder_files(root, follow_symlinks, result)
            if not files and len(result.problems) == reported:
                kinds = ", ".join(SUPPORTED_SUFFIXES)
                result.problems.append(Problem(str(root), f"folder holds no articles ({kinds})"))
            for file in files:
                _load_file(file, file.relative_to(root).as_posix(), max_bytes, result)
        else:
            _load_file(root, root.name, max_bytes, result)
    return result


def _folder_files(root: Path, follow_symlinks: bool, result: LoadResult) -> list[Path]:
    """The article files under `root`; those left out on purpose are reported."""
    inside = root.resolve()
    files: list[Path] = []
    walked = {inside}
    for folder, dirs, names in os.walk(root, followlinks=True):
        here = Path(folder)
        for name in sorted(dirs):
            path = here / name
            target = path.resolve()
            if name.startswith("."):
                if any(_is_article(f) for _, _, found in os.walk(path) for f in found):
                    result.problems.append(Problem(str(path), _HIDDEN.format(kind="folder")))
                dirs.remove(name)
            elif path.is_symlink() and not follow_symlinks and not target.is_relative_to(inside):
                result.problems.append(Problem(str(path), _OUTSIDE.format(kind="folder")))
                dirs.remove(name)
            elif target in walked or (path.is_symlink() and target.is_relative_to(inside)):
                dirs.remove(name)  # read under its own name (or a link loop)
            else:
                walked.add(target)
        for name in sorted(names):
            path = here / name
            if not _is_article(name):
                continue
            if name.startswith("."):
                result.problems.append(Problem(str(path), _HIDDEN.format(kind="file")))
            elif not path.is_file():
                result.problems.append(Problem(str(path), "not a regular file (or a broken link)"))
            elif not follow_symlinks and not path.resolve().is_relative_to(inside):
                result.problems.append(Problem(str(path), _OUTSIDE.format(kind="file")))
            else:
                files.append(path)
    return sorted(files)


def _is_article(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


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
    problem = "" if _utf16_codec(data) else _check_bytes(data)
    if problem:
        result.problems.append(Problem(str(path), problem))
        return
    text, caveat = decode_text(data)
    if text is None or not text.strip():
        result.problems.append(Problem(str(path), caveat if text is None else "empty file"))
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
    """Decode UTF-16 (with a BOM or recognised without), UTF-8 (BOM allowed), else cp1252.

    Returns (text, caveat or error); text is None when the bytes cannot be decoded.
    """
    utf16 = _utf16_codec(data)
    if utf16:
        return data.decode(utf16), ""
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not valid UTF-8: read as cp1252 (Windows-1252)"
    except UnicodeDecodeError:
        return None, "cannot decode text: neither UTF-8 nor cp1252"


def _utf16_codec(data: bytes) -> str:
    """ "utf-16" (BOM), "utf-16-le"/"-be" (none: recognised by its zero bytes), or ""."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    elif len(data) % 2:
        return ""
    else:
        # Without a BOM: the high byte of every space, digit and Latin letter is zero, and
        # only on one side (little-endian: the odd bytes).
        head = data[:8192]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd and not even:
            codec = "utf-16-le"
        elif even and not odd:
            codec = "utf-16-be"
        else:
            return ""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return ""
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\f\r")
    return "" if controls > len(sample) * 0.05 else codec


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
