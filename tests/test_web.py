"""Web UI in real headless Chromium (Playwright, Debian's /usr/bin/chromium) against a uvicorn server."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from recoupe.api import create_app
from recoupe.model import Quote, RawDocument, Story
from recoupe.pipeline import RunReport, clean_documents, save
from recoupe.settings import Settings
from recoupe.store import Store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parents[1] / "docs"
PUTIN = "ne nous demande aucune assistance militaire"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Server:
    """uvicorn serving recoupe's app for one database, in a thread, on a free loopback port."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `make chromium` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def test_seeds_story_speaker_and_search(pipeline_seeds_db: Path, page: object, tmp_path: Path) -> None:
    """The seeds analysed end to end: story list → story (two outlets, shared Putin quote) → speaker → search.

    The story page's screenshot goes to tmp_path; RECOUPE_UPDATE_SCREENSHOT=1 writes docs/story-page.png instead.
    """
    from playwright.sync_api import expect

    screenshot = DOCS / "story-page.png" if os.environ.get("RECOUPE_UPDATE_SCREENSHOT") == "1" else (
        tmp_path / "story-page.png")
    pg = page  # type: ignore[assignment]
    with Server(pipeline_seeds_db) as base:
        pg.goto(base + "/")  # type: ignore[attr-defined]
        rows = pg.get_by_test_id("story-row")  # type: ignore[attr-defined]
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("2")
        rows.first.get_by_test_id("story-link").click()

        columns = pg.get_by_test_id("outlet-column")  # type: ignore[attr-defined]
        expect(columns).to_have_count(2)
        expect(columns.nth(0).locator("h3")).to_have_text("TRT Global")
        expect(columns.nth(1).locator("h3")).to_have_text("média inconnu")
        expect(pg.get_by_test_id("shared-passage").first).to_be_visible()  # type: ignore[attr-defined]
        putin = pg.get_by_test_id("story-quotes").get_by_test_id("quote").filter(has_text=PUTIN)  # type: ignore[attr-defined]
        expect(putin).to_have_count(1)
        expect(putin).to_have_attribute("data-n-outlets", "2")
        expect(putin.get_by_test_id("n-outlets")).to_have_text("2 médias")
        expect(putin.get_by_test_id("carrier")).to_have_count(2)
        expect(putin.get_by_test_id("single-source")).to_have_count(0)
        expect(pg.get_by_test_id("single-source").first).to_be_visible()  # type: ignore[attr-defined]
        pg.screenshot(path=str(screenshot), full_page=True)  # type: ignore[attr-defined]
        assert screenshot.stat().st_size > 10_000

        putin.get_by_role("link", name="Vladimir Poutine").click()
        expect(pg.get_by_test_id("speaker-name")).to_have_text("Vladimir Poutine")  # type: ignore[attr-defined]
        plot = pg.get_by_test_id("timeline").locator("svg")  # type: ignore[attr-defined]
        expect(plot).to_be_visible()
        assert plot.locator("rect.bar").count() >= 1
        assert plot.bounding_box()["height"] > 100

        box = pg.get_by_test_id("search-input")  # type: ignore[attr-defined]
        box.fill("assistance militaire")
        box.press("Enter")
        expect(pg).to_have_url(re.compile(r"/search\?q=assistance\+militaire"))
        hit = pg.get_by_test_id("quote-results").get_by_test_id("quote").filter(has_text=PUTIN)  # type: ignore[attr-defined]
        expect(hit).to_have_count(1)
        hit.locator("blockquote a").click()
        expect(pg).to_have_url(re.compile(r"/quotes/"))
        expect(pg.get_by_test_id("quote-text")).to_contain_text(PUTIN)  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("quote-page")).to_have_attribute("data-n-outlets", "2")  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("occurrence")).to_have_count(2)  # type: ignore[attr-defined]


HOSTILE = (
    "Un article piégé. <script>window.__pwned = 'script'</script> Fin du paragraphe.\n\n"
    "Une image <img src=x onerror=\"window.__pwned = 'img'\"> et un lien <a href=\"javascript:window.__pwned='a'\">"
    "clic</a> puis \" onmouseover=\"window.__pwned='attr'\" x=\" et ' onfocus='window.__pwned=1' autofocus '.\n\n"
    "« <script>window.__pwned = 'quote'</script> \"><img src=x onerror=window.__pwned='q2'> », a déclaré le maire."
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    evil_outlet = "\"><script>window.__pwned='outlet'</script>"
    raw = RawDocument("evil.txt", "evil.txt", HOSTILE, outlet=evil_outlet, published="2025-03-01")
    [article], records = clean_documents([raw])
    start = article.text.index("<script>window.__pwned = 'quote'")
    end = article.text.index(" », a déclaré")
    speaker = "<b onclick=\"window.__pwned='speaker'\">Le Maire</b>"
    quote = Quote(article.id, article.file, "direct", article.text[start:end], start, end, speaker, "le maire")
    story = Story("s<script>1</script>", "<script>window.__pwned='title'</script>", "2025-03-01", "2025-03-01",
                  [article.id])
    with Store(db) as store:
        save(store, RunReport(inputs=records, articles=[article], quotes=[quote], stories=[story]), Settings())
    return db


def test_hostile_article_renders_inert(hostile_db: Path, page: object) -> None:
    """<script>, <img onerror>, quote marks in attributes: shown as text, never run, in every page."""
    from playwright.sync_api import expect

    pg = page  # type: ignore[assignment]
    with Server(hostile_db) as base:
        pg.goto(base + "/")  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("story-link")).to_contain_text("<script>")  # type: ignore[attr-defined]
        pg.get_by_test_id("story-link").click()  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("story-title")).to_contain_text("<script>window.__pwned='title'</script>")  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("outlet-column").locator("h3")).to_contain_text("<script>")  # type: ignore[attr-defined]
        body = pg.get_by_test_id("outlet-column")  # type: ignore[attr-defined]
        expect(body).to_contain_text("<img src=x onerror=")
        assert body.locator("img, script, [onerror], [onmouseover], [onfocus], [onclick]").count() == 0
        assert body.locator("a[href^='javascript']").count() == 0
        urls = [pg.url]  # type: ignore[attr-defined]
        pg.get_by_test_id("quote").locator("blockquote a").click()  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("quote-text")).to_contain_text("<script>")  # type: ignore[attr-defined]
        urls.append(pg.url)  # type: ignore[attr-defined]
        pg.get_by_role("link", name=re.compile("Le Maire")).first.click()  # type: ignore[attr-defined]
        expect(pg.get_by_test_id("speaker-name")).to_contain_text("<b onclick=")  # type: ignore[attr-defined]
        urls.append(pg.url)  # type: ignore[attr-defined]
        pg.goto(base + "/search?q=" + "%3Cscript%3E")  # type: ignore[attr-defined]
        expect(pg.locator("h1")).to_contain_text("<script>")  # type: ignore[attr-defined]
        for url in [*urls, pg.url]:  # type: ignore[attr-defined]
            pg.goto(url)  # type: ignore[attr-defined]
            pg.wait_for_load_state("load")  # type: ignore[attr-defined]
            assert pg.evaluate("window.__pwned") is None, url  # type: ignore[attr-defined]
            assert pg.locator("main script, main img, main [onerror], main [onclick]").count() == 0  # type: ignore[attr-defined]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        html = TestClient(create_app(hostile_db)).get(urls[0].replace(base, "")).text
        assert "<script>window" not in html and "&lt;script&gt;window.__pwned" in html
