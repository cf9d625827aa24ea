"""Which outlet a page belongs to, when its host does not say (mirrors, other tools' WARCs)."""

from __future__ import annotations

from lxml import html

from crawler.pages import detect_source

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
