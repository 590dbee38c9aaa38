"""One consistent index across processes: the page and `mitra index` running side by side.

The real page (`mitra ui`, asked through its HTTP API as a browser does) and a long-lived
`Assistant` keep answering while `mitra index` updates, adds and prunes articles in another
process: never an error, never a stale answer. Uploads under a name already used by another
article are kept side by side. And a reader's quick-start tokenizer gives the ids the index's
vectors were computed from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from test_load import run_mitra
from ui_server import running_ui

from index.sync import sync
from rag.assistant import Assistant
from rag.catalog import Catalog
from rag.config import Settings
from rag.embeddings import load_embeddings

UPDATED = "002_3604e166b6412a05.txt"
PRUNED = "001_b0b6c7e473a13e24.txt"  # the only seed that names Li Shangfu
NEW_FACT = (
    "Pada 3 Maret 2023, Nikolai Patrushev bertemu Menteri Luar Negeri China Wang Yi di Beijing."
)
BOLIVIA = (
    "Rusia dan Bolivia teken perjanjian reaktor riset di El Alto\n"
    "Rusia dan Bolivia menandatangani perjanjian pembangunan pusat riset nuklir di El Alto "
    "pada Selasa. Menurut Rosatom, reaktor riset itu akan mulai beroperasi pada 2029.\n"
)


def mitra_index(data: Path, *args: str) -> str:
    result = run_mitra(data, "index", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def page_chat(url: str) -> Callable[[str], tuple[str, str]]:
    """Ask the page at `url` as its chat does; returns the answer and its sources panel."""
    client = Client(url, verbose=False, analytics_enabled=False, download_files=False)

    def chat(question: str) -> tuple[str, str]:
        client.reset_session()  # a new conversation each time
        _, messages, sources = client.predict(question, [], api_name="/chat")
        reply = messages[-1]["content"][0]["text"]
        assert 'class="notice"' not in reply, reply  # an error shown in the chat
        return reply, sources.split("</h3>", 1)[-1]  # without the heading naming the question

    return chat


@contextmanager
def asking_all_along(url: str) -> Iterator[list[str]]:
    """Ask the page a seed question over and over from another thread; every reply must be an
    answer. Yields the replies so far."""
    chat = page_chat(url)
    stop = threading.Event()
    replies: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        while not stop.is_set():
            try:
                replies.append(chat("Why did Russia and Myanmar meet in July?")[0])
            except BaseException as exc:  # raised in the test's thread below
                errors.append(exc)
                return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield replies
    finally:
        stop.set()
        thread.join(timeout=120)
    if errors:
        raise errors[0]


@pytest.mark.server
def test_the_page_follows_mitra_index_in_another_process(
    tmp_path: Path, articles: Path, model_cache: Path
) -> None:
    data = tmp_path / "data"
    env = {"MITRA_MODEL_CACHE": str(model_cache), "MITRA_ARTICLES_DIR": str(articles)}
    with running_ui(data, env) as url:  # indexes `articles` as it starts
        chat = page_chat(url)
        assert "Li Shangfu" in chat("Who met Li Shangfu?")[0]
        with asking_all_along(url) as replies:
            path = articles / UPDATED
            path.write_text(f"{path.read_text()}\n{NEW_FACT}\n")
            assert "updated 1 · removed 0 · unchanged 4" in mitra_index(data, str(articles))
            assert "3 Maret 2023" in chat("Who met Wang Yi in Beijing?")[0]

            (articles / "bolivia.txt").write_text(BOLIVIA)
            assert "added 1 · updated 0" in mitra_index(data, str(articles))
            assert "El Alto" in chat("What did Russia and Bolivia sign in El Alto?")[0]

            (articles / PRUNED).unlink()
            assert "removed 1" in mitra_index(data, "--prune", str(articles))
            assert "Li Shangfu" not in "".join(chat("Who met Li Shangfu?"))
        assert len(replies) > 3  # questions kept coming while the index changed


def test_a_long_lived_assistant_follows_mitra_index(
    tmp_path: Path, articles: Path, model_cache: Path
) -> None:
    settings = Settings(llm="extractive", data_dir=tmp_path / "data", model_cache=model_cache)
    sync([articles], settings)
    assistant = Assistant(settings)
    assert "Li Shangfu" in assistant.ask("Who met Li Shangfu?").text

    path = articles / UPDATED
    path.write_text(f"{path.read_text()}\n{NEW_FACT}\n")
    assert "updated 1" in mitra_index(settings.data_dir, str(articles))
    assert "Li Shangfu" in assistant.ask("Who met Li Shangfu?").text
    passages = assistant.retrieve("Siapa yang bertemu Wang Yi di Beijing?")
    assert passages[0].article_id == UPDATED and "Wang Yi" in passages[0].text
    # The dense side sees the vectors the other process wrote, not only the keyword side.
    catalog = Catalog.open(settings.catalog_path)
    added = next(c for c in catalog.article_chunks(UPDATED) if "Wang Yi" in c.text)
    vector = load_embeddings(settings.embedding_model, settings.models_dir).embed_documents(
        [added.text]
    )[0]
    assert assistant._reader.view().store.query(vector, 1)[0][0] == added.chunk_id

    (articles / PRUNED).unlink()
    assert "removed 1" in mitra_index(settings.data_dir, "--prune", str(articles))
    answer = assistant.ask("Who met Li Shangfu?")
    assert PRUNED not in {p.article_id for p in answer.passages}
    assert len(assistant.articles()) == 4


@pytest.fixture
def page_over(tmp_path: Path, articles: Path, model_cache: Path) -> Iterator[tuple[Client, Path]]:
    data = tmp_path / "data"
    env = {"MITRA_MODEL_CACHE": str(model_cache), "MITRA_ARTICLES_DIR": str(articles)}
    with running_ui(data, env) as url:
        yield Client(url, verbose=False, analytics_enabled=False, download_files=False), data


@pytest.mark.server
def test_uploads_under_a_used_name_are_kept_side_by_side(
    page_over: tuple[Client, Path], tmp_path: Path
) -> None:
    client, data = page_over
    first, second = tmp_path / "one" / "index.html", tmp_path / "two" / "index.html"
    for path, text in ((first, BOLIVIA), (second, BOLIVIA.replace("Bolivia", "Peru"))):
        path.parent.mkdir()
        lines = text.splitlines()
        path.write_text(f"<html><title>{lines[0]}</title><body><p>{lines[1]}</p></body></html>")

    def upload(path: Path) -> str:
        return client.predict([handle_file(str(path))], api_name="/add")[0]

    assert "added 1 · updated 0" in upload(first)
    status = upload(second)
    assert "added 1 · updated 0" in status
    assert "saved as index-2.html: another article was uploaded as index.html" in status
    assert "unchanged 1" in upload(first)  # the same file again
    uploads = data / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["index-2.html", "index.html"]
    assert "Bolivia" in (uploads / "index.html").read_text()
    assert "Peru" in (uploads / "index-2.html").read_text()
    ids = {a["article_id"] for a in Catalog.open(data / "catalog.sqlite3").articles()}
    assert {"index.html", "index-2.html"} <= ids
