"""The web interface in a real headless Chromium, against a real `mitra ui` server."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from ui_server import running_ui

pytestmark = [pytest.mark.slow, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Iterator[str]:
    data = tmp_path_factory.mktemp("ui-server") / "data"
    with running_ui(data, {"MITRA_MODEL_CACHE": str(model_cache)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("the browser tests need Debian's Chromium: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of every alert/confirm/prompt the page opened (there should be none)."""
    return []


@pytest.fixture
def page(browser: Browser, ui_url: str, dialogs: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(ui_url)
    yield page
    context.close()


def ask(page: Page, question: str, turn: int) -> None:
    """Ask in the chat and wait until answer number `turn` (from 0) shows its sources."""
    page.get_by_role("tab", name="Chat").click()
    page.locator("#mitra-question textarea").fill(question)
    page.locator("#mitra-ask").click()
    page.locator(f'#mitra-sources section.turn[data-turn="{turn}"]').wait_for(
        state="attached", timeout=ANSWER_TIMEOUT_MS
    )


def upload(page: Page, *files: Path) -> str:
    """Add `files` in the Library tab; returns the status it shows."""
    page.get_by_role("tab", name="Library").click()
    page.locator("#mitra-upload input[type=file]").set_input_files([str(f) for f in files])
    uploaded = page.locator('#mitra-upload a[href*="gradio_api/file="]')  # one per finished file
    expect(uploaded).to_have_count(len(files))
    page.locator("#mitra-add").click()
    summary = page.locator("#mitra-library-status .summary")
    summary.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return summary.inner_text()


def visible_source(page: Page, turn: int, n: int = 1) -> None:
    card = page.locator(f"#src-{turn}-{n}")
    expect(card).to_be_visible()
    expect(card.locator(".passage mark")).not_to_be_empty()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_questions_in_english_and_indonesian_get_cited_answers(page: Page) -> None:
    ask(page, "What kind of cooperation did Russian and Palestinian officials discuss?", 0)
    answer = page.locator("#mitra-chat .bot").last
    expect(answer.locator("a.cite").first).to_be_visible()
    visible_source(page, 0)

    ask(page, "Apa yang dipuji Putin dan Li Shangfu dalam pertemuan mereka?", 1)
    expect(page.locator("#mitra-chat .bot").last.locator("a.cite").first).to_be_visible()
    visible_source(page, 1)
    expect(page.locator("#src-0-1")).to_be_hidden()  # the panel shows the latest answer's
    screenshot(page, "chat.png")


def test_clicking_a_marker_shows_that_source(page: Page) -> None:
    ask(page, "Whom did Sergei Lavrov visit in Jakarta?", 0)
    ask(page, "Mengapa Rusia dan China memperluas kerja sama keamanan?", 1)
    page.locator("#mitra-chat .bot").first.locator("a.cite").first.click()
    expect(page.locator("#src-0-1")).to_be_visible()
    expect(page.locator("#src-0-1")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#src-1-1")).to_be_hidden()
    page.locator("#src-0-1 summary").click()  # the whole cleaned article opens
    expect(page.locator("#src-0-1 .article mark")).to_be_visible()


def test_an_uploaded_article_is_indexed_and_cited(page: Page, tmp_path: Path) -> None:
    article = tmp_path / "pabrik-kazan.txt"
    article.write_text(
        "Rusia dan Indonesia bangun pabrik baterai di Kazan\n"
        "Rusia dan Indonesia sepakat membangun pabrik baterai nikel di Kazan, Tatarstan.\n"
        "Menurut Kementerian Industri, pabrik baterai di Kazan akan mulai beroperasi pada 2031.\n",
        encoding="utf-8",
    )
    assert "added 1" in upload(page, article)
    expect(page.locator("#mitra-articles")).to_contain_text("pabrik-kazan.txt")
    screenshot(page, "library.png")

    ask(page, "Kapan pabrik baterai di Kazan mulai beroperasi?", 0)
    expect(page.locator("#src-0-1")).to_contain_text("2031")
    visible_source(page, 0)


def test_a_binary_upload_is_rejected_with_its_reason(page: Page, tmp_path: Path) -> None:
    photo = tmp_path / "foto.txt"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7\n\x00\x01\x02")
    status = upload(page, photo, scan)
    assert "skipped 2" in status
    assert "foto.txt: binary file, not text" in status
    assert "scan.pdf: unsupported file type '.pdf'" in status


def test_markup_in_an_article_is_shown_as_text(
    page: Page, tmp_path: Path, dialogs: list[str]
) -> None:
    title = "Kapal selam <script>alert('xss')</script> Rusia <img src=x onerror=alert(1)>"
    article = tmp_path / "kapal-selam.txt"
    article.write_text(
        f"{title}\n"
        "Rusia mengirim kapal selam Kilo ke Laut Kaspia <script>alert(2)</script> pada April.\n"
        "Kapal selam Kilo itu berlabuh di Astrakhan <b onmouseover=alert(3)>selama sepekan</b>.\n",
        encoding="utf-8",
    )
    assert "added 1" in upload(page, article)
    expect(page.locator("#mitra-articles")).to_contain_text("<script>alert('xss')</script>")

    ask(page, "Di mana kapal selam Kilo Rusia berlabuh?", 0)
    card = page.locator("#src-0-1")
    expect(card).to_contain_text("<script>alert(2)</script>")
    card.locator("summary").click()
    expect(card.locator(".article")).to_contain_text("<b onmouseover=alert(3)>")
    card.locator(".article").hover()
    injected = "#mitra-sources script, #mitra-sources img, #mitra-sources b, #mitra-chat script"
    assert page.locator(injected).count() == 0
    assert dialogs == []


def test_only_the_apps_own_files_are_served(ui_url: str) -> None:
    for path in (ROOT / "pyproject.toml", Path("/etc/passwd")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{ui_url}gradio_api/file={path}", timeout=10)
        assert refused.value.code == 403
