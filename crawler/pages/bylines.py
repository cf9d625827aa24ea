"""Bylines split into people: "By Lena Kora and Ade Wolcott, CNN" gives two authors.

A byline names people, outlets and job titles in one line; only the people are authors.
Job titles may stand before a name ("By Chief Washington Correspondent Jake Tapper") or
after it ("Mariam Sangare, CNN Editor-at-large"); a line naming no person ("By the CNN
Wire Staff", "Reuters") gives no author at all.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache, lru_cache

from .outlets import outlets
from .text import normalize_space
from .wording import byline_in_english

# Lead words of a byline or of one of its parts ("Analysis by", "Review by", "From"), of
# one kind of work or two ("Story and photos by"); the photographs' may lead with a colon
# ("Photographs: A"): a photographer the byline names is one of its people.
_PHOTOS = r"(?:photos?|photographs?|photography|pictures?)"
_WORK = rf"(?:analysis|opinion|commentary|review|story|text|written|interview|words|{_PHOTOS})"
_LEAD_RE = re.compile(
    rf"^(?:(?:{_WORK}(?:\s+(?:and|&)\s+{_WORK})?\s+by|by|from)(?:\s*:)?\s+|{_PHOTOS}\s*:\s*)",
    re.IGNORECASE,
)
# A part's lead in capitals past a name with no separator before it ("By A, CNN
# Photographs by B"): a part opens there, with all its lead ("Story and photos by") read
# as "by" (the "and" between two kinds would split the part).
_MID_LEAD_RE = re.compile(
    rf"\s+(?=(?-i:[A-Z]))(?P<lead>{_WORK}(?:\s+(?:and|&)\s+{_WORK})?\s+by\s)", re.IGNORECASE
)
# Separators between people: ", and", " and ", ",", ";", "&", " with ".
_SPLIT_RE = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s+with\s+|[,;&|/])\s*", re.IGNORECASE)

# Words that name a wire agency or another outlet's service, never a person; each declared
# outlet adds its own ``byline_words`` (compared lower-cased, possessive dropped).
WIRE_WORDS = frozenset({"ap", "afp"})
# The words that make a phrase a job title; everything up to the last one is the title.
TITLE_WORDS = frozenset(
    {
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "editor-at-large",
        "producer",
        "producers",
        "reporter",
        "reporters",
        "writer",
        "writers",
        "anchor",
        "analyst",
        "contributor",
        "contributors",
        "commentator",
        "columnist",
        "host",
        "director",
        "chief",
        "bureau",
        "journalist",
        "photographer",
        "photojournalist",
        "meteorologist",
        "researcher",
        "strategist",
        "president",
        "founder",
        "author",
    }
)
# Title words people bear as surnames ("Hunt Writer", "Tom Chief", "Ana Host"): after one
# other word, a name; the others ("Climate Correspondent") are titles there too.
_SURNAME_TITLES = frozenset({"writer", "chief", "host", "director", "president", "author"})
# Words that qualify a title ("Senior International ..."); never the start of a name.
TITLE_QUALIFIERS = frozenset(
    {
        "senior",
        "chief",
        "deputy",
        "executive",
        "managing",
        "associate",
        "assistant",
        "international",
        "national",
        "foreign",
        "political",
        "diplomatic",
        "global",
        "contributing",
        "special",
        "digital",
        "investigative",
        "military",
        "security",
        "legal",
        "medical",
        "business",
        "economics",
        "affairs",
        "white",
        "house",
        "washington",
        "pentagon",
        "justice",
        "congressional",
        "capitol",
        "hill",
        "africa",
        "europe",
        "asia",
        "middle",
        "east",
        "at-large",
        "intelligence",
        "crime",
        "supervising",
        "lead",
        "staff",
        "editorial",
        "news",
    }
)
# A part holding one of these is a staff or wire line, or a photo agency the photographs
# are credited to ("Photographs by Getty Images"), not a person.
_STAFF_RE = re.compile(
    r"\b(?:staff|wire|wires|newsroom|reports|desk|team|editors|agencies|news\s+service"
    r"|associated\s+press|agence\s+france[-\s]presse|getty\s+images|shutterstock"
    # The newsroom and the agencies in Spanish and Portuguese ("Por Redacción CNN").
    r"|redacci[óo]n|reda[çc][ãa]o|agencias|ag[êe]ncias)\b",
    re.IGNORECASE,
)
# Lower-case words that can open a part but never a name ("the", "for CNN", "our
# correspondent").
_NON_NAME_OPENERS = frozenset(
    {"the", "for", "special", "with", "in", "and", "a", "an", "of", "our"}
)
_EDGE_PUNCT = " .,:;-–—()[]\"'“”‘’*|·•"
# "A (Gao)", "A (Gao, Mali)": where the person is, in brackets after the name, not part of
# it; a line's edge may have taken the closing bracket.
BRACKETED_RE = re.compile(r"\s*\([^()]*(?:\)|$)")
# What follows a name past a comma as part of it ("A, Jr.", "A, Ph.D."): no person.
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "ph.d", "md", "m.d", "esq"})
# Lower-case words between a name and its outlet ("Moussa Keita of CNN").
_LINKING_WORDS = frozenset({"of", "for", "at", "from", "with"})


def _possessive(token: str) -> bool:
    """'CNN's', 'Business'' (a possessive, as the page writes it)."""
    return token.endswith(("'s", "’s", "'", "’"))


@lru_cache(maxsize=8192)
def _word_key(token: str) -> str:
    """Lower-cased token without edge punctuation and possessive ('CNN's' -> 'cnn').

    Remembered: a byline's tokens are each asked about several times (title word,
    qualifier, outlet), and the same names and titles recur from page to page."""
    key = token.strip(_EDGE_PUNCT).lower()
    for suffix in ("'s", "’s"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key


def _is_outlet(token: str) -> bool:
    return _word_key(token) in outlet_words()


@cache
def outlet_words() -> frozenset[str]:
    """Words that name an outlet in a byline: every declared outlet's, and the wires'."""
    return WIRE_WORDS.union(*(o.byline_words for o in outlets()))


@lru_cache(maxsize=8192)
def _is_title_word(token: str) -> bool:
    key = _word_key(token)
    return key in TITLE_WORDS or any(part in TITLE_WORDS for part in key.split("-"))


def _is_title_token(token: str) -> bool:
    """A job-title word, a title qualifier ("Senior") or an outlet."""
    return _is_title_word(token) or _word_key(token) in TITLE_QUALIFIERS or _is_outlet(token)


def _strip_lead(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _LEAD_RE.sub("", text).strip()
    return text


def _after_title(tokens: list[str], title: int) -> list[str]:
    """The tokens after the title word at `title`, past the "at large" a title may end
    with ("Editor at Large"): a title's words, not a name's."""
    rest = tokens[title + 1 :]
    if [_word_key(token) for token in rest[:2]] == ["at", "large"]:
        rest = rest[2:]
    return rest


def person_of(part: str) -> str | None:
    """The person's name in one byline part, or None when the part names nobody."""
    part = _strip_lead(normalize_space(part).strip(_EDGE_PUNCT))
    if not part or _STAFF_RE.search(part) or part.lower() in _NAME_SUFFIXES:
        return None
    # A social-media handle ("Lena Kora @lkora"): not part of the name.
    tokens = [token for token in part.split() if not token.startswith("@")]
    # A place after the name ("Lena Kora in Bamako"), or whom the work was for ("Lena Kora
    # for the Thomson Reuters Foundation"): not part of it.
    for i in range(1, len(tokens) - 1):
        if (tokens[i] in ("in", "from") and tokens[i + 1][:1].isupper()) or tokens[i] == "for":
            tokens = tokens[:i]
            break
    # An outlet's section or service ("CNN Travel", "Reuters Breakingviews") names no one;
    # a possessive after it does: the person follows ("CNN Business' Bourem Mopti"), as
    # does a job title with a name after it ("CNN Senior Correspondent Bourem Mopti").
    if len(tokens) > 1 and _is_outlet(tokens[0]) and not _possessive(tokens[0]):
        if len(tokens) > 2 and _is_title_word(tokens[-1]):
            # A title ending the part, no one after it, whatever beat its words name ("CNN
            # Chief Climate Correspondent"): no person.
            return None
        owners = [i for i, token in enumerate(tokens[1:], 1) if _possessive(token)]
        if not owners:
            owners = [i for i, token in enumerate(tokens[1:-1], 1) if _is_title_word(token)]
        if not owners:
            return None
        tokens = _after_title(tokens, owners[-1])
    # A title before the name: the name is what follows the last title word.
    title_at = [i for i, token in enumerate(tokens) if _is_title_word(token)]
    if title_at and title_at[-1] < len(tokens) - 1:
        tokens = _after_title(tokens, title_at[-1])
    # A title alone after a name ("Senior Sahel Correspondent"): no person.
    if tokens and _is_title_token(tokens[0]) and any(_is_title_word(t) for t in tokens[1:]):
        return None
    # An outlet and a title with no name ("CNN Business", "CNN Senior Legal Analyst").
    if tokens and _is_outlet(tokens[0]):
        rest = tokens[1:]
        if all(_is_title_token(t) for t in rest) or any(_is_title_word(t) for t in rest):
            return None
    # An outlet before the name ("CNN's Nima Elbagir").
    while tokens and (_is_outlet(tokens[0]) or _is_title_word(tokens[0])):
        tokens = tokens[1:]
    # A title or outlet after the name: the name is what precedes it ("... of CNN").
    for i, token in enumerate(tokens):
        if _is_title_word(token) or _is_outlet(token):
            if len(tokens) == 2 == i + 1 and _word_key(token) in _SURNAME_TITLES:
                break  # "Hunt Writer": a surname, not a title of a one-word name
            tokens = tokens[:i]
            while tokens and (_is_title_token(tokens[-1]) or tokens[-1] in _LINKING_WORDS):
                tokens = tokens[:-1]
            break
    if not tokens or tokens[0].lower() in _NON_NAME_OPENERS:
        return None
    name = " ".join(tokens).strip(_EDGE_PUNCT)
    if not name or not any(ch.isalpha() for ch in name):
        return None
    if any(_word_key(token) in ("by", "from") for token in name.split()):
        return None
    return name


def byline_names(
    raw: str | None, listed: Collection[str] = (), people: Collection[str] = ()
) -> list[str]:
    """The people a byline or contributor line names, in order, each once. Where the names
    are printed in lower case, a part all in capitals after them is where the reporters
    are ("By A and B | SAN FRANCISCO/WASHINGTON", "By A, GAO"), or an agency, not a person;
    unless a lower-case "and" or "with" joins it to the people ("By A and B C"). So is a
    single word past a comma or a bar after them ("By A, Bamako", "By A, Segou, Mali"):
    a byline's people are named in full. The page's structured data may list its people
    one by one (`listed`, case-folded): a word it lists is a person ("By A, Awa"), and a
    last part past a comma that it alone does not list, where it lists every other and no
    one sharing a word with it, is a place ("By A, New York" under JSON-LD naming A, or A
    and a contributor; not B in "By A, B, CNN", or under JSON-LD spelling B otherwise).
    `people` (case-folded): names the byline itself marks as people (by a link to a page of
    their own), never a place, whatever the JSON-LD lists."""
    text = BRACKETED_RE.sub("", _strip_lead(normalize_space(raw)))
    text = _MID_LEAD_RE.sub("; by ", text)
    names: list[str] = []
    places = False
    ends = None  # the last person named past a comma, where only places follow
    pieces = _SEPARATED_RE.split(text)
    # The parts, each with the separator printed before it ("" before the first).
    for before, part in zip(["", *pieces[1::2]], pieces[::2], strict=True):
        joined = not places and before.strip() in _PEOPLE_JOINS
        name = person_of(part)
        if not name and part.strip(_EDGE_PUNCT):  # the outlet after them ("By A, B, CNN")
            ends = None
        if names and _in_capitals(part) and not _in_capitals(text) and not joined:
            places = True
            continue
        if not name or name in names:
            continue
        placed = places or before.strip() in _PLACE_MARKS
        known = name.casefold() in listed or name.casefold() in people
        if placed and names and _one_word(name) and not known:
            places = True
            continue
        names.append(name)
        ends = name if before.strip() in _PLACE_MARKS else None
    # The JSON-LD lists every other person, and no one it spells otherwise (B as "B. C").
    unlisted = [name for name in names if name.casefold() not in listed]
    if listed and ends is not None and unlisted == [ends] and ends.casefold() not in people:
        printed = {name.casefold() for name in names}
        words = set(ends.casefold().split())
        if not any(words & set(other.split()) for other in listed if other not in printed):
            names.pop()
    return names


def _one_word(name: str) -> bool:
    """Whether `name` is a single word, as a place is and a person in a byline is not."""
    return " " not in name and "." not in name


# _SPLIT_RE keeping what it splits at; the lower-case words that join a person to the one
# before (a list of places in capitals prints its "AND" so).
_SEPARATED_RE = re.compile(f"({_SPLIT_RE.pattern})", _SPLIT_RE.flags)
_PEOPLE_JOINS = frozenset({"and", "with", ", and"})
# What a byline prints between its people and where they are: "By A, Bamako", "By A | GAO".
_PLACE_MARKS = frozenset({",", "|"})


def _in_capitals(text: str) -> bool:
    """Whether `text` has letters and none of them in lower case."""
    return any(ch.isalpha() for ch in text) and not any(ch.islower() for ch in text)


# A no-break space's UTF-8 bytes read as ISO-8859-1: "Â" and a no-break space (or the space
# a meta tag's normalising made of it), the "Â" glued to a word.
_LATIN1_NBSP = re.compile(r"(?<=\w)\u00c2(?=[\s\u00a0])")


def parse_byline(
    raw: str | None,
    listed: Collection[str] = (),
    people: Collection[str] = (),
    language: str | None = None,
) -> list[dict[str, str]]:
    """People named by a visible byline, each ``{"name", "nameRaw"}``; ``[]`` for staff lines.
    `listed`: the people the page's structured data lists; `people`: those the byline links
    to pages of their own (:func:`byline_names`); `language`: the page's (a Spanish or
    Portuguese byline, "Por A y B", is read on a page in that language)."""
    if raw and "\u00c2" in raw:  # a UTF-8 no-break space on a page declared Latin-1
        raw = _LATIN1_NBSP.sub("", raw)
    text = normalize_space(raw)
    if not text:
        return []
    names = byline_names(byline_in_english(text, language), listed, people)
    return [{"name": name, "nameRaw": text} for name in names]


_CONTRIBUTED_RE = re.compile(
    r"^(?P<names>.+?)\s+(?:also\s+)?(?:contributed|contributes)\s+(?:to\s+)?"
    r"(?:this\s+)?(?:report|story|article)(?:ing)?\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# The people who helped, after the contributors: "..., with help from C and D",
# "... with additional help from C".
_HELPERS_RE = re.compile(
    r"(?:^|[\s,;(])(?:with\s+)?(?:the\s+)?(?:(?:additional|extra|further)\s+)?help\s+(?:from|of)"
    r"\s+(?P<names>.+)$",
    re.IGNORECASE,
)


# A sentence's end before a name: a word in lower case or of five letters or more (no
# title's or initial's: "Mrs.", "T. J."), its stop, a closing quote or bracket, a space;
# or a number or a word in capitals ("June 4.", "5 p.m. ET.", "by CNN.") before one.
_SENTENCE_END_RE = re.compile(
    r"(?:(?:\b[a-z][\w'’-]*|\b[^\W\d_]{5,})[.!?][\"”’)]*\s+"
    r"|\b(?:\d+|[A-Z]{2,})[.!?][\"”’)]*\s+(?=[A-Z]))"
)


def last_sentence(text: str) -> str:
    """The last sentence of `text`: the contributors of "The story was updated. A and B
    contributed ..." are named past the sentence before them."""
    end = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
    return text[end:]


def contributor_names(line: str | None) -> list[str]:
    """People of a "CNN's A and B contributed to this report." line, and those it says
    helped (", with help from C"); ``[]`` for other lines."""
    text = normalize_space(line).strip(_EDGE_PUNCT)
    match = _CONTRIBUTED_RE.match(text)
    if not match:
        return []
    pieces = _SEPARATED_RE.split(BRACKETED_RE.sub("", last_sentence(match.group("names"))))
    helpers = _HELPERS_RE.search(match.group("rest"))
    if helpers:
        pieces += ["", *_SEPARATED_RE.split(BRACKETED_RE.sub("", helpers.group("names")))]
    names = []
    placed = False  # the part before named where its person was ("A in Amman")
    # Each part with the separator printed before it ("" before the first).
    for before, part in zip(["", *pieces[1::2]], pieces[::2], strict=True):
        # "A in Amman, Jordan": one word past the place's comma goes on with the place.
        if placed and before.strip() == "," and _one_word(part.strip(_EDGE_PUNCT)):
            continue
        # "Fatima Diallo in Bamako": the place is not part of the name.
        cut = _PLACE_AFTER_RE.split(part, maxsplit=1)
        placed = len(cut) > 1
        name = person_of(cut[0])
        # People named by no name ("with help from local journalists") are no one's.
        if name and not name[0].islower() and name not in names:
            names.append(name)
    return names


# A place after a person's name: "Fatima Diallo in Bamako".
_PLACE_AFTER_RE = re.compile(r"\s+(?:in|from)\s+(?=[A-Z])")
