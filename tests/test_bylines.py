"""Bylines give the people they name, one entry each, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.pages.bylines import byline_names, contributor_names, parse_byline
from crawler.pages.text import normalize_space

EXAMPLES = [
    ("By Lena Kora and Ade Wolcott, CNN", ["Lena Kora", "Ade Wolcott"]),
    ("From Jim Bittermann, CNN", ["Jim Bittermann"]),
    ("By Chief Washington Correspondent Jake Tapper", ["Jake Tapper"]),
    ("By Senior International Correspondent Nima Elbagir, CNN", ["Nima Elbagir"]),
    # The outlet before the title: the person still follows the title.
    ("By CNN Senior International Correspondent Nima Elbagir", ["Nima Elbagir"]),
    ("By CNN Chief Medical Correspondent Dr. Amara Sow", ["Dr. Amara Sow"]),
    ("By CNN Senior Legal Analyst", []),
    # A beat the title words do not know between a title's words: a title all the same.
    ("By Jane Roe, CNN Chief Climate Correspondent", ["Jane Roe"]),
    ("By CNN Chief Climate Correspondent Seydou Kone", ["Seydou Kone"]),
    ("By Jane Roe and Ana Ruiz, CNN Chief Space Correspondent", ["Jane Roe", "Ana Ruiz"]),
    # A title spelt in words ("Editor at Large"), after the name or alone: no "at Large".
    ("By Mariam Sangare, CNN Editor at Large", ["Mariam Sangare"]),
    ("By CNN Editor At Large", []),
    ("By CNN Editor at large Mariam Sangare", ["Mariam Sangare"]),
    ("By Senior Editor at Large Mariam Sangare", ["Mariam Sangare"]),
    ("Analysis by Mariam Sangare, CNN Editor-at-large", ["Mariam Sangare"]),
    ("Jake Tapper CNN Senior Washington Correspondent", ["Jake Tapper"]),
    ("By the CNN Wire Staff", []),
    ("By CNN Staff", []),
    ("By our correspondent", []),
    ("By our Sahel correspondent in Gao", []),
    ("Reuters", []),
    (
        "By Aminata Diallo, Paul Brenner, and Chloé Martin, CNN",
        ["Aminata Diallo", "Paul Brenner", "Chloé Martin"],
    ),
    ("By A. B. Carter & Lina Hill, CNN", ["A. B. Carter", "Lina Hill"]),
    ("By Tom White, CNN", ["Tom White"]),
    ("By Ana Ruiz, Special to CNN", ["Ana Ruiz"]),
    ("By Aïssata Maïga, for CNN", ["Aïssata Maïga"]),
    ("Opinion by Moussa Traoré", ["Moussa Traoré"]),
    # Two kinds of work before "by": one lead, no person "Story" or "Text".
    ("Story and photos by Moussa Traoré, CNN", ["Moussa Traoré"]),
    ("Text & photos by Moussa Traoré and Ana Ruiz", ["Moussa Traoré", "Ana Ruiz"]),
    ("Review by Mara Quint, CNN", ["Mara Quint"]),
    # A social-media handle after a name is not part of it.
    ("By Mara Quint @mquint, CNN", ["Mara Quint"]),
    # A dot or bullet between the people and their outlet is not part of a name.
    ("By Mara Quint \u00b7 Reuters", ["Mara Quint"]),
    ("By Mara Quint and Ana Ruiz \u2022 CNN", ["Mara Quint", "Ana Ruiz"]),
    ("By Mara Quint and Ana Ruiz\u00a0@aruiz", ["Mara Quint", "Ana Ruiz"]),
    ("By\u00a0 Faith  Okafor ,\u00a0CNN", ["Faith Okafor"]),
    ("", []),
    # An outlet's section or service after the people is no person.
    ("By Lena Kora, CNN Travel", ["Lena Kora"]),
    ("By Lena Kora and Ade Wolcott, CNN Politics", ["Lena Kora", "Ade Wolcott"]),
    ("By Lena Weiss, Reuters Breakingviews", ["Lena Weiss"]),
    # "of CNN", places after each name.
    ("By Lena Kora and Moussa Keita of CNN", ["Lena Kora", "Moussa Keita"]),
    ("By Lena Kora in Bamako and Moussa Keita in Gao, CNN", ["Lena Kora", "Moussa Keita"]),
    # A surname that is a title word: one name word and one title word make a person.
    ("By Hunt Writer, CNN", ["Hunt Writer"]),
    ("By Tom Chief and Ana Host, Reuters", ["Tom Chief", "Ana Host"]),
    ("By Jane Smith Writer", ["Jane Smith"]),
    ("By Jane Senior Writer", ["Jane"]),
    # ... but a title word no one bears as a surname is a title after a word of a beat.
    ("By Jane Roe, Climate Correspondent", ["Jane Roe"]),
    ("By Jane Roe and Ana Ruiz, Entertainment Reporters", ["Jane Roe", "Ana Ruiz"]),
    ("By Jane CNN", ["Jane"]),
    # Where the reporters are, in capitals after the people: no person.
    ("By Lena Kora | BAMAKO", ["Lena Kora"]),
    ("By Lena Kora and Ade Wolcott | SAN FRANCISCO/WASHINGTON", ["Lena Kora", "Ade Wolcott"]),
    ("By Lena Kora, GAO", ["Lena Kora"]),
    # A byline all in capitals names its people all the same.
    ("By LENA KORA AND ADE WOLCOTT", ["LENA KORA", "ADE WOLCOTT"]),
    # A name in capitals joined to a person's by a lower-case "and" or "with" is a person;
    # once the places begin, capitals joined so are places too.
    ("By Lena Kora and ADE WOLCOTT", ["Lena Kora", "ADE WOLCOTT"]),
    ("By Lena Kora with ADE WOLCOTT, CNN", ["Lena Kora", "ADE WOLCOTT"]),
    # A wire agency by its whole name names no one, as "AP" does.
    ("By Lena Kora, Associated Press", ["Lena Kora"]),
    ("By Lena Kora and Ade Wolcott, Agence France-Presse", ["Lena Kora", "Ade Wolcott"]),
    # One word after a comma past the people, a name of no person: where they are.
    ("By Lena Kora, Bamako", ["Lena Kora"]),
    ("By Lena Kora and Ade Wolcott, Segou, Mali", ["Lena Kora", "Ade Wolcott"]),
    ("By Lena Kora, Bamako and Gao", ["Lena Kora"]),
    ("By Lena Kora, Ade Wolcott and Ana Ruiz", ["Lena Kora", "Ade Wolcott", "Ana Ruiz"]),
    ("By Lena Kora, Ade Wolcott, Bamako", ["Lena Kora", "Ade Wolcott"]),
    ("By Lena Kora | BAMAKO and GAO", ["Lena Kora"]),
    ("By Lena Kora and Ade Wolcott | SAN FRANCISCO AND WASHINGTON", ["Lena Kora", "Ade Wolcott"]),
    # Where each reporter is, in brackets after the name: not part of it.
    ("By Lena Kora (Gao) and Ade Wolcott (Segou, Mali), CNN", ["Lena Kora", "Ade Wolcott"]),
]


@pytest.mark.parametrize(("raw", "names"), EXAMPLES)
def test_byline_examples(raw: str, names: list[str]) -> None:
    authors = parse_byline(raw)
    assert [author["name"] for author in authors] == names
    assert all(author["nameRaw"] == normalize_space(raw) for author in authors)


@pytest.mark.parametrize(
    ("raw", "listed", "names"),
    [
        # The JSON-LD lists every person but the byline's last part: where they are.
        ("By Lena Kora, New Tominian", ["Lena Kora"], ["Lena Kora"]),
        ("By Lena Kora, New Tominian, Mali", ["Lena Kora"], ["Lena Kora"]),
        ("By Lena Kora, Awa", ["Lena Kora", "Awa"], ["Lena Kora", "Awa"]),
        # A person the outlet follows is no last part, as a place is.
        ("By Lena Kora, Ade Wolcott, CNN", ["Lena Kora"], ["Lena Kora", "Ade Wolcott"]),
        # JSON-LD spelling a person otherwise than the byline lists no place.
        (
            "By Lena Kora, Ade Wolcott",
            ["Lena Kora", "Ade B. Wolcott"],
            ["Lena Kora", "Ade Wolcott"],
        ),
    ],
)
def test_the_jsonld_tells_a_place_past_the_people(
    raw: str, listed: list[str], names: list[str]
) -> None:
    """A last part past a comma that the page's JSON-LD alone does not list is a place
    only where it ends the byline and the JSON-LD lists the byline's other people and no
    one else: "By A, B, CNN" under JSON-LD naming A, or under JSON-LD spelling B as "B.
    C", lost B."""
    folded = {name.casefold() for name in listed}
    assert [author["name"] for author in parse_byline(raw, folded)] == names


@pytest.mark.parametrize(
    ("raw", "listed", "names"),
    [
        # The JSON-LD lists a contributor the byline does not print: the place still goes.
        ("By Dana Ford, New Tominian", ["Dana Ford", "Lena Weiss"], ["Dana Ford"]),
        ("By Dana Ford, New Tominian, Mali", ["Lena Weiss", "Dana Ford"], ["Dana Ford"]),
        # One it spells otherwise shares a word with the byline's: a person all the same.
        (
            "By Dana Ford, Tom Watkins",
            ["Dana Ford", "Thomas Watkins", "Lena Weiss"],
            ["Dana Ford", "Tom Watkins"],
        ),
    ],
)
def test_a_person_the_jsonld_lists_beyond_the_byline_leaves_the_place_a_place(
    raw: str, listed: list[str], names: list[str]
) -> None:
    """ "By A, New Tominian" under JSON-LD listing A and a contributor C the byline does not
    print: the place was a person, since the JSON-LD listed someone besides A."""
    folded = {name.casefold() for name in listed}
    assert [author["name"] for author in parse_byline(raw, folded)] == names


@pytest.mark.parametrize("raw", ["By\u00c2\u00a0 Faith Okafor, CNN", "By\u00c2 Faith Okafor, CNN"])
def test_a_no_break_space_read_as_latin_1_is_a_space(raw: str) -> None:
    """CNN pages of 2010 declared ISO-8859-1 and carried a UTF-8 no-break space in their
    author meta (bytes C2 A0 after "By"), read as "ByÂ\\xa0" (or, normalised, "ByÂ "):
    "ByÂ" was kept in the name."""
    authors = parse_byline(raw)
    assert authors == [{"name": "Faith Okafor", "nameRaw": "By Faith Okafor, CNN"}]


def test_none_gives_no_authors() -> None:
    assert parse_byline(None) == []


@pytest.mark.parametrize(
    ("line", "names"),
    [
        (
            "CNN's Ana Ruiz and journalist Moussa Traoré in Bamako contributed to this report.",
            ["Ana Ruiz", "Moussa Traoré"],
        ),
        ("CNN’s Idrissa Sow contributed reporting.", ["Idrissa Sow"]),
        (
            "CNN's Oumar Toure, Fanta Keita, and Paul Brenner contributed to this report.",
            ["Oumar Toure", "Fanta Keita", "Paul Brenner"],
        ),
        ("The militants seized Gao last April.", []),
        # The country after a place goes on with the place.
        ("CNN's Ana Ruiz in Gao, Mali, contributed to this report.", ["Ana Ruiz"]),
        (
            "CNN's Ana Ruiz in Gao, Mali, and Paul Brenner in Dakar, Senegal, contributed"
            " to this report.",
            ["Ana Ruiz", "Paul Brenner"],
        ),
        # Help after the contributors: they helped too; not people named by no name.
        (
            "CNN's Ana Ruiz contributed to this report, with help from her colleagues at the"
            " bureau.",
            ["Ana Ruiz"],
        ),
        (
            "CNN's Ana Ruiz contributed to this report, with help from Paul Brenner.",
            ["Ana Ruiz", "Paul Brenner"],
        ),
        (
            "CNN's Ana Ruiz and Moussa Traoré contributed reporting from Bamako, with additional"
            " help from Paul Brenner and Lena Weiss.",
            ["Ana Ruiz", "Moussa Traoré", "Paul Brenner", "Lena Weiss"],
        ),
        (
            "CNN's Ana Ruiz (Gao) and Paul Brenner (Segou, Mali) contributed to this report.",
            ["Ana Ruiz", "Paul Brenner"],
        ),
        (
            "CNN Business' Bourem Mopti and CNN Travel's Bla Nioro contributed to this report.",
            ["Bourem Mopti", "Bla Nioro"],
        ),
    ],
)
def test_contributor_lines(line: str, names: list[str]) -> None:
    assert contributor_names(line) == names


# -- properties ----------------------------------------------------------------------------

_SYLLABLES = ["ka", "mo", "ri", "sa", "tu", "lé", "na", "bo", "ï", "dje", "vi", "ran", "ol"]
_word = st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=4).map(
    lambda parts: "".join(parts).capitalize()
)
_name = st.lists(_word, min_size=2, max_size=3).map(" ".join)
_names = st.lists(_name, min_size=1, max_size=4, unique=True)
_lead = st.sampled_from(["By ", "From ", "Analysis by ", "By Senior Correspondent ", ""])
_tail = st.sampled_from([", CNN", ", CNN Senior Producer", "", ", for CNN"])


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


@given(_lead, _names, _tail)
def test_generated_bylines_give_their_people(lead: str, names: list[str], tail: str) -> None:
    raw = lead + _join(names) + tail
    authors = parse_byline(raw)
    assert [author["name"] for author in authors] == names
    assert {author["nameRaw"] for author in authors} == {normalize_space(raw)}


@given(_names)
def test_parsing_a_joined_result_is_idempotent(names: list[str]) -> None:
    once = byline_names("By " + _join(names) + ", CNN")
    assert byline_names("By " + _join(once) + ", CNN") == once


@given(st.text(max_size=80))
def test_names_never_hold_lead_words_or_outlets(raw: str) -> None:
    for author in parse_byline(raw):
        words = [word.strip(".,;:'’").lower() for word in author["name"].split()]
        assert author["name"]
        assert "by" not in words and "from" not in words
        assert "cnn" not in words and "reuters" not in words
        assert author["nameRaw"] == normalize_space(raw)


@given(st.text(max_size=80))
def test_each_person_once(raw: str) -> None:
    names = byline_names(raw)
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Photos by Ana Ruiz", ["Ana Ruiz"]),
        ("Photographs by Ana Ruiz", ["Ana Ruiz"]),
        ("Photography by Ana Ruiz", ["Ana Ruiz"]),
        ("Photographs: Ana Ruiz", ["Ana Ruiz"]),
        ("Photos: Ana Ruiz", ["Ana Ruiz"]),
        ("By Moussa Traoré, CNN; Photographs by Ana Ruiz", ["Moussa Traoré", "Ana Ruiz"]),
        ("By Moussa Traoré, CNN | Photographs: Ana Ruiz for CNN", ["Moussa Traoré", "Ana Ruiz"]),
        ("Story by Moussa Traoré, photographs by Ana Ruiz", ["Moussa Traoré", "Ana Ruiz"]),
        ("Words by Moussa Traoré; Pictures by Ana Ruiz", ["Moussa Traoré", "Ana Ruiz"]),
        ("Story and photographs by Moussa Traoré, CNN", ["Moussa Traoré"]),
    ],
)
def test_a_photographer_the_byline_names_is_an_author_as_with_photos_by(
    raw: str, names: list[str]
) -> None:
    """The byline's people are its authors, its photographer too, as "Photos by A" gives;
    before, "Photographs by A" gave no one and "Photographs: A" a person of that name."""
    assert byline_names(raw) == names


@pytest.mark.parametrize(
    ("raw", "language", "names"),
    [
        ("Por Ana Ruiz y Moussa Traoré", "es", ["Ana Ruiz", "Moussa Traoré"]),
        ("Por Ana Ruiz, CNN en Español", "es", ["Ana Ruiz"]),
        ("Por: Ana Ruiz", "es", ["Ana Ruiz"]),
        ("Por Ana Ruiz e Moussa Traoré", "pt", ["Ana Ruiz", "Moussa Traoré"]),
        ("Por Ana Ruiz, da CNN", "pt", ["Ana Ruiz"]),
    ],
)
def test_a_byline_in_spanish_or_portuguese_on_a_page_in_that_language(
    raw: str, language: str, names: list[str]
) -> None:
    """ "Por A y B" reads as "By A and B" where the page says it is in Spanish (Portuguese
    "Por A e B"); before, a person "Por Ana Ruiz y Moussa Traoré"."""
    assert [p["name"] for p in parse_byline(raw, language=language)] == names
    assert all(p["nameRaw"] == raw for p in parse_byline(raw, language=language))
    # Elsewhere "Por" is no lead: an English page's byline is read as English.
    assert parse_byline(raw, language="en") == parse_byline(raw)


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Ana Ruiz, Ph.D.", ["Ana Ruiz"]),
        ("By Ana Ruiz, Jr., and Tom Hale, CNN", ["Ana Ruiz", "Tom Hale"]),
        ("By Ana Ruiz, III, Tom Hale, Sr., CNN", ["Ana Ruiz", "Tom Hale"]),
        ("By Ana Ruiz, M.D., CNN", ["Ana Ruiz"]),
    ],
)
def test_a_name_suffix_past_a_comma_is_no_person(raw: str, names: list[str]) -> None:
    """ "Jr.", "III", "Ph.D." past a comma belong to the name before; before, "Ph.D" (or
    "Jr" where a person followed) was an author of its own."""
    assert byline_names(raw) == names


def test_a_name_suffix_in_a_contributor_line_is_no_person() -> None:
    assert contributor_names("Ana Ruiz, Jr. contributed to this report.") == ["Ana Ruiz"]


@pytest.mark.parametrize(
    "raw",
    [
        "By Ana Ruiz, CNN Story and Photos by Tom Hale",
        "By Ana Ruiz Story and photos by Tom Hale",
        "By Ana Ruiz; Text & Photographs by Tom Hale",
    ],
)
def test_a_lead_of_two_kinds_of_work_mid_line_opens_one_part(raw: str) -> None:
    """Before, each kind opened a part ("Story and" an author), or the "and" between them
    split the part ("Story", "Text" authors)."""
    assert byline_names(raw) == ["Ana Ruiz", "Tom Hale"]


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Ana Ruiz, CNN Photographs by Tom Hale, for CNN", ["Ana Ruiz", "Tom Hale"]),
        (
            "By Ana Ruiz and Awa Keita, CNN Photos by Tom Hale",
            ["Ana Ruiz", "Awa Keita", "Tom Hale"],
        ),
        ("Story by Ana Ruiz Photographs by Tom Hale", ["Ana Ruiz", "Tom Hale"]),
        # A word of the kinds inside a name is no lead: no "by" after it.
        ("By Ana Story and Tom Words, CNN", ["Ana Story", "Tom Words"]),
    ],
)
def test_a_part_led_by_its_work_mid_line_with_no_separator(raw: str, names: list[str]) -> None:
    """ "By A, CNN Photographs by B": the lead in capitals opens a part wherever it stands;
    before, the part "CNN Photographs by B" named no one and B was lost."""
    assert byline_names(raw) == names


@pytest.mark.parametrize(
    "line",
    [
        "This story has been updated with additional information. CNN's Ana Ruiz contributed"
        " to this report.",
        "The mill reopened on Friday! Ana Ruiz contributed to this report.",
    ],
)
def test_a_sentence_before_the_contributors_names_no_one(line: str) -> None:
    """Before: a contributor "This story has been updated", and Ana Ruiz lost."""
    assert contributor_names(line) == ["Ana Ruiz"]


def test_initials_and_titles_before_the_contributors_stay_in_their_names() -> None:
    line = "Mrs. Ana Ruiz and T. J. Hale contributed to this report."
    assert contributor_names(line) == ["Mrs. Ana Ruiz", "T. J. Hale"]


@pytest.mark.parametrize(
    "line",
    [
        "This story was first published on June 4. CNN's Ana Ruiz contributed to this report.",
        "This story was updated at 5 p.m. ET. CNN's Ana Ruiz contributed to this report.",
        "The count was updated by CNN. CNN's Ana Ruiz contributed to this report.",
    ],
)
def test_a_sentence_ending_in_a_number_or_capitals_before_the_contributors(line: str) -> None:
    """Before, the sentence ("This story was first published on June 4") or its last word
    ("ET") was a contributor."""
    assert contributor_names(line) == ["Ana Ruiz"]


@pytest.mark.parametrize(
    "raw",
    [
        "By Ana Ruiz, CNN Photographs by Getty Images",
        "By Ana Ruiz, CNN | Photographs: AFP/Getty Images",
        "By Ana Ruiz; Pictures by Shutterstock",
    ],
)
def test_a_photo_agency_a_byline_credits_is_no_person(raw: str) -> None:
    """Before, "Getty Images" and "Shutterstock" were authors."""
    assert byline_names(raw) == ["Ana Ruiz"]


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("Por Redacción CNN", "es"),
        ("Por Redacción de CNN en Español", "es"),
        ("Por Agencias", "es"),
        ("Por Redação CNN Brasil", "pt"),
        ("Por Agências", "pt"),
    ],
)
def test_a_spanish_or_portuguese_staff_byline_names_no_one(raw: str, language: str) -> None:
    """Before, "Redacción" (the newsroom), "Agencias" (wire agencies) were authors."""
    assert parse_byline(raw, language=language) == []


@pytest.mark.parametrize(
    ("raw", "language", "names"),
    [
        ("Por Ana Ruiz para CNN", "es", ["Ana Ruiz"]),
        ("Por Ana Ruiz y Tom Hale para CNN en Español", "es", ["Ana Ruiz", "Tom Hale"]),
        ("Por Ana Ruiz desde Gao", "es", ["Ana Ruiz"]),
        ("Por Ana Souza para a CNN", "pt", ["Ana Souza"]),
    ],
)
def test_whom_for_and_where_from_in_a_spanish_or_portuguese_byline(
    raw: str, language: str, names: list[str]
) -> None:
    """Before, "Ana Ruiz para", "Tom Hale para" and "Ana Ruiz desde Gao" were authors."""
    assert [author["name"] for author in parse_byline(raw, language=language)] == names


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("Por Ana Ruiz, corresponsal de CNN en Gao", "es"),
        ("Por Ana Ruiz, corresponsal del CNN en Gao", "es"),
        ("Por Ana Ruiz, correspondente da CNN em Gao", "pt"),
    ],
)
def test_a_spanish_or_portuguese_job_title_of_the_outlet_is_no_person(
    raw: str, language: str
) -> None:
    """Before, "corresponsal de" and "correspondente da" were authors."""
    assert [author["name"] for author in parse_byline(raw, language=language)] == ["Ana Ruiz"]


@pytest.mark.parametrize(
    ("raw", "language"),
    [
        ("Por Ana Ruiz, CNN Fotografías de Tom Hale", "es"),
        ("Por Ana Ruiz; fotos de Tom Hale", "es"),
        ("Por Ana Ruiz, CNN Fotografias de Tom Hale", "pt"),
        ("Por Ana Ruiz | Fotos por Tom Hale", "pt"),
    ],
)
def test_a_spanish_or_portuguese_photographers_part_names_its_photographer(
    raw: str, language: str
) -> None:
    """ "Fotografías de B" is read as "Photographs by B"; before, B was lost."""
    names = [author["name"] for author in parse_byline(raw, language=language)]
    assert names == ["Ana Ruiz", "Tom Hale"]


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Awa Diarra for the Thomson Reuters Foundation", ["Awa Diarra"]),
        (
            "By Awa Diarra and Seydou Kone for the Thomson Reuters Foundation",
            ["Awa Diarra", "Seydou Kone"],
        ),
        ("By Awa Diarra for The Gao Times", ["Awa Diarra"]),
        ("By Awa Diarra for the Gao Times, CNN", ["Awa Diarra"]),
        ("By Awa Diarra for CNN", ["Awa Diarra"]),
    ],
)
def test_whom_a_byline_was_written_for_is_no_part_of_its_names(raw: str, names: list[str]) -> None:
    """ "By A for the Thomson Reuters Foundation": whom the work was for, as "for CNN" is;
    before, "Awa Diarra for the" (or "... for The Gao Times") was the author."""
    assert [author["name"] for author in parse_byline(raw)] == names


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Breakingviews", []),
        ("By IFR", []),
        ("By CNNPolitics", []),
        ("By CNNTech", []),
        ("By Awa Diarra and Seydou Kone, CNNPolitics", ["Awa Diarra", "Seydou Kone"]),
        ("Breakingviews' Awa Diarra", ["Awa Diarra"]),
    ],
)
def test_a_service_of_one_word_names_no_one(raw: str, names: list[str]) -> None:
    """The outlets' services spelt as one word (Reuters Breakingviews and IFR, CNNPolitics,
    CNNTech) are staff lines, as "By CNN Politics" is; before, each was an author."""
    assert [author["name"] for author in parse_byline(raw)] == names
