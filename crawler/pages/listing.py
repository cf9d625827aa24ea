"""Listings: news sitemaps, RSS/Atom feeds and section pages, read for the links they list."""

from __future__ import annotations

import re

from lxml import etree, html

from .base import Link
from .text import text_of
from .urls import resolve_link

_XML_START_RE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(urlset|sitemapindex|rss|feed|rdf:RDF)\b", re.S
)

# Page regions whose links are navigation, never coverage.
_CHROME_XPATH = (
    "ancestor-or-self::*[self::nav or self::footer or self::header"
    " or contains(@class, 'nav') or contains(@class, 'footer') or contains(@class, 'header')"
    " or contains(@class, 'ad-') or contains(@class, 'advert') or contains(@id, 'nav')"
    " or contains(@id, 'footer') or contains(@id, 'header') or contains(@id, 'ftr')"
    " or contains(@id, 'hdr') or contains(@id, 'masthead') or contains(@class, 'mostPopular')"
    " or contains(@class, 'most-popular') or contains(@class, 'mtpmost')]"
)


def xml_listing_kind(body: bytes) -> str | None:
    """``urlset``, ``sitemapindex``, ``rss``, ``feed`` or ``rdf:RDF`` when the body is one."""
    match = _XML_START_RE.match(body[:4096])
    return match.group(1).decode() if match else None


def xml_links(body: bytes, base: str) -> list[Link]:
    """Every entry of a sitemap, sitemap index, RSS or Atom feed, with its title if given."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links: list[Link] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        href: str | None = None
        title = ""
        if local in ("url", "sitemap"):
            href = _child_text(element, "loc")
            title = _child_text(element, "title") or ""
        elif local == "item":
            href = _child_text(element, "link")
            title = _child_text(element, "title") or ""
        elif local == "entry":
            for child in element:
                if isinstance(child.tag, str) and etree.QName(child).localname == "link":
                    href = child.get("href")
                    break
            title = _child_text(element, "title") or ""
        url = resolve_link(href, base) if href else None
        if url:
            links.append(Link(url=url, kind="listing", headline=title))
    return links


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None


def page_links(doc: html.HtmlElement, base: str) -> list[Link]:
    """Links of a section page outside navigation, headers, footers and ad slots."""
    links: list[Link] = []
    seen: set[str] = set()
    for anchor in doc.iter("a"):
        url = resolve_link(anchor.get("href"), base)
        if not url or url in seen:
            continue
        if anchor.xpath(_CHROME_XPATH):
            continue
        seen.add(url)
        links.append(Link(url=url, kind="listing", headline=text_of(anchor)))
    return links
