"""The data that flows through extraction: a page in, an analysis (kind, article, links) out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from lxml import etree, html

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
    """A parsed page with the lookups every template shares (meta tags, JSON-LD, links).

    Queries are compiled once per process and answered once per page: templates ask for
    the same containers from several fields, and each document-wide query walks a whole
    page (most of it scripts and navigation).
    """

    def __init__(self, url: str, doc: html.HtmlElement, source: str | None, encoding: str):
        self.url = url
        self.doc = doc
        self.source = source
        self.encoding = encoding
        self._found: dict[str, list[Any]] = {}

    def xpath(self, query: str) -> list[Any]:
        found = self._found.get(query)
        if found is None:
            found = self._found[query] = list(compiled(query)(self.doc))
        return list(found)

    def first(self, query: str) -> Any:
        found = self._found.get(query)
        if found is None:
            found = self._found[query] = list(compiled(query)(self.doc))
        return found[0] if found else None

    def css_first(self, selector: str) -> html.HtmlElement | None:
        found = self.doc.cssselect(selector)
        return found[0] if found else None

    def meta(self, *names: str) -> str | None:
        """Content of the first ``<meta name|property|itemprop=...>`` among `names` that is set."""
        index = self._heads.metas
        for name in names:
            value = index.get(name.lower())
            if value:
                return value
        return None

    def meta_http_equiv(self, name: str) -> str | None:
        """The ``content`` of the first ``<meta http-equiv=name>`` that has one (raw)."""
        return self._heads.http_equiv.get(name)

    def link_rel(self, rel: str) -> str | None:
        return self._heads.links.get(rel)

    @cached_property
    def _heads(self) -> _Heads:
        return _Heads(self.doc)

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, ``@graph`` and lists flattened."""
        found: list[dict[str, Any]] = []
        for script in self._heads.jsonld_scripts:
            try:
                data = json.loads(script.text or "", strict=False)
            except ValueError:
                continue
            found.extend(_flatten_jsonld(data))
        return found

    @cached_property
    def _jsonld_article(self) -> dict[str, Any] | None:
        for obj in self.jsonld:
            types = obj.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.endswith("Article") for t in names):
                return obj
        return None

    def jsonld_article(self) -> dict[str, Any] | None:
        """The page's NewsArticle / Article / ReportageNewsArticle JSON-LD object, if any."""
        return self._jsonld_article

    def absolute(self, href: str | None) -> str | None:
        return resolve_link(href, self.url)

    def text(self, query: str) -> str:
        element = self.first(query)
        if isinstance(element, str):
            return normalize_space(element)
        return text_of(element)


# http-equiv names are compared with only these ASCII letters folded (as XPath translate()).
_HTTP_EQUIV_FOLD = str.maketrans("CONTENT-LANGUAGE", "content-language")


class _Heads:
    """Meta tags, link rels and JSON-LD scripts of a page, read in one walk of its tree."""

    def __init__(self, doc: html.HtmlElement):
        # name|property|itemprop (lower-cased) -> first non-blank content, normalised
        self.metas: dict[str, str] = {}
        # http-equiv (folded) -> first content attribute, as written
        self.http_equiv: dict[str, str] = {}
        # rel (lower-cased) -> first non-empty href, stripped
        self.links: dict[str, str] = {}
        self.jsonld_scripts: list[html.HtmlElement] = []
        for element in doc.iter("meta", "link", "script"):
            tag = element.tag
            if tag == "meta":
                content = element.get("content")
                if content is None:
                    continue
                key = element.get("name") or element.get("property") or element.get("itemprop")
                if key:
                    lowered = key.lower()
                    if lowered not in self.metas:
                        value = normalize_space(content)
                        if value:
                            self.metas[lowered] = value
                equiv = element.get("http-equiv")
                if equiv is not None:
                    self.http_equiv.setdefault(equiv.translate(_HTTP_EQUIV_FOLD), content)
            elif tag == "link":
                href = element.get("href")
                if href:
                    self.links.setdefault((element.get("rel") or "").lower(), href.strip())
            elif element.get("type") == "application/ld+json":
                self.jsonld_scripts.append(element)


def compiled(query: str) -> etree.XPath:
    """The compiled form of an XPath query, kept for the life of the process."""
    found = _COMPILED.get(query)
    if found is None:
        found = _COMPILED[query] = etree.XPath(query)
    return found


_COMPILED: dict[str, etree.XPath] = {}


def _flatten_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_jsonld(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten_jsonld(data["@graph"])
        else:
            yield data
