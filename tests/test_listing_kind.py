"""Which bodies are XML listings (sitemaps, feeds), whatever comments open them."""

from __future__ import annotations

import pytest

from crawler.pages.listing import xml_listing_kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "rss"),
        (b"\n<!-- one -->\n<!-- two --> <urlset><url/></urlset>", "urlset"),
        (b'<?xml version="1.0"?>\n<!-- a --> x --><feed xmlns="x"/>', "feed"),
        (b"<sitemapindex/>", "sitemapindex"),
        (b"<rdf:RDF/>", "rdf:RDF"),
        (b"<!--[if !IE]> cached <![endif]-->\n<!-- b -->\n<!DOCTYPE html><html/>", None),
        (b"<!-- a -->\n<html><body><p>A feed: <rss> in text</p></body></html>", None),
        (b"<html><body><rss/></body></html>", None),
        (b"<rssfeed/>", None),
    ],
)
def test_xml_listing_kind(body: bytes, kind: str | None) -> None:
    assert xml_listing_kind(body) == kind
