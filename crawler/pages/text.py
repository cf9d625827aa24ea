"""Text normalisation shared by every template: the spec's whitespace and hidden-text rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree, html

# Classes marking visually hidden accessibility text (such as Reuters' ", opens new tab").
HIDDEN_CLASS_MARKERS = (
    "visually-hidden",
    "sr-only",
    "screen-reader",
    "visuallyhidden",
    "new-tab-symbol",
)


# What str.split() does not take as whitespace but the spec's rule does: zero-width characters
# (read as spaces) and C0/C1 control characters other than whitespace (dropped).
_ODD_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b\u200c\u200d\ufeff]")
_ODD_TABLE = {
    **{code: None for code in (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0))},
    **{code: " " for code in (0x200B, 0x200C, 0x200D, 0xFEFF)},
}


def normalize_space(text: str | None) -> str:
    """Collapse every run of whitespace (NBSP and zero-width characters included) into one
    space, drop control characters, and trim. ``str.split`` does the common case; this runs
    for every text node extraction reads.

    Whether the text holds an odd character is told from the joined words first: an odd
    character that is no whitespace stays in them, and none of them is printable, so a
    printable result (tested in C a few times faster than a search of the text for the odd
    characters) leaves only the odd ones ``str.split`` took as spaces to look for.
    """
    if not text:
        return ""
    joined = " ".join(text.split())
    if joined.isprintable() and not _has_odd_space(text):
        return joined
    if not _ODD_RE.search(text):  # other characters that are not printable (a soft hyphen)
        return joined
    return " ".join(text.translate(_ODD_TABLE).split())


def _has_odd_space(text: str) -> bool:
    """Whether `text` holds one of the odd characters that ``str.split`` splits at (one
    substring search each: each is rare, and the searches run at memory speed)."""
    return (
        "\x0b" in text
        or "\x1c" in text
        or "\x1d" in text
        or "\x1e" in text
        or "\x1f" in text
        or "\x85" in text
    )


def is_hidden(element: html.HtmlElement) -> bool:
    """True for elements that are not text to a reader: hidden, scripts, accessibility-only."""
    if element.tag in _NOT_TEXT_TAGS:
        return True
    get = element.get
    cls = get("class")
    if cls:
        for marker in HIDDEN_CLASS_MARKERS:
            if marker in cls:
                return True
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    # Screen-reader-only text clipped to nothing (Reuters' "category", ", opens new tab").
    return "display:none" in style or any(mark in style for mark in _CLIPPED_STYLES)


_NOT_TEXT_TAGS = frozenset(("script", "style", "noscript", "template"))
_CLIPPED_STYLES = (
    "clip:rect(0px,0px,0px,0px)",
    "clip:rect(0000)",
    "clip:rect(0,0,0,0)",
    "clip-path:inset(50%)",
)


# Elements a browser shows as blocks of their own: their text is never one word with the
# text around them ("<li>A</li><li>B</li>" reads "A B").
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)


# The paragraphs the parser closes at a block inside them (headings only at a <p>).
_CLOSED_AT_A_BLOCK = frozenset(("p", "h2", "h3", "h4", "h5", "h6"))
# What ends the words of a paragraph the parser closed early: a block, or no words.
_NO_WORDS = BLOCK_TAGS | {"script", "style", "form", "iframe", "noscript", "template", "object"}

# What follows a word with no space: a block's text is not set apart from it.
_CLOSING_PUNCTUATION = frozenset(",.;:!?)")


def is_drop_cap(block: html.HtmlElement) -> bool:
    """Whether `block` is a drop cap: a word's first letter in a block of its own, one
    capital letter opening its parent's text, the word's rest right after it
    ("<div>T</div>he ..."); it joins that word as an inline element would, where another
    block stands apart."""
    tail = block.tail
    if not (tail and tail[0].islower()):  # most blocks are followed by a space or nothing
        return False
    letter = short_text_of(block, 1)  # a big block is told apart after its second letter
    if letter is None or len(letter) != 1 or not letter.isupper():
        return False
    return not _text_before(block)  # it opens its paragraph: "Plan <div>B</div>was" is no cap


def without_drop_caps(paragraphs: list[html.HtmlElement]) -> list[html.HtmlElement]:
    """A story's `paragraphs` less drop caps (:func:`is_drop_cap`), each ``<p>`` the parser
    closed empty at one put back together first (:func:`mend_drop_cap`)."""
    for paragraph in paragraphs:
        if not len(paragraph) and not (paragraph.text or "").strip():
            mend_drop_cap(paragraph)
    return [paragraph for paragraph in paragraphs if not is_drop_cap(paragraph)]


def mend_drop_cap(paragraph: html.HtmlElement) -> None:
    """``<p><div>T</div>he mill ...</p>`` (or a ``<p>T</p>`` cap, or either in a lede's
    ``<h2>``, which a ``<p>`` closes) as the parser leaves it: the ``<p>`` closed empty at
    the block, the words after it loose in its parent. The drop cap and what follows it up
    to the next block are put back in the ``<p>``, the page's tree mended where read."""
    cap = paragraph.getnext()
    if paragraph.tag not in _CLOSED_AT_A_BLOCK or (paragraph.tail or "").strip() or cap is None:
        return
    if cap.tag not in ("div", "p") or len(cap):
        return
    letter, tail = (cap.text or "").strip(), cap.tail
    if len(letter) != 1 or not letter.isupper() or not (tail and tail[0].islower()):
        return
    paragraph.append(cap)  # with its tail, the word's rest
    follower = paragraph.getnext()
    while isinstance(follower, html.HtmlElement) and follower.tag not in _NO_WORDS:
        paragraph.append(follower)
        follower = paragraph.getnext()


def _text_before(block: html.HtmlElement) -> bool:
    """Whether words stand before `block` within its parent."""
    parent = block.getparent()
    if parent is None:
        return False
    if (parent.text or "").strip():
        return True
    for sibling in block.itersiblings(preceding=True):  # a comment's text is not shown
        if (sibling.tail or "").strip() or (
            isinstance(sibling.tag, str) and sibling.text_content().strip()
        ):
            return True
    return False


def _collect_text(element: html.HtmlElement, skipped: set[Any], pieces: list[str]) -> None:
    """Append the visible text pieces of `element` (less `skipped` subtrees) to `pieces`."""
    if (skipped and element in skipped) or is_hidden(element):
        return
    text = element.text
    if text:
        pieces.append(text)
    for child in element:
        tag = child.tag
        if tag.__class__ is str:
            if tag == "br":
                pieces.append(" ")
            elif tag in BLOCK_TAGS and not is_drop_cap(child):  # a block stands apart
                pieces.append(" ")
                _collect_text(child, skipped, pieces)
                if not (child.tail and child.tail[:1] in _CLOSING_PUNCTUATION):
                    pieces.append(" ")
            else:
                _collect_text(child, skipped, pieces)
        tail = child.tail
        if tail:
            pieces.append(tail)


def text_of(element: html.HtmlElement | None, skip: Iterable[html.HtmlElement] = ()) -> str:
    """The visible, normalised text of an element (hidden children and `skip` left out)."""
    if element is None:
        return ""
    pieces: list[str] = []
    _collect_text(element, set(skip), pieces)
    return normalize_space("".join(pieces))


def headline_text(element: html.HtmlElement) -> str:
    """The visible text of a link or card's headline, less what it prints beside the headline
    inside it: a time (``<time>``, a timestamp or label element, a kicker), an icon's SVG,
    whose ``<title>`` is a tooltip, not text, or a media label before or after it."""
    skip = [
        inner
        for inner in element.iterdescendants()
        if isinstance(inner.tag, str) and _is_beside_headline(inner)
    ]
    text = text_of(element, skip=skip)
    if not _MEDIA_EDGE_RE.search(text):  # most links: no label at either end, none to look for
        return text
    for inner in element.iterdescendants():
        if not isinstance(inner.tag, str):
            continue
        label = short_text_of(inner, _MEDIA_LABEL_LENGTH)
        if not label or not _MEDIA_LABEL_RE.fullmatch(label):
            continue
        rest = text_of(element, skip=[*skip, inner])
        if rest and _is_media_label(label, text, rest) and _printed_as_label(inner, element):
            skip.append(inner)
            text = rest
    if _MEDIA_EDGE_RE.search(text):
        text = _less_loose_label(element, text, skip)
    return text


_TEXT_NODES = etree.XPath(".//text()")


def _less_loose_label(link: html.HtmlElement, text: str, skip: list[html.HtmlElement]) -> str:
    """`text`, the link's, less a media label printed as its loose text first or last, the
    rest of it the text of the one element beside ("Video <span>Rains come</span>"):
    the card's label, as one in an element of its own is."""
    pieces = [piece for piece in _TEXT_NODES(link) if piece.strip() and _shows(piece, link, skip)]
    if len(pieces) < 2:
        return text
    for piece, at_start in ((pieces[0], True), (pieces[-1], False)):
        label = normalize_space(piece)
        if not _MEDIA_LABEL_RE.fullmatch(label):
            continue
        holder = piece.getparent()
        if at_start:  # the headline's element: the holder's first child, or the next one
            beside = holder[0] if piece.is_text and len(holder) else holder.getnext()
        else:  # a tail: the headline's element is the one it follows
            beside = holder if piece.is_tail else None
        if beside is None or not isinstance(beside.tag, str):
            continue
        rest = text_of(beside, skip)
        if rest and _is_media_label(label, text, rest):
            return rest
    return text


def _shows(piece: Any, link: html.HtmlElement, skip: list[html.HtmlElement]) -> bool:
    """Whether a text node of `link` is of its visible text: not inside a skipped, hidden
    or script element below the link (a tail stands outside its element)."""
    holder = piece.getparent()
    element = holder if piece.is_text else holder.getparent()
    while element is not None and element is not link:
        if element in skip or element.tag in _NOT_TEXT_TAGS or is_hidden(element):
            return False
        element = element.getparent()
    return True


# What a card prints of the page it links to, in an element of its own beside the headline
# ("<span>Video</span>Rains come early"), a colon or bar after it at most.
_MEDIA_WORDS = r"(?:videos?|gallery|photos|live|watch|audio|podcast)"
_MEDIA_LABEL_RE = re.compile(rf"(?i){_MEDIA_WORDS}\s*[:|]?")
_MEDIA_LABEL_LENGTH = 10
# A link's text that may open or end with one of those labels.
_MEDIA_EDGE_RE = re.compile(rf"(?i)^{_MEDIA_WORDS}|{_MEDIA_WORDS}\s*[:|]?$")


def _is_media_label(label: str, text: str, rest: str) -> bool:
    """Whether `label`, an element's whole text, is a media label beside the headline `rest`
    in the link's `text`: the text's start, before a headline's first word, not the first of
    its words ("<span>Live</span> updates: ...", "<em>Watch</em> the river rise"); or its
    end, printed as a label (capitalised: "... the final <span>live</span>" is a word)."""
    if text.startswith(label) and normalize_space(text[len(label) :]) == rest:
        return not rest[0].islower()
    if text.endswith(label) and normalize_space(text[: -len(label)]) == rest:
        return label[0].isupper()
    return False


# Elements that mark words of the text they stand in (bold, emphasis), not boxes a page
# styles as a card's badge; and the class words of a badge.
_PHRASE_TAGS = frozenset({"b", "strong", "em", "i", "u", "mark", "small"})
_LABEL_CLASS_RE = re.compile(r"(?i)label|badge|icon|flag|media")


def _printed_as_label(label: html.HtmlElement, link: html.HtmlElement) -> bool:
    """Whether `label`, an element of `link` holding a media word at an edge of its text,
    is printed as a label, not as a word of the headline: a box (a ``<span>``, a
    ``<div>``), a label's class, a colon or bar after it, capitals the headline's text has
    not, no space between it and the headline, or the headline in an element of its own.
    A word in bold or emphasis that runs into the headline's text is the headline's own
    ("<b>Live</b> Nation bets on ...")."""
    if label.tag not in _PHRASE_TAGS or _LABEL_CLASS_RE.search(label.get("class") or ""):
        return True
    word = text_of(label)
    if word[-1:] in ":|" or (word.isupper() and not text_of(link).isupper()):
        return True
    after, before = _text_beside(label, link)
    # The headline's text after a label opening the link, else before one ending it.
    if after.strip():
        return not after[:1].isspace()
    if before.strip():
        return not before[-1:].isspace()
    return True  # the headline is in an element of its own


def _text_beside(label: html.HtmlElement, link: html.HtmlElement) -> tuple[str, str]:
    """The loose text right after and right before `label` inside `link`: its tail (or
    an enclosing element's, up to the link) and the text before it in its parent."""
    after, element = "", label
    while element is not link and not after.strip():
        after = element.tail or ""
        parent = element.getparent()
        if parent is None or element.getnext() is not None:
            break
        element = parent
    previous, parent = label.getprevious(), label.getparent()
    before = (
        previous.tail if previous is not None else parent.text if parent is not None else ""
    ) or ""
    return after, before


def _is_beside_headline(element: html.HtmlElement) -> bool:
    """A time, label or icon printed inside a link beside its headline; not an element its
    class names so that is the headline's own or holds it ("has-kicker",
    "headline-with-timestamp"): a heading, or one holding a heading, time or label."""
    if _is_time_or_icon(element):
        return True
    if not _names_a_kicker(element) or element.tag in _HEADINGS:
        return False
    return not any(
        isinstance(inner.tag, str)
        and (inner.tag in _HEADINGS or _is_time_or_icon(inner) or _names_a_kicker(inner))
        for inner in element.iterdescendants()
    )


def _is_time_or_icon(element: html.HtmlElement) -> bool:
    return element.tag in ("time", "svg") or element.get("data-testid") == "Label"


def _names_a_kicker(element: html.HtmlElement) -> bool:
    classes = element.get("class") or ""
    return "timestamp" in classes or "kicker" in classes


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def short_text_of(element: html.HtmlElement, limit: int, uncounted: str = "") -> str | None:
    """:func:`text_of` `element`, or None once its text shows more than `limit` characters.

    Spaces, dropped characters and `uncounted` ones are not counted. For tests like "is this
    heading 'Read Next'": a long heading is told apart without reading all of its text.
    """
    pieces: list[str] = []
    if _collect_short(element, pieces, limit, uncounted) < 0:
        return None
    return normalize_space("".join(pieces))


def _collect_short(element: html.HtmlElement, pieces: list[str], left: int, uncounted: str) -> int:
    """Append the visible text pieces of `element` to `pieces` while `left` stays >= 0."""
    if is_hidden(element):
        return left
    if element.text:
        pieces.append(element.text)
        left -= _shown(element.text, uncounted)
        if left < 0:
            return left
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == "br":
                pieces.append(" ")
            else:
                block = child.tag in BLOCK_TAGS and not is_drop_cap(child)
                if block:
                    pieces.append(" ")
                left = _collect_short(child, pieces, left, uncounted)
                if left < 0:
                    return left
                if block and not (child.tail and child.tail[:1] in _CLOSING_PUNCTUATION):
                    pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)
            left -= _shown(child.tail, uncounted)
            if left < 0:
                return left
    return left


def _shown(text: str, uncounted: str) -> int:
    """At most how many characters of `text` :func:`normalize_space` keeps, spaces aside."""
    shown = len("".join(text.split())) - sum(text.count(char) for char in uncounted)
    return shown - len(_ODD_RE.findall(text))


def strip_suffixes(text: str, suffixes: Iterable[str]) -> str:
    """Drop a trailing outlet suffix such as " - CNN.com" or " | Reuters"."""
    for suffix in suffixes:
        if text.lower().endswith(suffix.lower()):
            return text[: -len(suffix)].rstrip()
    return text


def has_class(element: html.HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def class_prefix_xpath(prefix: str) -> str:
    """XPath predicate for CSS-module classes like ``StandardArticleBody_body_3ntUm``."""
    return f"contains(concat(' ', normalize-space(@class)), ' {prefix}')"


# Words of proper names that stay lower case: "Rio de Janeiro", "Dar es Salaam",
# "Bosnia and Herzegovina", "Frankfurt am Main", "Awa Diarra and Seydou Kone".
_PLACE_PARTICLES = frozenset(
    {"de", "del", "della", "da", "do", "dos", "das", "du", "des", "la", "le", "les", "el"}
    | {"al", "es", "of", "on", "upon", "am", "an", "and", "der", "den", "van", "von"}
    | {"y", "e", "i", "sur", "en", "au", "aux", "bin", "ibn", "bint", "ben", "di", "dei"}
    | {"degli", "delle", "sul", "op", "ob", "aan", "ter", "ten", "te", "zu", "zum", "zur"}
    | {"im"}
)
# Particles joined by an apostrophe: "Cortina d'Ampezzo", "Villeneuve-d'Ascq".
_ELIDED = re.compile(r"^(?:d|l|dell)['\u2019]")
# The Arabic article as names join it to the next word: "Deir al-Balah", "Deir ez-Zor".
_JOINED_ARTICLES = frozenset(
    {"al", "el", "ad", "ar", "as", "ash", "at", "az", "ez", "es", "ed", "en", "er", "et"}
    | {"an", "ul", "ur", "un"}
)


def reads_as_proper_name(text: str) -> bool:
    """Whether `text` could be proper names (a dateline's place, a byline's people): no
    word of it starts in lower case but their particles ("The minister told" and "By then
    it was too late" are the starts of sentences)."""
    for word in text.replace(",", " ").split():
        joined = ("-" in word and word.split("-", 1)[0] in _JOINED_ARTICLES) or bool(
            _ELIDED.match(word)
        )
        if word[0].islower() and word not in _PLACE_PARTICLES and not joined:
            return False
    return True


# A preposition opening a dateline's place, "the" after it: "Aboard the USS Gao", "Off the
# Niger Delta" (CNN files from a ship, a coast); the rest is the place's proper names.
_PLACE_LEAD_RE = re.compile(
    r"^(?:Aboard|On board|Near|Off|Outside|Inside|Over|Along)\s+the\s+(?=\S)"
)


def reads_as_place(text: str) -> bool:
    """Whether `text` could be a dateline's place: :func:`reads_as_proper_name`, past a
    preposition and "the" opening it ("Aboard the USS Gao"; not "Aboard the ship")."""
    lead = _PLACE_LEAD_RE.match(text)
    return reads_as_proper_name(text[lead.end() :] if lead else text)
