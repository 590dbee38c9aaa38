"""What comes in at the boundaries: article files (links out of the folder, hidden files,
UTF-16, duplicate ids), `mitra index`'s exit status, and questions that are not questions.

What a user (or a script) meets is checked through the door they use: `mitra index` and
`mitra ask` as commands, `Assistant` from Python, the page's chat handler.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.load import load_paths
from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.config import Settings
from rag.errors import QuestionError
from ui.handlers import Handlers

ARTICLE = (
    "Rusia dan Bolivia menandatangani perjanjian pembangunan pusat riset nuklir di El Alto.\n"
    "Menurut Rosatom, reaktor riset itu akan mulai beroperasi pada 2029.\n"
)
SECRET = "root:$6$saltsalt$9sHhYQx0hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"


def run_mitra(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`mitra …` in a subprocess over `data_dir`, as a user runs it (extractive answers)."""
    environ = {
        "MITRA_DATA_DIR": str(data_dir),
        "MITRA_LLM": "extractive",
        "MITRA_MODEL_CACHE": os.environ.get(
            "MITRA_TEST_MODEL_CACHE", str(Path.home() / ".cache/mitra/models")
        ),
        "PATH": str(Path(sys.executable).parent),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def reasons(result: object) -> dict[str, str]:
    return {Path(p.path).name: p.reason for p in result.problems}  # type: ignore[attr-defined]


def test_links_out_of_the_folder_are_not_followed_unless_allowed(tmp_path: Path) -> None:
    folder, outside = tmp_path / "articles", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (folder / "bolivia.txt").write_text(ARTICLE)
    (outside / "shadow.txt").write_text(SECRET)
    (outside / "more.txt").write_text(ARTICLE.replace("Bolivia", "Peru"))
    (folder / "shadow.txt").symlink_to(outside / "shadow.txt")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "bolivia.txt")  # inside: read
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # read once, no loop

    kept = load_paths([folder], 5_000_000)
    assert sorted(a.article_id for a in kept.articles) == ["bolivia.txt", "same.txt"]
    assert "MITRA_FOLLOW_SYMLINKS" in reasons(kept)["shadow.txt"]
    assert "outside the folder" in reasons(kept)["linked"]
    assert all(p.skipped for p in kept.problems) and len(kept.problems) == 2

    followed = load_paths([folder], 5_000_000, follow_symlinks=True)
    assert sorted(a.article_id for a in followed.articles) == [
        "bolivia.txt",
        "linked/more.txt",
        "linked/shadow.txt",
        "same.txt",
        "shadow.txt",
    ]
    assert not followed.problems


def test_mitra_index_keeps_a_linked_secret_out_of_the_library(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bolivia.txt").write_text(ARTICLE)
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    (folder / "shadow.txt").symlink_to(secret)
    data = tmp_path / "data"

    result = run_mitra(data, "index", str(folder))
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout and "skipped 1" in result.stdout
    assert "shadow.txt: symbolic link to a file outside the folder" in result.stdout
    catalog = Catalog.open(data / "catalog.sqlite3")
    assert [a["article_id"] for a in catalog.articles()] == ["bolivia.txt"]
    assert not [c for c in catalog.chunks(catalog.chunk_ids()).values() if "root:" in c.text]

    allowed = run_mitra(data, "index", str(folder), env={"MITRA_FOLLOW_SYMLINKS": "true"})
    assert allowed.returncode == 0, allowed.stderr
    assert "added 1" in allowed.stdout and "unchanged 1" in allowed.stdout


def test_hidden_files_and_folders_are_reported_as_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / ".drafts").mkdir(parents=True)
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / "bolivia.txt").write_text(ARTICLE)
    (folder / ".draft.txt").write_text(ARTICLE.replace("Bolivia", "Chile"))
    (folder / ".drafts" / "peru.txt").write_text(ARTICLE.replace("Bolivia", "Peru"))
    (folder / ".git" / "objects" / "ab12").write_bytes(b"\x78\x01blob")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")

    loaded = load_paths([folder], 5_000_000)
    assert [a.article_id for a in loaded.articles] == ["bolivia.txt"]
    assert reasons(loaded) == {
        ".draft.txt": "hidden file (its name starts with '.'): not indexed",
        ".drafts": "hidden folder (its name starts with '.'): not indexed",
    }
    # Named on the command line, a hidden file is what the user asked for.
    assert [a.article_id for a in load_paths([folder / ".draft.txt"], 5_000_000).articles] == [
        ".draft.txt"
    ]
    only_hidden = tmp_path / "only-hidden"
    only_hidden.mkdir()
    (only_hidden / ".note.md").write_text(ARTICLE)
    assert list(reasons(load_paths([only_hidden], 5_000_000))) == [".note.md"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_utf16_files_are_decoded_with_or_without_a_bom(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    text = "Menteri Pertahanan Rusia bertemu mitranya di Nay Pyi Taw — kerja sama «teknis».\n"
    (tmp_path / "article.txt").write_bytes(bom + text.encode(encoding))
    record = {"id": "r1", "title": "Rusia dan Myanmar", "text": text}
    (tmp_path / "records.jsonl").write_bytes(bom + (json.dumps(record) + "\n").encode(encoding))
    (tmp_path / "page.html").write_bytes(
        bom + f"<html><title>Rusia</title><body><p>{text}</p></body></html>".encode(encoding)
    )
    loaded = load_paths([tmp_path], 5_000_000)
    assert not loaded.problems
    by_id = {a.article_id: a for a in loaded.articles}
    assert by_id["article.txt"].text == text
    assert by_id["r1"].text == text and by_id["r1"].title == "Rusia dan Myanmar"
    assert "Nay Pyi Taw" in by_id["page.html"].text


def test_binary_and_cyrillic_utf16_are_told_apart(tmp_path: Path) -> None:
    russian = "Россия и Индонезия провели переговоры в Джакарте 12 июля 2024 года.\n" * 3
    (tmp_path / "russian.txt").write_bytes(russian.encode("utf-16-le"))
    (tmp_path / "image.txt").write_bytes(bytes([0x41, 0, 0x01, 0, 0x02, 0, 0x03, 0]) * 200)
    loaded = load_paths([tmp_path], 5_000_000)
    assert [a.text for a in loaded.articles] == [russian]
    assert reasons(loaded) == {"image.txt": "binary file, not text"}


def test_duplicate_ids_are_skipped_with_a_reason_and_never_flip_flop(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    first = {"id": "x1", "title": "Rusia dan Mesir", "text": ARTICLE.replace("Bolivia", "Mesir")}
    second = {"id": "x1", "title": "Rusia dan Iran", "text": ARTICLE.replace("Bolivia", "Iran")}
    third = {"id": "x1", "title": "Rusia dan India", "text": ARTICLE.replace("Bolivia", "India")}
    other = {"id": "x2", "title": "Rusia dan Chile", "text": ARTICLE.replace("Bolivia", "Chile")}
    (folder / "a.jsonl").write_text(f"{json.dumps(first)}\n{json.dumps(second)}\n")
    (folder / "b.jsonl").write_text(f"{json.dumps(third)}\n{json.dumps(other)}\n")
    data = tmp_path / "data"

    runs = []
    for _ in range(3):
        result = run_mitra(data, "index", "--json", str(folder))
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        catalog = Catalog.open(data / "catalog.sqlite3")
        runs.append((report, catalog.chunk_count(), catalog.article("x1").title))
        catalog.close()
    (first_run, chunks, title), *later = runs
    assert (first_run["added"], first_run["skipped"]) == (2, 2)
    skipped = {p["path"].rsplit("/", 1)[-1]: p["reason"] for p in first_run["problems"]}
    assert set(skipped) == {"a.jsonl:2", "b.jsonl:1"}
    assert all("another article in this run has the id 'x1'" in r for r in skipped.values())
    assert chunks > 0 and title == "Rusia dan Mesir"  # the first one found keeps the id
    for report, later_chunks, later_title in later:
        assert (report["added"], report["updated"], report["removed"]) == (0, 0, 0)
        assert (report["unchanged"], report["skipped"]) == (2, 2)
        assert (later_chunks, later_title) == (chunks, title)


def test_exit_status_is_1_when_nothing_could_be_indexed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    missing = run_mitra(data, "index", str(tmp_path / "nonexistent"))
    assert missing.returncode == 1
    assert "added 0" in missing.stdout and "nonexistent: no such file or folder" in missing.stdout
    assert "Traceback" not in missing.stderr

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    as_json = run_mitra(data, "index", "--json", str(bad), str(tmp_path / "gone.md"))
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["skipped"] == 2


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff \u3164"
RUSSIAN = "Кто встречался с Ли Шанфу в Москве?"
BOTH_LANGUAGES = ("in English or Indonesian", "bahasa Inggris atau Indonesia")


def test_mitra_ask_refuses_invisible_and_unsupported_questions(tmp_path: Path) -> None:
    empty = run_mitra(tmp_path / "data", "ask", INVISIBLE)
    assert empty.returncode == 2 and "Traceback" not in empty.stderr
    assert empty.stderr.startswith("mitra: the question is empty")
    russian = run_mitra(tmp_path / "data", "ask", RUSSIAN)
    assert russian.returncode == 2 and "Traceback" not in russian.stderr
    assert all(words in russian.stderr for words in BOTH_LANGUAGES)


def test_the_api_and_the_page_refuse_them_too(tmp_path: Path, model_cache: Path) -> None:
    assistant = Assistant(
        Settings(llm="extractive", data_dir=tmp_path / "data", model_cache=model_cache)
    )
    with pytest.raises(QuestionError, match="must be text, not int"):
        assistant.ask(123)  # type: ignore[arg-type]
    with pytest.raises(QuestionError, match="the question is empty"):
        assistant.ask(INVISIBLE)
    with pytest.raises(QuestionError, match="English or Indonesian"):
        assistant.ask(RUSSIAN)
    for question, expected in ((INVISIBLE, ("the question is empty",)), (RUSSIAN, BOTH_LANGUAGES)):
        *_, (_, chat, _, _, _) = Handlers(assistant).respond(question, [], [], [])
        assert 'class="notice"' in chat[-1]["content"]
        assert all(words in chat[-1]["content"] for words in expected)
