"""The data that flows through extraction: a page in, an analysis (kind, article, links) out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from lxml import html

from .text import normalize_space, text_of
from .urls import resolve_link

SCHEMA_VERSION = 1

PageKind = Literal["article", "listing", "not_article", "blocked"]
LinkKind = Literal["related", "inline", "listing"]


@dataclass(frozen=True)
class Link:
    """A link the page offers: related coverage, an inline "READ:" line, or a listing entry."""

    url: str
    kind: LinkKind
    headline: str = ""


@dataclass
class Analysis:
    """What one page is and holds. `article` is set only when `kind == "article"`."""

    kind: PageKind
    source: str | None
    article: dict[str, Any] | None = None
    links: list[Link] = field(default_factory=list)
    extractor: str | None = None
    reason: str = ""


def header_value(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """Case-insensitive header lookup over str or bytes keys and values (last value wins)."""
    if not headers:
        return None
    wanted = name.lower()
    for key, value in headers.items():
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() != wanted:
            continue
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return None if value is None else str(value)
    return None


class PageContext:
    """A parsed page with the lookups every template shares (meta tags, JSON-LD, links)."""

    def __init__(self, url: str, doc: html.HtmlElement, source: str | None, encoding: str):
        self.url = url
        self.doc = doc
        self.source = source
        self.encoding = encoding

    def xpath(self, query: str) -> list[Any]:
        return list(self.doc.xpath(query))

    def first(self, query: str) -> Any:
        found = self.doc.xpath(query)
        return found[0] if found else None

    def css_first(self, selector: str) -> html.HtmlElement | None:
        found = self.doc.cssselect(selector)
        return found[0] if found else None

    def meta(self, *names: str) -> str | None:
        """Content of the first ``<meta name|property|itemprop=...>`` among `names` that is set."""
        for name in names:
            lowered = name.lower()
            for element in self.doc.iter("meta"):
                key = element.get("name") or element.get("property") or element.get("itemprop")
                if key and key.lower() == lowered:
                    value = element.get("content")
                    if value is not None and normalize_space(value):
                        return normalize_space(value)
        return None

    def link_rel(self, rel: str) -> str | None:
        for element in self.doc.iter("link"):
            if (element.get("rel") or "").lower() == rel and element.get("href"):
                return element.get("href").strip()
        return None

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, ``@graph`` and lists flattened."""
        found: list[dict[str, Any]] = []
        for script in self.doc.xpath('//script[@type="application/ld+json"]'):
            try:
                data = json.loads(script.text or "", strict=False)
            except ValueError:
                continue
            found.extend(_flatten_jsonld(data))
        return found

    def jsonld_article(self) -> dict[str, Any] | None:
        """The page's NewsArticle / Article / ReportageNewsArticle JSON-LD object, if any."""
        for obj in self.jsonld:
            types = obj.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.endswith("Article") for t in names):
                return obj
        return None

    def absolute(self, href: str | None) -> str | None:
        return resolve_link(href, self.url)

    def text(self, query: str) -> str:
        element = self.first(query)
        if isinstance(element, str):
            return normalize_space(element)
        return text_of(element)


def _flatten_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_jsonld(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten_jsonld(data["@graph"])
        else:
            yield data
