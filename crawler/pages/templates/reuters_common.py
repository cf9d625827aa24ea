"""What every Reuters template shares: datelines, credits, related cards, captions, dates.

A template names the elements of its markup (body paragraphs, byline, stamp, modules);
:class:`ReutersPage` turns them into the spec's fields the same way for every era.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from lxml import etree, html

from ..article import ArticlePage, image_source
from ..base import Link, PageContext, compiled, in_box, in_page_order, once
from ..boilerplate import EDITORS_NOTE_RE, is_italic_only, is_service_note, is_standards_line
from ..credits import LEADING_EDGE, is_credits_line, parse_credits
from ..dates import parse_date
from ..text import headline_text, normalize_space, short_text_of, text_of, without_drop_caps
from ..urls import canonicalize_url
from ..wording import credits_in_english, names_a_role

# "GAO, Mali (Reuters) - ", "GAO, Feb 10 (Reuters) - ", "SEGOU/BAMAKO, Mali, Jan 18 (Reuters) -";
# the outlet's services sign with their own names ("NEW YORK (Reuters Health) -").
_DATELINE_RE = re.compile(
    r"^(?P<place>[^()]{2,60}?)"
    # The Arabic service's comma ("،") as the others'.
    r"(?:[,\u060c]\s*(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
    # The day first, the month in the service's language ("14 feb", "14 février", "1er mars").
    r"|\d{1,2}(?:er)?\s+[^\W\d]{3,}\.?)(?:,?\s+\d{4})?)?"  # the year after it, where printed
    r"\s*\((?:Reuters|Thomson Reuters Foundation|Reuters (?:Breakingviews|Health|Life!)|IFR"
    r"|\u0631\u0648\u064a\u062a\u0631\u0632)\)"  # Reuters in Arabic
    r"\s*[-–—]"
)
# A pointer to an interactive graphic: "(Graphic: Global assets in 2019 - here)", and the
# older wording, "(For a graphic on X, click link.reuters.com/...)", "(Click here for a
# graphic on X)".
_A_GRAPHIC = r"for\s+an?\s+(?:interactive\s+)?graphics?\b"
_GRAPHIC_RE = re.compile(
    r"^\((?:interactive\s+)?graphics?:[^()]*\)$"
    rf"|^\(?(?:{_A_GRAPHIC}[^()]*,\s*click\b|click\s+(?:here|\S+\.\S+)\s+{_A_GRAPHIC})[^()]*\)?\.?$",
    re.IGNORECASE,
)
_LICENSING_RE = re.compile(r"\s*purchase licensing rights\s*,?\s*", re.IGNORECASE)
_TOPIC_TAIL_RE = re.compile(r"\s*[»›]+$")


# An opening that names a date and no place: "14 feb (Reuters) -", "23 Fev (Reuters) -".
_DATE_ONLY_RE = re.compile(r"^\d{1,2}(?:er)?\.?\s+[^\W\d]{3,}\.?$|^[^\W\d]{3,}\.?\s+\d{1,2}$")


# Pages of the outlet that are never articles, by path, and what to call them: every
# Reuters template refuses these paths and names the kind as the reason.
_NON_ARTICLE_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^/finance/stocks/[^/]+/key-developments(?:/|$)", re.I),
        "stock key developments page",
    ),
    (re.compile(r"^/(?:finance/stocks|markets/quote|companies)(?:/|$)", re.I), "stock quote page"),
    (re.compile(r"^/(?:news/)?video(?:/|$)", re.I), "video page"),
    (re.compile(r"^/(?:news/)?pictures(?:/|$)", re.I), "pictures page"),
    (re.compile(r"^/news/archive(?:/|$)", re.I), "section page"),
    (re.compile(r"^/graphics(?:/|$)", re.I), "graphics page"),
    (re.compile(r"^/(?:authors|journalists)(?:/|$)", re.I), "author page"),
)


def non_article_kind(url: str) -> str | None:
    """What an outlet page that is never an article is ("stock key developments page"),
    from its path; None for any other page."""
    path = urlsplit(url).path
    for pattern, kind in _NON_ARTICLE_KINDS:
        if pattern.match(path):
            return kind
    return None


def dateline_of(first_paragraph: str) -> str | None:
    """The place a wire story's opening names, without its date: "GAO, Feb 10 (Reuters) -"."""
    match = _DATELINE_RE.match(first_paragraph)
    if not match:
        return None
    place = normalize_space(match.group("place")).rstrip(",\u060c")
    if _DATE_ONLY_RE.match(place):
        return None
    return place or None


# "(Additional reporting by ... in WASHINGTON; Writing by A; Editing by B)": a sign-off in
# parentheses may run past the length a generic credits line is held to.
_LONG_CREDITS_RE = re.compile(
    r"^\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|written)\s+by\b.*\)\.?$",
    re.IGNORECASE,
)
# The French desk's sign-off: "(A; B pour le service français, édité par C)".
_FRENCH_CREDITS_RE = re.compile(
    r"^\((?P<inner>[^()]*(?:service fran[çc]ais|[ée]dit[ée] par)[^()]*)\)\.?$", re.IGNORECASE
)


def is_sign_off(text: str, *, normalized: bool = False, language: str | None = None) -> bool:
    """A Reuters credits line: the generic forms, a long parenthesised one, the French desk's;
    on a page in Spanish or Portuguese (`language`) also their forms.

    `normalized` says `text` is already :func:`normalize_space`'s (as :func:`text_of`
    gives it), which spares normalising every paragraph again (most of this test's cost).
    """
    if names_a_role(text, language) and is_credits_line(text, language):
        return True
    if not text.startswith("(") and not _may_be_credits_line(text, normalized):
        return False
    return bool(
        is_credits_line(text) or _LONG_CREDITS_RE.match(text) or _FRENCH_CREDITS_RE.match(text)
    )


def _may_be_credits_line(text: str, normalized: bool = False) -> bool:
    """False only where :func:`is_credits_line` is: each of its forms has a space, then "by"
    or "contributed" (its whitespace is a single space once the line is normalised), and
    outside parentheses a role marker ("Reporting by", "Edited by", "Additional reporting
    by", "Compiled by", "Written by") opens the line, past its edge punctuation.

    Substring tests instead of the role-marker search, which costs microseconds a
    paragraph, and news paragraphs often say "by". Case is folded as that search's
    IGNORECASE does: besides another case, only U+0130 and U+0131 (dotted capital,
    dotless small I) match a letter of these words, and none of their first letters.
    """
    line = text if normalized else normalize_space(text)
    folded = line.replace("\u0130", "i").lower().replace("\u0131", "i")
    if " contributed" in folded:
        return True
    if " by" not in folded:
        return False
    return line.startswith("(") or folded.lstrip(LEADING_EDGE)[:1] in _MARKER_INITIALS


# The first letters of the role markers (after the edge punctuation the credits check strips).
_MARKER_INITIALS = frozenset("arwce")


def sign_off_credits(text: str, language: str | None = None) -> list[dict[str, str]]:
    """People and roles of a sign-off (see :func:`is_sign_off`)."""
    text = credits_in_english(text, language)
    french = _FRENCH_CREDITS_RE.match(text)
    if not french:
        if _LONG_CREDITS_RE.match(text) and not is_credits_line(text):
            return parse_credits(text[1:].rstrip(".").rstrip(")"))
        return parse_credits(text)
    found: list[dict[str, str]] = []
    for part in re.split(r"[;,]", french.group("inner")):
        part = normalize_space(part)
        edited = re.match(r"^[ée]dit[ée] par\s+(?P<name>.+)$", part, re.IGNORECASE)
        desk = re.match(r"^(?P<name>.+?)\s+pour le service fran[çc]ais$", part, re.IGNORECASE)
        if edited:
            found.append({"name": edited.group("name"), "role": "editing"})
        elif desk:
            found.append({"name": desk.group("name"), "role": "writing"})
        elif part:
            found.append({"name": part, "role": "reporting"})
    return found


def is_section_url(url: str) -> bool:
    """A section or category page (``/world/``, ``/fact-check/espanol/``, the older
    ``/news/archive/technologyNews``), not a story."""
    path = urlsplit(url).path
    if not path or path == "/":
        return True
    if non_article_kind(url) == "section page":
        return True
    return path.endswith("/") and not any(map(str.isdigit, path))


def clean_caption(text: str) -> str:
    """A caption without the "Purchase Licensing Rights" link text."""
    return normalize_space(_LICENSING_RE.sub(" ", text))


def clean_topic(text: str) -> str:
    """A topic label without the trailing " »" of the old Related Topics box."""
    return normalize_space(_TOPIC_TAIL_RE.sub("", text))


class ReutersPage(ArticlePage):
    """Reuters defaults; a template supplies the elements through the ``*_elements`` hooks."""

    SOURCE: ClassVar[str | None] = "reuters"

    # -- hooks a template overrides -----------------------------------------------------
    def body_elements(self) -> list[html.HtmlElement]:
        """Paragraphs and sub-headings of the story, in order (modules already left out)."""
        return []

    def byline_element(self) -> html.HtmlElement | None:
        return None

    def stamp_element(self) -> html.HtmlElement | None:
        """The visible publication stamp."""
        return None

    def stamp_text(self, element: html.HtmlElement) -> str:
        """The publication stamp's text as a reader sees it."""
        return text_of(element)

    def dateline_element(self) -> html.HtmlElement | None:
        return None

    def credits_elements(self) -> list[html.HtmlElement]:
        """A credits line printed outside the body paragraphs, if the template has one."""
        return []

    def related_containers(self) -> list[html.HtmlElement]:
        return []

    def topic_anchors(self) -> list[html.HtmlElement]:
        return []

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        """(img, caption element) pairs of the editorial photos."""
        return []

    def caption_skip_xpath(self) -> str:
        """Parts of a caption element that are not the caption (slide counters, say)."""
        return "self::node()[false()]"

    def not_article_reason(self) -> str:
        return non_article_kind(self.canonical_url()) or super().not_article_reason()

    # -- queries from the attribute indexes ---------------------------------------------
    def under(self, roots: Iterable[html.HtmlElement], query: str) -> list[html.HtmlElement]:
        """What ``//root<query>`` finds (`query` a relative ``//x`` or ``/x`` path), asked
        of `roots` only, in page order: `roots` come from the id or class index, so the
        query does not test every element of the page for its first step."""
        step = compiled("." + query)
        roots = list(roots)
        found = [element for root in roots for element in step(root)]
        return found if len(roots) <= 1 else in_page_order(self.ctx.doc, found)

    def with_id(self, tag: str, *values: str) -> list[html.HtmlElement]:
        """``//tag[@id=value or ...]``, from the id index, in page order."""
        found = [element for value in values for element in self.ctx.ids.equal(value, tag)]
        return found if len(values) <= 1 else in_page_order(self.ctx.doc, found)

    def with_class(self, tag: str, fragment: str) -> list[html.HtmlElement]:
        """``//tag[contains(@class, fragment)]``, from the class index, in page order."""
        return self.ctx.classes.containing(fragment, tag)

    # -- fields -------------------------------------------------------------------------
    def is_non_article_page(self) -> bool:
        """A page kind the outlet never publishes a story as (by path), or one whose
        og:type says it is no story."""
        if non_article_kind(self.canonical_url()):
            return True
        og_type = (self.ctx.meta("og:type") or "article").lower()
        return og_type not in ("article", "news", "newsarticle")

    def is_article(self) -> bool:
        if self.is_non_article_page():
            return False
        return bool(self.headline() and self.paragraphs())

    @once
    def _body_texts(self) -> list[tuple[html.HtmlElement, str]]:
        """(element, text) of each body element that shows text."""
        pairs = ((element, text_of(element)) for element in without_drop_caps(self.body_elements()))
        return [(element, text) for element, text in pairs if text]

    @once
    def _body_lines(self) -> list[tuple[str, bool]]:
        """Each body text and whether it is a sign-off (paragraphs and credits both ask)."""
        language = self.in_language()
        return [
            (text, is_sign_off(text, normalized=True, language=language))
            for _, text in self._body_texts()
        ]

    @once
    def paragraphs(self) -> list[str]:
        """The story's text: no sign-off, standards line, graphic pointer or editorial note
        (a service note, an "Editor's note:", a note all in italics), as the spec asks."""
        found = []
        for (element, text), (_, sign_off) in zip(
            self._body_texts(), self._body_lines(), strict=True
        ):
            if sign_off or is_standards_line(text) or _GRAPHIC_RE.match(text):
                continue
            if is_service_note(text) or EDITORS_NOTE_RE.match(text) or is_italic_only(element):
                continue
            found.append(text)
        return found

    def credits(self) -> list[dict[str, str]]:
        lines = [text_of(element) for element in self.credits_elements()]
        lines += [text for text, sign_off in self._body_lines() if sign_off]
        found: list[dict[str, str]] = []
        language = self.in_language()
        for line in lines:
            found.extend(sign_off_credits(line, language))
        return found

    @once
    def byline(self) -> str | None:
        element = self.byline_element()
        text = text_of(element) if element is not None else ""
        return text or None

    def dateline(self) -> str | None:
        element = self.dateline_element()
        if element is not None:
            text = text_of(element)
            if text:
                # Read as an opening is: the place without a date printed after it, none
                # for a date alone ("Aug 23", a brief's); a span no opening reads is the place.
                opening = f"{text} (Reuters) -"
                return dateline_of(opening) if _DATELINE_RE.match(opening) else text
        paragraphs = self.paragraphs()
        return dateline_of(paragraphs[0]) if paragraphs else None

    @once
    def date_published_raw(self) -> str | None:
        value = self.ld_date("datePublished", parse_date)
        if value:
            return value
        meta = self.ctx.meta("pubdate", "article:published_time", "og:article:published_time")
        if meta:
            return meta
        element = self.stamp_element()
        stamp = self.stamp_text(element) if element is not None else ""
        # A stamp whose times a script fills in prints no digit ("Updated "): no date.
        return stamp if any(char.isdigit() for char in stamp) else None

    def date_published(self) -> str | None:
        return self.dated(self.date_published_raw())

    @once
    def date_modified_raw(self) -> str | None:
        value = self.ld_date("dateModified", parse_date)
        if value:
            return value
        return self.ctx.meta(
            "lastmod", "article:modified_time", "og:article:modified_time", "REVISION_DATE"
        )

    def date_modified(self) -> str | None:
        return self.dated(self.date_modified_raw())

    @once
    def related_links(self) -> list[Link]:
        # Asked twice per page: for the item and for the analysis' links.
        return self.links_in(self.related_containers())

    def links_in(self, containers: Iterable[html.HtmlElement]) -> list[Link]:
        """One related link per anchor (or card) of the containers, in page order (a link to
        the page itself is left out with the item's other links, ``listed_once``)."""
        links: list[Link] = []
        seen: set[str] = set()
        # A card links its picture and its headline to one story: each href is resolved
        # once, and a card's headline is read only for a story not linked yet.
        resolved: dict[str | None, str | None] = {}
        keys: dict[str, str] = {}
        for container in containers:
            for anchor in container.iter("a"):
                href = anchor.get("href")
                if href not in resolved:
                    resolved[href] = self.ctx.absolute(href)
                url = resolved[href]
                if not url or is_section_url(url) or _in_kicker(anchor):
                    continue
                if url not in keys:
                    keys[url] = canonicalize_url(url)
                key = keys[url]
                if key in seen:
                    continue
                headline = card_headline(anchor)
                if not headline:
                    continue
                seen.add(key)
                links.append(Link(url=url, kind="related", headline=headline))
        return links

    def topics(self) -> list[str]:
        found: list[str] = []
        for anchor in self.topic_anchors():
            topic = clean_topic(text_of(anchor))
            if topic and topic not in found:
                found.append(topic)
        return found

    def images(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        for img, caption in self.image_elements():
            url = self.ctx.absolute(image_source(img))
            if not url or url in seen:
                continue
            seen.add(url)
            text = ""
            if caption is not None:
                skip = compiled(self.caption_skip_xpath())(caption)
                text = clean_caption(text_of(caption, skip=skip))
            found.append({"url": url, "caption": text or None})
        return found


def _in_kicker(anchor: html.HtmlElement) -> bool:
    """Whether a card's link is its section label (``span[data-testid=Label]`` kicker)."""
    for element in (anchor, *anchor.iterancestors()):
        if element.get("data-testid") == "Label" or "kicker" in (element.get("class") or ""):
            return True
        if element.tag in ("li", "article"):
            return False
    return False


def card_headline(anchor: html.HtmlElement) -> str:
    """The headline of a link or card: its heading element if it has one, else its text (a
    time, label or icon beside the headline left out, :func:`headline_text`)."""
    for heading in anchor.iter(etree.Element):
        if heading is not anchor and _is_card_heading(heading):
            text = headline_text(heading)
            if text:
                return text
    return headline_text(anchor)


def _is_card_heading(element: html.HtmlElement) -> bool:
    """``*[@data-testid='Heading' or self::h2 or self::h3 or self::h4 or contains(@class,
    'title') or contains(@class, 'heading')]``, tested in Python (a card is a few elements)."""
    if element.tag in ("h2", "h3", "h4") or element.get("data-testid") == "Heading":
        return True
    classes = element.get("class")
    return classes is not None and ("title" in classes or "heading" in classes)


def classes_passing(
    ctx: PageContext, test: Callable[[html.HtmlElement], Any], prefixes: tuple[str, ...]
) -> list[html.HtmlElement]:
    """The elements whose class holds one of `prefixes` and that pass `test` (a compiled
    ``self::...[...]`` query or a Python test), each once, in page order: found from the
    class index's joined values, not by testing every class value in Python."""
    candidates = [element for prefix in prefixes for element in ctx.classes.containing(prefix)]
    kept = [element for element in candidates if test(element)]
    return in_page_order(ctx.doc, kept) if len(kept) > 1 and len(prefixes) > 1 else kept


def class_prefix_test(*prefixes: str) -> Callable[[html.HtmlElement], bool]:
    """Whether an element has a class name starting with one of `prefixes`: what
    :func:`~crawler.pages.text.class_prefix_xpath` tests, in Python. Over a story's few
    hundred elements it is many times faster than the XPath's concat and normalize-space
    on each (XPath splits class names on its four whitespace characters only)."""
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    # The prefixes anywhere first: a search that does not try every position as a word
    # start runs several times faster, and most classes hold none of them.
    anywhere = re.compile(alternatives).search
    at_start = re.compile(rf"(?:^|[ \t\n\r])(?:{alternatives})").search

    def test(element: html.HtmlElement) -> bool:
        classes = element.get("class")
        return classes is not None and anywhere(classes) is not None and bool(at_start(classes))

    return test


def without_descendants_of(
    elements: Iterable[html.HtmlElement], excluded: Iterable[html.HtmlElement]
) -> list[html.HtmlElement]:
    """The elements that do not sit inside any of `excluded` (modules within a body)."""
    barrier = set(excluded)
    if not barrier:
        return list(elements)
    return [
        element
        for element in elements
        if element not in barrier and not any(a in barrier for a in element.iterancestors())
    ]


def outside_modules(
    root: html.HtmlElement,
    elements: Iterable[html.HtmlElement],
    is_module: Callable[[html.HtmlElement], bool],
) -> list[html.HtmlElement]:
    """The `elements` (inside `root`) neither in nor under a module below `root`: what
    ``without_descendants_of(elements, <root's descendants passing is_module>)`` keeps.

    Only the elements between each one and `root` are tested, each once: a story's
    modules matter only around its paragraphs, not over every element of the story.
    """
    inside: dict[html.HtmlElement, bool] = {}
    return [element for element in elements if not in_box(element, is_module, inside, root)]


def modules_headed(
    headings: Iterable[html.HtmlElement], titles: tuple[str, ...]
) -> list[html.HtmlElement]:
    """Containers whose heading reads one of `titles` ("Related Coverage", "Read Next")."""
    wanted = {title.lower() for title in titles}
    # A heading showing more letters than the longest title (colons aside) is none of them.
    longest = max(len("".join(title.split())) for title in wanted)
    letters = tuple(sorted("".join(title.split()) for title in wanted))
    found: list[html.HtmlElement] = []
    for heading in headings:
        if not may_show_one_of(_STRING_VALUE(heading), letters):
            continue
        text = short_text_of(heading, longest, uncounted=":")
        if text is None or text.lower().rstrip(":") not in wanted:
            continue
        container = heading.getparent()
        while container is not None and not _HAS_LINK(container):
            container = container.getparent()
        if container is not None and container not in found:
            found.append(container)
    return found


_STRING_VALUE = compiled("string(.)")
_HAS_LINK = compiled("boolean(.//a[@href])")


@cache
def _subsequence(words: tuple[str, ...]) -> re.Pattern[str]:
    """Matches a text holding the letters of one of `words` in their order, other
    characters between them. Each run stops at its letter's first occurrence, and giving
    any of it back never finds that letter, so a word costs one pass over the text (no
    possessive ``*+``: Python 3.10 lacks it)."""
    alternatives = ("".join(f"[^{re.escape(c)}]*{re.escape(c)}" for c in w) for w in words)
    return re.compile("|".join(alternatives))


def may_show_one_of(raw: str, letters: tuple[str, ...]) -> bool:
    """False only where no text an element shows reads one of `letters` (lower-case
    titles without their spaces), from `raw`, all the text under the element: what it
    shows is some of these text nodes in their order, each letter lower-cased alone, so a
    title's letters must come in `raw` in their order. One regex match in C, where reading
    each heading's visible text walks it in Python."""
    return _subsequence(letters).match(raw.lower()) is not None
