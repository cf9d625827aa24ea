"""Credits lines of wire stories come out as people with their roles."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.pages.credits import _SPACES, ROLES, _strip_edges, is_credits_line, parse_credits


def _pairs(line: str) -> list[tuple[str, str]]:
    return [(credit["name"], credit["role"]) for credit in parse_credits(line)]


def test_the_full_reuters_form() -> None:
    line = (
        "(Additional reporting by Aminata Keita in Cairo; Writing by Paul Marchand;"
        " Editing by Ruth Galloway)"
    )
    assert _pairs(line) == [
        ("Aminata Keita", "additional reporting"),
        ("Paul Marchand", "writing"),
        ("Ruth Galloway", "editing"),
    ]


def test_the_contact_tail_of_old_reuters_stories_names_no_one() -> None:
    line = (
        "(Reporting by Oumar Sidibe; Editing by Ruth Galloway) ((fanta.coulibaly@example.com;"
        " +223 20 00 00 00; Reuters Messaging: fanta.coulibaly.example.com@reuters.net))"
    )
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]


def test_roles_after_a_full_stop() -> None:
    line = "(Reporting by Oumar Sidibe in Bamako. Editing by Ruth Galloway)"
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]


@pytest.mark.parametrize("other", ["Graphics by Lena Weiss", "Photo editing by Lena Weiss"])
def test_a_role_outside_the_specs_gives_no_person(other: str) -> None:
    # Before: a person "Graphics by Lena Weiss" of the role before it, or a person "Photo".
    line = f"(Additional reporting by Oumar Sidibe in Bamako; {other}; Editing by Ruth Galloway)"
    assert _pairs(line) == [
        ("Oumar Sidibe", "additional reporting"),
        ("Ruth Galloway", "editing"),
    ]


def test_several_names_and_places() -> None:
    line = (
        "(Reporting by Moussa Diallo in Bamako and Tiemoko Sangare in Gao;"
        " Editing by Jo Hale, Ann Rees and Tom Bell)"
    )
    assert _pairs(line) == [
        ("Moussa Diallo", "reporting"),
        ("Tiemoko Sangare", "reporting"),
        ("Jo Hale", "editing"),
        ("Ann Rees", "editing"),
        ("Tom Bell", "editing"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Moussa Diallo (Gao) and Tiemoko Sangare (Segou); Editing by Jo Hale",
        "(Reporting by Moussa Diallo (Gao) and Tiemoko Sangare (Segou); Editing by Jo Hale)",
        "(Reporting by Moussa Diallo (Gao, Mali) and Tiemoko Sangare (Segou); Editing by Jo Hale)",
        "(Reporting by Moussa Diallo (Gao) and Tiemoko Sangare (Segou), Editing by Jo Hale)",
    ],
)
def test_a_place_in_brackets_after_a_name_is_not_part_of_it(line: str) -> None:
    """ "Reporting by A (Gao) and B (Segou)": the people are A and B; before, "A (Gao" and
    "B (Segou" (and "Mali)" a person of its own)."""
    assert _pairs(line) == [
        ("Moussa Diallo", "reporting"),
        ("Tiemoko Sangare", "reporting"),
        ("Jo Hale", "editing"),
    ]


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "(Reporting by Moussa Diallo in Gao, Mali; Editing by Jo Hale)",
            [("Moussa Diallo", "reporting"), ("Jo Hale", "editing")],
        ),
        (
            "(Reporting by Moussa Diallo in Gao, Mali, and Ada Park in Dakar, Senegal;"
            " Editing by Jo Hale)",
            [("Moussa Diallo", "reporting"), ("Ada Park", "reporting"), ("Jo Hale", "editing")],
        ),
        # Past a place, a person named in full is still a person.
        (
            "(Reporting by Moussa Diallo in Gao, Ada Park and Tom Bell; Editing by Jo Hale)",
            [
                ("Moussa Diallo", "reporting"),
                ("Ada Park", "reporting"),
                ("Tom Bell", "reporting"),
                ("Jo Hale", "editing"),
            ],
        ),
    ],
)
def test_the_country_after_a_place_is_no_person(line: str, credited: list[tuple[str, str]]) -> None:
    """ "A in Gao, Mali": Mali is where A reported from; before, a person "Mali"."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Gao newsroom; Editing by Jo Hale)",
        "(Reporting by Reuters staff; Editing by Jo Hale)",
        "(Reporting by Reuters TV and Gao Newsroom; Editing by Jo Hale)",
    ],
)
def test_a_newsroom_or_staff_is_no_person(line: str) -> None:
    """A credit naming a desk or a service, not a person ("Reporting by Gao newsroom"), as
    the contributor lines and bylines read it; before, a person "Gao newsroom"."""
    assert _pairs(line) == [("Jo Hale", "editing")]


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Moussa Diallo @mdiallo; Editing by Jo Hale. Please credit the Thomson"
        " Reuters Foundation, the charitable arm of Thomson Reuters, that covers the lives of"
        " people around the world who struggle to live freely or fairly. Visit"
        " http://news.trust.org)",
        "(Reporting by Moussa Diallo, Editing by Jo Hale; Please credit the Thomson Reuters"
        " Foundation, the charitable arm of Thomson Reuters, that covers humanitarian news,"
        " land and property rights, and climate change. Visit http://news.trust.org)",
    ],
)
def test_the_foundations_sign_off_credits_its_people_only(line: str) -> None:
    """The Thomson Reuters Foundation's sign-off: its people, a reporter's handle after the
    name, then a request to credit the Foundation. Before, "Jo Hale. Please credit the",
    "that covers humanitarian news" and the like were editors, the reporter
    "Moussa Diallo @mdiallo"."""
    assert _pairs(line) == [("Moussa Diallo", "reporting"), ("Jo Hale", "editing")]


@pytest.mark.parametrize(
    "line",
    [
        "(Compiled by Moussa Diallo for the Gao bureau; Editing by Jo Hale)",
        "(Reporting by Moussa Diallo for the Thomson Reuters Foundation; Editing by Jo Hale)",
    ],
)
def test_whom_a_person_reported_for_is_not_part_of_the_name(line: str) -> None:
    """ "A for the Gao bureau": before, a person "A for the Gao" (or "A for the")."""
    assert _pairs(line)[0][0] == "Moussa Diallo"


def test_without_parentheses_and_lower_case() -> None:
    assert _pairs("Reporting by Moussa Diallo; Editing by Ruth Galloway") == [
        ("Moussa Diallo", "reporting"),
        ("Ruth Galloway", "editing"),
    ]
    assert _pairs(
        " (Reporting by Lamine Haddad; writing by Leila Benali; editing by Ed Whitcombe)"
    ) == [
        ("Lamine Haddad", "reporting"),
        ("Leila Benali", "writing"),
        ("Ed Whitcombe", "editing"),
    ]


def test_roles_joined_by_and() -> None:
    assert _pairs("(Writing by Paul Marchand and editing by Ruth Galloway)") == [
        ("Paul Marchand", "writing"),
        ("Ruth Galloway", "editing"),
    ]
    assert _pairs("(Reporting by A. Keita, Writing by P. Marchand, Editing by R. Galloway)") == [
        ("A. Keita", "reporting"),
        ("P. Marchand", "writing"),
        ("R. Galloway", "editing"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "(Additional reporting by Oumar Sidibe in Paris; with additional reporting by Lena Weiss"
        " in Rome)",
        "Additional reporting by Oumar Sidibe in Paris and with additional reporting by Lena Weiss",
        "(Additional reporting by Oumar Sidibe in Paris, with additional reporting by Lena Weiss)",
    ],
)
def test_a_second_role_opened_by_with_names_its_people(line: str) -> None:
    # Before: "with additional reporting by" opened no role, and its person was lost.
    assert _pairs(line) == [
        ("Oumar Sidibe", "additional reporting"),
        ("Lena Weiss", "additional reporting"),
    ]


def test_a_role_opened_by_with_after_a_name() -> None:
    # Before: the first person was lost too, his part holding the next marker's "by".
    line = "(Reporting by Oumar Sidibe with additional reporting by Lena Weiss; Editing by Jo Hale)"
    assert _pairs(line) == [
        ("Oumar Sidibe", "reporting"),
        ("Lena Weiss", "additional reporting"),
        ("Jo Hale", "editing"),
    ]


def test_a_role_of_two_people_joined_by_with() -> None:
    # Before: one person "Jo Hale with Lena Weiss".
    line = "(Reporting by Oumar Sidibe; Editing by Jo Hale with Lena Weiss)"
    assert _pairs(line) == [
        ("Oumar Sidibe", "reporting"),
        ("Jo Hale", "editing"),
        ("Lena Weiss", "editing"),
    ]


@pytest.mark.parametrize(
    ("line", "editors"),
    [
        ("Editing by Jo Hale, with Lena Weiss", ["Jo Hale", "Lena Weiss"]),
        ("Editing by Jo Hale, with Lena Weiss and Ada Park", ["Jo Hale", "Lena Weiss", "Ada Park"]),
    ],
)
def test_a_role_of_people_joined_by_a_comma_and_with(line: str, editors: list[str]) -> None:
    # Before: a person "with Lena Weiss".
    assert _pairs(f"(Reporting by Oumar Sidibe; {line})") == [
        ("Oumar Sidibe", "reporting"),
        *((name, "editing") for name in editors),
    ]


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "(Reporting by Oumar Sidibe with help from Lena Weiss; Editing by Jo Hale)",
            [("Oumar Sidibe", "reporting"), ("Lena Weiss", "reporting"), ("Jo Hale", "editing")],
        ),
        (
            "(Writing by Oumar Sidibe with help from Lena Weiss and Ada Park)",
            [("Oumar Sidibe", "writing"), ("Lena Weiss", "writing"), ("Ada Park", "writing")],
        ),
        (
            "(Reporting by Oumar Sidibe; Editing by Jo Hale; With help from Lena Weiss)",
            [("Oumar Sidibe", "reporting"), ("Jo Hale", "editing"), ("Lena Weiss", "contributor")],
        ),
        (
            "(Reporting by Oumar Sidibe with additional help from Lena Weiss; Editing by Jo Hale)",
            [("Oumar Sidibe", "reporting"), ("Lena Weiss", "reporting"), ("Jo Hale", "editing")],
        ),
        (
            "(Reporting by Oumar Sidibe; with the help of Lena Weiss and Ada Park)",
            [
                ("Oumar Sidibe", "reporting"),
                ("Lena Weiss", "contributor"),
                ("Ada Park", "contributor"),
            ],
        ),
    ],
)
def test_help_from_credits_the_people_who_helped(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "with help from B" helps the role it follows, or contributes where it opens a part
    of its own; it credited a person "help" (or "With help") and lost B."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "Reporting by Oumar Sidibe; Editing by Jo Hale. Data and graphics by Lena Weiss",
            [("Oumar Sidibe", "reporting"), ("Jo Hale", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe; Editing by Jo Hale. Graphics and research help from"
            " Lena Weiss",
            [("Oumar Sidibe", "reporting"), ("Jo Hale", "editing"), ("Lena Weiss", "contributor")],
        ),
    ],
)
def test_a_role_of_two_kinds_joined_by_and_opens_a_part(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "Data and graphics by B", "Graphics and research help from B": the role's first word
    was read as a person's last ("Jo Hale. Data"), in the role before."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Oumar Sidibe in Gao and by Lena Weiss in Segou; Editing by Jo Hale)",
        "Reporting by Oumar Sidibe in Gao, and by Lena Weiss in Segou; Editing by Jo Hale",
    ],
)
def test_and_by_names_another_person_in_the_same_role(line: str) -> None:
    """ "Reporting by A in Gao and by B in Segou": "by B" repeats the role; B was read as a
    role the spec does not keep ("Graphics by B") and lost."""
    assert _pairs(line) == [
        ("Oumar Sidibe", "reporting"),
        ("Lena Weiss", "reporting"),
        ("Jo Hale", "editing"),
    ]


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "Reporting by Oumar Sidibe (with additional reporting by Lena Weiss); Editing by"
            " Jo Hale",
            [
                ("Oumar Sidibe", "reporting"),
                ("Lena Weiss", "additional reporting"),
                ("Jo Hale", "editing"),
            ],
        ),
        (
            "Reporting by Oumar Sidibe (and writing by Lena Weiss)",
            [("Oumar Sidibe", "reporting"), ("Lena Weiss", "writing")],
        ),
    ],
)
def test_and_or_with_after_a_bracket_joins_the_role_that_follows(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "A (with additional reporting by B)": "with" after the bracket joins B's role to A's
    as it does after a comma; B was taken for a role the spec does not keep and lost, and A
    was "Oumar Sidibe (with"."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "Reporting by Oumar Sidibe (with help from Lena Weiss); Editing by Jo Hale",
            [("Oumar Sidibe", "reporting"), ("Lena Weiss", "contributor"), ("Jo Hale", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe (additional reporting by Lena Weiss); Editing by Jo Hale",
            [
                ("Oumar Sidibe", "reporting"),
                ("Lena Weiss", "additional reporting"),
                ("Jo Hale", "editing"),
            ],
        ),
    ],
)
def test_a_part_in_brackets_leaves_no_bracket_in_the_name_before_it(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "A (with help from B)", "A (additional reporting by B)": the bracket opening the
    part after A was kept in A's name ("Oumar Sidibe (")."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "Reporting by Oumar Sidibe; Graphics by Lena Weiss, with help from Ada Park",
            [("Oumar Sidibe", "reporting"), ("Ada Park", "contributor")],
        ),
        (
            "Writing by Oumar Sidibe and graphics by Lena Weiss and Tom Bell, with help from"
            " Ada Park; Editing by Jo Hale",
            [("Oumar Sidibe", "writing"), ("Ada Park", "contributor"), ("Jo Hale", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe. Photo editing by Lena Weiss with help from Ada Park",
            [("Oumar Sidibe", "reporting"), ("Ada Park", "contributor")],
        ),
        (
            "Graphics by Lena Weiss, with help from Ada Park",
            [("Ada Park", "contributor")],
        ),
    ],
)
def test_help_past_a_role_outside_the_spec_contributes(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "Graphics by C, with help from D": D helped in a role the spec does not keep, so
    contributed; D took the role before the graphics (and C's second person was in it)."""
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "Reporting by Oumar Sidibe; Fact-checking help from Ada Park",
            [("Oumar Sidibe", "reporting"), ("Ada Park", "contributor")],
        ),
        (
            "(Editing by Jo Hale. Research help from Ada Park and Tom Bell)",
            [("Jo Hale", "editing"), ("Ada Park", "contributor"), ("Tom Bell", "contributor")],
        ),
        (
            "Writing by Oumar Sidibe, fact-checking help from Ada Park; Editing by Jo Hale",
            [("Oumar Sidibe", "writing"), ("Ada Park", "contributor"), ("Jo Hale", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe with research help from Ada Park",
            [("Oumar Sidibe", "reporting"), ("Ada Park", "contributor")],
        ),
        (
            "Writing by Oumar Sidibe; Reporting help from Ada Park",
            [("Oumar Sidibe", "writing"), ("Ada Park", "reporting")],
        ),
        (
            "Fact-checking help from Ada Park",
            [("Ada Park", "contributor")],
        ),
    ],
)
def test_help_named_by_its_kind_credits_the_helper(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "Fact-checking help from D": D helped, in the role the words name when the spec
    keeps it, else as a contributor; before, a person "Fact-checking" of the role before."""
    assert _pairs(line) == credited


def test_contributors() -> None:
    assert _pairs("Moussa Diallo and Tiemoko Sangare contributed to this report.") == [
        ("Moussa Diallo", "contributor"),
        ("Tiemoko Sangare", "contributor"),
    ]
    assert _pairs("(Hamid Ould Ahmed in Algiers contributed reporting)") == [
        ("Hamid Ould Ahmed", "contributor"),
    ]


@pytest.mark.parametrize(
    ("line", "credited"),
    [
        (
            "CNN's Moussa Diallo contributed to this report, with help from Lena Weiss.",
            [("Moussa Diallo", "contributor"), ("Lena Weiss", "contributor")],
        ),
        (
            "Moussa Diallo and Ada Park contributed to this report with help from Lena Weiss",
            [
                ("Moussa Diallo", "contributor"),
                ("Ada Park", "contributor"),
                ("Lena Weiss", "contributor"),
            ],
        ),
        (
            "(Moussa Diallo contributed reporting; Editing by Jo Hale)",
            [("Moussa Diallo", "contributor"), ("Jo Hale", "editing")],
        ),
        (
            "Moussa Diallo contributed to this report, with additional reporting by Lena Weiss",
            [("Moussa Diallo", "contributor"), ("Lena Weiss", "additional reporting")],
        ),
        # Another contributor sentence after it.
        (
            "Moussa Diallo contributed to this report. Ada Park contributed reporting.",
            [("Moussa Diallo", "contributor"), ("Ada Park", "contributor")],
        ),
        (
            "Moussa Diallo contributed to this report and Ada Park contributed reporting",
            [("Moussa Diallo", "contributor"), ("Ada Park", "contributor")],
        ),
    ],
)
def test_contributors_and_the_credits_after_them(
    line: str, credited: list[tuple[str, str]]
) -> None:
    """ "A contributed to this report, with help from B": both are credited; before, the
    line was no credits line and gave B alone."""
    assert is_credits_line(line)
    assert _pairs(line) == credited


@pytest.mark.parametrize(
    "line",
    [
        "Moussa Diallo contributed to this report, with help from local journalists.",
        "Moussa Diallo contributed to this report, with help from her colleagues at the bureau.",
        "(Reporting by Moussa Diallo, with help from local stringers)",
    ],
)
def test_help_from_people_it_does_not_name_credits_no_one(line: str) -> None:
    """Help from people named by no name ("local journalists") is no one's credit; before,
    a person "local journalists" (or "her colleagues")."""
    assert [name for name, _ in _pairs(line)] == ["Moussa Diallo"]


def test_hyphenated_and_accented_names_survive() -> None:
    assert _pairs(
        "(Reporting by Cheick Diouara and Émilie Lefèvre-Ba; Editing by Giles Harwood)"
    ) == [
        ("Cheick Diouara", "reporting"),
        ("Émilie Lefèvre-Ba", "reporting"),
        ("Giles Harwood", "editing"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "(Additional reporting by A in Cairo; Writing by B; Editing by C)",
        "Reporting by A; Editing by B",
        "A and B contributed to this report",
        "(Reporting by Lamine Haddad; editing by Ed Whitcombe)",
    ],
)
def test_credits_lines_are_recognised(line: str) -> None:
    assert is_credits_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "GAO, Mali (Reuters) - French troops were greeted by crowds on Saturday.",
        "The report was edited by the ministry before it was released, officials said.",
        "Residents said reporting by local radio had been banned by the rebels.",
        "",
        None,
    ],
)
def test_body_text_is_not_a_credits_line(line: str | None) -> None:
    assert not is_credits_line(line)


def test_empty_input() -> None:
    assert parse_credits(None) == []
    assert parse_credits("") == []
    assert parse_credits("()") == []


NAME = st.from_regex(r"[A-Z][a-z]{1,8} [A-Z][a-z]{1,10}", fullmatch=True)
ROLE_PHRASES = {
    "additional reporting": "Additional reporting by",
    "reporting": "Reporting by",
    "writing": "Writing by",
    "editing": "Editing by",
}


@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(ROLE_PHRASES)), st.lists(NAME, min_size=1, max_size=3)),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_generated_lines_round_trip(groups: list[tuple[str, list[str]]], wrapped: bool) -> None:
    segments = []
    expected: list[tuple[str, str]] = []
    for role, names in groups:
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        segments.append(f"{ROLE_PHRASES[role]} {joined}")
        expected.extend((name, role) for name in names)
    line = "; ".join(segments)
    if wrapped:
        line = f"({line})"
    assert is_credits_line(line)
    assert _pairs(line) == expected


@given(st.text(max_size=200))
def test_any_text_gives_known_roles(text: str) -> None:
    for credit in parse_credits(text):
        assert credit["role"] in ROLES
        assert credit["name"] == credit["name"].strip() and credit["name"]


# The edge rule as a regular expression: spaces and "([;:,." lead, spaces and ")];:,." trail.
EDGE = re.compile(r"^[\s(\[;:,.]+|[\s)\];:,.]+$")


@given(
    st.lists(
        st.sampled_from(
            [*"ab ;:,.()[]\t\n\x0b\x1c\x85\xa0\u2009\u2028\u3000\u200b", "Reporting by "]
        )
    ).map("".join)
)
def test_strip_edges_follows_the_rule(text: str) -> None:
    assert _strip_edges(text) == EDGE.sub("", text)


def test_edge_spaces_are_what_regular_expressions_call_whitespace() -> None:
    spaces = "".join(chr(code) for code in range(0x110000) if re.match(r"\s", chr(code)))
    assert sorted(_SPACES) == sorted(spaces)


def test_a_sentence_opening_with_help_from_is_no_credits_line() -> None:
    """ "With help from" opens a credits line's part, not a line of its own."""
    assert not is_credits_line("With help from neighbours, the mill reopened, edited by none.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Reporting by Oumar Sidibe, Writing by Paul Marchand Editing by Ruth Galloway",
            [
                ("Oumar Sidibe", "reporting"),
                ("Paul Marchand", "writing"),
                ("Ruth Galloway", "editing"),
            ],
        ),
        (
            "(Reporting by Oumar Sidibe in Bamako Additional reporting by Awa Keita"
            " Compiled by Paul Marchand Edited by Ruth Galloway)",
            [
                ("Oumar Sidibe", "reporting"),
                ("Awa Keita", "additional reporting"),
                ("Paul Marchand", "writing"),
                ("Ruth Galloway", "editing"),
            ],
        ),
        # Names holding the roles' words are names: no "by" after them.
        (
            "Reporting by Ed Writingham, Writing by Edita Byrd Editing by Reed Compiledge",
            [
                ("Ed Writingham", "reporting"),
                ("Edita Byrd", "writing"),
                ("Reed Compiledge", "editing"),
            ],
        ),
    ],
)
def test_a_role_opening_mid_line_without_a_separator(
    line: str, expected: list[tuple[str, str]]
) -> None:
    # Before: "Editing by" past a name opened no role; "Paul Marchand Editing by Ruth
    # Galloway" held "by" and was dropped, so the writer and the editor were lost.
    assert _pairs(line) == expected


def test_a_lower_case_role_of_another_kind_mid_part_stays_that_kind() -> None:
    line = "Reporting by Oumar Sidibe; Photo editing by Lena Weiss; Editing by Ruth Galloway"
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]
    line = "Reporting by Oumar Sidibe; Photo Editing by Lena Weiss; Editing by Ruth Galloway"
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]


@pytest.mark.parametrize(
    ("line", "language"),
    [
        (
            "(Reporte de Oumar Sidibe en Bamako y Awa Keita en Gao; Reporte adicional de"
            " Lena Weiss; Redacción de Paul Marchand; Editado por Ruth Galloway)",
            "es",
        ),
        (
            "(Reportagem de Oumar Sidibe em Bamako e Awa Keita em Gao; Reportagem adicional de"
            " Lena Weiss; Texto de Paul Marchand; Edição de Ruth Galloway)",
            "pt",
        ),
    ],
)
def test_spanish_and_portuguese_credits_on_pages_in_those_languages(
    line: str, language: str
) -> None:
    expected = [
        ("Oumar Sidibe", "reporting"),
        ("Awa Keita", "reporting"),
        ("Lena Weiss", "additional reporting"),
        ("Paul Marchand", "writing"),
        ("Ruth Galloway", "editing"),
    ]
    assert is_credits_line(line, language=language)
    pairs = [(c["name"], c["role"]) for c in parse_credits(line, language=language)]
    assert pairs == expected
    # A page in another language (or stating none) is not read so.
    assert not is_credits_line(line) and not is_credits_line(line, language="en")
    other = "pt" if language == "es" else "es"
    assert not is_credits_line(line, language=other)


@pytest.mark.parametrize(
    ("line", "language", "expected"),
    [
        (
            "Editado por Ruth Galloway y Tom Bell",
            "es",
            [("Ruth Galloway", "editing"), ("Tom Bell", "editing")],
        ),
        (
            "Reporte de Oumar Sidibe; Traducido por Lena Weiss",
            "es",
            [("Oumar Sidibe", "reporting")],
        ),
        (
            "Reportagem de Ana Ruiz e Tom Bell",
            "pt",
            [("Ana Ruiz", "reporting"), ("Tom Bell", "reporting")],
        ),
        (
            "Edição de Ruth Galloway; Tradução de Lena Weiss",
            "pt",
            [("Ruth Galloway", "editing")],
        ),
    ],
)
def test_spanish_and_portuguese_credits_forms(
    line: str, language: str, expected: list[tuple[str, str]]
) -> None:
    # A translator is no role of the spec's.
    pairs = [(c["name"], c["role"]) for c in parse_credits(line, language=language)]
    assert pairs == expected


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("Reporte de la ONU muestra que el precio del arroz subió.", "es"),
        ("Información de Reuters muestra que el precio del arroz subió.", "es"),
        ("Texto de lei aprovado em Bamako muda o preço do arroz.", "pt"),
        # The words past the marker open in capitals, a body or a work's name, then the
        # sentence goes on.
        ("Reporte de Human Rights Watch muestra que el precio del arroz subió.", "es"),
        ("Edición de Domingo trae entrevistas con los candidatos.", "es"),
        ("Editado por Ediciones Gao, el libro sale en mayo.", "es"),
        ("Escrito por Awa Keita en 1967, el libro fue traducido a 40 idiomas.", "es"),
        ("Texto de Lei aprovado pelo Senado prevê multa.", "pt"),
        ("Escrito por Oumar Sidibe, o romance é de 1899.", "pt"),
    ],
)
def test_a_sentence_opening_with_a_roles_words_is_no_credits_line(line: str, language: str) -> None:
    assert not is_credits_line(line, language=language)


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("Reportagem de Ana Souza e Bruno Dias, em Gao; Edição de Carlos Lima", "pt"),
        ("Reporte de Ana Ruiz desde Gao; Editado por Tom Hale", "es"),
        ("Reporte de Ana Ruiz para Reuters; Editado por Tom Hale", "es"),
        ("Reportagem de Ana Souza para a Reuters; Edição de Carlos Lima", "pt"),
    ],
)
def test_where_and_for_whom_keep_a_spanish_or_portuguese_credits_line(
    line: str, language: str
) -> None:
    # Where the people worked and whom for are no part of their names.
    assert is_credits_line(line, language=language)
    names = [c["name"] for c in parse_credits(line, language=language)]
    assert names[0] in ("Ana Souza", "Ana Ruiz")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Reporting and writing by Oumar Sidibe; Editing by Ruth Galloway",
            [
                ("Oumar Sidibe", "reporting"),
                ("Oumar Sidibe", "writing"),
                ("Ruth Galloway", "editing"),
            ],
        ),
        (
            "(Reporting by Awa Keita; Writing and editing by Paul Marchand and Tom Bell)",
            [
                ("Awa Keita", "reporting"),
                ("Paul Marchand", "writing"),
                ("Tom Bell", "writing"),
                ("Paul Marchand", "editing"),
                ("Tom Bell", "editing"),
            ],
        ),
        (
            "Reporting, writing and editing by Oumar Sidibe",
            [
                ("Oumar Sidibe", "reporting"),
                ("Oumar Sidibe", "writing"),
                ("Oumar Sidibe", "editing"),
            ],
        ),
        (
            "Reporting by Awa Keita; Reporting & writing by Oumar Sidibe",
            [
                ("Awa Keita", "reporting"),
                ("Oumar Sidibe", "reporting"),
                ("Oumar Sidibe", "writing"),
            ],
        ),
    ],
)
def test_roles_joined_before_one_by_each_credit_their_people(
    line: str, expected: list[tuple[str, str]]
) -> None:
    # Before: "Reporting and writing by A" was no credits line (its marker did not open
    # it), and read as one gave A writing only.
    assert is_credits_line(line)
    assert _pairs(line) == expected


def test_a_name_suffix_past_a_comma_is_credited_to_no_one() -> None:
    line = "Reporting by Oumar Sidibe, Jr., and Awa Keita; Editing by Ruth Galloway, Ph.D."
    assert _pairs(line) == [
        ("Oumar Sidibe", "reporting"),
        ("Awa Keita", "reporting"),
        ("Ruth Galloway", "editing"),
    ]


def test_a_slash_between_roles_is_no_part_of_a_name() -> None:
    # Before: a person "Oumar Sidibe /".
    line = "Reporting by Oumar Sidibe in Gao/Bamako / Editing by Ruth Galloway"
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]
    line = "Reporting by Oumar Sidibe / Editing by Ruth Galloway"
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")]


def test_a_sentence_before_the_contributors_is_credited_to_no_one() -> None:
    # Before: a contributor "This story has been updated with new details. Ana Ruiz".
    line = "This story has been updated with new details. Ana Ruiz contributed to this report."
    assert _pairs(line) == [("Ana Ruiz", "contributor")]
    # Before: "This story was first published on June 4" and "ET" were contributors.
    line = "This story was first published on June 4. Ana Ruiz contributed to this report."
    assert _pairs(line) == [("Ana Ruiz", "contributor")]
    line = "This story was updated at 5 p.m. ET. Ana Ruiz contributed to this report."
    assert _pairs(line) == [("Ana Ruiz", "contributor")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Reporting by Oumar Sidibe editing by Ruth Galloway",
            [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe in Gao written by Paul Marchand",
            [("Oumar Sidibe", "reporting"), ("Paul Marchand", "writing")],
        ),
        # A kind of work before the marker makes it another role, in capitals or not.
        (
            "Reporting by Oumar Sidibe Photo Editing by Lena Weiss; Editing by Ruth Galloway",
            [("Oumar Sidibe", "reporting"), ("Ruth Galloway", "editing")],
        ),
        (
            "Reporting by Oumar Sidibe video editing by Lena Weiss",
            [("Oumar Sidibe", "reporting")],
        ),
    ],
)
def test_a_lower_case_role_mid_line_opens_its_role(
    line: str, expected: list[tuple[str, str]]
) -> None:
    # Before: the part "Oumar Sidibe editing by Ruth Galloway" held "by" and was dropped;
    # "Oumar Sidibe Photo" was credited reporting and Lena Weiss editing.
    assert _pairs(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Oumar Sidibe; Social media editing by Lena Weiss",
        "Reporting by Oumar Sidibe, Social media editing by Lena Weiss",
        "(Reporting by Oumar Sidibe; Senior video editing by Lena Weiss)",
    ],
)
def test_a_role_of_three_words_opening_a_part_is_another_role(line: str) -> None:
    # Before: "Social media" was credited reporting and Lena Weiss editing.
    assert _pairs(line) == [("Oumar Sidibe", "reporting")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Reporting by Oumar Sidibe, Awa Keita and Ana Ruiz editing by Lena Weiss",
            [
                ("Oumar Sidibe", "reporting"),
                ("Awa Keita", "reporting"),
                ("Ana Ruiz", "reporting"),
                ("Lena Weiss", "editing"),
            ],
        ),
        (
            "Reporting by Oumar Sidibe, Awa Keita Editing by Lena Weiss",
            [("Oumar Sidibe", "reporting"), ("Awa Keita", "reporting"), ("Lena Weiss", "editing")],
        ),
    ],
)
def test_names_past_a_comma_before_a_marker_mid_line(
    line: str, expected: list[tuple[str, str]]
) -> None:
    # Names past a comma are the role's people, no kind of work: the marker opens its role.
    assert _pairs(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Oumar Sidibe Social Media Editing by Lena Weiss",
        "Reporting by Oumar Sidibe Multimedia editing by Lena Weiss",
        "Reporting by Oumar Sidibe Design editing by Lena Weiss",
    ],
)
def test_a_kind_of_work_of_its_own_words_before_a_marker_mid_line(line: str) -> None:
    # Before: "Oumar Sidibe Social Media" was credited reporting and Lena Weiss editing.
    assert _pairs(line) == [("Oumar Sidibe", "reporting")]


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Oumar Sidibe; Graphics and editing by Lena Weiss",
        "(Reporting by Oumar Sidibe; Editing and graphics by Lena Weiss)",
    ],
)
def test_a_kind_of_work_joined_to_a_role_before_one_by_shares_its_people(line: str) -> None:
    # Before: "Graphics" was credited reporting, or Lena Weiss was credited nothing.
    assert _pairs(line) == [("Oumar Sidibe", "reporting"), ("Lena Weiss", "editing")]


@pytest.mark.parametrize(
    "line",
    [
        "Written and edited by Awa Keita, the book sold two million copies in its first year.",
        "Written by Awa Keita, the book sold well.",
        "Edited by Oumar Sidibe and published in 1998, the anthology went out of print.",
        "Written by Awa Keita in 1967, the novel was translated into 40 languages.",
        "Compiled by Oumar Sidibe and Lena Weiss, it was the first such list in Mali.",
        'Reported by Awa Keita, the story won a prize, her editor said "at last."',
    ],
)
def test_a_sentence_opening_with_a_roles_words_in_english_is_no_credits_line(line: str) -> None:
    # Past the names a clause goes on: a subject and its verb. Before: a credits line, the
    # paragraph lost and its names credited.
    assert not is_credits_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Editing by the Gao desk", []),
        ("Written by Awa Keita, a freelance journalist in Gao.", [("Awa Keita", "writing")]),
        ("Edited by Awa Keita, the paper's Gao correspondent.", [("Awa Keita", "editing")]),
        (
            "Reporting by Awa Keita in Gao, the capital of the region; Editing by Lena Weiss.",
            [("Awa Keita", "reporting"), ("Lena Weiss", "editing")],
        ),
        (
            "(Written by Awa Keita, the Gao bureau chief, who was there.)",
            [("Awa Keita", "writing")],
        ),
        ("Editing by Lena Weiss, the foreign desk", [("Lena Weiss", "editing")]),
    ],
)
def test_a_credits_line_describing_its_people_stays_one(
    line: str, expected: list[tuple[str, str]]
) -> None:
    # What describes a person (an article "a", a possessive, a place's words, brackets)
    # or a line no sentence ends is no clause of its own.
    assert is_credits_line(line)
    assert _pairs(line) == expected
