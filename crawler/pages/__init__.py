"""Extraction: (url, headers, body bytes) in, an :class:`Analysis` out. No Scrapy, no network.

The live crawl and offline replay call :func:`analyse` with the same bytes and get the
same item, which is what makes an archive re-extractable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree, html

from .article import ArticlePage
from .base import SCHEMA_VERSION, Analysis, Link, PageContext, header_value, is_jsonld_type
from .blocks import is_block_page
from .encoding import is_utf8, read_as_utf8, utf8_html
from .generic import GenericArticlePage
from .listing import page_links, xml_links, xml_listing_kind
from .outlets import outlets
from .rawtext import MAX_PAGE, MIN_PAGE, parse_cut, parse_without_code, without_code
from .registry import generic_reader, template_for
from .urls import outlet_of_host, url_error

__all__ = ["SCHEMA_VERSION", "Analysis", "Link", "analyse", "detect_source"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
_XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")


def detect_source(url: str, doc: html.HtmlElement | None = None) -> str | None:
    """The outlet of a page: its host, else the host its canonical link or og:url names
    (a mirror or another tool's archive keeps those), else og:site_name / JSON-LD publisher."""
    from urllib.parse import urlsplit

    source = outlet_of_host(urlsplit(url).hostname)
    if source or doc is None:
        return source
    stated = doc.xpath(
        '//link[translate(@rel, "CANONIC", "canonic")="canonical"]/@href'
        '|//meta[@property="og:url"]/@content'
    )
    for href in stated:
        source = outlet_of_host(urlsplit(href.strip()).hostname)
        if source:
            return source
    site_names = [v.lower() for v in doc.xpath('//meta[@property="og:site_name"]/@content')]
    for outlet in outlets():
        if any(word in name for word in outlet.site_names for name in site_names):
            return outlet.name
    publishers = " ".join(_jsonld_publishers(doc)).lower()
    for outlet in outlets():
        if any(word in publishers for word in outlet.site_names):
            return outlet.name
    return None


def _jsonld_publishers(doc: html.HtmlElement) -> list[str]:
    """The names of the publishers the page's JSON-LD states (``publisher.name``, or the
    string itself), in every block and object of it; not any string that names an outlet
    (a headline about CNN on a Reuters page)."""
    names: list[str] = []
    pending: list[Any] = []
    scripts = doc.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
    for text in (script.text or "" for script in scripts if is_jsonld_type(script.get("type"))):
        try:
            pending.append(json.loads(text, strict=False))
        except (ValueError, RecursionError):
            continue
    while pending and len(names) < 100:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node[:100])
        elif isinstance(node, dict):
            pending.extend(v for k, v in node.items() if k in ("@graph", "mainEntity"))
            publisher = node.get("publisher")
            for each in publisher if isinstance(publisher, list) else [publisher]:
                if isinstance(each, str):
                    names.append(each)
                elif isinstance(each, dict) and isinstance(each.get("name"), str):
                    names.append(each["name"])
    return names


def analyse(
    url: str,
    headers: Mapping[str, Any] | None,
    body: bytes,
    *,
    status: int = 200,
    source: str | None = None,
) -> Analysis:
    """Say what a fetched page is and extract its article and links.

    `body` is the payload after content decoding (gzip removed); `source` forces the
    outlet (a mirror's host says nothing about it). Never raises on bad input.
    """
    if status >= 400 or status < 200:
        if is_block_page(status, body):
            return Analysis(kind="blocked", source=source, reason=f"status {status}")
        return Analysis(kind="not_article", source=source, reason=f"status {status}")
    unreadable = url_error(url)
    if unreadable:  # no canonical URL or article id could be given to its item
        return Analysis(kind="not_article", source=source, reason=f"not a URL: {unreadable}")
    analysis, own_markup = _analyse_page(url, headers, body, source)
    # An article read by a template of its outlet's own markup is no challenge page, which
    # carries none; only the rest pay for the check (substring searches of 64 KB).
    if not own_markup and is_block_page(status, body):
        return Analysis(kind="blocked", source=source, reason="challenge page")
    return analysis


def _analyse_page(
    url: str, headers: Mapping[str, Any] | None, body: bytes, source: str | None
) -> tuple[Analysis, bool]:
    """:func:`analyse` of a page whose status is no error, and whether a template of its
    outlet's own markup (not a generic reading) read it as an article."""
    content_type = header_value(headers, "content-type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in _XML_TYPES or xml_listing_kind(body):
        links = xml_links(body, url)
        return Analysis(kind="listing", source=source, links=links, reason="feed"), False
    if mime not in _HTML_TYPES:
        return Analysis(kind="not_article", source=source, reason=f"content type {mime}"), False

    try:
        found = _large_utf8_page(body, content_type)
        if found is None:
            data, encoding = utf8_html(body, content_type)
            doc = parse_html(data)
        else:  # the body is UTF-8 as it is
            (doc, encoding), data = found, body
    except (ValueError, etree.ParserError, RecursionError) as exc:
        return Analysis(kind="not_article", source=source, reason=f"unparseable: {exc}"), False
    if doc is None:
        return Analysis(kind="not_article", source=source, reason="empty document"), False

    source = source or detect_source(url, doc)
    ctx = PageContext(url=url, doc=doc, source=source, encoding=encoding)
    template = None
    try:
        template = template_for(ctx)
        page = template(ctx)
        generic = issubclass(template, GenericArticlePage)
        if not generic and is_cut_short(data):  # its links are links all the same
            links = page_links(doc, url)
            return Analysis("not_article", source, links=links, reason=CUT_SHORT), False
        analysis = _read(page, url, doc, source)
        if analysis.kind == "article" or generic or page.is_non_article_page():
            return analysis, analysis.kind == "article" and not generic
        found_nothing: Analysis | None = analysis
    except RecursionError:
        reason = "document too deeply nested"
        return Analysis(kind="not_article", source=source, reason=reason), False
    except Exception:
        found_nothing = None
    # A template that breaks on markup it did not foresee, or finds no story on a page it
    # was chosen for (a redesign keeping one of its markers): the outlet's generic reader
    # answers, and the run report counts the page under the template's name.
    told = False  # whether the page tells it is a story, as a template's page must
    try:
        reader = generic_reader(source)(PageContext(url, doc, source, encoding))
        fallback = _read(reader, url, doc, source)
        told = fallback.kind == "article" and (reader.states_a_story() or reader.opens_once())
    except RecursionError:
        fallback = Analysis(kind="not_article", source=source, reason="document too deeply nested")
    except Exception as exc:
        fallback = Analysis(kind="not_article", source=source, reason=f"extraction failed: {exc!r}")
    if found_nothing is not None and not told:
        # No story either way, or only one the page does not tell (a section front whose
        # teasers open like stories): the template's reason stands.
        return found_nothing, False
    fallback.failed_template = _template_name(ctx) if template is None else _name_of(template, ctx)
    return fallback, False


# An outlet's own pages end with their </html> (its scripts may follow): a page a template
# of its markup reads without one was cut short on the way, an archive's capture that was
# without saying so (no WARC-Truncated). Half a story is no item.
CUT_SHORT = "page cut short: no </html> at its end (a truncated capture)"
_HTML_END = re.compile(rb"</[hH][tT][mM][lL]")
_END_STRETCH = 1 << 16


def is_cut_short(data: bytes) -> bool:
    """Whether a page (its UTF-8 bytes, as parsed) lacks the ``</html>`` an outlet's page
    ends with (in its last 64 KiB)."""
    start = max(0, len(data) - _END_STRETCH)
    if data.rfind(b"</html", start) >= 0 or data.rfind(b"</HTML", start) >= 0:
        return False  # found from the end, where it is, in C
    return _HTML_END.search(data, start) is None


def _read(page: ArticlePage, url: str, doc: html.HtmlElement, source: str | None) -> Analysis:
    """The analysis one page object gives: its item, or why it has none."""
    if page.is_article():
        item, related = page.item_and_links()
        return Analysis(
            kind="article",
            source=source,
            article=item,
            links=list(related),
            extractor=item["metadata"]["extractor"],
        )
    return Analysis(
        kind="not_article",
        source=source,
        links=page_links(doc, url),
        reason=page.not_article_reason(),
    )


def _template_name(ctx: PageContext) -> str:
    """The name of the template that reads `ctx` ("cnn/2013"), or "?" if choosing one failed."""
    try:
        template = template_for(ctx)
    except Exception:
        return f"{ctx.source or 'unknown'}/?"
    return _name_of(template, ctx)


def _name_of(template: type[ArticlePage], ctx: PageContext) -> str:
    name = template.NAME
    return name if "/" in name else f"{ctx.source}/{name}"


def parse_html(data: bytes) -> html.HtmlElement | None:
    """The document tree of UTF-8 page bytes (comments dropped), or None for a blank page.

    Elements are :class:`lxml.html.HtmlElement` through a lookup that runs in C: the
    default ``lxml.html`` lookup calls back into Python for every element a query returns.
    On a large page the long scripts and styles are empty (:mod:`.rawtext`).
    """
    if _blank(data):
        return None
    return parse_without_code(data, _parse)


def _large_utf8_page(body: bytes, content_type: str | None) -> tuple[html.HtmlElement, str] | None:
    """The tree of a large UTF-8 page (:func:`parse_html`'s) and its encoding, its bytes
    checked for UTF-8 only where they are not cut, or all of them once when it states no
    charset (None: read it the usual way).

    A cut content needs no check: where its bytes are not UTF-8, decoding puts U+FFFD in
    their place, inside the same content (a bad byte never takes an ASCII one with it, and
    the cuts start after a ``>`` and end before a ``<``): the same elements are cut (if
    anything, longer), the same bytes kept.
    """
    if not MIN_PAGE <= len(body) <= MAX_PAGE // 3 or body.isascii():
        return None
    reading = read_as_utf8(body, content_type)
    if reading is None:
        return None
    encoding, checked = reading
    cut, tags = without_code(body)
    if not tags or not (checked or is_utf8(cut)):
        return None
    doc = parse_cut(cut, tags, _parse)
    return None if doc is None else (doc, encoding)


def _parse(data: bytes) -> html.HtmlElement:
    # No table of the page's ids (collect_ids): no query uses XPath's id(), and keeping
    # one costs a tenth of the parse (each id hashed, each repeated id logged). huge_tree:
    # past depth 256 or a text node of 10 MB, libxml2 otherwise drops the rest of the page
    # without a word (bodies are bounded by DOWNLOAD_MAXSIZE before they get here).
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, collect_ids=False, huge_tree=True
    )
    parser.set_element_class_lookup(_LOOKUP)
    doc = etree.fromstring(data, parser=parser)
    if doc is None:
        raise etree.ParserError("Document is empty")
    return doc


def _blank(data: bytes) -> bool:
    """True when the page's text is all whitespace (Unicode whitespace, as ``str.strip``)."""
    leading = _LEADING_SPACE.match(data)
    start = leading.end() if leading else 0
    if start == len(data):
        return True
    if data[start] < 0x80 and not 0x1C <= data[start] <= 0x1F:
        return False
    return not data.decode("utf-8", "surrogatepass").strip()


_LEADING_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")
_LOOKUP = etree.ElementDefaultClassLookup(
    element=html.HtmlElement,
    comment=html.HtmlComment,
    pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity,
)
