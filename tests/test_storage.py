"""Storage faults through the doors users meet them: `mitra ask`, `mitra index`, the page.

A read-only data directory (a read-only bind mount: as root, permission bits are ignored), a
full disk (a small tmpfs), damaged files, a Chroma server that never answers or stops answering,
and a missing or damaged keyword index. Each must end in one line that says what to do, never a
traceback, and leave the index as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port, start_chroma, stop_process
from test_load import run_mitra

from index import BUNDLED_ARTICLES
from index.sync import sync
from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.config import Settings
from rag.errors import MitraError
from rag.keyword import KeywordIndex
from ui.handlers import Handlers

QUESTION = "Who met Li Shangfu?"
FACT = "Li Shangfu"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A data directory holding the indexed seed articles; tests work on copies of it."""
    data = tmp_path_factory.mktemp("seeded") / "data"
    folder = tmp_path_factory.mktemp("seed-articles")
    shutil.copytree(BUNDLED_ARTICLES, folder, dirs_exist_ok=True)
    assert (
        sync([folder], Settings(llm="extractive", data_dir=data, model_cache=model_cache)).added
        == 5
    )
    return data


def copy_of(seeded: Path, where: Path) -> Path:
    shutil.copytree(seeded, where)
    return where


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    """The command failed with one `mitra: …` line (no traceback) holding every needle."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip() and "%|" not in line]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("mitra: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def answered(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stderr
    assert FACT in result.stdout and "Traceback" not in result.stderr


def page_reply(assistant: Assistant, question: str = QUESTION) -> str:
    """The chat message the page shows for `question` (its last update)."""
    *_, (_, chat, _, _, _) = Handlers(assistant).respond(question, [], [], [])
    return chat[-1]["content"]


def mount(*args: str) -> None:
    if shutil.which("mount") is None:
        pytest.skip("no `mount` command here")
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"mounting is not permitted here: {result.stderr.strip()}")


@contextmanager
def read_only(folder: Path, mountpoint: Path) -> Iterator[Path]:
    """`folder` seen through a read-only bind mount at `mountpoint`."""
    mountpoint.mkdir()
    mount("--bind", str(folder), str(mountpoint))
    try:
        mount("-o", "remount,bind,ro", str(mountpoint))
        try:
            (mountpoint / "probe").touch()
            pytest.skip("the read-only bind mount is writable here")
        except OSError:
            pass
        yield mountpoint
    finally:
        subprocess.run(["umount", "--lazy", str(mountpoint)], check=False)


@contextmanager
def small_disk(mountpoint: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `mountpoint`."""
    mountpoint.mkdir()
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint))
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "--lazy", str(mountpoint)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all but `leave` bytes of `disk`'s free space."""
    filler = disk / "filler"
    with filler.open("wb") as out:
        out.write(bytes(max(shutil.disk_usage(disk).free - leave, 0)))
    return filler


def test_read_only_data_dir_answers_questions_and_refuses_to_index(
    seeded: Path, tmp_path: Path, articles: Path, model_cache: Path
) -> None:
    data = copy_of(seeded, tmp_path / "data")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with read_only(data, tmp_path / "ro") as ro:
        answered(run_mitra(ro, "ask", QUESTION, env={"TMPDIR": str(scratch)}))
        assert not list(scratch.glob("mitra-chroma-*"))  # the private copy went at exit
        one_line_error(
            run_mitra(ro, "index", str(articles)), f"mitra: {ro} is read-only", "MITRA_DATA_DIR"
        )

        page = Handlers(Assistant(Settings(llm="extractive", data_dir=ro, model_cache=model_cache)))
        assert FACT in page_reply(page.assistant) and "notice" not in page_reply(page.assistant)
        upload = tmp_path / "new.txt"
        upload.write_text("Rusia dan Bolivia menandatangani perjanjian nuklir di El Alto.")
        status, _, rows, *_ = page.add([str(upload)], lambda *a, **k: None)
        assert "read-only" in status and "something went wrong" not in status
        assert len(rows) == 5


def test_full_disk_says_so_and_keeps_the_index_usable(
    seeded: Path, tmp_path: Path, articles: Path, model_cache: Path
) -> None:
    new = tmp_path / "new"
    new.mkdir()
    for n, seed in enumerate(sorted(articles.iterdir())):
        (new / f"laporan-{n}.txt").write_text(f"Laporan tambahan nomor {n}.\n{seed.read_text()}")
    with small_disk(tmp_path / "disk", "4m") as disk:
        data = copy_of(seeded, disk / "data")
        settings = Settings(llm="extractive", data_dir=data, model_cache=model_cache)
        assistant = Assistant(settings)  # the page, running before the disk filled up
        assert FACT in page_reply(assistant)
        generation = Catalog.open(settings.catalog_path).meta("generation")

        filler = fill(disk, leave=200_000)
        one_line_error(
            run_mitra(data, "index", str(articles), str(new)),
            "is full: free some space",
            "the index is as it was",
        )
        catalog = Catalog.open(settings.catalog_path)
        assert (catalog.article_count(), catalog.meta("generation")) == (5, generation)
        answered(run_mitra(data, "ask", QUESTION))
        assert FACT in page_reply(assistant)

        filler.unlink()
        done = run_mitra(data, "index", str(articles), str(new))
        assert done.returncode == 0 and "added 5" in done.stdout, done.stderr
        assert len(assistant.articles()) == 10
        assert FACT in page_reply(assistant)


@pytest.mark.parametrize(
    ("damage", "path", "size"),
    [
        ("truncated store", "chroma/chroma.sqlite3", 0.5),
        ("empty store", "chroma/chroma.sqlite3", 0),
        ("truncated catalog", "catalog.sqlite3", 0.5),
    ],
)
def test_a_damaged_index_says_rebuild_and_rebuild_repairs_it(
    seeded: Path,
    tmp_path: Path,
    articles: Path,
    model_cache: Path,
    damage: str,
    path: str,
    size: float,
) -> None:
    data = copy_of(seeded, tmp_path / "data")
    victim = data / path
    os.truncate(victim, int(victim.stat().st_size * size))
    rebuild = "run `mitra index --rebuild`"
    one_line_error(run_mitra(data, "ask", QUESTION), rebuild)
    one_line_error(run_mitra(data, "index", str(articles)), rebuild)
    if damage == "truncated store":  # the page refuses to start, saying why
        one_line_error(run_mitra(data, "ui", "--port", str(free_port()), timeout=180), rebuild)
    assistant = Assistant(Settings(llm="extractive", data_dir=data, model_cache=model_cache))
    assert rebuild in page_reply(assistant)
    header, rows, _ = Handlers(assistant).library()
    assert rebuild in header and rows == []

    rebuilt = run_mitra(data, "index", "--rebuild", str(articles))
    assert rebuilt.returncode == 0 and "added 5" in rebuilt.stdout, rebuilt.stderr
    answered(run_mitra(data, "ask", QUESTION))
    assert FACT in page_reply(assistant)  # the running page recovers without a restart


@contextmanager
def fake_chroma(answer_heartbeat: bool) -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers (but, if asked, the
    heartbeat); yields its URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)
            if answer_heartbeat:
                threading.Thread(target=heartbeat_only, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for connection in held:
            connection.close()


def heartbeat_only(connection: socket.socket) -> None:
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = connection.recv(4096)
        if not chunk:
            return
        request += chunk
    if b"/heartbeat" in request.split(b"\r\n", 1)[0]:
        body = b'{"nanosecond heartbeat": 1}'
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )


@pytest.mark.parametrize("answer_heartbeat", [False, True], ids=["silent", "heartbeat only"])
def test_a_chroma_server_that_never_answers_fails_within_the_timeout(
    seeded: Path, tmp_path: Path, answer_heartbeat: bool
) -> None:
    data = copy_of(seeded, tmp_path / "data")  # its catalog names the chunks to look for
    with fake_chroma(answer_heartbeat) as url:
        env = {"MITRA_CHROMA_URL": url, "MITRA_CHROMA_TIMEOUT": "2"}
        started = time.monotonic()
        result = run_mitra(data, "ask", QUESTION, env=env, timeout=120)
        elapsed = time.monotonic() - started
    one_line_error(result, f"the Chroma server at {url} did not answer within 2 s")
    assert elapsed < 60  # start-up (imports, model) plus the 2 s limit, on a busy machine


def test_a_chroma_server_that_stops_answering_is_a_one_line_error(
    tmp_path: Path, articles: Path, model_cache: Path
) -> None:
    server, url = start_chroma(tmp_path / "server")
    try:
        settings = Settings(
            data_dir=tmp_path / "data",
            model_cache=model_cache,
            chroma_url=url,
            chroma_timeout=2,
            llm="extractive",
        )
        sync([articles], settings)
        assistant = Assistant(settings)
        assert FACT in assistant.ask(QUESTION).text
        server.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(MitraError, match="did not answer within MITRA_CHROMA_TIMEOUT"):
                assistant.ask(QUESTION)
            assert time.monotonic() - started < 10
            assert "did not answer" in page_reply(assistant)
        finally:
            server.send_signal(signal.SIGCONT)
        assert FACT in assistant.ask(QUESTION).text
    finally:
        stop_process(server)


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_a_lost_keyword_index_still_answers_and_is_written_again(
    seeded: Path, tmp_path: Path, articles: Path, damage: str
) -> None:
    data = copy_of(seeded, tmp_path / "data")
    catalog = Catalog.open(data / "catalog.sqlite3")
    folder = data / "keyword" / catalog.meta("generation")
    if damage == "missing":
        shutil.rmtree(folder)
    else:
        victim = folder / "data.csc.index.npy"
        os.truncate(victim, victim.stat().st_size // 2)
    asked = run_mitra(data, "ask", QUESTION)
    answered(asked)
    assert "rebuilding it from the catalog" in asked.stderr

    indexed = run_mitra(data, "index", str(articles))
    assert indexed.returncode == 0 and "unchanged 5" in indexed.stdout, indexed.stderr
    written = data / "keyword" / catalog.meta("generation")
    assert len(KeywordIndex.load(written)) == catalog.chunk_count()
    asked = run_mitra(data, "ask", QUESTION)
    answered(asked)
    assert "rebuilding" not in asked.stderr
