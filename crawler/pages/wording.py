"""Credits and bylines of the outlets' Spanish and Portuguese services, in English words.

Reuters and CNN print "Reporte de A; Editado por B" and "Por A y B" on their pages in
Spanish ("Reportagem de A; Edição de B", "Por A e B" in Portuguese). Their words are put
in English, for the credits and byline parsers, only on a page stating that
language: elsewhere "Por" or "de" may be part of a name.
"""

from __future__ import annotations

import re

# Each language's role markers ("Reporte de" -> "Reporting by"), longest first, then the
# words joining people ("y" -> "and"), a person to a place ("en Gao" -> "in Gao") or to
# whom the work was for ("para Reuters" -> "for Reuters").
_CREDITS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (
        (
            r"(?:reportes?|reporteo|reportaje|informaci[óo]n)\s+adicional(?:es)?\s+(?:de|por)",
            "additional reporting by",
        ),
        (
            r"(?:reportes?|reporteo|reportaje|informaci[óo]n)\s+(?:de|por)"
            r"|(?:reportado|informado)\s+por",
            "reporting by",
        ),
        (r"redacci[óo]n\s+(?:de|por)|(?:redactad|escrit|compilad)[oa]\s+por", "writing by"),
        (r"editad[oa](?:\s+en\s+espa[ñn]ol)?\s+por|edici[óo]n\s+(?:de|por)", "editing by"),
        (r"traducid[oa]\s+por|traducci[óo]n\s+(?:de|por)", "translation by"),
    ),
    "pt": (
        (r"reportagem\s+adicional\s+(?:de|por)", "additional reporting by"),
        (r"reportagem\s+(?:de|por)|reportad[oa]\s+por|apura[çc][ãa]o\s+de", "reporting by"),
        (r"reda[çc][ãa]o\s+(?:de|por)|texto\s+(?:de|por)|escrit[oa]\s+por", "writing by"),
        (r"edi[çc][ãa]o\s+(?:de|por)|editad[oa]\s+por", "editing by"),
        (r"tradu[çc][ãa]o\s+(?:de|por)|traduzid[oa]\s+por", "translation by"),
    ),
}
_JOINS: dict[str, tuple[tuple[str, str], ...]] = {
    "es": (
        (r"y", "and"),
        (r"con", "with"),
        (r"en(?=\s+[^\W\d_])", "in"),
        (r"desde(?=\s+[^\W\d_])", "from"),
        (r"para(?=\s+[^\W\d_])", "for"),
    ),
    "pt": (
        (r"e", "and"),
        (r"com", "with"),
        (r"(?:em|no|na|nos|nas)(?=\s+[^\W\d_])", "in"),
        (r"para(?:\s+[ao])?(?=\s+[^\W\d_])", "for"),  # "para a CNN"
    ),
}
# A byline's lead ("Por A", "Por: A") and the outlet past a comma ("A, da CNN") or a job
# title ("A, corresponsal de CNN").
_BYLINE_LEAD_RE = re.compile(r"^por(?:\s*:)?\s+", re.IGNORECASE)
# A photographer's part ("Fotografías de B", "Fotos por B"): "Photographs by B".
_PHOTOS_RE = re.compile(
    r"(?<![\w-])(?:fotograf[íi]as?|fotos?)\s+(?:de|por)(?=\s+(?-i:[A-ZÀ-ÖØ-Þ]))", re.IGNORECASE
)
_OF_OUTLET_RE = re.compile(
    r",\s*(?:de|del|da|do)\s+|\s+(?:de|del|da|do)\s+(?=(?:CNN|Reuters)\b)", re.IGNORECASE
)


# A role's marker is followed by a name, in capitals ("Reporte de la ONU muestra ..."
# opens a sentence); a joining word stands between spaces.
_MARKER_EDGES = (r"(?<![\w-])", r"\b(?=\s+(?-i:[A-ZÀ-ÖØ-Þ]))")
_JOIN_EDGES = (r"(?<=\s)", r"(?=\s)")


def _compiled(pairs: tuple[tuple[str, str], ...], joins: bool) -> list[tuple[re.Pattern[str], str]]:
    edge = _JOIN_EDGES if joins else _MARKER_EDGES
    return [(re.compile(f"{edge[0]}(?:{p}){edge[1]}", re.IGNORECASE), e) for p, e in pairs]


_CREDITS_RES = {lang: _compiled(pairs, False) for lang, pairs in _CREDITS.items()}
# Any role marker of the language, in one pattern: most lines of a page name none, and one
# search tells them from the rest.
_ANY_MARKER_RES = {
    lang: re.compile(
        _MARKER_EDGES[0] + "(?:" + "|".join(p for p, _ in pairs) + ")" + _MARKER_EDGES[1],
        re.IGNORECASE,
    )
    for lang, pairs in _CREDITS.items()
}
_JOINS_RES = {lang: _compiled(pairs, True) for lang, pairs in _JOINS.items()}
LANGUAGES = frozenset(_CREDITS)


def _in_english(pattern: re.Pattern[str], words: str, text: str) -> str:
    """`text` with `words` for what `pattern` matches, capitalised as the match was."""

    def english(match: re.Match[str]) -> str:
        return words.capitalize() if match.group(0)[:1].isupper() else words

    return pattern.sub(english, text)


def _joined_in_english(text: str, language: str) -> str:
    for pattern, words in _JOINS_RES[language]:
        text = pattern.sub(words, text)
    return text


def names_a_role(line: str, language: str | None) -> bool:
    """Whether `line` holds a role marker of `language`'s credits ("Reporte de A")."""
    return language in LANGUAGES and _ANY_MARKER_RES[language].search(line) is not None


# Each language's contributor sentences: the people before the verb ("A y B contribuyeron
# a este reporte", "A contribuiu para esta reportagem"), or after the words opening the
# sentence ("Con información de A", "*Com informações de A, da CNN", "Colaborou: A").
_CONTRIBUTED_AFTER = {
    "es": r"contribuy(?:[óo]|eron)\s+(?:a|con|para|en)\s+(?:este|esta)\s+"
    r"(?:reporte|informe|nota|art[íi]culo|historia|reportaje)",
    "pt": r"contribu(?:iu|[íi]ram)\s+(?:para|com)\s+(?:esta|este|a|o)\s+"
    r"(?:reportagem|mat[ée]ria|texto|not[íi]cia)",
}
_CONTRIBUTED_BEFORE = {
    "es": r"con\s+(?:informaci[óo]n|reportes|reporter[íi]a)\s+de",
    "pt": r"(?:com\s+informa[çc](?:[õo]es|[ãa]o)|colabor(?:ou|aram)(?:\s*:)?)(?:\s+de)?",
}
_CONTRIBUTED_RES = {
    lang: (
        re.compile(rf"^(?P<names>.+?)\s+{_CONTRIBUTED_AFTER[lang]}\b(?P<rest>.*)$", re.I),
        # At the line's start or a sentence's; past the mark a service prints before it.
        re.compile(
            rf"^(?P<before>(?:.*[.!?]\s+)?)[*\-\u2013\u2014\s]*{_CONTRIBUTED_BEFORE[lang]}"
            r"\s+(?P<names>\S.*?)[.\s]*$",
            re.I,
        ),
    )
    for lang in _CONTRIBUTED_AFTER
}
# Words one of those sentences holds (lower case): most lines hold none, and these tests
# spare them the patterns.
_CONTRIBUTED_HINTS = {
    "es": ("contribuy", "con informaci", "con report"),
    "pt": ("contribu", "com informa", "colabor"),
}
# "de" before a person's name ("Con información de A y de B"); an article after it ("de la
# agencia EFE", "da Reuters") names a body, no one.
_DE_BEFORE_NAME_RE = re.compile(r"(?<![\w-])de\s+(?=[A-ZÀ-ÖØ-Þ])")
# Past a comma among the people, a word in lower case but those linking them to their
# outlet or place ("A, da CNN, em Gao") goes on as a sentence ("X, el gobierno decidió").
_CLAUSE_PAST_COMMA_RE = re.compile(
    r",\s+(?!(?:and|of|in|with|from|for|de|del|da|do|das|dos)\b)[a-zß-ÿ]"
)


def mentions_contribution(line: str, language: str | None) -> bool:
    """Whether `line` (in lower case) may be a contributor sentence of `language`, Spanish
    or Portuguese: the cheap test before :func:`contribution_in_english`."""
    hints = _CONTRIBUTED_HINTS.get(language or "")
    return hints is not None and any(hint in line for hint in hints)


def contribution_in_english(line: str, language: str | None) -> str:
    """A contributor sentence of a page in Spanish or Portuguese in the English form ("A y B
    contribuyeron a este reporte", "Con información de A y B" -> "A and B contributed to
    this report."); any other line as it is."""
    if language not in _CONTRIBUTED_RES or not mentions_contribution(line.lower(), language):
        return line
    after, before = _CONTRIBUTED_RES[language]
    match = after.match(line)
    if match:
        head, names, tail = "", match.group("names"), match.group("rest")
    else:
        match = before.match(line)
        if match is None:
            return line
        head, names, tail = match.group("before"), match.group("names"), "."
    names = _OF_OUTLET_RE.sub(lambda m: ", of " if "," in m.group(0) else " of ", names)
    names = _joined_in_english(_DE_BEFORE_NAME_RE.sub("", names), language)
    if _CLAUSE_PAST_COMMA_RE.search(names):
        return line  # "Con información de X, el gobierno decidió ...": a sentence
    return f"{head}{names} contributed to this report{tail}"


def credits_in_english(line: str, language: str | None) -> str:
    """A credits line of a page in Spanish or Portuguese in the English form; any other
    line as it is."""
    if language is None or language not in LANGUAGES:
        return line
    contributed = contribution_in_english(line, language)
    if contributed != line or not names_a_role(line, language):
        return contributed
    english = line
    for pattern, words in _CREDITS_RES[language]:
        english = _in_english(pattern, words, english)
    # A line naming no role is left as it is.
    return line if english == line else _joined_in_english(english, language)


def byline_in_english(text: str, language: str | None) -> str:
    """A byline of a page in Spanish or Portuguese in the English form ("Por A y B" ->
    "By A and B", "Por A, da CNN" -> "By A, of CNN"); any other byline as it is."""
    if language not in LANGUAGES:
        return text
    text = _BYLINE_LEAD_RE.sub("By ", text)
    text = _in_english(_PHOTOS_RE, "photographs by", text)
    text = _OF_OUTLET_RE.sub(lambda m: ", of " if "," in m.group(0) else " of ", text)
    return _joined_in_english(text, language)
