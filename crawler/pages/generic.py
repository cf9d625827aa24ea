"""Fallback for an outlet page in a template we do not know yet: what every news page carries.

Outlets redesign every few years; until a template is written, a story still gives its
headline, authors, dates, body and dateline from structured data (JSON-LD in any shape,
OpenGraph and ``article:*`` meta, Parse.ly, Sailthru and Dublin Core meta, ``<time>``),
the visible byline and the opening of its first paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml import html

from .article import AUTHOR_METAS, ArticlePage, headline_suffixes, image_source, page_names
from .base import Link, PageContext, compiled, in_page_order, once
from .boilerplate import (
    EDITORS_NOTE_RE,
    EMBEDDED_POST_CLASSES,
    SOCIAL_HOST_RE,
    is_bold_only,
    is_italic_only,
    is_link_only,
    is_note_class,
    is_read_line,
    is_service_note,
    is_standards_line,
    read_link_headline,
)
from .bylines import parse_byline
from .credits import is_credits_line, parse_credits
from .dates import parse_date
from .jsonld import jsonld_people, jsonld_story, own_story_of
from .lines import (
    DATELINE_RE,
    NOT_FOUND_RE,
    OPENING_LENGTH,
    RECIRCULATION_RE,
    SENTENCE_END,
    STAMP_LINE_LENGTH,
    dateline_of,
    is_byline_block,
    is_byline_text,
    is_lede,
    is_stamp,
    is_widget_label,
    labelled_stamp,
    mostly_within,
    opening_of,
    opens_story,
    reads_as_prose,
    stamp_and_byline,
    stamp_label,
)
from .text import (
    is_drop_cap,
    normalize_space,
    reads_as_proper_name,
    short_text_of,
    strip_suffixes,
    text_of,
    without_drop_caps,
)
from .urls import outlet_of_host, resolve_link
from .wording import byline_in_english

# Meta tags naming the publication and update times, in the order they are trusted.
PUBLISHED_METAS = (
    "article:published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "datepublished",
)
MODIFIED_METAS = (
    "article:modified_time",
    "lastmod",
    "og:updated_time",
    "dcterms.modified",
    "dc.date.modified",
    "datemodified",
)
_BYLINE_XPATH = (
    "//*[@rel='author' or @itemprop='author'"
    " or contains(translate(@class, 'BYLINE', 'byline'), 'byline')"
    " or contains(@class, 'author-name') or contains(@data-testid, 'byline')]"
)


# The parts of _BYLINE_XPATH read from the page's indexes: translate() folds only these six
# letters, so a folded class value holds "byline" where the value holds this.
_BYLINE_CLASS = re.compile("[bB][yY][lL][iI][nN][eE]")
_AUTHOR_ATTRIBUTES = compiled(".//*[@rel='author' or @itemprop='author']")
# A byline's stamp and reading time, left out of its text.
_BYLINE_SKIPPED = compiled(
    ".//time|.//*[contains(@class, 'time') or contains(@class, 'date')"
    " or contains(@class, 'stamp') or contains(@class, 'read')]"
)

# "@AwaDiarraCNN": a social handle printed beside a name, not part of it.
_HANDLE_RE = re.compile(r"(?<!\S)@\w+")


# Boxes among a story's paragraphs that are not its text (a caption or byline class on the
# paragraph itself, in any case).
_OUT_OF_BODY = compiled(
    "ancestor-or-self::figure|ancestor-or-self::aside|ancestor::footer|ancestor::header"
    "|ancestor::a"  # a card: its headline printed as a paragraph inside the link
    "|ancestor-or-self::*[contains(translate(@class, 'BYLINECAPT', 'bylinecapt'), 'byline')"
    " or contains(translate(@class, 'BYLINECAPT', 'bylinecapt'), 'caption')]"
    # A social network's embedded post (a tweet, an Instagram post): someone else's words.
    "|ancestor-or-self::*["
    + " or ".join(f"contains(@class, '{name}')" for name in EMBEDDED_POST_CLASSES)
    + "]"
)
# A newsletter's sign-up box among the paragraphs: a class naming a newsletter, a sign-up or
# subscribing (not "subscriber", as a paywalled story's own element may be), any case, or a
# form or e-mail field; a few lines at most (a wrapper holding the story and a form is none).
_SIGNUP_CLASS = re.compile(r"(?i)newsletter|sign[-_]?up|subscribe(?!r)")
_SIGNUP_FIELD = ".//form|.//input[@type='email']"
_SIGNUP_LENGTH = 300
_SIGNUP_PARAGRAPHS = 2


# A stamp printed at the end of a byline box without an element of its own.
_STAMP_TAIL_RE = re.compile(r"\s*\b(?:updated|published|posted)\b.*$", re.IGNORECASE)
# Classes of visible timestamps ("timestamp", "story__date", "ArticleTime"), any case.
_STAMP_CLASS = re.compile("(?i)stamp|date|time")


# <article> elements that may be the story: not cards in an aside, a nav or a footer.
_STORY_ARTICLES = "//article[not(ancestor::aside or ancestor::nav or ancestor::footer)]"


def _is_source_line(text: str, element: html.HtmlElement) -> bool:
    """A source line ("Gao CNN —", "Bamako, Mali (CNN) --"): a place (or none) and the
    outlet, nothing after; not in a header, a caption or a heading's wrapper."""
    found = opening_of(f"{text} ")
    if found is None or text[found.end() :].strip(" -\u2014\u2013"):
        return False
    return not (_OUT_OF_BODY(element) or element.xpath(".//h1|.//h2|.//h3|.//p"))


# A box's label: a few words ending no sentence ("Related Coverage").
_BOX_LABEL_LENGTH = 40
# Text of a paragraph's parent outside links.
_TEXT_OUTSIDE_LINKS = compiled("../descendant::text()[normalize-space()][not(ancestor::a)]")


def _heads_a_box_of_links(element: html.HtmlElement, text: str) -> bool:
    """Whether `element` is the label of a box whose other text is all links (related
    stories set among the paragraphs), not a paragraph of the story."""
    if len(text) > _BOX_LABEL_LENGTH or text.endswith(SENTENCE_END):
        return False
    parent = element.getparent()
    if parent is None or next(parent.iter("a"), None) is None:
        return False
    return all(
        node.getparent() is element or element in node.getparent().iterancestors()
        for node in _TEXT_OUTSIDE_LINKS(element)
    )


def _sharing_parents(elements: list[html.HtmlElement]) -> list[html.HtmlElement]:
    """`elements` in order, author links sharing a parent given as that parent, once: links
    printed side by side ("By <a>A</a> and <a>B</a>") are one byline, their parent's; those
    of a contributor line ("A and B contributed to this report.") are credits, no byline."""
    siblings: dict[html.HtmlElement, int] = {}
    for element in elements:
        parent = element.getparent()
        if parent is not None and _is_author_link(element):
            siblings[parent] = siblings.get(parent, 0) + 1
    credits = {parent for parent in siblings if is_credits_line(text_of(parent))}
    found: list[html.HtmlElement] = []
    for element in elements:
        parent = element.getparent()
        if parent in credits:
            continue
        shared = parent is not None and siblings.get(parent, 0) > 1 and _is_author_link(element)
        chosen = parent if shared and parent is not None else element
        if chosen not in found:
            found.append(chosen)
    return found


def _is_author_link(element: html.HtmlElement) -> bool:
    return element.get("rel") == "author" or element.get("itemprop") == "author"


def _cited_place(element: html.HtmlElement) -> str | None:
    """The place a paragraph opens with alone in a ``<cite>`` (CNN 2015-2021: "Washington",
    its "(CNN)" added by the style sheet, the sentence glued after it), else None; a cite
    holding the outlet's mark ("Hong Kong (CNN Business)") is an opening read as such, and
    one the sentence goes on after ("<cite>The Herald</cite> reported") a work's title."""
    if (element.text or "").strip() or not len(element) or element[0].tag != "cite":
        return None
    if element[0].tail and element[0].tail[:1].isspace():  # a work's title, then its sentence
        return None
    place = text_of(element[0])
    if not place or len(place) > OPENING_LENGTH or DATELINE_RE.match(f"{place} "):
        return None
    return place if reads_as_proper_name(place) else None


# How far into the story's element its opening is looked for, past what precedes it.
_OPENING_WITHIN = 4


# A stamp inside a link, in a list item holding a link (or a list of such items), or right
# after a heading holding one: another story's card.
_IN_CARD = compiled(
    "ancestor::a or ancestor-or-self::li[1][.//a] or descendant::li[.//a]"
    " or preceding-sibling::*[1][self::h2 or self::h3 or self::h4 or self::h5][.//a]"
)


# A photo's caption (a <figure>, its <figcaption>, an element classed "caption"), or an
# element holding one: when and by whom the photo was taken ("Picture taken March 3, 2014
# by A") is no stamp and no byline.
_CAPTION = (
    "self::figure or self::figcaption"
    " or self::*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')]"
)
_IN_CAPTION = compiled(f"ancestor-or-self::*[{_CAPTION}] or descendant::*[{_CAPTION}]")


def _wrappers_parent(wrapper: html.HtmlElement) -> html.HtmlElement | None:
    """The parent of `wrapper` where a sibling of the same tag and class wraps a paragraph
    too (``<div class="txt"><p>`` each), or where `wrapper` holds one paragraph alone and
    paragraphs follow it bare (``<span><p>A</p></span><p>B</p>``: a lead wrapped, the rest
    not; a story's element with a copyright line beside it is no such lead), else None."""
    parent = wrapper.getparent()
    if parent is None:
        return None
    tag, cls = wrapper.tag, wrapper.get("class")
    for sibling in parent:
        kin = sibling is not wrapper and sibling.tag == tag and sibling.get("class") == cls
        if kin and sibling.find("p") is not None:
            return parent
    alone = len(wrapper.findall(".//p")) == 1
    if alone and any(sibling.tag == "p" for sibling in wrapper.itersiblings()):
        return parent
    return None


def _heading_parent(heading: html.HtmlElement) -> html.HtmlElement | None:
    """The element a heading stands in: its parent, or past wrappers holding only the
    heading (``<div class="subhead"><h2>``), the first holding more."""
    text = text_of(heading)
    parent = heading.getparent()
    while parent is not None and text_of(parent) == text:
        parent = parent.getparent()
    return parent


# A story's paragraphs: <p>, and <div> paragraphs (class="...paragraph...", or
# data-testid="paragraph-N") holding none.
_PARAGRAPHS = (
    ".//p|.//div[contains(@class, 'paragraph') or starts-with(@data-testid, 'paragraph')]"
    "[not(.//p)][not(.//div[contains(@class, 'paragraph')])]"
)
# Where a story has none of those (each paragraph a plain <div>): the blocks of text, the
# <div> elements holding no block of their own but a drop cap (a childless <div> or <p> of
# one letter, told by :func:`_text_blocks`).
_TEXT_BLOCKS = (
    ".//div[not(.//div[* or string-length(normalize-space()) != 1]"
    "|.//p[* or string-length(normalize-space()) != 1]|.//ul|.//ol|.//table"
    "|.//figure|.//section|.//article|.//h1|.//h2|.//h3)][normalize-space()]"
)


def _text_blocks(root: html.HtmlElement, query: str = _TEXT_BLOCKS) -> list[html.HtmlElement]:
    """The blocks of text `query` finds under `root`: those holding a ``<div>`` or ``<p>``
    only where each is a drop cap (``<div>T</div>he mill ...``), which joins its word; not
    the drop caps themselves."""
    return [
        block
        for block in compiled(query)(root)
        if not is_drop_cap(block) and all(map(is_drop_cap, block.iterdescendants("div", "p")))
    ]


def _paragraphs(root: html.HtmlElement, query: str = _PARAGRAPHS) -> list[html.HtmlElement]:
    """The paragraphs `query` finds under `root`, less drop caps (``<p>T</p>he mill ...``):
    a letter of its parent's first word, no paragraph of its own."""
    return without_drop_caps(compiled(query)(root))


# What a block of text holds none of: a block, a paragraph or a heading of its own.
# What a <div> byline holds after its names: "By A and B | SAN FRANCISCO/WASHINGTON".
_BYLINE_BAR = re.compile(r"\s\|\s")
_BLOCK_CHILD = ".//div|.//p|.//h1|.//h2|.//h3|.//ul|.//ol|.//table"
_HEADINGS = ".//h2|.//h3"
# A card of another story: a headline and a one-line teaser; and its box's label, at most.
_RECIRCULATION_LENGTH = 60
_CARD_LENGTH = 300
# A card's headline is this share of its text at least (a teaser of a line or two after it).
_HEADLINE_SHARE = 0.3
# A section front lists this many cards at least, each headed by a linked heading.
_FRONT_CARDS = 3
_CARD_HEADINGS = ("h2", "h3", "h4", "h5")
# The share of a front's text its cards hold at least: a story's own paragraphs are more.
_FRONT_SHARE = 0.75


class GenericArticlePage(ArticlePage):
    """Headline, dates, authors and body from what any news page states about itself."""

    NAME = "generic"

    def __init__(self, ctx: PageContext):
        super().__init__(ctx)
        # The page's own story: a section front may state one it lists, which is no
        # sign that the front is a story, nor the source of its fields.
        pages, titles = page_names(ctx)
        stated = bool(ctx.jsonld_articles)
        own = own_story_of(ctx.jsonld_articles, pages, titles)
        self.ld = own if own is not None else jsonld_story(ctx.jsonld, pages, titles)
        # Whether the page's JSON-LD states a story, only another page's.
        self.states_another_story = stated and not self.ld

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return True

    def is_article(self) -> bool:
        if self.ld:
            return bool(self.headline() and self.paragraphs()) and not self.says_not_found()
        # Without structured data, insist on a real body and a page that says it is a
        # story (an <article>, og:type article, a publication time, a dateline opening).
        if not self.headline() or len(self.paragraphs()) < 2 or self.says_not_found():
            return False
        if self.states_a_story():
            return not self.lists_cards()
        # Weaker signs: one <article> (a front's cards are several), or one outlet opening;
        # and not a list of headlines.
        one_article = len(self.ctx.xpath(_STORY_ARTICLES)) == 1
        return (one_article or self.opens_once()) and not self.mostly_links()

    def says_not_found(self) -> bool:
        """Whether the page's headline or title says it is an error page ("Page not found"),
        which a site may serve with status 200."""
        title = self.ctx.first("//title")
        texts = (self.headline(), text_of(title) if title is not None else "")
        suffixes = headline_suffixes()
        return any(NOT_FOUND_RE.match(strip_suffixes(text, suffixes).strip()) for text in texts)

    def mostly_links(self) -> bool:
        """Whether most of the story element's text is the text of its links: a list of
        headlines (a topic page, a section front), not a story."""
        container = self.container()
        if container is None:
            return False
        linked = sum(len(text_of(anchor)) for anchor in container.iter("a"))
        return 2 * linked > len(self.visible_text(container))

    @once
    def lists_cards(self) -> bool:
        """Whether the story element's text is nearly all other stories' cards (a linked
        headline and a teaser each), several: a section front, not a story."""
        container = self.container()
        if container is None:
            return False
        lines = self.story_lines()
        cards: dict[html.HtmlElement, int] = {}
        before = []  # the lines before the first card
        for element, text, heading in lines:
            card = self._front_card_of(element, container)
            if card is not None:
                cards[card] = cards.get(card, 0) + len(text)
            elif not cards and not heading:
                before.append(text)
        # A story's own paragraphs come before its related cards (a front's text opens
        # with its cards, a line of its section's at most), and its opening is no card's.
        if len(before) > 1 or any(opens_story(text) for text in before):
            return False
        carded = sum(cards.values())
        total = sum(len(text) for _, text, _ in lines)
        return len(cards) >= _FRONT_CARDS and carded >= _FRONT_SHARE * total

    def states_a_story(self) -> bool:
        """Whether the page says it is a story: JSON-LD of one, og:type article, a
        publication time."""
        return bool(
            self.ld
            or (self.ctx.meta("og:type") or "").lower() == "article"
            or self.ctx.meta(*PUBLISHED_METAS) is not None
        )

    def opens_once(self) -> bool:
        """A wire or CNN opening ("MUMBAI (Reuters) -", "(CNN) --") first, and in no other
        paragraph: a listing's teasers each open so."""
        paragraphs = self.paragraphs()
        # An opening, not a sentence naming the outlet ("Its owner told CNN Business —").
        openings = [opening_of(text) is not None for text in paragraphs]
        return bool(openings) and openings[0] and openings.count(True) == 1

    def not_article_reason(self) -> str:
        if not self.headline():
            return "no template matched and the page states no headline"
        if self.states_another_story:
            return (
                "no template matched and the page's structured data states another page's"
                " story (a section front's listed story), no story of its own"
            )
        if not self.ld and self.lists_cards():
            return (
                "no template matched and the page lists other stories' cards (a section"
                " front), no story of its own"
            )
        return "no template matched and the page has no article body or structured data"

    # -- text ---------------------------------------------------------------------------
    @once
    def headline(self) -> str:
        """The ``<h1>`` that states the story's title (og:title or JSON-LD says which, when a
        page also has a masthead ``<h1>``), else the stated title."""
        stated = (
            normalize_space(
                self.ld.get("headline") if isinstance(self.ld.get("headline"), str) else ""
            )
            or self.ctx.meta("og:title")
            or ""
        )
        suffixes = headline_suffixes()
        texts = [strip_suffixes(t, suffixes) for t in map(text_of, self.ctx.doc.iter("h1")) if t]
        if stated:
            key = strip_suffixes(stated, suffixes).lower()
            # The h1 stating the title, or most of it: a logo or section name ("CNN",
            # "Africa") within og:title is no headline.
            for text in texts:
                lowered = text.lower()
                if key in lowered or (lowered in key and 2 * len(lowered) >= len(key)):
                    return text
            if not texts or len(texts[0].split()) <= 2:
                return strip_suffixes(stated, suffixes)
        return texts[0] if texts else ""

    def description(self) -> str | None:
        stated = super().description()
        if stated:
            return stated
        value = self.ld.get("description")
        return normalize_space(value) or None if isinstance(value, str) else None

    @once
    def container(self) -> html.HtmlElement | None:
        """The story's element: the ``<article>`` (or ``articleBody``) holding the most
        paragraph text, unless the page's paragraphs hold twice as much elsewhere (the
        ``<article>`` elements are cards of other stories); else ``<main>``; else the
        element whose own paragraphs hold the most text (pages of before ``<article>``)."""
        best, best_size = None, 0
        for element in self.ctx.xpath("//article|//*[@itemprop='articleBody']"):
            size = sum(len(self.visible_text(p)) for p in self.paragraph_elements(element))
            if size > best_size:
                best, best_size = element, size
        if best is None:
            main = self.ctx.first("//main")
            if main is not None:
                return main
        grouped, grouped_size, count = self._paragraphs_parent()
        if best is not None and 2 * best_size >= grouped_size:
            return best
        # Under 200 characters, paragraphs are a story only where the page's JSON-LD states
        # one, they are several and they read as its brief (a wire brief of two lines), not
        # a footer's blurb, nor a paywall's or consent notice's lines in the story's place.
        if grouped_size >= 200:
            return grouped
        if best is None and self.ld and count >= 2 and self._is_brief(grouped):
            return grouped
        return best

    def _is_brief(self, element: html.HtmlElement | None) -> bool:
        """Whether the short paragraphs of `element` are the story's brief: they hold the
        page's description ("Aug 23 Kayes Solar Inc", described "Kayes Solar Inc"), or the
        first opens with the outlet's source line ("Aug 23 (Reuters) - ...")."""
        if element is None:
            return False
        texts = [self.visible_text(p) for p in self.paragraph_elements(element)]
        texts = [text for text in texts if text]
        if not texts:
            return False
        if DATELINE_RE.match(texts[0]):
            return True
        described = self.description() or ""
        return bool(described) and mostly_within([described], " ".join(texts))

    def _paragraphs_parent(self) -> tuple[html.HtmlElement | None, int, int]:
        """The element whose own paragraphs hold the most text, how much and how many: of
        those holding two paragraphs or more, if any (a story has several; a site's blurb
        in its footer may be one long one). Paragraphs each in a wrapper of their own
        (``<div class="txt"><p>``) count as their wrappers' parent's. Where no element
        holds two ``<p>``, each paragraph may be a plain ``<div>``: blocks of prose."""
        chosen, size, count = self._holder_of(_paragraphs(self.ctx.doc, "//body//p"))
        if count < 2:
            blocks = _text_blocks(self.ctx.doc, "//body" + _TEXT_BLOCKS[1:])
            prose = [b for b in blocks if reads_as_prose(self.visible_text(b))]
            in_blocks, block_size, block_count = self._holder_of(prose)
            if block_count >= 2:
                return in_blocks, block_size, block_count
        return chosen, size, count

    def _holder_of(
        self, paragraphs: list[html.HtmlElement]
    ) -> tuple[html.HtmlElement | None, int, int]:
        """Of the elements holding `paragraphs`, the one holding the most text, those with
        two paragraphs or more first, with its text's length and its paragraphs."""
        sizes: dict[html.HtmlElement, int] = {}
        counts: dict[html.HtmlElement, int] = {}
        wrapped: dict[html.HtmlElement, html.HtmlElement | None] = {}
        for p in paragraphs:
            text = self.visible_text(p)
            parent = p.getparent()
            if parent is None or not text:
                continue
            if parent not in wrapped:
                wrapped[parent] = _wrappers_parent(parent)
            for holder in (parent, wrapped[parent]):
                if holder is not None:
                    sizes[holder] = sizes.get(holder, 0) + len(text)
                    counts[holder] = counts.get(holder, 0) + 1
        if not sizes:
            return None, 0, 0
        chosen = max(sizes, key=lambda element: (counts[element] > 1, sizes[element]))
        return chosen, sizes[chosen], counts[chosen]

    @once
    def body_lines(self) -> list[tuple[html.HtmlElement, str, bool]]:
        """(element, text, whether a sub-heading) of the story's paragraphs and headings,
        credits lines included; what the spec excludes from the body left out."""
        container = self.container()
        if container is None:
            return []
        lines = []
        boxes = self.signup_boxes()
        opened = False  # a paragraph of prose came before: past the byline's place
        for element in self.body_elements(container):
            if _OUT_OF_BODY(element) or (boxes and self._in_box(element, boxes)):
                continue
            text = self.visible_text(element)
            # A heading that reads as a sentence of prose is the story's lede (CNNMoney).
            heading = element.tag in ("h2", "h3") and not is_lede(text)
            if heading and is_widget_label(text):
                continue  # a wall's heading ("Register for free to continue reading")
            if text and (heading or not self._not_story_text(element, text, opened)):
                lines.append((element, text, heading))
                opened = opened or (not heading and reads_as_prose(text))
        return lines

    @once
    def signup_boxes(self) -> set[html.HtmlElement]:
        """Newsletter sign-up boxes in the story's element: those a class names, and the
        outermost few lines around a form or an e-mail field."""
        container = self.container()
        if container is None:
            return set()
        found = {
            element
            for element in self.ctx.classes.searching(_SIGNUP_CLASS)
            if container in element.iterancestors() and self._is_box(element)
        }
        for field in container.xpath(_SIGNUP_FIELD):
            box = None
            for ancestor in (field, *field.iterancestors()):
                if ancestor is container or not self._is_box(ancestor):
                    break
                box = ancestor
            if box is not None:
                found.add(box)
        return found

    def _is_box(self, element: html.HtmlElement) -> bool:
        """Whether `element` is a few lines: short, of two paragraphs at most."""
        short = len(self.visible_text(element)) <= _SIGNUP_LENGTH
        return short and len(element.xpath(".//p")) <= _SIGNUP_PARAGRAPHS

    @staticmethod
    def _in_box(element: html.HtmlElement, boxes: set[html.HtmlElement]) -> bool:
        """Whether `element` is one of `boxes` or lies in one."""
        return element in boxes or any(ancestor in boxes for ancestor in element.iterancestors())

    def _not_story_text(self, element: html.HtmlElement, text: str, opened: bool = False) -> bool:
        """A paragraph printed among the story's that is none of its text: a byline or
        stamp, an editorial note (a wire service note among them), a "READ:" line, a promo
        that is only a link, the outlet's standards line. `opened`: prose came before it."""
        if is_read_line(text) or EDITORS_NOTE_RE.match(text) or is_standards_line(text):
            return True
        if is_service_note(text):
            return True
        if is_note_class(element.get("class")) or is_italic_only(element):
            return True
        if is_link_only(element, text) or _heads_a_box_of_links(element, text):
            return True
        if is_stamp(text) or stamp_and_byline(text):
            return True
        if self._is_byline_text(text):
            return not (opened and self._is_sub_heading(element, text))
        return is_widget_label(text)

    def _is_sub_heading(self, element: html.HtmlElement, text: str) -> bool:
        """Whether a line reading as a byline past the story's opening is a sub-heading of
        the story ("By Then It Was Too Late", "Por Dentro da Economia"): printed bold, as
        one, and naming none of the people the page states as its authors."""
        if not is_bold_only(element):
            return False
        stated = self.stated_people()
        names = parse_byline(text, language=self.in_language())
        return not any(person["name"].casefold() in stated for person in names)

    def _is_byline_text(self, text: str) -> bool:
        """:func:`is_byline_text` of `text`, its words in English on a page in Spanish or
        Portuguese ("Por A y B")."""
        return is_byline_text(byline_in_english(text, self.in_language()))

    def body_texts(self) -> list[str]:
        """Text of the story's paragraphs and sub-headings, credits lines included."""
        return [text for _, text, _ in self.body_lines()]

    def related_links(self) -> list[Link]:
        """The links of "READ: ..." lines and of promos that are only a link, among the
        story's paragraphs (kind "inline"), but those to social networks."""
        container = self.container()
        if container is None:
            return []
        found = []
        for element in self.body_elements(container):
            if element.tag in ("h2", "h3") or _OUT_OF_BODY(element):
                continue
            text = self.visible_text(element)
            if not text or not (is_read_line(text) or is_link_only(element, text)):
                continue
            for anchor in element.iter("a"):
                url = self.ctx.absolute(anchor.get("href"))
                if url and not SOCIAL_HOST_RE.search(urlsplit(url).hostname or ""):
                    found.append(Link(url=url, kind="inline", headline=read_link_headline(anchor)))
        return found

    # The container is chosen by the text of its paragraphs, which are then its body: each
    # paragraph's query and text are computed once.
    def paragraph_elements(self, container: html.HtmlElement) -> list[html.HtmlElement]:
        """The paragraphs of `container` (once per page): its ``<p>`` and ``<div>``
        paragraphs, with its blocks of text that read as prose where those hold twice
        their text (a story printed in plain ``<div>`` elements, a ``<p>`` or two among
        them)."""
        memo = self.__dict__.setdefault("_paragraph_memo", {})
        found = memo.get(container)
        if found is None:
            found = _paragraphs(container)
            size = sum(len(self.visible_text(p)) for p in found)
            blocks = [b for b in _text_blocks(container) if reads_as_prose(self.visible_text(b))]
            if sum(len(self.visible_text(block)) for block in blocks) > 2 * size:
                found = in_page_order(container, found + blocks)
            memo[container] = found
        return found

    def body_elements(self, container: html.HtmlElement) -> list[html.HtmlElement]:
        """:meth:`paragraph_elements` of `container` and the sub-headings among them."""
        paragraphs = self.paragraph_elements(container)
        headings = container.xpath(_HEADINGS)
        return in_page_order(container, paragraphs + headings) if headings else paragraphs

    def visible_text(self, element: html.HtmlElement) -> str:
        """:func:`text_of` `element`, once per page."""
        memo = self.__dict__.setdefault("_text_memo", {})
        found = memo.get(element)
        if found is None:
            found = text_of(element)
            place = _cited_place(element)
            if place and found.startswith(place) and found[len(place) :][:1].isalnum():
                found = f"{place} {found[len(place) :]}"  # the cite is a label of its own
            memo[element] = found
        return found

    def credits(self) -> list[dict[str, str]]:
        """People of the credits line ("(Reporting by A; Editing by B)", "A contributed ...")."""
        found: list[dict[str, str]] = []
        language = self.in_language()
        for text in self.body_texts():
            if is_credits_line(text, language):
                found += [entry for entry in parse_credits(text, language) if entry not in found]
        return found

    @once
    def story_lines(self) -> list[tuple[html.HtmlElement, str, bool]]:
        """:meth:`body_lines` without credits lines, and without a sub-heading before the
        story or after it (one there heads a box, not a part of the story)."""
        language = self.in_language()
        lines = [line for line in self.body_lines() if not is_credits_line(line[1], language)]
        lines = self._without_cards(lines)
        # A sub-heading of the story stands among its paragraphs: one whose parent holds
        # none of them heads a box (related stories, a newsletter) set among them.
        holders = {
            ancestor
            for element, _, heading in lines
            if not heading
            for ancestor in element.iterancestors()
        }
        lines = [line for line in lines if not line[2] or _heading_parent(line[0]) in holders]
        # The story begins with its opening, where it has one: a reading time or a promo
        # printed as a paragraph before it is none of it (several openings: a listing).
        openings = [i for i, line in enumerate(lines) if not line[2] and opens_story(line[1])]
        if len(openings) == 1 and openings[0] <= _OPENING_WITHIN:
            del lines[: openings[0]]
        while lines and lines[0][2]:
            lines.pop(0)
        while lines and lines[-1][2]:
            lines.pop()
        return lines

    def _without_cards(
        self, lines: list[tuple[html.HtmlElement, str, bool]]
    ) -> list[tuple[html.HtmlElement, str, bool]]:
        """`lines` without the cards of other stories that follow a box's label ("Read
        next", "More from ...") in its box, and without that label where a card follows."""
        container = self.container()
        if container is None or not lines:
            return lines
        labels = self._recirculation_labels(container)
        if not labels:
            return lines
        order = {element: n for n, element in enumerate(container.iter())}
        dropped: set[int] = set()
        for label in labels:
            box = _heading_parent(label)
            cards = [n for n in self._cards_after(lines, label, box, order) if n not in dropped]
            if not cards:
                continue
            dropped.update(cards)
            wrappers = {label, *label.iterancestors()}
            dropped.update(n for n, line in enumerate(lines) if line[2] and line[0] in wrappers)
        return [line for n, line in enumerate(lines) if n not in dropped]

    def _recirculation_labels(self, container: html.HtmlElement) -> list[html.HtmlElement]:
        """The elements in `container` whose text, starting in their own, is the whole
        label of a box of other stories' cards."""
        found = []
        for element in container.iter():
            own = element.text
            if not own or not isinstance(element.tag, str) or not own.strip():
                continue
            if not RECIRCULATION_RE.match(normalize_space(own)):
                continue
            text = short_text_of(element, _RECIRCULATION_LENGTH)
            if text and RECIRCULATION_RE.match(text):
                found.append(element)
        return found

    def _cards_after(
        self,
        lines: list[tuple[html.HtmlElement, str, bool]],
        label: html.HtmlElement,
        box: html.HtmlElement | None,
        order: dict[html.HtmlElement, int],
    ) -> list[int]:
        """Indexes of the `lines` in `box` right after `label` that are cards, up to the
        first that is none."""
        if box is None:
            return []
        at = order[label]
        found = []
        for n, (element, _, heading) in enumerate(lines):
            if order.get(element, -1) <= at:
                continue
            if heading or box not in element.iterancestors() or not self._in_card(element, box):
                break
            found.append(n)
        return found

    def _in_card(self, element: html.HtmlElement, box: html.HtmlElement) -> bool:
        """Whether `element` is in a card of `box`: the outermost element around it in
        the box that is a headline and a teaser long at most, opens with a link, and whose
        longest link, its headline, is a good share of it (a story's sentence opening with
        a link has more words after it)."""
        card = self._card_around(element, box)
        if card is None:
            return False
        links = [text for a in card.iter("a") if a.get("href") and (text := self.visible_text(a))]
        if not links:
            return False
        text = self.visible_text(card)  # its longest link is its headline
        return text.startswith(links[0]) and len(max(links, key=len)) >= _HEADLINE_SHARE * len(text)

    def _card_around(
        self, element: html.HtmlElement, box: html.HtmlElement
    ) -> html.HtmlElement | None:
        """The outermost element around `element` in `box` that is a headline and a teaser
        long at most, else None."""
        card = None
        for ancestor in (element, *element.iterancestors()):
            if ancestor is box or len(self.visible_text(ancestor)) > _CARD_LENGTH:
                break
            card = ancestor
        return card

    def _front_card_of(
        self, element: html.HtmlElement, box: html.HtmlElement
    ) -> html.HtmlElement | None:
        """The card of another story `element` is in, else None: the outermost element
        around it in `box` a headline and a teaser long at most, opening with a heading
        that is a link to another page of the site (a section front's card)."""
        card = self._card_around(element, box)
        heading = None if card is None else next(card.iter(*_CARD_HEADINGS), None)
        if card is None or heading is None:
            return None
        head = self.visible_text(heading)
        if not head or head not in self.visible_text(card)[: len(head) + _BOX_LABEL_LENGTH]:
            return None
        for anchor in heading.iter("a"):
            if self.visible_text(anchor) == head and self._links_another_page(anchor):
                return card
        return None

    def _links_another_page(self, anchor: html.HtmlElement) -> bool:
        """Whether `anchor` links another page of the page's own site."""
        target = resolve_link(anchor.get("href"), self.ctx.url)
        if target is None or target.split("#")[0] == self.ctx.url.split("#")[0]:
            return False
        host, own = urlsplit(target).hostname or "", urlsplit(self.ctx.url).hostname or ""
        if host.removeprefix("www.") == own.removeprefix("www."):
            return True
        outlet = outlet_of_host(host)
        return outlet is not None and outlet == outlet_of_host(own)

    @once
    def paragraphs(self) -> list[str]:
        found = [text for _, text, _ in self.story_lines()]
        stated = self.stated_body()
        if (
            stated
            and sum(map(len, stated)) >= sum(map(len, found))  # a teaser is shorter
            and not mostly_within(found, " ".join(stated))
            and not mostly_within([text.rstrip(".\u2026 ") for text in stated], " ".join(found))
        ):
            return stated  # the page's paragraphs are not the story's (a consent banner)
        if found:
            opening = self.opening()
            if opening and not found[0].startswith(opening):
                found[0] = f"{opening} {found[0]}"  # a source line printed apart
            return found
        return stated

    @once
    def stated_body(self) -> list[str]:
        """The paragraphs of the JSON-LD ``articleBody``, if it states one."""
        body = self.ld.get("articleBody")
        if isinstance(body, str) and body.strip():
            return [p for p in (normalize_space(x) for x in body.split("\n")) if p]
        return []

    def dateline(self) -> str | None:
        paragraphs = self.paragraphs()
        found = dateline_of(paragraphs[0]) if paragraphs else None
        if found is None:
            opening = self.opening()
            found = dateline_of(opening + " ") if opening else None
        lines = self.story_lines()
        if found is None and lines and paragraphs and paragraphs[0] == lines[0][1]:
            found = _cited_place(lines[0][0])
        return found

    def opening(self) -> str | None:
        """A source line printed apart, before the first paragraph ("Gao CNN —" in a
        ``cite`` since 2022, or any element holding only it), else None."""
        container = self.container()
        if container is None:
            return None
        lines = self.story_lines()
        first = lines[0][0] if lines else None
        for element in container.iter():
            if element is first:
                break
            if not isinstance(element.tag, str) or element.tag in ("p", "h1", "h2", "h3"):
                continue
            text = text_of(element)
            if text and len(text) <= OPENING_LENGTH and _is_source_line(text, element):
                return text
        return None

    # -- people -------------------------------------------------------------------------
    def byline(self) -> str | None:
        """The byline element's text, its stamp, reading time and handles left out."""
        scope = self.container()
        for root in ([scope] if scope is not None else []) + [self.ctx.doc]:
            found = self.byline_elements(root)
            chosen = set(found)
            # The outermost: a byline element holds its rel=author links and their "and".
            outer = [e for e in found if not any(a in chosen for a in e.iterancestors())]
            outer = _sharing_parents(outer)
            for element in outer:
                skip = _BYLINE_SKIPPED(element)
                text = normalize_space(_HANDLE_RE.sub(" ", text_of(element, skip=skip)))
                if parse_date(text):  # its stamp printed in it: "By A, CNN Updated 9:02 AM ..."
                    text = _STAMP_TAIL_RE.sub("", text)
                if text and len(text) < 200 and not parse_date(text):
                    return text
        return self.byline_paragraph()

    def byline_paragraph(self) -> str | None:
        """A byline printed as a plain paragraph before the story ("By A and B, CNN"),
        which the body leaves out."""
        container = self.container()
        if container is None:
            return None
        lines = self.story_lines()
        first = lines[0][0] if lines else None
        for element in self.body_elements(container):
            if element is first:
                break
            text = self.visible_text(element)
            if self._is_byline_text(text):
                return text
        return self.byline_block()

    def byline_block(self) -> str | None:
        """A byline printed in a plain ``<div>`` holding only it, between the headline (or
        the start of the story's element) and the story, its handles left out; up to a
        bar, past which a wire prints where its reporters wrote from, no people."""
        lines = self.story_lines()
        if not lines:
            return None
        starts = {self.headline_element(), self.container()}
        seen = False
        for element in self.ctx.doc.iter():
            if element in starts:
                seen = True
            elif element is lines[0][0]:
                break
            elif seen and element.tag == "div" and not element.xpath(_BLOCK_CHILD):
                text = normalize_space(_HANDLE_RE.sub(" ", self.visible_text(element)))
                if is_byline_block(byline_in_english(text, self.in_language())):
                    return _BYLINE_BAR.split(text, maxsplit=1)[0]
        line = self.stamp_line()  # up to a bar, past which a blog counts its comments
        return _BYLINE_BAR.split(line[1], maxsplit=1)[0] if line else None

    @once
    def headline_element(self) -> html.HtmlElement | None:
        """The ``<h1>`` printing the headline (or ``<h2>``: a blog's ``<h1>`` is its name),
        if any."""
        headline = self.headline()
        if not headline:
            return None
        return next((h for h in self.ctx.doc.iter("h1", "h2") if headline in text_of(h)), None)

    def byline_elements(self, root: html.HtmlElement) -> list[html.HtmlElement]:
        """What ``root.xpath("." + _BYLINE_XPATH)`` finds (the elements under `root` that
        may be a byline), in page order: the class and data-testid parts from the page's
        indexes, where the query would fold the case of every class value of the page."""
        ctx = self.ctx
        found = _AUTHOR_ATTRIBUTES(root)
        indexed = ctx.classes.searching(_BYLINE_CLASS)
        indexed += ctx.classes.containing("author-name")
        indexed += ctx.test_ids.containing("byline")
        found += [e for e in indexed if root in e.iterancestors()]
        return in_page_order(root, found) if found else []

    def authors(self) -> list[dict[str, str]]:
        """The visible byline's people; without one, JSON-LD authors, then author meta."""
        found = parse_byline(self.byline(), self.listed_people(), language=self.in_language())
        if found:
            return found
        names = jsonld_people(self.ld.get("author"), self.jsonld_nodes())
        if not names:
            stated = self.ctx.meta(*AUTHOR_METAS)
            if stated and not stated.startswith(("http://", "https://")):
                return parse_byline(stated)
        raw = ", ".join(names)
        people = []
        for name in names:
            for person in parse_byline(name):
                people.append({"name": person["name"], "nameRaw": raw})
        return people

    # -- dates --------------------------------------------------------------------------
    @once
    def time_datetime(self) -> list[tuple[str, str | None]]:
        """``<time datetime>`` values inside the story, in page order, each with what the
        text before it labels it: "published", "updated" or None."""
        scope = self.container()
        root = scope if scope is not None else self.ctx.doc
        found = []
        for element in root.iter("time"):
            value = (element.get("datetime") or "").strip()
            if value:
                before, parent = element.getprevious(), element.getparent()
                label = before.tail if before is not None else parent.text
                found.append((value, stamp_label(label or "")))
        return found

    def _time_labelled(self, label: str, unlabelled: int) -> str | None:
        """The first ``<time>`` labelled `label`, else the unlabelled one at index `unlabelled`."""
        times = self.time_datetime()
        for value, said in times:
            if said == label:
                return value
        plain = [value for value, said in times if said is None]
        return plain[unlabelled] if len(plain) > unlabelled else None

    @once
    def stamp(self) -> str | None:
        """A visible timestamp ("Published 6:15 AM EDT, Mon July 5, 2032"): in the story,
        an element whose class says stamp, date or time; else, whatever its class, an
        element between the headline and the story's first paragraph that is one."""
        scope = self.container()
        for element in self.ctx.classes.searching(_STAMP_CLASS):
            outside = scope is not None and scope not in element.iterancestors()
            if element.tag == "time" or outside or _IN_CARD(element):
                continue
            text = text_of(element)
            if is_stamp(text):
                return text
        stamp = self._stamp_under_headline()
        if stamp:
            return stamp
        line = self.stamp_line()
        return line[0] if line else None

    def _under_headline(self) -> Iterator[html.HtmlElement]:
        """The elements after the headline's ``<h1>`` (or ``<h2>``: a blog's ``<h1>`` is
        its name) and before the story's first paragraph, in page order; not those holding
        that paragraph."""
        lines = self.story_lines()
        h1 = self.headline_element()
        if h1 is None or not lines:
            return
        first = lines[0][0]
        holders = set(first.iterancestors())
        seen = False
        for element in self.ctx.doc.iter():
            if element is h1:
                seen = True
            elif element is first:
                return
            elif seen and isinstance(element.tag, str) and element not in holders:
                yield element

    def _stamp_under_headline(self) -> str | None:
        """The first element under the headline whose whole text is a stamp (a leaf, so a
        byline beside it is not read with it), not a card's (of another story) nor a
        photo's caption."""
        for element in self._under_headline():
            if len(element) == 0:
                text = text_of(element)
                if is_stamp(text) and not (_IN_CARD(element) or _IN_CAPTION(element)):
                    return text
        return None

    @once
    def stamp_line(self) -> tuple[str, str] | None:
        """A blog's line under the headline printing its date, then its byline ("March 3,
        2014 by A"): (stamp, byline), each as printed; not a card's nor a photo's caption.
        An element's text is read no further than such a line's length (a menu nested deep
        is passed in steps)."""
        for element in self._under_headline():
            text = short_text_of(element, STAMP_LINE_LENGTH)
            found = stamp_and_byline(text) if text else None
            if found and not (_IN_CARD(element) or _IN_CAPTION(element)):
                return found
        return None

    @once
    def date_published_raw(self) -> str | None:
        value = self.ld_date("datePublished", parse_date)
        if value:
            return value
        stated = self.ctx.meta(*PUBLISHED_METAS)
        if stated and parse_date(stated):
            return stated
        value = self._time_labelled("published", 0)
        if value:
            return value
        # The last source: a printed stamp, unless it says "Updated" (or its "Published" part).
        return labelled_stamp(self.stamp(), "published")

    def date_published(self) -> str | None:
        return self.dated(self.date_published_raw())

    @once
    def date_modified_raw(self) -> str | None:
        value = self.ld_date("dateModified", parse_date)
        if value:
            return value
        stated = self.ctx.meta(*MODIFIED_METAS)
        if stated and parse_date(stated):
            return stated
        value = self._time_labelled("updated", 1)
        if value:
            return value
        return labelled_stamp(self.stamp(), "updated")

    def date_modified(self) -> str | None:
        return self.dated(self.date_modified_raw())

    # -- the rest -----------------------------------------------------------------------
    def keywords(self) -> list[str]:
        found = super().keywords()
        if found:
            return found
        raw = self.ctx.meta("news_keywords", "parsely-tags", "sailthru.tags")
        value = self.ld.get("keywords")
        if not raw and isinstance(value, list):
            return [w for w in (normalize_space(str(v)) for v in value) if w]
        if not raw and isinstance(value, str):
            raw = value
        return [w for w in (normalize_space(w) for w in (raw or "").split(",")) if w]

    def images(self) -> list[dict[str, Any]]:
        """Photos of the story's ``<figure>`` elements with their captions."""
        scope = self.container()
        if scope is None:
            return []
        found: list[dict[str, Any]] = []
        for figure in scope.iter("figure"):
            img = figure.find(".//img")
            if img is None or figure.xpath(".//video|.//iframe"):
                continue
            url = self.ctx.absolute(image_source(img))
            caption = figure.find(".//figcaption")
            entry = {"url": url, "caption": text_of(caption) or None}
            if url and entry not in found:
                found.append(entry)
        return found
