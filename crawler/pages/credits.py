"""Credits lines ("Reporting by A; Editing by B") split into people and their roles.

The line closes a wire story; it is not body text, so templates also use
:func:`is_credits_line` to keep it out of the paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

from .bylines import BRACKETED_RE, last_sentence, person_of
from .text import normalize_space, reads_as_proper_name
from .wording import credits_in_english

ROLES = ("additional reporting", "reporting", "writing", "editing", "contributor")

# A role marker and the role it names. Longest phrases first.
_MARKERS: tuple[tuple[str, str], ...] = (
    (r"additional\s+reporting", "additional reporting"),
    (r"reporting", "reporting"),
    (r"reported", "reporting"),
    (r"writing", "writing"),
    (r"written", "writing"),
    (r"compiled", "writing"),
    (r"editing", "editing"),
    (r"edited", "editing"),
)
_ONE_MARKER = "(?:" + "|".join(pattern for pattern, _ in _MARKERS) + ")"
# What joins roles sharing one "by" ("Reporting and writing by A", "Reporting, writing
# and editing by A", "Reporting & writing by A").
_ROLES_JOIN = r"(?:\s*,\s*|\s*,?\s+and\s+|\s*&\s*)"
_ROLES_JOIN_RE = re.compile(_ROLES_JOIN, re.IGNORECASE)
_ONE_MARKER_RE = re.compile(_ONE_MARKER, re.IGNORECASE)
# A join ending the words before a marker: "Graphics and" before "editing by".
_JOIN_END_RE = re.compile(rf"{_ROLES_JOIN}$", re.IGNORECASE)
_MARKER_RE = re.compile(
    rf"(?<![\w-])(?:(?P<marker>{_ONE_MARKER}(?:{_ROLES_JOIN}{_ONE_MARKER})*)\s+by\b"
    # "with help from B", "with the help of B", "with additional help from B": people who
    # helped, no role of their own.
    r"|(?P<help>(?:with\s+)?(?:the\s+)?(?:(?:additional|extra|further)\s+)?help\s+(?:from|of))\b)\s*",
    re.IGNORECASE,
)
# A kind of work: one or two words; at a part's opening also two such joined by "and"
# ("Data and graphics"), not past a comma or "and" (where "A and B" are people).
_KIND = r"[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?"
_KINDS = rf"{_KIND}(?:\s+and\s+{_KIND})?"
# The kind of help "help from B" follows at a part's opening ("Fact-checking help from B",
# "A with research help from B", "Graphics and research help from B").
_HELP_KIND_RE = re.compile(
    rf"(?:(?:^|[;.(])\s*(?={_KINDS}\s*$)|(?:,|\b(?:and|with)\b)\s*(?={_KIND}\s*$))"
    rf"(?P<words>{_KINDS})\s*$",
    re.IGNORECASE,
)
# A role of no marker above opening a part ("Graphics by C", "Photo editing by C", "Data
# and graphics by C"). "A in Gao, and by B": "and by" repeats the role before, names none.
_OTHER_ROLE_MARKER_RE = re.compile(
    rf"(?:(?:^|(?<=[;.(]))\s*(?!(?:and|with)\s+by\b){_KINDS}"
    rf"|(?:(?<=,)|(?<=\band)|(?<=\bwith))\s*(?!(?:and|with)\s+by\b){_KIND})\s+by\b\s*",
    re.IGNORECASE,
)
# A kind of work printed just before a role's marker past a name, no separator between
# ("A Photo editing by L", "A video editing by L"): another role, whose people the spec
# does not keep.
_KIND_BEFORE_RE = re.compile(
    r"(?<!\S)(?P<kind>(?:photo|photos|picture|pictures|video|audio|copy|graphics?|data"
    r"|social\s+media|multimedia|design|visuals?|maps?))\s+$",
    re.IGNORECASE,
)
# "by" opening a person's part repeats the role before ("A in Gao and by B in Segou").
_REPEATED_BY_RE = re.compile(r"^by\s+", re.IGNORECASE)
# The role of a part "with help from B" opens (the whole line, or a part after ";", "("
# or "."): B contributed. Past a role's people it helps in that role.
_HELP_ROLE = "contributor"
# How every marker ends in a normalised line (its last letters, a space, "by"), spelt
# without the letters that match others under IGNORECASE ("i" also matches a dotless one).
_MARKER_ENDS = ("ng by", "ed by", "en by")
_CONTRIBUTED_RE = re.compile(
    r"(?P<names>.+?)\s+contributed\s+(?:to\s+this\s+(?:report|story|article)|reporting)"
    r"(?:\.?$|(?=[\s,;.(]))",
    re.IGNORECASE,
)
# What may stand between the contributors and what follows them: "A contributed to this
# report, with help from B", "... and with additional reporting by B", "...; Editing by C",
# "... . B contributed reporting." (`join`: the word opening a marker or joining the next).
_GAP_RE = re.compile(r"[\s,;.(]*(?:(?P<join>and|with)\s+)?", re.IGNORECASE)
# "A and B", "A, B and C", "A, B, and C", "A & B", "A with B", "A, with B"
_NAME_SPLIT_RE = re.compile(
    r"\s*(?:,\s*(?:and|with)\s+|\s+(?:and|with)\s+|\s*&\s*|,|;)\s*", re.IGNORECASE
)
# _NAME_SPLIT_RE keeping what it splits at.
_NAME_SPLIT_KEEP_RE = re.compile(f"({_NAME_SPLIT_RE.pattern})", _NAME_SPLIT_RE.flags)
# The words that join a role to the one before it: "and", "with", "and with".
_CONNECTOR_END_RE = re.compile(r"(?:^|[\s(])(?:and|with)$", re.IGNORECASE)
# What ends a role's part before the next marker: separators (a slash too: "A / Editing
# by B"), those words, and a bracket opening the next part ("A (with help from B)", "A
# (with additional reporting by B)").
_CONNECTOR_TAIL_RE = re.compile(r"(?:[;,\s(]+(?:and|with)\b)*[;,\s(/]*$", re.IGNORECASE)
# A role of no marker above ("Graphics by", "Photo editing by"): no name holds " by ".
_OTHER_ROLE_RE = re.compile(r"\bby\b", re.IGNORECASE)
# The contacts old Reuters stories print after the credits: "((mail; phone; Messaging: ...))",
# and the Thomson Reuters Foundation's request closing its own: "... Please credit the
# Thomson Reuters Foundation, the charitable arm of Thomson Reuters, ... Visit ...".
_CONTACT_TAIL_RE = re.compile(r"\s*(?:\(\(|[.;,]?\s*\bplease\s+credit\b).*$", re.IGNORECASE)
# What a credit prints after the name that is not the name: a reporter's social-media
# handle ("A @handle"), whom the work was for ("A for the Gao bureau").
_AFTER_NAME_RE = re.compile(r"\s+(?:@\w+|for\s+\S.*$)", re.IGNORECASE)
# "A in Cairo", "A in Washington", "A from Bamako": the place is not part of the name.
_PLACE_RE = re.compile(r"\s+(?:in|from|at)\s+\S.*$")
# What str.isspace() (and so the regular expressions' \s) calls whitespace.
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Punctuation and spaces around a credits line or a name: "(", "[" open, ")", "]" close.
LEADING_EDGE = _SPACES + "([;:,."
_TRAILING_EDGE = _SPACES + ")];:,."
_EDGE_TO_END_RE = re.compile(f"[{re.escape(_TRAILING_EDGE)}]*$")
# A clause of its own past a credit's names: a comma, a subject opening with an article or
# a pronoun, then two words in lower case (its noun and verb, or its verb and more): "...
# by A, the book sold ...", "... by A, it was ...". Not a possessive ("the paper's").
_CLAUSE_RE = re.compile(
    r"(?<=\w),\s+(?:the|this|these|those|that|it|its|he|his|she|her|they|their|we|our|which"
    r"|who|whose)\s+(?![\w-]*['\u2019]s\b)[a-z][\w-]*\s+[a-z]"
)
# A place past its person ("A in Gao"): the words past a comma may describe it.
_PLACE_NAMED_RE = re.compile(r"\s(?:in|from|at)\s+[A-Z]")
_SENTENCE_ENDS = (".", "!", "?", '"', "\u201d", "\u2019")


def is_credits_line(text: str | None, language: str | None = None) -> bool:
    """True for a wire credits line: "(Reporting by A; Editing by B)" or "A contributed ...";
    on a page in Spanish or Portuguese (`language`) also their forms ("Reporte de A")."""
    line = normalize_space(text)
    english = credits_in_english(line, language)
    if english != line:
        # A sentence opening with the words of a role ("Información de Reuters muestra
        # ...", "Edición de Domingo trae ...") credits no one: each part names people.
        return is_credits_line(english) and bool(parse_credits(english)) and _names_only(english)
    if not line or len(line) > 400:
        return False
    inner = _strip_edges(line)
    # Every paragraph is asked; most hold neither "...buted to" nor "...ed by", and these
    # substring tests cost a fraction of the case-insensitive patterns they guard.
    lowered = inner.lower()
    if "buted " in lowered and _contributed(inner):
        return True
    if not any(end in lowered for end in _MARKER_ENDS):
        return False
    # A role's marker, not "with help from" (a sentence may open so).
    first = next((m for m in _MARKER_RE.finditer(inner) if m.group("marker")), None)
    if first is None:
        return False
    # The marker opens the line, or the whole line is in parentheses.
    wrapped = line.startswith("(") and line.rstrip(". ").endswith(")")
    if wrapped:
        return first.start() < 40
    return first.start() == 0 and not _goes_on_as_sentence(inner, line)


def _goes_on_as_sentence(inner: str, line: str) -> bool:
    """Whether a line opening with a role's words goes on past its names as a sentence
    ("Written by A, the book sold well."): a clause of its own past a comma, and the line
    ends as a sentence does. Not a person described ("A, a freelance journalist", "A, the
    paper's correspondent"), nor a place ("A in Gao, the capital of ...")."""
    if not line.endswith(_SENTENCE_ENDS):
        return False
    for clause in _CLAUSE_RE.finditer(inner):
        since = inner[: clause.start()].rsplit(",", 1)[-1]
        if not _PLACE_NAMED_RE.search(since):
            return True
    return False


def parse_credits(text: str | None, language: str | None = None) -> list[dict[str, str]]:
    """People and roles of a credits line, in order: ``[{"name", "role"}]``; `language`:
    the page's (Spanish and Portuguese forms are read on pages in those languages)."""
    # Old Reuters stories close with the reporter's contacts: "((mail; phone; ...))".
    line = credits_in_english(normalize_space(text), language)
    line = _strip_edges(_without_contacts(line))
    if not line:
        return []
    credits: list[dict[str, str]] = []
    contributed = _contributed(line)
    if contributed:
        # "CNN's A and B contributed ...": the people, not the outlet that employs them.
        names, line = contributed
        credits += [{"name": name, "role": "contributor"} for name in _people(names)]
    for role, names in _parts(line):
        if role is not None:
            credits.extend({"name": name, "role": role} for name in _people(names))
    return credits


def _names_only(line: str) -> bool:
    """Whether each part of `line` of a role names proper names alone, past its places
    ("A in Gao"), not the rest of a sentence ("Domingo trae entrevistas", "el libro ...")."""
    parts = _parts(_strip_edges(_without_contacts(line)))
    names = (name for role, found in parts if role for name in found)
    # A place past a comma ("A e B, em Gao") is the people's.
    return all(reads_as_proper_name(name) or _PLACE_RE.match(f" {name}") for name in names)


def _without_contacts(line: str) -> str:
    """`line` less its contacts or credit request (:data:`_CONTACT_TAIL_RE`), searched for
    only in a line holding its "((" or its "credit" ("cred" lower-cased: no other letter
    matches one of these under IGNORECASE): the pattern is tried at every position of a
    line, a tenth of what parsing a sign-off costs."""
    if "((" not in line and "cred" not in line.lower():
        return line
    return _CONTACT_TAIL_RE.sub("", line)


def _people(names: list[str]) -> list[str]:
    """The people among a credit's `names`: no desk or service ("Gao newsroom", "Reuters
    TV"), no people named by no name ("local journalists": a name opens in capitals)."""
    found = (person_of(name) for name in names)
    return [name for name in found if name and not name[0].islower()]


def _contributed(line: str) -> tuple[list[str], str] | None:
    """The people of a line opening "A and B contributed to this report" (or "... contributed
    reporting"), and the credits after them ("with help from C", "; Editing by D"), or None
    for another line (one going on otherwise: "... contributed reporting from Gao"). A
    line of several such sentences gives the people of each ("A contributed to this
    report. B contributed reporting.")."""
    names: list[str] = []
    at = 0  # positions in `line`, not slices: a long line is read once
    while True:
        match = _CONTRIBUTED_RE.match(line, at)
        if not match:
            return None
        names += _names(last_sentence(match.group("names")))
        if _EDGE_TO_END_RE.match(line, match.end()):
            return names, ""
        gap = _GAP_RE.match(line, match.end())
        assert gap is not None  # it matches the empty string
        # A role's or help's marker ("with help from" opens with its "with").
        for start in (gap.start("join"), gap.end()) if gap.group("join") else (gap.end(),):
            if _MARKER_RE.match(line, start):
                return names, line[start:]
        at = gap.end()  # another sentence of contributors, or no credits line


def _parts(line: str) -> list[tuple[str | None, list[str]]]:
    """Each part of a credits line a marker opens: its role (None for a role the spec does
    not keep) and its people."""
    # A marker opens a role: "Photo editing by" is another role ("editing by" inside it).
    # "with help from B" ends the people before it wherever it stands.
    opens: list[tuple[int, int, tuple[str | None, ...], bool]] = []  # start, end, roles, help
    # Where a role of no marker above ends ("Photo Editing by"): its marker opens none.
    other_markers = list(_OTHER_ROLE_MARKER_RE.finditer(line))  # read again below
    others = {m.end(): m.start() for m in other_markers}
    other_ends = others.keys()
    for m in _MARKER_RE.finditer(line):
        if m.group("marker"):
            other_start = others.get(m.end(), m.start())
            if other_start < m.start() and _JOIN_END_RE.search(line, other_start, m.start()):
                continue  # "Graphics and editing by": one part, its kinds read below
            # A marker opens its role wherever it stands ("Writing by B Editing by C", "A
            # editing by C"), but where a kind of work before it makes it another role.
            if _opens_role(line, m.start()):
                opens.append((m.start(), m.end(), _roles_of(m.group("marker")), False))
            elif m.end() in other_ends or not _past_a_name(line, m.start(), opens):
                pass  # the end of a role the spec does not keep, opening a part
            elif kind := _KIND_BEFORE_RE.search(line, 0, m.start()):
                opens.append((kind.start("kind"), m.end(), (None,), False))
            else:
                opens.append((m.start(), m.end(), _roles_of(m.group("marker")), False))
            continue
        # "Fact-checking help from B", "with research help from B": the kind of help.
        kind = _HELP_KIND_RE.search(line, 0, m.start()) if _bare_help(m.group("help")) else None
        if kind:
            opens.append((kind.start("words"), m.end(), (_help_role(kind.group("words")),), False))
        else:
            opens.append((m.start(), m.end(), (None,), True))
    # "Graphics by C": a role of no marker above, whose people the spec does not keep.
    spec_ends = {end for _, end, _, _ in opens}
    for m in other_markers:
        if m.end() not in spec_ends:
            opens.append((m.start(), m.end(), _kinds_roles(m.group(0)), False))
    opens.sort()
    parts: list[tuple[str | None, list[str]]] = []
    roles: tuple[str | None, ...] = (_HELP_ROLE,)
    for index, (start, marker_end, marker_roles, helps) in enumerate(opens):
        end = opens[index + 1][0] if index + 1 < len(opens) else len(line)
        if not helps:
            roles = marker_roles
        elif _opens_part(line, start) or None in roles:
            # Help opening a part of its own, or past a role the spec does not keep.
            roles = (_HELP_ROLE,)
        segment = line[marker_end:end]
        # "Writing by B and editing by C", "A; with additional reporting by B": the
        # connector before the next marker goes.
        segment = _CONNECTOR_TAIL_RE.sub("", segment)
        names = _names(segment)
        parts += [(role, names) for role in roles]
    return parts


def _past_a_name(line: str, at: int, opens: list[tuple[int, int, Any, bool]]) -> bool:
    """Whether a marker at `at` follows the people of the role before in their part ("A
    editing by B"), not words opening a part ("; Social media editing by B": its kind of
    work, another role)."""
    if not opens or opens[-1][1] <= max(line.rfind(";", 0, at), line.rfind("(", 0, at)):
        return False
    # Past a comma, names ("A, B and C editing by D"), not a kind of work in lower case
    # ("A, Social media editing by L").
    comma = line.rfind(",", 0, at)
    return comma < opens[-1][1] or reads_as_proper_name(line[comma + 1 : at])


def _bare_help(marker: str) -> bool:
    """Whether a help marker is "help from" itself (no "with", no "the" before it)."""
    return marker.split(None, 1)[0].lower() not in ("with", "the")


def _help_role(words: str) -> str:
    """The role of help its kind names: a role the spec keeps, or contribution."""
    lowered = " ".join(words.lower().split())
    for pattern, role in _MARKERS:
        if re.fullmatch(pattern, lowered):
            return role
    return _HELP_ROLE


def _kinds_roles(opening: str) -> tuple[str | None, ...]:
    """The roles of a part opening with kinds of work before one "by" ("Graphics and
    editing by"): a marker's role for each kind that is one, None for the others."""
    kinds = _ROLES_JOIN_RE.split(_OTHER_ROLE_RE.sub("", opening).strip())
    roles = tuple(_role_of(k) if _ONE_MARKER_RE.fullmatch(k.strip()) else None for k in kinds)
    return roles if any(roles) else (None,)


def _roles_of(marker: str) -> tuple[str, ...]:
    """The roles a marker names, in order ("Reporting and writing": two)."""
    return tuple(_role_of(one) for one in _ROLES_JOIN_RE.split(marker))


def _role_of(marker: str) -> str:
    lowered = " ".join(marker.lower().split())
    for pattern, role in _MARKERS:
        if re.fullmatch(pattern, lowered):
            return role
    return "reporting"


def _opens_part(line: str, at: int) -> bool:
    """Whether `at` opens a part of the line of its own: at the start, or after "(", ";"
    or "."."""
    before = line[:at].rstrip()
    return not before or before.endswith(("(", ";", "."))


def _opens_role(line: str, at: int) -> bool:
    """Whether a role marker at `at` opens a role: at the start, or after "(", ";", ",",
    ".", "and" or "with" ("Writing by B and editing by C", "Reporting by A. Editing by B",
    "A in Paris; with additional reporting by B")."""
    before = line[:at].rstrip()
    return (
        not before
        or before.endswith(("(", ";", ",", "."))
        or _CONNECTOR_END_RE.search(before) is not None
    )


def _names(segment: str) -> list[str]:
    names = []
    pieces = _NAME_SPLIT_KEEP_RE.split(BRACKETED_RE.sub("", segment))
    placed = False  # the part before named where its person was ("A in Gao")
    # Each part with the separator before it ("" before the first).
    for before, part in zip(["", *pieces[1::2]], pieces[::2], strict=True):
        part = _REPEATED_BY_RE.sub("", part.strip())
        # Each case-insensitive pattern searched for only where its letters are: each is
        # tried at every position of the part, and most parts are a bare name. No other
        # letter matches b, y, f, o or r under IGNORECASE.
        lowered = part.lower()
        if "by" in lowered and _OTHER_ROLE_RE.search(part):
            continue  # "Graphics by L": a role the spec does not keep
        # "A in Gao, Mali": one word past the place's comma goes on with the place.
        if placed and before.strip() == "," and " " not in part and "." not in part:
            continue
        placed = _PLACE_RE.search(part) is not None
        if "@" in part or "for" in lowered:
            part = _AFTER_NAME_RE.sub("", part)
        name = _strip_edges(_PLACE_RE.sub("", part))
        if name and any(char.isalpha() for char in name):
            names.append(name)
    return names


def _strip_edges(text: str) -> str:
    return text.lstrip(LEADING_EDGE).rstrip(_TRAILING_EDGE)
