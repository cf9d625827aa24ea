"""The article page object: one method per spec field, structured data first.

A template subclasses :class:`ArticlePage`, sets ``NAME`` (the ``metadata.extractor``
value), says in :meth:`matches` whether a parsed page is in its markup, and overrides
the fields its markup shows. :meth:`to_item` assembles the item in the spec's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from lxml import html

from .base import SCHEMA_VERSION, Link, PageContext, compiled, in_page_order, in_regions, once
from .bylines import parse_byline, person_of
from .dates import EDITION_PLACES, parse_date, parse_iso, reads_as_date
from .outlets import outlets
from .text import normalize_space, strip_suffixes, text_of
from .urls import (
    article_id,
    canonicalize_url,
    dedup_key,
    link_home,
    off_the_mirror,
    same_page_form,
)

# The path of an author's page on the outlets: "/profiles/jane-roe" (CNN),
# "/journalists/jane-roe" (Reuters 2010-2020), "/authors/jane-roe/" (Reuters 2021).
_PROFILE_RE = re.compile(r"/(?:profiles|journalists|authors)/[^/]")


@cache
def headline_suffixes() -> tuple[str, ...]:
    """What the outlets append to a headline (" - CNN.com", " | Reuters"), all of them: a
    page may carry another outlet's story under its own title."""
    return tuple(s for o in outlets() for s in o.headline_suffixes)


# The meta tags that name a page's writers (or its editors: not the byline).
AUTHOR_METAS = (
    "author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "article:author",
)


def page_names(ctx: PageContext) -> tuple[list[str], list[str]]:
    """How the page names itself, to tell its own JSON-LD story from others: its addresses
    (its URL first, then its canonical link and og:url) and its titles (its ``<h1>``s,
    og:title, ``<title>``)."""
    title = ctx.first("//title")
    titles = [text_of(h1) for h1 in ctx.doc.iter("h1")] + [
        ctx.meta("og:title") or "",
        text_of(title) if title is not None else "",
    ]
    pages = [ctx.url, ctx.link_rel("canonical") or "", ctx.meta("og:url") or ""]
    return pages, titles


def own_article(ctx: PageContext) -> dict[str, Any]:
    """The page's JSON-LD Article: of several, the page's own (:func:`.jsonld.own_story_of`),
    as a story may state a related one before its own; else the first ({} for none)."""
    articles = ctx.jsonld_articles
    if len(articles) < 2:
        return articles[0] if articles else {}
    from .jsonld import own_story_of  # it reads headlines as this module does

    return own_story_of(articles, *page_names(ctx)) or articles[0]


class ArticlePage:
    """Defaults every template inherits; override a method to read the template's markup."""

    NAME: ClassVar[str] = "generic"
    SOURCE: ClassVar[str | None] = None

    def __init__(self, ctx: PageContext):
        self.ctx = ctx
        self.ld = own_article(ctx)
        self._found: dict[str, list[Any]] = {}

    # -- queries inside the story's regions ---------------------------------------------
    # Where the template's document-wide (``//``) queries may start: class and id
    # fragments, data-testid fragments and tag names. Every query's first step must be
    # covered, since a query only looks inside the <body> children that hold one of these.
    REGION_CLASSES: ClassVar[tuple[str, ...]] = ()
    REGION_IDS: ClassVar[tuple[str, ...]] = ()
    REGION_TEST_IDS: ClassVar[tuple[str, ...]] = ()
    REGION_TAGS: ClassVar[tuple[str, ...]] = ("h1",)
    SCOPED: ClassVar[bool] = False

    def region_starts(self) -> list[html.HtmlElement]:
        """The elements that may start one of the template's queries."""
        ctx = self.ctx
        found = [e for m in self.REGION_CLASSES for e in ctx.classes.containing(m)]
        found += [e for m in self.REGION_IDS for e in ctx.ids.containing(m)]
        found += [e for m in self.REGION_TEST_IDS for e in ctx.test_ids.containing(m)]
        found += ctx.doc.iter(*self.REGION_TAGS)
        return found

    @once
    def regions(self) -> list[html.HtmlElement] | None:
        """The <body> children the queries read (None: the whole page).

        Scripts, ad slots and navigation beside the story are most of a page; a query
        whose start can only sit in the story's part of the page need not walk them.
        """
        return self.ctx.regions_of(self.region_starts()) if self.SCOPED else None

    def xpath(self, query: str) -> list[Any]:
        """A ``//`` query over the page, answered inside :meth:`regions` (once per page)."""
        found = self._found.get(query)
        if found is None:
            regions = self.regions()
            if regions is None:
                found = list(compiled(query)(self.ctx.doc))
            else:
                found = list(compiled(in_regions(query))(self.ctx.doc, regions=regions))
            self._found[query] = found
        return list(found)

    def indexed(
        self,
        test: str,
        *,
        classes: tuple[str, ...] = (),
        test_ids: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> list[html.HtmlElement]:
        """What ``//*[test]`` finds inside :meth:`regions`, from the attribute indexes.

        The elements whose class holds one of `classes`, whose data-testid holds one of
        `test_ids` or whose tag is one of `tags` must include every element passing `test`:
        only they are tested, not every element of the story's regions.
        """
        key = f"indexed:{test}"
        found = self._found.get(key)
        if found is None:
            ctx = self.ctx
            candidates = [e for m in classes for e in ctx.classes.containing(m)]
            candidates += [e for m in test_ids for e in ctx.test_ids.containing(m)]
            if tags:
                candidates += ctx.doc.iter(*tags)
            passes = compiled(f"self::*[{test}]")
            kept = [e for e in candidates if passes(e)]
            regions = self.regions()
            if regions is not None:
                inside = set(regions)
                kept = [
                    e for e in kept if e in inside or any(a in inside for a in e.iterancestors())
                ]
            # One entry per element, in page order (as the query gives them).
            found = self._found[key] = in_page_order(self.ctx.doc, kept)
        return list(found)

    def first(self, query: str) -> Any:
        found = self.xpath(query)
        return found[0] if found else None

    def text(self, query: str) -> str:
        """The visible text of the first match of `query` (or the string it selects)."""
        element = self.first(query)
        if isinstance(element, str):
            return normalize_space(element)
        return text_of(element)

    # -- template selection -------------------------------------------------------------
    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        raise NotImplementedError

    def is_article(self) -> bool:
        """A page of the template that is not an article (a video page, say) returns False."""
        return bool(self.headline() and self.paragraphs())

    def not_article_reason(self) -> str:
        """Why :meth:`is_article` said no, in a few words for the run report and the CLI."""
        return "no article"

    def is_non_article_page(self) -> bool:
        """Whether the page is of a kind that holds no story (a video, gallery or section
        page). Then :meth:`is_article`'s no is final; a template that finds no story on
        any other page it was chosen for meets markup it does not know, and the outlet's
        generic reader is asked."""
        return False

    # -- identity -----------------------------------------------------------------------
    def url(self) -> str:
        return self.ctx.url

    @once
    def canonical_url(self) -> str:
        stated = self.ctx.link_rel("canonical") or self.ctx.meta("og:url")
        canonical = canonicalize_url(stated or self.ctx.url, base=self.ctx.url)
        return off_the_mirror(canonical, self.ctx.url, self.SOURCE or self.ctx.source)

    # -- text fields --------------------------------------------------------------------
    @once
    def headline(self) -> str:
        h1 = self.first("//h1")
        text = text_of(h1) if h1 is not None else ""
        if not text:
            text = normalize_space(self.ld.get("headline")) or self.ctx.meta("og:title") or ""
        return strip_suffixes(text, headline_suffixes())

    def description(self) -> str | None:
        return self.ctx.meta("description", "og:description")

    def ld_date(self, name: str, parse: Callable[[str], str | None] = parse_iso) -> str | None:
        """The JSON-LD date `name` as written, if `parse` reads it: a source that yields no
        date gives way to the next one, as the spec orders them."""
        value = self.ld.get(name)
        if isinstance(value, str) and value.strip() and parse(value.strip()):
            return value.strip()
        return None

    def date_published_raw(self) -> str | None:
        return self.ld_date("datePublished") or self.ctx.meta("pubdate", "article:published_time")

    def date_published(self) -> str | None:
        return parse_iso(self.date_published_raw())

    def date_modified_raw(self) -> str | None:
        return self.ld_date("dateModified") or self.ctx.meta("lastmod", "article:modified_time")

    def date_modified(self) -> str | None:
        return parse_iso(self.date_modified_raw())

    def dated(self, value: str | None) -> str | None:
        """:func:`parse_date` of `value`; a zone of several zones ("AST") read by the place
        the page is of (:meth:`stamp_place`), asked for only then."""
        found = parse_date(value)
        if found is None and reads_as_date(value):
            found = parse_date(value, place=self.stamp_place())
        return found

    def stamp_place(self) -> str:
        """Where the page's stamps are printed: its dateline, its edition's region."""
        host = (urlsplit(self.ctx.url).hostname or "").lower()
        return " ".join(filter(None, (self.dateline(), EDITION_PLACES.get(host))))

    def byline(self) -> str | None:
        """The visible byline text; authors are parsed from it."""
        return None

    def byline_element(self) -> html.HtmlElement | None:
        """The visible byline's element, where the template knows it."""
        return None

    def authors(self) -> list[dict[str, str]]:
        return parse_byline(
            self.byline(), self.listed_people(), self.linked_people(), self.in_language()
        )

    @once
    def linked_people(self) -> frozenset[str]:
        """The people (case-folded) the byline links to pages of their own (an author's
        profile: ``/profiles/...``, ``/journalists/...``, ``/authors/...``): a person, never
        the place a byline may print after its people."""
        element = self.byline_element()
        if element is None:
            return frozenset()
        names = set()
        for anchor in element.iter("a"):
            try:
                path = urlsplit(anchor.get("href") or "").path
            except ValueError:  # no URL ("http://[x/..."): no page of anyone
                continue
            if _PROFILE_RE.search(path):
                name = person_of(text_of(anchor))
                if name:
                    names.add(name.casefold())
        return frozenset(names)

    @once
    def listed_people(self) -> frozenset[str]:
        """The people (case-folded) the page's JSON-LD lists as its authors, one by one: a
        byline printing a place after its people runs the two together, a list does not."""
        from .jsonld import jsonld_people  # it reads headlines as this module does

        listed = jsonld_people(self.ld.get("author"), self.jsonld_nodes())
        return frozenset(
            person["name"].casefold() for raw in listed for person in parse_byline(raw)
        )

    @once
    def jsonld_nodes(self) -> dict[str, dict[str, Any]]:
        """The page's JSON-LD objects by their ``@id``, for references to them."""
        return {node["@id"]: node for node in self.ctx.jsonld if isinstance(node.get("@id"), str)}

    @once
    def stated_people(self) -> frozenset[str]:
        """The people (case-folded) the page's metadata names: its author meta tags and
        JSON-LD authors, each up to the place a byline may print after a comma, read as a
        byline is (a UTF-8 no-break space read as Latin-1 a space). Not the byline (they
        may name editors), but people: none of them is a place."""
        from .jsonld import jsonld_people  # it reads headlines as this module does

        stated = jsonld_people(self.ld.get("author"), self.jsonld_nodes())
        stated += [self.ctx.meta(name) or "" for name in AUTHOR_METAS]
        names: set[str] = set()
        for raw in stated:
            if raw and not raw.startswith(("http://", "https://")):
                lead = _BYLINE_PLACE.split(raw, maxsplit=1)[0]
                names.update(person["name"].casefold() for person in parse_byline(lead))
        return frozenset(names)

    def dateline(self) -> str | None:
        return None

    def highlights(self) -> list[str]:
        return []

    def paragraphs(self) -> list[str]:
        return []

    def related_links(self) -> list[Link]:
        return []

    def topics(self) -> list[str]:
        return []

    def keywords(self) -> list[str]:
        raw = self.ctx.meta("keywords") or ""
        return [word for word in (normalize_space(w) for w in raw.split(",")) if word]

    def images(self) -> list[dict[str, Any]]:
        return []

    def credits(self) -> list[dict[str, str]]:
        return []

    @once
    def in_language(self) -> str | None:
        # itemprop="inLanguage" meta tags state it too (CNN's 2013 pages do); an XHTML page
        # may state it in xml:lang, XHTML's form of lang, alone.
        # The first that names a language: a blank or unreadable one (lang=" ", a template's
        # "{{ locale }}") states none, and the next source is asked.
        doc = self.ctx.doc
        for lang in (
            doc.get("lang"),
            doc.get("xml:lang"),
            self.ctx.meta("content-language", "language", "inLanguage"),
            # <meta http-equiv="Content-Language" content="en"> (old Reuters pages).
            self.ctx.meta_http_equiv("content-language"),
            self.ld.get("inLanguage"),
        ):
            if isinstance(lang, str):
                code = lang.strip().replace("_", "-").split("-")[0].lower()
                if len(code) == 2 and code.isascii() and code.isalpha():
                    return code
        return None

    # -- the item -----------------------------------------------------------------------
    def extractor_name(self) -> str:
        """``cnn/2013`` and the like; a shared template is qualified by the page's outlet."""
        return self.NAME if "/" in self.NAME else f"{self.ctx.source}/{self.NAME}"

    def to_item(self) -> dict[str, Any]:
        return self.item_and_links()[0]

    def item_and_links(self) -> tuple[dict[str, Any], list[Link]]:
        """The item and the related links it lists, read once: a template's
        :meth:`related_links` may walk the page's related-coverage modules each time."""
        canonical = self.canonical_url()
        paragraphs = without_repeats(self.paragraphs())
        related = listed_once(
            [
                (link, link_home(canonicalize_url(link.url), self.url(), canonical))
                for link in self.related_links()
            ],
            canonical,
        )
        authors = self.authors()
        dateline = self.dateline()
        dateline = not_a_writer(dateline, authors, self.stated_people() if dateline else ())
        authors = not_the_dateline(authors, dateline)
        item = {
            "url": self.url(),
            "canonicalUrl": canonical,
            "source": self.SOURCE or self.ctx.source,
            "articleId": article_id(canonical),
            "headline": self.headline(),
            "description": self.description(),
            "datePublished": self.date_published(),
            "datePublishedRaw": self.date_published_raw(),
            "dateModified": self.date_modified(),
            "dateModifiedRaw": self.date_modified_raw(),
            "authors": authors,
            "dateline": dateline,
            "highlights": self.highlights(),
            "articleBody": "\n\n".join(paragraphs),
            "paragraphs": paragraphs,
            "relatedLinks": [
                {"url": url, "headline": link.headline, "kind": link.kind} for link, url in related
            ],
            "topics": self.topics(),
            "keywords": self.keywords(),
            "images": photos_once(self.images()),
            "credits": self.credits(),
            "inLanguage": self.in_language(),
            "metadata": {"extractor": self.extractor_name(), "schemaVersion": SCHEMA_VERSION},
        }
        return item, [link for link, _ in related]


def photos_once(images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each photo once, where it is first printed: a page may show one twice (its lede
    photo again in a gallery, a slide repeated), with its caption printed either time."""
    kept: dict[str, dict[str, Any]] = {}
    for image in images:
        first = kept.setdefault(image["url"], image)
        if not first.get("caption") and image.get("caption"):
            kept[image["url"]] = {**first, "caption": image["caption"]}
    return list(kept.values())


def listed_once(links: list[tuple[Link, str]], own: str) -> list[tuple[Link, str]]:
    """The (link, canonical URL) pairs less those to the page itself (`own`, its canonical
    URL) and each repeat of a page already listed with the same kind: a coverage box printed
    twice, or one listing the story it sits on, adds no coverage."""
    itself = same_page_form(dedup_key(own))
    seen: set[tuple[str, str]] = set()
    kept = []
    for link, url in links:
        page = same_page_form(dedup_key(url))
        if page == itself or (page, link.kind) in seen:
            continue
        seen.add((page, link.kind))
        kept.append((link, url))
    return kept


# Where a byline turns from its people to where they write from: "By A, Bamako", "By A | X".
_BYLINE_PLACE = re.compile(r",|\s\|\s")


def not_a_writer(
    dateline: str | None, authors: list[dict[str, str]], people: Collection[str] = ()
) -> str | None:
    """`dateline`, unless it is a person's name: an opening "A (CNN International) --"
    under a byline naming A, or on a page whose metadata names A among its `people`
    (case-folded), is signed by its writer and names no place. Only names the byline
    prints before a comma or a bar count: "By A, Bamako" and "By A | BAMAKO" print the
    reporter's city there, which an opening "BAMAKO (Reuters) -" names."""
    if not dateline:
        return dateline
    key = dateline.casefold()
    if key in people:
        return None
    for author in authors:
        names = _BYLINE_PLACE.split(author.get("nameRaw") or author["name"], maxsplit=1)[0]
        if key == author["name"].casefold() and key in names.casefold():
            return None
    return dateline


def not_the_dateline(authors: list[dict[str, str]], dateline: str | None) -> list[dict[str, str]]:
    """`authors` less the places of the dateline a byline prints after its people, past a
    comma or a bar ("By A, Segou" over "Segou, Mali (CNN) --"): where they are, not who."""
    if not dateline:
        return authors
    places = {part.strip().casefold() for part in dateline.split(",")}
    kept = []
    for author in authors:
        lead = _BYLINE_PLACE.split(author.get("nameRaw") or author["name"], maxsplit=1)[0]
        key = author["name"].casefold()
        if key in places and key not in lead.casefold():
            continue
        kept.append(author)
    return kept


def without_repeats(paragraphs: list[str]) -> list[str]:
    """The paragraphs less any that repeats the one just before it (a lead printed twice by
    the page's template); a paragraph repeated further down is kept."""
    return [p for i, p in enumerate(paragraphs) if i == 0 or p != paragraphs[i - 1]]


def paragraph_texts(elements: list[html.HtmlElement]) -> list[str]:
    """Normalised text of each element, empty ones dropped."""
    return [text for text in (text_of(element) for element in elements) if text]


# Attributes a lazy-loading script copies into ``src`` when the picture comes into view:
# they hold the picture's address where ``src`` holds a placeholder, or nothing.
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-lazy")


def image_source(img: html.HtmlElement, *preferred: str) -> str | None:
    """The address of the picture an ``<img>`` shows, as written: the first of `preferred`
    it sets, a lazy loader's attribute (its ``data-srcset``'s widest candidate: the ``src``
    beside it is the loader's placeholder, a spacer GIF), its ``src`` (not a ``data:``
    placeholder), the widest candidate of its ``srcset``, or the ``src`` of its copy in a
    ``<noscript>`` after it."""
    for attr in (*preferred, *LAZY_SOURCES):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    lazy = srcset_widest(img.get("data-srcset") or "")
    if lazy:
        return lazy
    value = (img.get("src") or "").strip()
    if value and not value.startswith("data:"):
        return value
    widest = srcset_widest(img.get("srcset") or "")
    if widest:
        return widest
    for sibling in img.itersiblings("noscript"):
        copy = next(sibling.iter("img"), None)
        value = (copy.get("src") or "").strip() if copy is not None else ""
        if value and not value.startswith("data:"):
            return value
    return None


def srcset_widest(srcset: str) -> str | None:
    """The URL of a ``srcset``'s widest candidate (by its ``480w`` or ``2x`` descriptor; the
    first when none says), read as browsers do: a URL is a run without spaces, so one may
    hold commas (``...?q=w_1280,c_fill 1280w``)."""
    best, best_size = None, -1.0
    at, end = 0, len(srcset)
    while at < end:
        while at < end and (srcset[at].isspace() or srcset[at] == ","):
            at += 1
        start = at
        while at < end and not srcset[at].isspace():
            at += 1
        url, descriptor = srcset[start:at], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            stop = srcset.find(",", at)
            stop = end if stop < 0 else stop
            descriptor, at = srcset[at:stop].strip(), stop + 1
        if not url or url.startswith("data:"):
            continue
        size = _DESCRIPTOR_RE.fullmatch(descriptor)
        value = float(size.group(1)) if size else 0.0
        if value > best_size:
            best, best_size = url, value
    return best


_DESCRIPTOR_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)[wx]")
