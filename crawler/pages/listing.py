"""Listings: news sitemaps, RSS/Atom feeds and section pages, read for the links they list."""

from __future__ import annotations

import re

from lxml import etree, html

from .base import Link, in_box
from .text import text_of
from .urls import resolve_link

_XML_START_RE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(urlset|sitemapindex|rss|feed|rdf:RDF)\b", re.S
)
# The root tag alone, looked for first: on an HTML page opening with several comments,
# the full pattern backtracks through every way of grouping them before it fails.
_XML_ROOT_RE = re.compile(rb"<(?:urlset|sitemapindex|rss|feed|rdf:RDF)\b")

# Page regions whose links are navigation, never coverage: these tags, and elements whose
# class or id contains one of these fragments (XPath contains(), case as written).
_CHROME_TAGS = frozenset(("nav", "footer", "header"))
_CHROME_CLASSES = (
    "nav",
    "footer",
    "header",
    "ad-",
    "advert",
    "mostPopular",
    "most-popular",
    "mtpmost",
)
_CHROME_IDS = ("nav", "footer", "header", "ftr", "hdr", "masthead")


def _is_chrome(element: html.HtmlElement) -> bool:
    """Whether `element` itself is navigation, a header, a footer or an ad slot."""
    if element.tag in _CHROME_TAGS:
        return True
    classes = element.get("class")
    if classes and any(fragment in classes for fragment in _CHROME_CLASSES):
        return True
    ids = element.get("id")
    return bool(ids) and any(fragment in ids for fragment in _CHROME_IDS)


def xml_listing_kind(body: bytes) -> str | None:
    """``urlset``, ``sitemapindex``, ``rss``, ``feed`` or ``rdf:RDF`` when the body is one."""
    head = body[:4096]
    match = _XML_START_RE.match(head) if _XML_ROOT_RE.search(head) else None
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
    # Whether an element is or sits in chrome, for the ancestors the anchors share.
    in_chrome: dict[html.HtmlElement, bool] = {}
    for anchor in doc.iter("a"):
        url = resolve_link(anchor.get("href"), base)
        if not url or url in seen:
            continue
        if in_box(anchor, _is_chrome, in_chrome):
            continue
        seen.add(url)
        links.append(Link(url=url, kind="listing", headline=text_of(anchor)))
    return links
