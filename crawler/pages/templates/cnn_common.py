"""What every CNN template shares: the body filters, "READ:" lines, credits and stamps.

The CNN templates differ in markup, not in what the spec asks of them: editorial notes,
credits lines and "READ: ..." lines leave the body in every era; the visible stamp
says "Updated ..." and so is a last-update time; video and gallery pages are not articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree, html

from ..article import ArticlePage, image_source
from ..base import Link, in_page_order, once
from ..boilerplate import (
    EDITORS_NOTE_RE,
    SOCIAL_HOST_RE,
    is_italic_only,
    is_link_only,
    is_note_class,
    is_read_line,
    read_link_headline,
)
from ..bylines import byline_names, contributor_names
from ..dates import parse_date, reads_as_date
from ..lines import is_signature, stamp_parts
from ..text import normalize_space, reads_as_place, text_of, without_drop_caps
from ..wording import contribution_in_english, mentions_contribution

# URL paths of pages that are coverage but not articles.
NON_ARTICLE_PATH_RE = re.compile(
    r"/(?:videos?|gallery|galleries|interactive|specials|live-news)/|/video/data/|^/profiles/",
    re.IGNORECASE,
)
NON_ARTICLE_TYPES = ("video", "gallery", "section", "website", "live")


@cache
def _fragments_re(fragments: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any of `fragments` in a class attribute."""
    return re.compile("|".join(re.escape(fragment) for fragment in fragments))


def has_token(cls: str | None, token: str) -> bool:
    """Whether a class attribute lists `token` as a whole word, as XPath's
    ``contains(concat(' ', normalize-space(@class), ' '), ' token ')`` says (XML whitespace
    only: a no-break space joins words)."""
    if not cls or token not in cls:
        return False
    return f" {token} " in f" {cls.translate(_XML_SPACE)} "


_XML_SPACE = str.maketrans("\t\n\r", "   ")


def classed_in(element: html.HtmlElement, fragment: str) -> list[html.HtmlElement]:
    """``.//*[contains(@class, fragment)]`` of `element`, in page order. A Python walk: libxml2
    reads each class attribute for a contains() test far slower than Python does."""
    return [
        found
        for found in element.iter(etree.Element)
        if fragment in (found.get("class") or "") and found is not element
    ]


def class_xpath(*fragments: str) -> str:
    """XPath predicate: the @class attribute holds one of the fragments."""
    return " or ".join(f"contains(@class, '{fragment}')" for fragment in fragments)


# The opening of a CNN story: "Bamako, Mali (CNN) --", "Hong Kong (CNN Business)",
# "London (CNN Sport)", "Caracas (CNN en Español)", "Washington (CNN)", modern "Gao CNN —"
# ("London CNN Sport —"); what stands before the outlet is the dateline.
_DATELINE_RE = re.compile(
    r"^(?P<place>[^()]{0,60}?)\s*(?:\(CNN(?:\s?Money|\s+(?:en\s+)?[A-Z][\w'’!]*)?\)"
    r"|CNN(?:\s+(?:en\s+)?[A-Z][\w'’!]*)?\s*(?:[—–]|-(?!\w)))"  # no hyphen joining a word
)


def dateline_of(opening: str | None) -> str | None:
    """The place of a story's opening ("Gao, Mali (CNN) -- ..." gives "Gao, Mali")."""
    match = _DATELINE_RE.match(opening or "")
    if not match:
        return None
    place = match.group("place").strip(" ,-—–")
    return place if place and reads_as_place(place) and not is_signature(place) else None


# "CNN's A reported from Jerusalem", "B wrote from Hong Kong", "C wrote this story".
_ROLE_CLAUSE_RE = re.compile(
    r"^(?P<names>.+?)\s+(?P<verb>reported|wrote|contributed reporting)\b(?:\s+(?:from|in)\s.*)?$"
)
_CREDIT_ROLES = {"reported": "reporting", "wrote": "writing", "contributed reporting": "reporting"}


def credit_entries(
    line: str, names_of: Callable[[str], list[str]] = contributor_names
) -> list[dict[str, str]]:
    """``{name, role}`` of each person a CNN credits line names, sentence by sentence.

    `names_of` reads a "contributed to this report" sentence (:func:`contributor_names`).
    """
    entries: list[dict[str, str]] = []
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", normalize_space(line))
    contributors = [names_of(sentence) for sentence in sentences]
    if not any(contributors):
        return entries
    for sentence, names in zip(sentences, contributors, strict=True):
        if names:
            entries += [{"name": name, "role": "contributor"} for name in names]
            continue
        for clause in re.split(
            r",?\s+and\s+(?=\S+(?:\s+\S+){0,3}\s+(?:reported|wrote)\b)|;\s*", sentence.rstrip(".")
        ):
            match = _ROLE_CLAUSE_RE.match(clause.strip(" ,"))
            if match:
                for name in byline_names(match.group("names")):
                    entries.append({"name": name, "role": _CREDIT_ROLES[match.group("verb")]})
    return entries


# Classes of editorial notes; a paragraph holding one is a note.
_NOTE_CLASSES = ("el-editorial-note", "cnnEditorialNote")


class CnnPage(ArticlePage):
    """CNN defaults: no dateline, credits from "contributed to this report" lines.

    The templates find their containers in the page's class index (``ctx.classes``) rather
    than by a ``//`` query: a query tests every element of the story's regions, the index
    finds a class in one string search.
    """

    SOURCE = "cnn"
    SCOPED = True

    # -- page kind ----------------------------------------------------------------------
    def is_non_article_page(self) -> bool:
        """Video, gallery, interactive and section pages (by URL path or og:type)."""
        for url in (self.ctx.url, self.ctx.link_rel("canonical") or ""):
            if NON_ARTICLE_PATH_RE.search(urlsplit(url).path or ""):
                return True
        og_type = (self.ctx.meta("og:type") or "article").lower()
        return og_type.split(".")[0] in NON_ARTICLE_TYPES

    def is_article(self) -> bool:
        if self.is_non_article_page():
            return False
        return bool(self.headline() and self.paragraphs())

    def not_article_reason(self) -> str:
        if self.is_non_article_page():
            return "a video, gallery, live or section page"
        return f"{self.extractor_name()} page without a headline or body"

    # -- body helpers -------------------------------------------------------------------
    def in_box(self, element: html.HtmlElement, fragments: Iterable[str], unless: str = "") -> bool:
        """Whether an ancestor of `element` has a class holding one of `fragments` (and not
        `unless`): a box of the story column that is not its text."""
        return self.box_test(tuple(fragments), unless)(element)

    def box_test(
        self, fragments: tuple[str, ...], unless: str = ""
    ) -> Callable[[html.HtmlElement], bool]:
        """:meth:`in_box` for one set of boxes, remembering per page which elements lie in
        one: the paragraphs of a story share their ancestors, so each class is read once."""
        tests = self.__dict__.setdefault("_box_tests", {})
        test = tests.get((fragments, unless))
        if test is None:
            test = tests[fragments, unless] = _box_test(fragments, unless)
        return test

    def classed(self, fragment: str, tag: str | None = None) -> list[html.HtmlElement]:
        """What ``//tag[contains(@class, fragment)]`` finds, from the class index."""
        return self.ctx.classes.containing(fragment, tag)

    def first_classed(self, fragment: str, tag: str | None = None) -> html.HtmlElement | None:
        """The first element :meth:`classed` finds, or None."""
        found = self.ctx.classes.containing(fragment, tag)
        return found[0] if found else None

    def holders(self, fragment: str) -> frozenset[html.HtmlElement]:
        """The elements holding one whose class contains `fragment` (what passes
        ``.//*[contains(@class, fragment)]``), from the class index, once per page."""
        memo = self.__dict__.setdefault("_holders", {})
        found = memo.get(fragment)
        if found is None:
            found = memo[fragment] = frozenset(
                ancestor
                for element in self.ctx.classes.containing(fragment)
                for ancestor in element.iterancestors()
            )
        return found

    def within(
        self,
        containers: list[html.HtmlElement],
        query: Callable[[html.HtmlElement], list[Any]],
    ) -> list[Any]:
        """What `query` (a ``.//`` query, or a function finding the same) finds inside
        `containers`, each element once, in page order: what ``//container//...`` gives."""
        if len(containers) == 1:
            return list(query(containers[0]))
        return self.page_ordered(
            [element for container in containers for element in query(container)]
        )

    def page_ordered(self, elements: list[html.HtmlElement]) -> list[html.HtmlElement]:
        """`elements` each once, in page order."""
        if len(elements) < 2:
            return elements
        return in_page_order(self.ctx.doc, elements)

    def with_class(self, name: str) -> list[html.HtmlElement]:
        """Elements whose class list holds `name` as a whole word, in page order."""
        return [
            element
            for element in self.ctx.classes.containing(name)
            if name in (element.get("class") or "").split()
        ]

    def body_candidates(self) -> list[html.HtmlElement]:
        """The body's paragraph elements in order, before any text filter."""
        return []

    @once
    def candidate_texts(self) -> list[tuple[html.HtmlElement, str]]:
        """(element, visible text) of each body candidate, read once for every field."""
        return [
            (element, text_of(element)) for element in without_drop_caps(self.body_candidates())
        ]

    @once
    def body_elements(self) -> list[tuple[html.HtmlElement, str]]:
        """(element, text) of each body paragraph: notes, credits, "READ:" lines left out."""
        # Editorial notes (classed, "Editor's note:", or all in italics, which an
        # ``<em>``-only note is), credits lines and promos, tested in one pass.
        found = []
        skipped = self.link_only() | self.note_holders()
        paragraph_text, mentions = self.paragraph_text, self.mentions_contribution
        for element, raw in self.candidate_texts():
            if element in skipped:
                continue
            text = paragraph_text(element, raw)
            if not text or is_read_line(text) or EDITORS_NOTE_RE.match(text):
                continue
            if is_note_class(element.get("class")) or is_italic_only(element):
                continue
            if mentions(text) and self.contributors(text):
                continue
            found.append((element, text))
        return found

    @once
    def note_holders(self) -> frozenset[html.HtmlElement]:
        """The elements holding a classed editorial note."""
        return frozenset().union(*(self.holders(fragment) for fragment in _NOTE_CLASSES))

    @once
    def link_only(self) -> frozenset[html.HtmlElement]:
        """The body candidates that are nothing but a link (promos, related headlines)."""
        return frozenset(
            element for element, text in self.candidate_texts() if is_link_only(element, text)
        )

    def paragraph_text(self, element: html.HtmlElement, text: str) -> str:
        """The text of one body paragraph as it reads (`text`: its visible text)."""
        return text

    @once
    def paragraphs(self) -> list[str]:
        return [text for _, text in self.body_elements()]

    def read_line_links(self) -> list[tuple[html.HtmlElement, Link]]:
        """Anchors of "READ: ..." lines, with the element they were found in (for order)."""
        found = []
        link_only = self.link_only()
        for element, text in self.candidate_texts():
            if not is_read_line(text) and element not in link_only:
                continue
            for anchor in element.iter("a"):
                url = self.ctx.absolute(anchor.get("href"))
                # "Tell us on our Facebook page" promos link to a social network: not coverage.
                if url and not SOCIAL_HOST_RE.search(urlsplit(url).hostname or ""):
                    link = Link(url=url, kind="inline", headline=read_link_headline(anchor))
                    found.append((anchor, link))
        return found

    def in_page_order(self, links: Iterable[tuple[html.HtmlElement, Link]]) -> list[Link]:
        """Links sorted by where their elements sit in the document."""
        pairs = list(links)
        if len(pairs) < 2:
            return [link for _, link in pairs]
        # A node-set is in document order: the query sorts them in C.
        elements = list({element: None for element, _ in pairs})
        order = {e: i for i, e in enumerate(in_page_order(self.ctx.doc, elements))}
        return [link for _, link in sorted(pairs, key=lambda pair: order.get(pair[0], 0))]

    def dateline(self) -> str | None:
        paragraphs = self.paragraphs()
        return dateline_of(paragraphs[0]) if paragraphs else None

    # -- dates --------------------------------------------------------------------------
    def parsed(
        self, value: str | None, parse: Callable[..., str | None] = parse_date
    ) -> str | None:
        """``parse(value)``, once per page: a stamp is first tested, then read."""
        memo = self.__dict__.setdefault("_parsed", {})
        # Keyed by a method's function, not by the bound method (``self.dated``): kept in
        # its own memo, that would hold the page in a cycle, its tree left for the
        # garbage collector to free.
        key = (getattr(parse, "__func__", parse), value)
        if key not in memo:
            memo[key] = parse(value)
        result: str | None = memo[key]
        return result

    def stamp_element(self) -> html.HtmlElement | None:
        """The visible "Updated ..." stamp, if the template prints one."""
        return None

    @once
    def stamp(self) -> str | None:
        """The visible timestamp text, if the template prints one."""
        return text_of(self.stamp_element()) or None

    def stamp_part(self, label: str) -> str | None:
        """The stamp, or of a stamp printing both times ("Published ... | Updated ..."),
        its part labelled `label` ("published" or "updated")."""
        stamp = self.stamp()
        return stamp_parts(stamp).get(label, stamp) if stamp else None

    @once
    def date_published_raw(self) -> str | None:
        stated = super().date_published_raw()
        if stated:
            return stated
        stamp = self.stamp_part("published")
        # Only a stamp that says "Published" is a publication time; "Updated" is not.
        if stamp and stamp.lower().startswith("published") and reads_as_date(stamp):
            return stamp
        return None

    def date_published(self) -> str | None:
        return self.parsed(self.date_published_raw(), self.dated)

    @once
    def date_modified_raw(self) -> str | None:
        stated = super().date_modified_raw()
        if stated:
            return stated
        stamp = self.stamp_part("updated")
        if stamp and "updated" in stamp.lower() and reads_as_date(stamp):
            return stamp
        return None

    def date_modified(self) -> str | None:
        return self.parsed(self.date_modified_raw(), self.dated)

    # -- credits ------------------------------------------------------------------------
    def credit_elements(self) -> list[html.HtmlElement]:
        """Credit lines printed outside the body paragraphs."""
        return []

    def mentions_contribution(self, line: str) -> bool:
        """Whether `line` says "contribut..." (any case): the cheap test before the credits
        parser, asked of each paragraph by the body filter and again by the credits."""
        memo = self.__dict__.setdefault("_mentions", {})
        found = memo.get(line)
        if found is None:
            lowered = line.lower()
            # "contribuyó", "Com informações": on a page in Spanish or Portuguese.
            found = memo[line] = "contribut" in lowered or mentions_contribution(
                lowered, self.in_language()
            )
        return found

    def contributors(self, line: str) -> list[str]:
        """:func:`contributor_names` of `line`, once per page: the body filter and the
        credits read the same lines."""
        memo = self.__dict__.setdefault("_contributors", {})
        names = memo.get(line)
        if names is None:
            # "A contribuyó a este reporte" on a page in Spanish: read in English.
            english = contribution_in_english(line, self.in_language())
            names = memo[line] = contributor_names(english)
        return list(names)

    def credits(self) -> list[dict[str, str]]:
        """People of the credits lines: "A reported from X, and B wrote from Y. C and D
        contributed to this report." gives A (reporting), B (writing), C and D (contributor)."""
        lines = [text_of(e) for e in self.credit_elements()]
        lines += [text for _, text in self.candidate_texts()]
        found: list[dict[str, str]] = []
        for line in lines:
            if not self.mentions_contribution(line):
                continue
            for entry in credit_entries(line, self.contributors):
                if entry not in found:
                    found.append(entry)
        return found

    # -- images -------------------------------------------------------------------------
    def image(
        self, img: html.HtmlElement | None, caption: str, *attrs: str
    ) -> dict[str, Any] | None:
        """An ``{url, caption}`` entry of the ``<img>``'s picture (:func:`image_source`, the
        first of `attrs` it sets preferred)."""
        if img is None:
            return None
        url = self.ctx.absolute(image_source(img, *attrs))
        return {"url": url, "caption": caption or None} if url else None


def _box_test(fragments: tuple[str, ...], unless: str) -> Callable[[html.HtmlElement], bool]:
    """A test "has `element` an ancestor whose class holds one of `fragments` (not
    `unless`)", remembering the answer for every ancestor it walks."""
    search = _fragments_re(fragments).search
    # element -> whether it or one of its ancestors is such a box
    boxed: dict[html.HtmlElement, bool] = {}

    def inside(element: html.HtmlElement) -> bool:
        walked = []
        found = False
        for ancestor in element.iterancestors():
            known = boxed.get(ancestor)
            if known is not None:
                found = known
                break
            walked.append(ancestor)
            cls = ancestor.get("class")
            if cls and search(cls) and not (unless and unless in cls):
                found = True
                break
        for ancestor in walked:
            boxed[ancestor] = found
        return found

    return inside
