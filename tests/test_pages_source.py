"""Which outlet a page belongs to, when its host does not say (mirrors, other tools' WARCs)."""

from __future__ import annotations

from lxml import html

from crawler.pages import detect_source


def test_outlet_of_a_mirrored_page_comes_from_its_canonical_link() -> None:
    page = html.fromstring(
        '<html><head><link rel="canonical" href="https://www.reuters.com/world/x-2021-05-25/">'
        "</head><body></body></html>"
    )
    assert detect_source("http://127.0.0.1:8080/world/x-2021-05-25/", page) == "reuters"
    og_only = html.fromstring(
        '<html><head><meta property="og:url" content="http://edition.cnn.com/2013/01/29/a/'
        'index.html"></head><body></body></html>'
    )
    assert detect_source("http://mirror.example/2013/01/29/a/index.html", og_only) == "cnn"
    assert detect_source("http://mirror.example/x", html.fromstring("<p>x</p>")) is None
