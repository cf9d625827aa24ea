"""Challenge pages are recognised as blocks; article pages that load a bot script are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.pages import analyse
from crawler.pages.blocks import is_block_page
from crawler.spiders.base import NewsSpider

from .test_pages_fixtures import load_fixture

DATADOME_CHALLENGE = b"""<html lang="en"><head><title>reuters.com</title>
<style>#cmsg{animation: A 1.5s;}@keyframes A{0%{opacity:0;}99%{opacity:0;}100%{opacity:1;}}</style>
</head><body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={'rt':'c','cid':'AHrlqAAAAAMAx1x2x3x4x5x6AAAA==',
'hsh':'2013457ADA70C67D6A4123E0A76873','t':'fe','s':45595,'e':'c0ffee','host':'geo.captcha-delivery.com'}</script>
<script data-cfasync="false" src="https://ct.captcha-delivery.com/c.js"></script>
</body></html>"""

ARTICLE_WITH_DATADOME_TAG = (
    b"""<!DOCTYPE html><html lang="en"><head><title>French troops reach Gao | Reuters</title>
<script>window.ddjskey = 'A1B2C3D4E5F6';window.ddoptions = {endpoint: 'https://api-js.datadome.co/js/',
ajaxListenerPath: true};</script><script src="https://js.datadome.co/tags.js" async></script>
<noscript>Please enable JavaScript to view the comments.</noscript>
</head><body><article><h1>French troops reach Gao</h1>"""
    + b"<p>GAO, Mali (Reuters) - French and Malian soldiers entered the town on Saturday"
    b" after air strikes drove the rebels out of their positions near the river.</p>"
    * 12
    + b"</article></body></html>"
)


def test_datadome_challenge_with_200_is_blocked() -> None:
    assert is_block_page(200, DATADOME_CHALLENGE)
    analysis = analyse(
        "https://www.reuters.com/world/africa/x/",
        {"Content-Type": "text/html"},
        DATADOME_CHALLENGE,
        status=200,
        source="reuters",
    )
    assert analysis.kind == "blocked"
    assert analysis.article is None


def test_datadome_challenge_with_403_is_blocked() -> None:
    assert is_block_page(403, DATADOME_CHALLENGE)
    analysis = analyse(
        "https://www.reuters.com/world/africa/x/",
        {"Content-Type": "text/html"},
        DATADOME_CHALLENGE,
        status=403,
        source="reuters",
    )
    assert analysis.kind == "blocked"


def test_article_loading_the_datadome_tag_is_not_blocked() -> None:
    assert not is_block_page(200, ARTICLE_WITH_DATADOME_TAG)


def test_other_challenges() -> None:
    captcha = b"<html><body><h1>Are you a robot?</h1><div id='px-captcha'></div></body></html>"
    assert is_block_page(200, captcha)
    assert is_block_page(401, b"")


def test_ordinary_pages_are_not_blocked() -> None:
    assert not is_block_page(200, b"<html><body><p>Hello</p></body></html>")
    assert not is_block_page(404, b"<html><body>Not found</body></html>")


def _with_long_head(page: bytes, notice: bytes) -> bytes:
    """`page` with `notice` and 70 KB of inline styles closing its ``<head>``: its first
    64 KB then show a challenge's phrase and next to no readable text."""
    rules = b"".join(b".rule-%d{margin:0 %dpx;color:#%06x}" % (i, i % 9, i) for i in range(30))
    styles = b"".join(b"<style>%s</style>\n" % rules for _ in range(70))
    notice = b"<noscript>" + notice + b"</noscript>"
    return page.replace(b"</head>", notice + styles + b"</head>", 1)


def test_an_article_in_its_outlets_markup_is_never_taken_for_a_challenge() -> None:
    pages = Path(__file__).parent / "data" / "pages"
    expected, headers, body = load_fixture(pages / "cnn_2013" / "script_stamp_banner_topic.html")
    page = _with_long_head(body, b"Please enable JavaScript to watch this video.")
    assert 65536 < len(page) < 200_000
    assert is_block_page(200, page)  # what the bytes alone say: a phrase, no text to read
    analysis = analyse(expected["url"], headers, page, source="cnn")
    assert analysis.kind == "article"
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://www.cnn.com/2013/01/12/world/africa/x/index.html", "cnn"),
        ("https://ireport.cnn.com/docs/DOC-1", "cnn"),
        ("https://blogs.reuters.com/great-debate/2013/01/12/x/", "reuters"),
        ("https://example.org/news/x", None),
    ],
)
def test_a_challenge_page_is_blocked_whichever_template_would_read_it(
    url: str, source: str | None
) -> None:
    analysis = analyse(url, {"Content-Type": "text/html"}, DATADOME_CHALLENGE, source=source)
    assert analysis.kind == "blocked"
    assert analysis.reason == "challenge page"
    assert analysis.source == source


def _guard_of(spider_class: type[NewsSpider]) -> tuple[Any, Callable[[str, bytes], None]]:
    """The refusal guard of a crawl of `spider_class`, built from the project's settings,
    and a function handing it a page answered at a URL with success."""
    from scrapy.http import HtmlResponse, Request

    from crawler.keys import KIND
    from crawler.refusal import RefusingOutletGuard

    from .test_components import project_crawler

    crawler = project_crawler(spider_class)
    crawler.spider = spider_class.from_crawler(crawler)
    guard = RefusingOutletGuard.from_crawler(crawler)

    def answer(url: str, body: bytes) -> None:
        request = Request(url, meta={KIND: "article"})
        guard.process_response(request, HtmlResponse(url, body=body, request=request))

    return guard, answer


def test_the_refusal_guard_counts_such_an_article_as_an_answer() -> None:
    """The guard that gives up an outlet answering only with challenges must not give up
    one whose first articles merely look like challenges to the bytes alone."""
    from crawler.spiders.outlets import CnnSpider

    guard, answer = _guard_of(CnnSpider)
    pages = Path(__file__).parent / "data" / "pages"
    expected, _, body = load_fixture(pages / "cnn_2013" / "script_stamp_banner_topic.html")
    page = _with_long_head(body, b"Please enable JavaScript to watch this video.")
    for _ in range(guard.after + 1):
        answer(expected["url"], page)
    assert guard.given_up == set()
    assert guard.answered == {urlsplit(expected["url"]).netloc}
    answer(expected["url"].replace("/index.html", "-challenged/index.html"), DATADOME_CHALLENGE)
    assert guard.refused == {}  # the host has answered: a later challenge changes nothing


def test_the_refusal_guard_gives_up_an_outlet_answering_only_challenges() -> None:
    from crawler.spiders.outlets import ReutersSpider

    guard, answer = _guard_of(ReutersSpider)
    for number in range(guard.after):
        answer(f"https://www.reuters.com/world/africa/story-{number}/", DATADOME_CHALLENGE)
    assert guard.given_up == {"www.reuters.com"}
