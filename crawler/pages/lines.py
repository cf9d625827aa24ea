"""What one line of a page's text is, told from the text alone: a source line and the
dateline it names, a byline, a printed stamp, a widget's label, a sentence of prose.

The generic reader asks these of the lines of a page in a layout no template knows; none
reads the page's tree.
"""

from __future__ import annotations

import re

from .bylines import parse_byline
from .dates import MONTHS, ZONE_OFFSETS, reads_as_date
from .text import normalize_space, reads_as_place, reads_as_proper_name

# A story's opening: "GAO, Mali (Reuters) -", "GAO, Feb 10 (Reuters) -", "Bamako, Mali
# (CNN) --", modern "Gao CNN —"; what stands before the outlet is the dateline.
DATELINE_RE = re.compile(
    r"^(?P<place>[^()]{0,60}?)"
    r"(?:,\s*(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
    # The day first, the month in the service's language ("MADRID, 14 feb", "1er mars").
    r"|\d{1,2}(?:er)?\s+[^\W\d]{3,}\.?)(?:,?\s+\d{4})?)?"  # the year after it, where printed
    r"\s*(?:\((?:CNN(?:\s?Money|\s+(?:en\s+)?[A-Z][\w'’!]*)?"  # CNN and its services
    r"|Reuters(?: Breakingviews| Health| Life!)?|Thomson Reuters Foundation|IFR|AP|AFP)\)"
    # "Gao CNN Sport —"; a hyphen joining a word ("The CNN Heroes-nominated") is no dash.
    r"\s*[-–—]*|(?<!\S)CNN(?:\s+(?:en\s+)?[A-Z][\w'’!]*)?\s*(?:[—–]|-(?!\w)))"
)
# A source line is a place and an outlet, never a sentence.
OPENING_LENGTH = 80


# A paragraph this short that reads as a date is a stamp; one opening "By " a byline.
_STAMP_LENGTH = 80
_BYLINE_LENGTH = 120
# A blog's line of a date, then a byline ("March 3, 2014 by A"), is at most this long.
STAMP_LINE_LENGTH = _STAMP_LENGTH + _BYLINE_LENGTH


# What a stamp or the text before a <time> says it is: "Updated ...", "Published ..."; a
# labelled part of a stamp starts there, with the "Last" or "First" before it.
_STAMP_LABEL_RE = re.compile(
    r"(?:\b(?:last|first)\s+)?\b(?:(updated|modified)|(published|posted))\b", re.IGNORECASE
)


def stamp_label(text: str) -> str | None:
    """ "updated" or "published" for the last such word of `text`, else None."""
    found = None
    for match in _STAMP_LABEL_RE.finditer(text):
        found = "updated" if match.group(1) else "published"
    return found


# What stands between two stamps printed in one line: "|", "·", "-", ",", ";".
_STAMP_JOINERS = " |\u00b7\u2022,;-\u2013\u2014/"


def stamp_parts(text: str) -> dict[str, str]:
    """The stamps of a line printing both times, each under its label ("Published 9:00 AM
    EST, Mon March 4, 2013 | Updated 11:30 AM ..." gives a "published" and an "updated"
    part, from each label to the next); ``{}`` unless both are there, each once. A part
    may be no date ("Updated 2 hours ago"): it then gives no time, nor does the other's."""
    starts = list(_STAMP_LABEL_RE.finditer(text))
    if len(starts) < 2 or text[: starts[0].start()].strip(_STAMP_JOINERS):
        return {}  # one label, or words before the first: no line of labelled stamps
    parts: dict[str, str] = {}
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        part = text[start.start() : end].rstrip(_STAMP_JOINERS)
        label = "updated" if start.group(1) else "published"
        if label in parts:
            return {}
        parts[label] = part
    return parts if len(parts) == 2 else {}


def labelled_stamp(text: str | None, label: str) -> str | None:
    """The stamp of `text` that gives the `label` ("published" or "updated") time: its part
    of a line printing both (:func:`stamp_parts`) where that part is a date, else the
    whole stamp where its last label says so (a stamp with no label is a publication
    time), else None."""
    if not text:
        return None
    parts = stamp_parts(text)
    if parts:
        return parts[label] if reads_as_date(parts[label]) else None
    said = stamp_label(text)
    return text if said == label or (said is None and label == "published") else None


# Typography a page and its JSON-LD may print apart: curly and straight quotes, dashes
# and ellipses spelt out.
_PLAIN_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    | {"\u2014": "--", "\u2013": "-", "\u2026": "...", "\xa0": " "}
)


def plain_typography(text: str) -> str:
    """`text` with curly quotes, dashes and ellipses as a plain keyboard types them."""
    return text.translate(_PLAIN_QUOTES)


# Where a byline's names end: "By A and B, CNN", "By A for CNN", "By A | Updated ...".
_BYLINE_NAMES_END = re.compile(r",|\s(?:for|via|in|\||[-\u2013\u2014])\s")
# What ends a sentence; a stamp ends so only in "a.m." or when it says what it is.
_ENDS = (".", "!", "?")
_STAMP_START = re.compile(r"(?:last\s+)?(?:updated|published|posted)\b", re.IGNORECASE)


# What an error page served with status 200 says of itself, as its headline or title
# (less the outlet's suffix): the whole of it, not a story's words about one.
NOT_FOUND_RE = re.compile(
    r"^(?:sorry[,!.]?\s*)?(?:(?:this |the )?page not found|(?:error )?404(?: error| not found)?"
    r"|(?:we|you) can(?:no|['\u2019])t find (?:that|the|this) page|this page (?:is )?no"
    r" longer available|not found)[.!]?$",
    re.IGNORECASE,
)


# Lower-case words a byline printed in a plain <div> may hold between its names and places:
# "By A in SAN FRANCISCO and B for CNN".
_BYLINE_LINKS = frozenset({"and", "in", "for", "via", "of", "with", "at", "from"})


def is_byline_block(text: str) -> bool:
    """A byline printed in a plain ``<div>``: :func:`is_byline_text`, its words but the
    links between names proper names ("By Monday, the river had risen" is a sentence)."""
    words = [word for word in text[3:].split() if word not in _BYLINE_LINKS]
    return is_byline_text(text) and reads_as_proper_name(" ".join(words))


def is_byline_text(text: str) -> bool:
    """ "By Awa Diarra and Seydou Kone, CNN", "By Awa Diarra for CNN"; not "By then it was
    too late", not "By Monday, the river had risen." (a sentence ends)."""
    if not text.startswith("By ") or len(text) > _BYLINE_LENGTH or text.endswith(_ENDS):
        return False
    names = _BYLINE_NAMES_END.split(text[3:], maxsplit=1)[0]
    return reads_as_proper_name(names) and bool(parse_byline(text))


# Labels of ad slots and share widgets a page prints as text, and the lines of a consent
# or registration wall (short ones: a story about cookies keeps its paragraphs).
_WIDGET_RE = re.compile(
    r"^(?:advertisement|ad feedback|story continues below(?: this)? advertisement|share"
    r"(?: this(?: article| story)?)?|accept all|reject all)$"
    r"|\bcookies?\b.*\b(?:partners|consent|your device|your choices|preferences)\b"
    r"|\b(?:partners|consent|your device|your choices|preferences)\b.*\bcookies?\b"
    r"|\bmanage (?:your )?(?:privacy )?preferences\b"
    r"|^(?:register|subscribe|sign in|log in)\b.{0,60}\b(?:continue reading|to read)\b"
    r"|^\d{1,3}\s*min(?:ute)?s?\.?\s+read$",  # a reading time: "4 Min Read"
    re.IGNORECASE,
)
_WALL_LENGTH = 300


def is_widget_label(text: str) -> bool:
    """An ad slot's or share widget's label, or a line of a consent or registration wall."""
    return len(text) <= _WALL_LENGTH and bool(_WIDGET_RE.search(text))


def opening_of(text: str) -> re.Match[str] | None:
    """The outlet's source line `text` opens with, a place or none before it ("LOS ANGELES
    (Reuters) -", "(CNN) --"), else None; not a sentence naming the outlet."""
    found = DATELINE_RE.match(text)
    if found is None:
        return None
    place = found.group("place").strip(" ,-\u2014\u2013")
    return found if not place or reads_as_place(place) else None


def opens_story(text: str) -> bool:
    """Whether `text` opens with the outlet's source line (:func:`opening_of`)."""
    return opening_of(text) is not None


def is_stamp(text: str) -> bool:
    """Whether `text` is a printed timestamp: a date, short, not a sentence stating one
    ("Published April 2, 2032 at 9:02 a.m." and "Last updated on 2 April 2032." are
    stamps; "The deadline is June 30, 2032." and a highlight "The mill was built on
    August 14, 1935" are sentences: words beyond what a stamp says besides its date)."""
    if not text:
        return False
    if len(text) > _STAMP_LENGTH:  # a line of both stamps is a stamp if each part is one
        parts = stamp_parts(text) if len(text) <= 2 * _STAMP_LENGTH else {}
        return bool(parts) and all(is_stamp(part) for part in parts.values())
    if text.endswith(_ENDS) and not (
        text.lower().endswith(("a.m.", "p.m.")) or _STAMP_START.match(text)
    ):
        return False
    other = [word for word in _WORD_RE.findall(text) if not _is_stamp_word(word)]
    return len(other) <= _STAMP_OTHER_WORDS and reads_as_date(text)


# Words of a stamp besides month names and zones: what it says it is, days, clock words.
_STAMP_WORDS = frozenset(
    {"updated", "published", "posted", "modified", "last", "first", "on", "at"}
    | {"am", "pm", "a", "m", "p", "ago", "hour", "hours", "minute", "minutes", "min", "mins"}
    | {"read", "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur"}
    | {"thurs", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"}
)
_WORD_RE = re.compile(r"[^\W\d_]+")
# Words a stamp may hold beyond those (a zone no table names, "HKT"; a "CNN"): a few.
_STAMP_OTHER_WORDS = 2


def _is_stamp_word(word: str) -> bool:
    lowered = word.lower()
    return lowered in _STAMP_WORDS or lowered in MONTHS or word.upper() in ZONE_OFFSETS


# Where a blog's line of date and byline turns from one to the other: "... 2034 by A".
_STAMP_THEN_BY_RE = re.compile(r"\s+by\s+", re.IGNORECASE)


def stamp_and_byline(text: str) -> tuple[str, str] | None:
    """A blog's line printing its date, then its byline: "March 3, 2014 by A" gives
    ("March 3, 2014", "by A"), each as printed; None for any other line."""
    parts = _STAMP_THEN_BY_RE.split(text, maxsplit=1)
    if len(parts) != 2 or len(text) > STAMP_LINE_LENGTH:
        return None
    stamp, names = parts[0], parts[1]
    if not (is_stamp(stamp) and is_byline_text("By " + names)):
        return None
    return stamp, text[len(stamp) :].strip()


def mostly_within(texts: list[str], body: str) -> bool:
    """Whether most of `texts` (by length) is found in `body`, typography aside."""
    body = plain_typography(body)
    total = sum(map(len, texts))
    within = sum(len(text) for text in texts if plain_typography(text) in body)
    return 2 * within >= total


# The label of a box of other stories' cards, the whole of its text ("Read next", "More
# from Africa", "Related stories"; not "Read more", the button that unfolds a CNN story).
RECIRCULATION_RE = re.compile(
    r"^(?:read next|up next|what to read next|more (?:from|in|on)\b.*"
    r"|more (?:stories|news|coverage|to read|to explore)"
    r"|related(?: stories| news| coverage| articles| content| reading)?"
    r"|recommended(?: for you| stories| reading)?|you (?:may|might) also (?:like|enjoy)"
    r"|most (?:read|popular|viewed)|(?:latest|top) (?:news|stories))$",
    re.IGNORECASE,
)
# A block of text is prose if it ends a sentence or runs this long (a card's headline, a
# "Replay" or "(16 Videos)" label does neither).
PROSE_LENGTH = 120
SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u2019")


def reads_as_prose(text: str) -> bool:
    return len(text) >= PROSE_LENGTH or text.endswith(SENTENCE_END)


def is_lede(text: str) -> bool:
    """Whether a heading's text is a sentence of prose, long and ended, not a sub-heading."""
    return len(text) >= PROSE_LENGTH and text.endswith(SENTENCE_END)


def dateline_of(opening: str | None) -> str | None:
    """The place a story's opening names, without date or outlet; None for a bare "(CNN)"."""
    match = DATELINE_RE.match(opening or "")
    if not match:
        return None
    place = normalize_space(match.group("place")).strip(" ,-—–")
    # A date standing alone ("14 feb (Reuters) -") names no place; nor does the writer
    # signing the opening ("By A (CNN International) --").
    if not place or any(ch.isdigit() for ch in place) or not reads_as_place(place):
        return None
    return None if is_signature(place) else place


# An opening signed by its writer: "By A (CNN) --", "From A (CNN) --".
_SIGNED_RE = re.compile(r"(?:by|from)\s", re.IGNORECASE)


def is_signature(place: str) -> bool:
    """Whether what stands before an opening's outlet is its writer's signature ("By A",
    "From A"), not the place the story was filed from."""
    return _SIGNED_RE.match(place) is not None
