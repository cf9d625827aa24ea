"""The data that flows through extraction: a page in, an analysis (kind, article, links) out."""

from __future__ import annotations

import bisect
import html as html_module
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, partial, wraps
from typing import Any, Literal, TypeVar

from lxml import etree, html

from .text import normalize_space, text_of
from .urls import resolve_link

SCHEMA_VERSION = 1
T = TypeVar("T")

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
    # The template that raised on this page (the generic reader answered instead).
    failed_template: str | None = None


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

    def meta(self, *names: str) -> str | None:
        """Content of the first ``<meta name|property|itemprop=...>`` among `names` that is set."""
        heads = self._heads
        for name in names:
            value = heads.meta(name.lower())
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
            text = script.text or ""
            try:
                data = json.loads(text, strict=False)
            except (ValueError, RecursionError):  # broken, or nested past any reading
                continue
            if "&" in text:
                data = _entities_decoded(data)
            found.extend(_flatten_jsonld(data))
        return found

    @cached_property
    def jsonld_articles(self) -> list[dict[str, Any]]:
        """The page's NewsArticle / Article / ReportageNewsArticle JSON-LD objects."""
        found = []
        for obj in self.jsonld:
            types = obj.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.endswith("Article") for t in names):
                found.append(obj)
        return found

    def jsonld_article(self) -> dict[str, Any] | None:
        """The page's first NewsArticle / Article / ReportageNewsArticle JSON-LD object."""
        articles = self.jsonld_articles
        return articles[0] if articles else None

    def absolute(self, href: str | None) -> str | None:
        return resolve_link(href, self.url)

    def text(self, query: str) -> str:
        element = self.first(query)
        if isinstance(element, str):
            return normalize_space(element)
        return text_of(element)

    # -- markers: which class names and ids the page uses, from one query each ----------
    @cached_property
    def classes(self) -> AttributeIndex:
        """Every ``class`` attribute of the page, for template markers and anchors."""
        return AttributeIndex(_CLASS_VALUES(self.doc))

    @cached_property
    def ids(self) -> AttributeIndex:
        return AttributeIndex(_ID_VALUES(self.doc))

    @cached_property
    def test_ids(self) -> AttributeIndex:
        return AttributeIndex(_TEST_ID_VALUES(self.doc))

    def has_id(self, value: str, tag: str | None = None) -> bool:
        """Whether an element (of `tag`, if given) has the id `value`: ``ids.equal``.

        The parser keeps no table of ids to ask instead (XPath's ``id()``): keeping one
        costs more of the parse (each id hashed, each repeated id logged as an error) than
        the index of ids costs the pages whose templates ask.
        """
        return bool(self.ids.equal(value, tag))

    def regions_of(self, elements: list[html.HtmlElement]) -> list[html.HtmlElement] | None:
        """The children of ``<body>`` holding `elements`, in page order (None: whole page).

        None when one of them is not inside a child of ``<body>`` (``<head>``, ``<body>``).
        """
        body = self.doc.find("body")
        if body is None:
            return None
        # The <body> child above each element walked (None: not under one). Starts share
        # most of their ancestors, so each walk stops at the first one already placed.
        placed: dict[html.HtmlElement, html.HtmlElement | None] = {}
        chosen: set[html.HtmlElement] = set()
        for element in elements:
            walked = []
            node = element
            while True:
                if node in placed:
                    child = placed[node]
                    break
                walked.append(node)
                parent = node.getparent()
                if parent is body:
                    child = node
                    break
                if parent is None:
                    child = None
                    break
                node = parent
            for node in walked:
                placed[node] = child
            if child is None:
                return None
            chosen.add(child)
        return [child for child in body if child in chosen]


# http-equiv names are compared with only these ASCII letters folded (as XPath translate()).
_HTTP_EQUIV_FOLD = str.maketrans("CONTENT-LANGUAGE", "content-language")


class _Heads:
    """Meta tags, link rels and JSON-LD scripts of a page, read in one walk of its tree.

    Meta contents are kept as written and normalised when asked for: a page has some fifty
    meta tags, and templates ask for a few.
    """

    def __init__(self, doc: html.HtmlElement):
        self._doc = doc
        # name|property|itemprop (lower-cased) -> first non-empty content, as written
        self._contents: dict[str, str] = {}
        # the same names -> first non-blank content, normalised ("": none), once asked for
        self._metas: dict[str, str] = {}
        # http-equiv (folded) -> first content attribute, as written
        self.http_equiv: dict[str, str] = {}
        # rel (lower-cased) -> first non-empty href, stripped
        self.links: dict[str, str] = {}
        self.jsonld_scripts: list[html.HtmlElement] = []
        # One walk per tag: telling the three apart costs each element a name read in
        # Python, where the walks are made in C.
        contents = self._contents
        http_equiv = self.http_equiv
        for element in doc.iter("meta"):
            get = element.get
            content = get("content")
            if content is None:
                continue
            key = get("name") or get("property") or get("itemprop")
            if key and content:
                contents.setdefault(key.lower(), content)
            equiv = get("http-equiv")
            if equiv is not None:
                http_equiv.setdefault(equiv.translate(_HTTP_EQUIV_FOLD), content)
        links = self.links
        for element in doc.iter("link"):
            href = element.get("href")
            if href:
                links.setdefault((element.get("rel") or "").lower(), href.strip())
        for element in doc.iter("script"):
            kind = element.get("type")
            # "+": in every JSON-LD type, in no script's usual one ("text/javascript").
            if kind is not None and "+" in kind and is_jsonld_type(kind):
                self.jsonld_scripts.append(element)

    def meta(self, name: str) -> str:
        """The first non-blank content of the meta tags called `name` (lower-cased),
        normalised; "" when none has one."""
        value = self._metas.get(name)
        if value is None:
            content = self._contents.get(name)
            value = normalize_space(content) if content else ""
            if content and not value:  # blank once normalised: a later one may not be
                value = self._first_non_blank(name)
            self._metas[name] = value
        return value

    def _first_non_blank(self, name: str) -> str:
        """:meth:`meta` the long way, for a name whose first content is blank."""
        for element in self._doc.iter("meta"):
            get = element.get
            content = get("content")
            key = get("name") or get("property") or get("itemprop")
            if content is not None and key and key.lower() == name:
                value = normalize_space(content)
                if value:
                    return value
        return ""


class AttributeIndex:
    """The values of one attribute over a page, in document order, with their elements."""

    def __init__(self, values: Any):
        self.values: list[Any] = list(values)
        # No marker holds a newline, so a marker found here lies within one value.
        self.joined = "\n" + "\n".join(self.values) + "\n"
        self._held: dict[str, list[int]] = {}

    @cached_property
    def _distinct(self) -> str | None:
        """:attr:`joined` with each value once, on a page with many values (else None).

        A large page repeats most of its class values; a fragment it lacks is told from a
        fraction of the text, where each such search would read all of :attr:`joined`.
        """
        if len(self.joined) < _DISTINCT_FROM:
            return None
        return "\n" + "\n".join(dict.fromkeys(self.values)) + "\n"

    def _lacks(self, fragment: str) -> bool:
        """True if surely no value holds `fragment` (no newline in it, or one value framed by
        newlines): such a hit lies within one framed value, and each is in :attr:`_distinct`."""
        distinct = self._distinct
        return distinct is not None and fragment not in distinct

    def has(self, *fragments: str) -> bool:
        """Whether some value contains one of `fragments` (XPath ``contains()``)."""
        return any(fragment in self.joined for fragment in fragments)

    def has_value(self, *values: str) -> bool:
        """Whether some value is exactly one of `values`."""
        return any(self._equal(value) for value in values)

    def containing(self, fragment: str, tag: str | None = None) -> list[html.HtmlElement]:
        """Elements (of `tag`, if given) whose value contains `fragment`, in page order.

        Found by searching the joined values (C speed) and mapping each hit back to its
        value: a page has thousands of class values and a fragment sits in a few.
        """
        return self._elements(self._holding(fragment), tag)

    def _holding(self, fragment: str) -> list[int]:
        """Indexes of the values that contain `fragment` (no newline in it), in order.

        Remembered: templates ask for the same fragments from several fields, and each
        search of an absent one reads all of a large page's class values.
        """
        found = self._held.get(fragment)
        if found is not None:
            return found
        if not fragment:  # in every value; a search for it would find it anywhere, forever
            found = self._held[fragment] = list(range(len(self.values)))
            return found
        joined = self.joined
        found = self._held[fragment] = (
            [] if self._lacks(fragment) else self._values_hit(partial(joined.find, fragment))
        )
        return found

    def searching(self, pattern: re.Pattern[str], tag: str | None = None) -> list[html.HtmlElement]:
        """Elements (of `tag`, if given) whose value `pattern` finds a match in, in page
        order. No match of `pattern` may hold a newline (then each lies within one value)."""
        distinct = self._distinct
        if distinct is not None and pattern.search(distinct) is None:
            return []
        joined = self.joined

        def find(at: int) -> int:
            found = pattern.search(joined, at)
            return -1 if found is None else found.start()

        return self._elements(self._values_hit(find), tag)

    def _values_hit(self, find: Callable[[int], int]) -> list[int]:
        """Indexes of the values holding a hit, in order, each once whatever its hits:
        `find(at)` is the offset in :attr:`joined` of the first hit from `at` (-1: none)."""
        hit = find(0)
        if hit < 0:
            return []
        starts, values = self._starts, self.values
        found = []
        while hit >= 0:
            index = bisect.bisect_right(starts, hit) - 1
            found.append(index)
            hit = find(starts[index] + len(values[index]))  # on after this value
        return found

    @cached_property
    def _starts(self) -> list[int]:
        """Offset in :attr:`joined` where each value starts (1 + the lengths and newlines
        before it), summed in C: a page has thousands of values."""
        lengths = itertools.accumulate(map(len, self.values), initial=1)
        return list(map(operator.add, lengths, range(len(self.values))))

    def _equal(self, wanted: str) -> list[int]:
        """Indexes of the values that are `wanted`, in order."""
        framed = f"\n{wanted}\n"
        if "\n" not in wanted and self._lacks(framed):
            return []
        joined = self.joined
        hit = joined.find(framed)
        if hit < 0:
            return []
        values = self.values
        if "\n" in wanted or not values:
            return [i for i, value in enumerate(values) if value == wanted]
        # Each value equal to `wanted` sits framed by newlines; a frame found may also lie
        # across values holding newlines of their own, hence the check.
        starts = self._starts
        indexes = []
        while hit >= 0:
            index = bisect.bisect_right(starts, hit + 1) - 1
            if starts[index] == hit + 1 and values[index] == wanted:
                indexes.append(index)
            hit = joined.find(framed, hit + 1)
        return indexes

    def equal(self, wanted: str, tag: str | None = None) -> list[html.HtmlElement]:
        """Elements (of `tag`, if given) whose value is `wanted`, in page order."""
        return self._elements(self._equal(wanted), tag)

    def _elements(self, indexes: list[int], tag: str | None) -> list[html.HtmlElement]:
        """The elements (of `tag`, if given) holding the values at `indexes`, in order."""
        values = self.values
        found = []
        for index in indexes:
            element = values[index].getparent()
            if tag is None or element.tag == tag:
                found.append(element)
        return found


# From this length of :attr:`AttributeIndex.joined` on (a large modern page's class values),
# absent fragments are looked for among the distinct values first.
_DISTINCT_FROM = 16384
_CLASS_VALUES = etree.XPath("//@class")
_ID_VALUES = etree.XPath("//@id")
_TEST_ID_VALUES = etree.XPath("//@data-testid")


@cache
def in_regions(query: str) -> str:
    """A document-wide query (``//x|//y``) asked inside the nodes of ``$regions`` (included)."""
    parts = []
    depth = 0
    start = 0
    quote = ""
    for index, char in enumerate(query):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(query[start:index])
            start = index + 1
    parts.append(query[start:])
    return "|".join(_in_regions(part) for part in parts)


def _in_regions(path: str) -> str:
    stripped = path.strip()
    if not stripped.startswith("//"):
        raise ValueError(f"not a document-wide query: {path!r}")
    return "$regions/descendant-or-self::" + stripped[2:]


def in_box(
    element: html.HtmlElement,
    is_box: Callable[[html.HtmlElement], bool],
    known: dict[html.HtmlElement, bool],
    root: html.HtmlElement | None = None,
) -> bool:
    """Whether `element` or an ancestor below `root` passes `is_box`. The answers of the
    elements walked are kept in `known`: elements asked in turn share most of their
    ancestors, so each is tested once."""
    walked = []
    answer = False
    node: html.HtmlElement | None = element
    while node is not None and node is not root:
        if node in known:
            answer = known[node]
            break
        walked.append(node)
        if is_box(node):
            answer = True
            break
        node = node.getparent()
    for node in walked:
        known[node] = answer
    return answer


def once(method: Callable[[Any], T]) -> Callable[[Any], T]:
    """Compute a page object's no-argument method once per page (lists handed out as copies).

    The tree never changes during extraction, and several fields ask for the same
    containers (the body, the related-coverage modules).
    """
    key = method.__qualname__

    @wraps(method)
    def wrapper(self: Any) -> T:
        memo = self.__dict__.setdefault("_once", {})
        if key in memo:
            value = memo[key]
        else:
            value = memo[key] = method(self)
        return list(value) if isinstance(value, list) else value  # type: ignore[return-value]

    return wrapper


def compiled(query: str) -> etree.XPath:
    """The compiled form of an XPath query, kept for the life of the process."""
    found = _COMPILED.get(query)
    if found is None:
        found = _COMPILED[query] = etree.XPath(query)
    return found


_COMPILED: dict[str, etree.XPath] = {}


def in_page_order(root: html.HtmlElement, elements: Iterable[html.HtmlElement]) -> list[Any]:
    """`elements` (in `root`'s document) each once, in page order: an XPath node set is in
    document order, so the query sorts them in C."""
    return list(_PAGE_ORDER(root, found=list(elements)))


_PAGE_ORDER = etree.XPath("$found/self::*")


# A character reference closed by its ";" (``&amp;``, ``&#39;``, ``&#x2019;``): the legacy
# forms without one (``&copy``) are left, as they are query strings in URLs.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _entity_decoded(text: str) -> str:
    return _ENTITY_RE.sub(lambda found: html_module.unescape(found.group()), text)


def _entities_decoded(data: Any) -> Any:
    """JSON-LD with its strings' character references decoded: CMSs write the text they
    hold HTML-escaped (``O&#39;Brien``), and every text value of an item is decoded."""
    if isinstance(data, str):
        return _entity_decoded(data) if "&" in data else data
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, str):
                if "&" in value:
                    node[key] = _entity_decoded(value)
            elif isinstance(value, (dict, list)):
                stack.append(value)
    return data


def is_jsonld_type(value: str | None) -> bool:
    """Whether a script's ``type`` is JSON-LD, in any case, with parameters or spaces
    (``application/ld+json; charset=utf-8``)."""
    if not value:
        return False
    return value.split(";", 1)[0].strip().lower() == "application/ld+json"


def _flatten_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_jsonld(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten_jsonld(data["@graph"])
        else:
            yield data
