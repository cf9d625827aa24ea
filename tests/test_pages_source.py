"""Which outlet a page belongs to, when its host does not say (mirrors, other tools' WARCs)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

from crawler.pages import analyse, detect_source
from crawler.pages.outlets import by_name

MIRROR = "http://mirror.example/x"


def head(markup: str) -> html.HtmlElement:
    """A page whose ``<head>`` holds `markup` and whose body is empty."""
    return html.fromstring(f"<html><head>{markup}</head><body></body></html>")


def ld(block: str) -> html.HtmlElement:
    """A page whose one JSON-LD block is `block`."""
    return head(f'<script type="application/ld+json">{block}</script>')


def test_outlet_of_a_mirrored_page_comes_from_its_canonical_link() -> None:
    page = head('<link rel="canonical" href="https://www.reuters.com/world/x-2021-05-25/">')
    assert detect_source("http://127.0.0.1:8080/world/x-2021-05-25/", page) == "reuters"
    og_only = head(
        '<meta property="og:url" content="http://edition.cnn.com/2013/01/29/a/index.html">'
    )
    assert detect_source("http://mirror.example/2013/01/29/a/index.html", og_only) == "cnn"
    assert detect_source(MIRROR, html.fromstring("<p>x</p>")) is None


def test_the_json_ld_publisher_names_the_outlet_not_any_string_of_it() -> None:
    """A Reuters story in another tool's archive, its headline about CNN: any JSON-LD string
    opening with "CNN" made the page CNN's, read by CNN's templates."""
    page = ld(
        '{"@type": "NewsArticle", "headline": "CNN names a new chief",'
        ' "publisher": {"@type": "Organization", "name": "Reuters"}}'
    )
    assert detect_source(MIRROR, page) == "reuters"
    listed = ld('[{"@type": "NewsArticle", "publisher": [{"name": "CNN International"}]}]')
    assert detect_source(MIRROR, listed) == "cnn"
    assert detect_source(MIRROR, ld('{"headline": "CNN names a chief"}')) is None


SITE = Path(__file__).resolve().parent.parent / "archive" / "testsite" / "site"


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("cnn", "/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"),
        ("reuters", "/article/2013/01/17/us-mali-algeria-idUSBRE90G0XY20130117"),
    ],
)
def test_a_mirrored_page_stating_no_address_is_identified_under_its_outlets_host(
    source: str, path: str
) -> None:
    """A page fetched from a mirror (the test site on 127.0.0.1:PORT) with no canonical
    link nor og:url had the mirror's host and port as its canonicalUrl, and an articleId
    of the mirror's ("127-..."), which changed with the port."""
    file = SITE / source / path.lstrip("/")
    body = (file / "index.html" if file.is_dir() else file).read_bytes()
    body = re.sub(rb'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', b"", body)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    declared = by_name(source)
    assert declared is not None
    items = []
    for port in (8300, 18301):
        url = f"http://127.0.0.1:{port}{path}"
        article = analyse(url, headers, body, source=source).article
        assert article is not None
        assert article["url"] == url  # the address fetched, port included
        assert urlsplit(article["canonicalUrl"]).hostname in declared.same_site_hosts
        assert article["articleId"].startswith(f"{source}-")
        assert all("127.0.0.1" not in link["url"] for link in article["relatedLinks"])
        items.append(article)
    assert items[0]["articleId"] == items[1]["articleId"]
    assert items[0]["canonicalUrl"] == items[1]["canonicalUrl"]
