"""The story explorer in a real headless Chromium (Playwright driving the system ``chromium``):
start page, search, article, story view, replay through pywb; no console error, no broken
link inside the explorer, no script from a hostile headline. Screenshots under tmp_path."""

from __future__ import annotations

import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from archive.store import ArticleStore
from crawler.pages.urls import article_id

from . import test_replay_helpers as helpers
from .conftest import browsing, copy_data_dir, store_lines

site_archive = helpers.site_archive

LOOPBACK = ("127.0.0.1", "localhost", "::1")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No host but loopback: Chromium's own services (autofill, optimization hints) and its
    # preconnects to the outlets' sites a story links find no proxy and no name.
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
UPDATED_WORDS = "Quartermasters counted the convoys twice"
# Our own Arabic: "Boats returned to the river at Kidal", and a paragraph of it.
ARABIC_HEADLINE = "عادت القوارب إلى النهر في كيدال"
LONG_WORD = "Kidal" + "ferries" * 60
ARABIC_PARAGRAPH = "قال الصيادون إن القوارب عادت صباح الثلاثاء بعد أسابيع من التوقف."


def derived(line: dict[str, Any], **changes: Any) -> dict[str, Any]:
    item = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    item.update(changes)
    return item


@pytest.fixture(scope="module")
def explorer_data(site_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crawled test site, plus a second version of one article and a hostile article."""
    data = tmp_path_factory.mktemp("explorer") / "data"
    copy_data_dir(site_archive, data)
    lines = store_lines(data)
    rich = max(lines, key=lambda line: len(line["relatedLinks"]))
    paragraphs = [*rich["paragraphs"]]
    paragraphs[1] = UPDATED_WORDS + ". " + paragraphs[1]
    updated = derived(rich, paragraphs=paragraphs, articleBody="\n\n".join(paragraphs))
    canonical = rich["canonicalUrl"].rstrip("/") + "-hostile/"
    hostile = derived(
        rich,
        headline=HOSTILE,
        url=rich["url"].rstrip("/") + "-hostile/",
        canonicalUrl=canonical,
        articleId=article_id(canonical),
        dateline=HOSTILE,
    )
    canonical = rich["canonicalUrl"].rstrip("/") + "-arabic/"
    arabic = derived(
        rich,
        headline=ARABIC_HEADLINE,
        url=rich["url"].rstrip("/") + "-arabic/",
        canonicalUrl=canonical,
        articleId=article_id(canonical),
        dateline="كيدال",
        paragraphs=[ARABIC_PARAGRAPH, "Kidal (CNN) - A paragraph in English."],
        articleBody=ARABIC_PARAGRAPH + "\n\nKidal (CNN) - A paragraph in English.",
        inLanguage="ar",
    )
    canonical = rich["canonicalUrl"].rstrip("/") + "-" + "long" * 100 + "/"
    long = derived(
        rich,
        headline="Ferries " + LONG_WORD,
        url=canonical,
        canonicalUrl=canonical,
        articleId=article_id(canonical),
        paragraphs=[LONG_WORD],
        articleBody=LONG_WORD,
    )
    with ArticleStore(data) as store:
        assert store.add(updated).status == "updated"
        assert store.add(hostile).status == "new"
        assert store.add(arabic).status == "new"
        assert store.add(long).status == "new"
    return data


@pytest.fixture(scope="module")
def explorer(explorer_data: Path) -> Iterator[str]:
    """`newsarchive browse` on a free loopback port; yields its base URL (no trailing /)."""
    with browsing(explorer_data) as base:
        yield base


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium (the system package) for the whole session."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "chromium is not installed (.ci/run installs it with apt-get)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors, page errors and failed requests are collected."""

    def __init__(self, browser: Any, base: str, shots: Path):
        self.base = base
        self.shots = shots
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        # Stories link to cnn.com and reuters.com: nothing the browser loads may go there
        # (the suite's proxy refuses it as well; this names it and fails the test).
        self.context.route("**/*", self._loopback_only)

    def _loopback_only(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK:
            route.continue_()
            return
        self.errors.append(f"a request left the machine: {url}")
        route.abort()

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = str(message.location.get("url", ""))
        # A replayed page's own images were never archived (the crawl keeps HTML): pywb
        # answers 404 for them inside the replay frame. Anything else is an error.
        if re.search(r"/news/\d{14}[a-z]{2}_/", where) and "404" in message.text:
            return
        self.errors.append(f"console: {message.text} at {where}")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        assert (self.shots / f"{name}.png").stat().st_size > 1000

    def check_links(self) -> None:
        """Every link of the explorer on this page answers 200 (replays are followed once)."""
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "elements => elements.map(e => e.getAttribute('href'))"
        )
        for href in dict.fromkeys(hrefs):
            assert href.startswith("/"), f"a link leaves the explorer: {href}"
            if href.startswith("/news/"):
                continue
            response = self.context.request.get(self.base + href)
            assert response.status == 200, f"broken link {href}: {response.status}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(chromium: Any, explorer: str, tmp_path: Path) -> Iterator[Watched]:
    page = Watched(chromium, explorer, tmp_path)
    yield page
    page.close()
    assert not page.errors, page.errors


@pytest.mark.pywb
def test_read_a_story_in_the_browser(watched: Watched, explorer_data: Path) -> None:
    page = watched.page
    lines = store_lines(explorer_data)
    latest = {line["articleId"]: line for line in sorted(lines, key=lambda x: x["version"])}

    page.goto(watched.base + "/")
    items = page.locator("ol.articles li")
    assert items.count() == len(latest)
    dates = page.locator("ol.articles li time").all_inner_texts()
    assert dates == sorted(dates, reverse=True)  # newest publication first
    for name in ("q", "source", "topic", "since", "until"):
        assert page.locator(f"form.filters [name={name}]").count() == 1
    watched.check_links()
    watched.shot("start")

    rich = max(lines, key=lambda line: len(line["relatedLinks"]))
    page.fill("input[name=q]", "quartermasters")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"q=quartermasters"))
    results = page.locator("ol.articles li a.headline")
    assert results.all_inner_texts() == [rich["headline"]]
    assert page.locator("ol.articles li mark").first.inner_text().lower() == "quartermasters"
    watched.check_links()
    watched.shot("search")

    page.select_option("select[name=source]", rich["source"])
    page.fill("input[name=q]", "")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"source="))
    outlets = page.locator("ol.articles li .outlet").all_inner_texts()
    assert outlets and set(outlets) == {rich["source"]}

    page.goto(watched.base + "/?q=quartermasters")
    page.click("ol.articles li a.headline")
    page.wait_for_url(re.compile(r"/article/"))  # loaded: counts below do not wait
    assert page.locator("h1.headline").inner_text() == rich["headline"]
    assert page.locator("section.versions article.version").count() == 2
    assert UPDATED_WORDS in page.locator("section.versions ins").first.inner_text()
    assert page.locator("section.captures a.replay").count() >= 1
    outgoing = page.locator("ul.links-out li")
    assert outgoing.count() == len(rich["relatedLinks"])
    assert page.locator("ul.links-out li", has_text="not stored").count() >= 1
    # A related link the site redirects: the article stored at the redirect's end.
    archived = page.locator("ul.links-out li a.replay").count()
    assert archived == sum(1 for link in rich["relatedLinks"] if "video" not in link["url"])
    redirected = page.locator("ul.links-out li", has_text="through a redirect")
    assert redirected.count() == 1
    assert redirected.locator("a[href^='/article/']").count() == 1
    watched.check_links()
    watched.shot("article")
    article_url = page.url

    page.click("a.story")
    page.wait_for_url(re.compile(r"/story\?"))
    svg = page.locator("svg.story")
    assert svg.count() == 1
    nodes = svg.locator("a.node")
    assert nodes.count() >= 3
    assert svg.locator("line.edge").count() >= 2
    watched.check_links()
    watched.shot("story")
    nodes.first.click()
    page.wait_for_url(re.compile(r"/article/"))
    assert page.locator("h1.headline").count() == 1

    page.goto(article_url)
    page.locator("section.captures a.replay").last.click()
    page.wait_for_url(re.compile(r"/news/\d{14}/"))
    frame = page.frame_locator("iframe").first
    frame.locator("h1", has_text=rich["headline"]).wait_for()
    banner = page.locator("text=Current Capture")
    banner.wait_for()
    watched.shot("replay")


def test_a_request_for_an_outlet_is_stopped_and_counted(
    chromium: Any, explorer: str, tmp_path: Path
) -> None:
    """The guard every browser test runs under: a request off loopback never leaves and
    fails the test that made it."""
    page = Watched(chromium, explorer, tmp_path)
    try:
        with pytest.raises(PlaywrightError, match="ERR_FAILED"):
            page.page.goto("https://www.cnn.com/")
        assert page.errors == ["a request left the machine: https://www.cnn.com/"]
    finally:
        page.close()


def test_a_hostile_headline_is_shown_as_text_and_never_runs(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "/?q=pwned")
    assert page.title() != "pwned"
    link = page.locator("ol.articles li a.headline")
    assert link.all_inner_texts() == [HOSTILE]
    assert page.locator("ol.articles img").count() == 0
    link.click()
    page.wait_for_url(re.compile(r"/article/"))
    assert page.locator("h1.headline").inner_text() == HOSTILE
    assert page.locator("main script, main img").count() == 0
    assert page.title() != "pwned"
    page.click("a.story")
    page.wait_for_url(re.compile(r"/story\?"))
    assert page.locator("svg.story a.node title", has_text="<script>").count() == 1
    assert page.evaluate("document.title") != "pwned"


def test_start_page_is_served_from_loopback_only_with_no_outside_reference(
    explorer: str,
) -> None:
    with urllib.request.urlopen(explorer + "/", timeout=30) as response:
        body = response.read().decode("utf-8")
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert not re.search(r"(src|href)=\"(https?:)?//", body)


def _direction(page: Any, selector: str) -> list[str]:
    return list(
        page.eval_on_selector_all(
            selector, "elements => elements.map(e => getComputedStyle(e).direction)"
        )
    )


def test_each_right_to_left_value_runs_right_to_left_on_a_left_to_right_page(
    watched: Watched,
) -> None:
    """An Arabic story (CNN Arabic states inLanguage "ar") was laid out left to right, its
    headline, dateline and text with their punctuation at the wrong end."""
    page = watched.page
    page.goto(watched.base + "/")
    assert _direction(page, "html") == ["ltr"]
    headlines = page.locator("ol.articles li a.headline")
    directions = dict(
        zip(headlines.all_inner_texts(), _direction(page, "ol.articles li a.headline"), strict=True)
    )
    assert directions.pop(ARABIC_HEADLINE) == "rtl"
    assert set(directions.values()) == {"ltr"}
    page.click(f"text={ARABIC_HEADLINE}")
    page.wait_for_url(re.compile(r"/article/"))
    assert _direction(page, "h1.headline") == ["rtl"]
    assert _direction(page, "span.dateline") == ["rtl"]
    assert _direction(page, "section.text p")[-2:] == ["rtl", "ltr"]  # after the summary
    assert _direction(page, "table.fields th") == ["ltr"] * page.locator("table.fields th").count()
    assert _direction(page, "main") == ["ltr"]


def test_a_right_to_left_search_is_written_back_right_to_left(watched: Watched) -> None:
    """The search box took the page's direction: an Arabic search written back into it ran
    left to right, its words in the wrong order at a glance."""
    page = watched.page
    page.goto(watched.base + "/?" + urlencode({"q": "القوارب"}))
    assert page.locator("ol.articles li a.headline").all_inner_texts() == [ARABIC_HEADLINE]
    assert page.input_value("input[name=q]") == "القوارب"
    assert _direction(page, "input[name=q]") == ["rtl"]
    page.goto(watched.base + "/?q=ferries")
    assert _direction(page, "input[name=q]") == ["ltr"]


def test_a_long_unbroken_value_wraps_inside_the_page(watched: Watched) -> None:
    """A URL or word longer than the page is wide (a slug of 400 letters) ran out of the
    layout: the page scrolled sideways, the table of fields widest of all."""
    page = watched.page
    page.set_viewport_size({"width": 600, "height": 900})
    page.goto(watched.base + "/?q=ferries")
    page.click("ol.articles li a.headline >> text=/Ferries Kidal/")
    page.wait_for_url(re.compile(r"/article/"))
    story = page.locator("a.story").get_attribute("href")
    for path in ("", story, "/?q=ferries"):
        if path:
            page.goto(watched.base + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.evaluate("document.documentElement.clientWidth"), page.url
