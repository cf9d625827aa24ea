"""What is printed among a story's paragraphs but is not its text: "READ:" lines, editorial
notes, promos that are only a link, the outlet's standards line.

Every template and the generic reader leave these out of the body, as the spec asks.
"""

from __future__ import annotations

import re

from lxml import html

from .text import headline_text, normalize_space, text_of

# "READ: Mali's army ...", "READ MORE: ...", "Read More: ...", "RELATED: ..." lines: inline
# links, not body text.
READ_LINE_RE = re.compile(r"^(?:READ(?: MORE)?|Read(?: [Mm]ore)?|RELATED|Related)\s*:", re.UNICODE)
# "Editor's note: ..." (straight or curly apostrophe) opens an editorial note.
EDITORS_NOTE_RE = re.compile(r"^editor[’'`]?s[’']?\s+note\b", re.IGNORECASE)
# A promo's link to a social network ("Tell us on our Facebook page"): not coverage.
SOCIAL_HOST_RE = re.compile(r"(?:^|\.)(?:facebook|twitter|instagram|x)\.com$")
# Classes of a social network's embedded post (a tweet, an Instagram post) printed among a
# story's paragraphs: someone else's words, not the story's.
EMBEDDED_POST_CLASSES = ("twitter-tweet", "instagram-media")
# "Our Standards: ..." under a Reuters story: the outlet's principles, not the story.
_STANDARDS_RE = re.compile(r"^our standards\b", re.IGNORECASE)
# A wire service note over a corrected or updated story: "(Corrects paragraph 3 ...)",
# "(Refiles to ...)", "(Adds quotes)", "(This version of the story corrects ...)".
_SERVICE_NOTE_RE = re.compile(
    r"^\((?:(?:corrects|refiles|adds|updates|changes|removes|fixes|recasts|rewrites|repeats"
    r"|inserts|deletes|clarifies|replaces|amends|restores|reissues)\b"
    r"|this\b[^()]*\b(?:story|version|article)\b[^()]*\b(?:correct|refil|updat|clarif|amend)\w*)"
    r"[^()]*\)\.?$",
    re.IGNORECASE,
)


def shows_text(text: str | None) -> bool:
    """``bool(normalize_space(text))``, mostly without normalising all of `text`: the rule
    works character by character, so a first visible character the rule keeps says yes."""
    if not text:
        return False
    stripped = text.lstrip()
    if not stripped:
        return False
    # A first character the rule keeps answers at once; else normalise it all to be sure.
    return bool(normalize_space(stripped[0])) or bool(normalize_space(stripped))


def is_italic_only(element: html.HtmlElement) -> bool:
    """A paragraph whose visible text all sits inside ``<em>``/``<i>`` children ("Follow us
    on Twitter" promos printed as two italic runs), not only inside one."""
    return _in_runs_only(element, ("em", "i"))


def is_bold_only(element: html.HtmlElement) -> bool:
    """A paragraph whose visible text all sits inside ``<strong>``/``<b>`` children: a
    sub-heading printed as a paragraph."""
    return _in_runs_only(element, ("strong", "b"))


def _in_runs_only(element: html.HtmlElement, tags: tuple[str, ...]) -> bool:
    """Whether all visible text of `element` sits inside children of `tags` (or links whose
    text does), at least one of them showing text."""
    if shows_text(element.text):
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    if not children or not all(_is_run(child, tags) for child in children):
        return False
    if any(shows_text(c.tail) for c in children):
        return False
    return any(text_of(child) for child in children)


def _is_run(element: html.HtmlElement, tags: tuple[str, ...]) -> bool:
    """An element of `tags`, or a link whose text is all in such (`<a><em>here</em></a>`)."""
    if element.tag in tags:
        return True
    if element.tag != "a" or shows_text(element.text):
        return False
    children = [child for child in element if isinstance(child.tag, str)]
    return bool(children) and all(
        child.tag in tags and not shows_text(child.tail) for child in children
    )


def is_link_only(element: html.HtmlElement, text: str | None = None) -> bool:
    """A paragraph that is nothing but a link ("Watch the talk", a related headline): a promo.

    `text` is the element's text when the caller has it already.
    """
    anchors = [a for a in element.iter("a") if a.get("href")]
    if not anchors:
        return False
    text = text_of(element) if text is None else text
    return bool(text) and text == normalize_space(" ".join(text_of(a) for a in anchors))


def is_note_class(cls: str | None) -> bool:
    """Whether a class attribute names an editorial note (any case)."""
    if not cls:
        return False
    cls = cls.lower()
    return "editorialnote" in cls or "editorial-note" in cls or "editor-note" in cls


def is_read_line(text: str) -> bool:
    """A "READ: ..." line: an inline link to related coverage."""
    return bool(READ_LINE_RE.match(text))


def read_link_headline(anchor: html.HtmlElement) -> str:
    """The headline of a read line's link: its :func:`headline_text` less a "READ:" label
    the link holds too ("<a>READ: Headline</a>"), which is the line's, not the story's."""
    text = headline_text(anchor)
    return normalize_space(READ_LINE_RE.sub("", text, count=1)) if is_read_line(text) else text


def is_standards_line(text: str) -> bool:
    """The "Our Standards: ..." line under a story."""
    return bool(_STANDARDS_RE.match(text))


def is_service_note(text: str) -> bool:
    """A wire service note ("(Corrects ...)", "(Refiles ...)"): an editorial note."""
    return text.startswith("(") and bool(_SERVICE_NOTE_RE.match(text))
