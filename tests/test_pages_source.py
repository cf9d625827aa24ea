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


def test_the_json_ld_publisher_names_the_outlet_not_any_string_of_it() -> None:
    """A Reuters story in another tool's archive, its headline about CNN: any JSON-LD string
    opening with "CNN" made the page CNN's, read by CNN's templates."""
    page = html.fromstring(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "CNN names a new chief", "publisher": {"@type": "Organization",'
        ' "name": "Reuters"}}</script></head><body></body></html>'
    )
    assert detect_source("http://mirror.example/x", page) == "reuters"
    listed = html.fromstring(
        '<html><head><script type="application/ld+json">[{"@type": "NewsArticle",'
        ' "publisher": [{"name": "CNN International"}]}]</script></head><body></body></html>'
    )
    assert detect_source("http://mirror.example/x", listed) == "cnn"
    unnamed = html.fromstring(
        '<html><head><script type="application/ld+json">{"headline": "CNN names a chief"}'
        "</script></head><body></body></html>"
    )
    assert detect_source("http://mirror.example/x", unnamed) is None
