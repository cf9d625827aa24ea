"""Text helpers made fast keep their rules: whitespace normalising, the UTF-8 check."""

from __future__ import annotations

import re

import pytest
from lxml import html

from crawler.pages.text import headline_text, normalize_space, short_text_of, text_of

# The rule as written: control characters dropped, whitespace runs (NBSP and zero-width
# characters included) made one space, trimmed.
SPACE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  Gao  market\n\treopens ",
        "Bamako\u00a0(CNN)\u00a0--",
        "zero\u200bwidth\u200c and\u200d\ufeffjoiners",
        "bell\x07 and\x1c file\x1d separators\x85 next-line",
        "line\u2028separator\u3000ideographic\u2009thin",
        "\x0b\x0c vertical tab and form feed \r\n",
        "\u0645\u0635\u0631 \u060c \u0633\u0648\u0631\u064a\u0627",
    ],
)
def test_normalize_space_follows_the_rule(text: str) -> None:
    assert normalize_space(text) == SPACE.sub(" ", CONTROL.sub("", text)).strip()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"plain ascii",
        "Gao \u2014 Tombouctou \u00e9t\u00e9 \U0001f600".encode() * 30000,
        # A multi-byte character split across the 64 KiB chunk boundary.
        b"a" * 65535 + "\u2014".encode() + b"b",
        b"a" * 65535 + b"\xe2\x80",  # cut short at the end
        b"caf\xe9 latin-1",
        b"a" * 70000 + b"\xff",
    ],
)
def test_chunked_utf8_check_agrees_with_decoding(body: bytes) -> None:
    from crawler.pages.encoding import is_utf8

    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        valid = False
    else:
        valid = True
    assert is_utf8(body) == valid


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<div><ul><li>Gao is 40 km away</li><li>Kidal is 300</li></ul></div>",
         "Gao is 40 km away Kidal is 300"),
        ("<div><p>First line.</p><p>Second line.</p></div>", "First line. Second line."),
        ("<table><tr><td>City</td><td>Rain</td></tr></table>", "City Rain"),
        ("<p>Wash<b>ing</b><a href='/x'>ton</a> and <em>Gao</em></p>", "Washington and Gao"),
        ("<div>By <div class='a'>Awa Diarra</div>, CNN</div>", "By Awa Diarra, CNN"),
    ],
)  # fmt: skip
def test_blocks_are_words_apart_and_inline_elements_are_not(markup: str, text: str) -> None:
    """Block children were joined with no space ("Gao is 40 km awayKidal is 300")."""
    element = html.fragment_fromstring(markup)
    assert text_of(element) == text
    assert short_text_of(element, 100) == text


@pytest.mark.parametrize(
    "markup",
    [
        "<h2>Read Next</h2>",
        "<h2> Read\u00a0 <span>Next</span>:::: </h2>",
        "<h2>Re<br>ad\u200bNext</h2>",
        "<h2>Read<span class='visually-hidden'> a long hidden part of the heading</span></h2>",
        "<h2 hidden>Read Next but hidden</h2>",
        "<header><h2>Read</h2><script>var long = 'script text';</script>Next</header>",
        "<h2>Re\x01ad Ne\x02xt</h2>",
    ],
)
def test_short_text_of_is_text_of_when_short(markup: str) -> None:
    element = html.fragment_fromstring(markup)
    assert short_text_of(element, 8, uncounted=":") == text_of(element)


@pytest.mark.parametrize(
    "markup",
    [
        "<h2>Read Next Week</h2>",
        "<header><h2>Read</h2><p>Next <b>and more</b> after it</p></header>",
        "<h2>Read<br>Nexts</h2>",
    ],
)
def test_short_text_of_gives_up_past_the_limit(markup: str) -> None:
    element = html.fragment_fromstring(markup)
    assert len(text_of(element).replace(" ", "")) > 8
    assert short_text_of(element, 8) is None


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # A drop cap: one capital letter in an element of its own, the word's rest after it.
        ("<div><div class='cap'>T</div>he mill opened.</div>", "The mill opened."),
        ("<div><p>\u00c9</p>t\u00e9 came early.</div>", "\u00c9t\u00e9 came early."),
        ("<div><div><b>T</b></div>he mill opened.</div>", "The mill opened."),
        ("<div><span>T</span>he mill opened.</div>", "The mill opened."),
        # Blocks that are no drop cap stand apart as before.
        ("<div><div>T</div> he mill</div>", "T he mill"),
        ("<div><div>T</div>He mill</div>", "T He mill"),
        ("<div><div>Tr</div>he mill</div>", "Tr he mill"),
        ("<div><div>t</div>he mill</div>", "t he mill"),
        ("<div><div>4</div>th mill</div>", "4 th mill"),
        ("<ul><li>A</li><li>B</li></ul>", "A B"),
        # A drop cap opens its paragraph: a capital block after words is one of them.
        ("<div>Plan<div>B</div>was dropped</div>", "Plan B was dropped"),
        ("<div>Grade: <div class='g'>A</div>minus</div>", "Grade: A minus"),
        ("<div><b>Gao</b><p>I</p>t rained.</div>", "Gao I t rained."),
        ("<div><a name='top'></a><!-- ad --><div>T</div>he mill opened.</div>", "The mill opened."),
    ],
)
def test_a_drop_cap_joins_its_word_and_other_blocks_stand_apart(markup: str, text: str) -> None:
    element = html.fromstring(markup)
    assert text_of(element) == text
    assert short_text_of(element, 100) == text


@pytest.mark.parametrize(
    ("markup", "headline"),
    [
        # A media label in an element of its own first or last in the link: the card's.
        ("<a href='/x'><span>Video</span>Rains come early to Gao</a>", "Rains come early to Gao"),
        ("<a href='/x'><span>VIDEO</span> Rains come early</a>", "Rains come early"),
        ("<a href='/x'><span>Watch:</span> Rains come early</a>", "Rains come early"),
        ("<a href='/x'><b>Gallery</b> <span>Rains come early</span></a>", "Rains come early"),
        ("<a href='/x'>Rains come early to Gao <span>Video</span></a>", "Rains come early to Gao"),
        ("<a href='/x'>Rains come early<span>Live</span></a>", "Rains come early"),
        ("<a href='/x'><div><span>Video</span></div><h3>Rains come</h3></a>", "Rains come"),
        # A word of the headline itself, in an element or not: kept.
        ("<a href='/x'><span>Live</span> updates: Rains in Gao</a>", "Live updates: Rains in Gao"),
        ("<a href='/x'><em>Watch</em> the river rise in Gao</a>", "Watch the river rise in Gao"),
        (
            "<a href='/x'>Where to see the final <span>live</span></a>",
            "Where to see the final live",
        ),
        ("<a href='/x'>Video shows the river rising</a>", "Video shows the river rising"),
        ("<a href='/x'>Rains <span>Live</span> in Gao</a>", "Rains Live in Gao"),
        # A word in an element of its own that runs into the headline's text: the
        # headline's ("<b>Live</b> Nation" is a name); a label printed as one is not.
        ("<a href='/x'><b>Live</b> Nation bets on Gao</a>", "Live Nation bets on Gao"),
        ("<a href='/x'><strong>Watch</strong> Tower opens in Gao</a>", "Watch Tower opens in Gao"),
        ("<a href='/x'>Rains come to Gao <b>Live</b></a>", "Rains come to Gao Live"),
        ("<a href='/x'><b>Live:</b> Rains come early</a>", "Rains come early"),
        ("<a href='/x'><b>LIVE</b> Rains come early</a>", "Rains come early"),
        ("<a href='/x'><b>Live</b>Rains come early</a>", "Rains come early"),
        ("<a href='/x'><b class='card-label'>Live</b> Rains come early</a>", "Rains come early"),
        ("<a href='/x'><b>Live</b> <span>Rains come early</span></a>", "Rains come early"),
        # A label printed as the link's loose text before or after the element holding
        # the whole headline: the card's, as in an element of its own.
        ("<a href='/x'>Video <span>Rains come early</span></a>", "Rains come early"),
        ("<a href='/x'>Video: <h3>Rains come early</h3></a>", "Rains come early"),
        (
            "<a href='/x'><img src='r.jpg'>Video <span>Rains come early</span></a>",
            "Rains come early",
        ),
        ("<a href='/x'><span>Rains come early</span> Video</a>", "Rains come early"),
        ("<a href='/x'><div>Gallery <b>Rains come early</b></div></a>", "Rains come early"),
        (
            "<a href='/x'><time>2h</time> Video <span>Rains come early</span></a>",
            "Rains come early",
        ),
        # ...not where it runs into the headline's words, or the headline goes on past it.
        (
            "<a href='/x'>Video <span>shows</span> the river rising</a>",
            "Video shows the river rising",
        ),
        ("<a href='/x'>Live <span>updates: Rains in Gao</span></a>", "Live updates: Rains in Gao"),
        ("<a href='/x'><span>Rains come early</span> live</a>", "Rains come early live"),
        ("<a href='/x'><span>Video</span></a>", "Video"),  # the link's whole text
        ("<a href='/x'><span>Video games</span> Rains come</a>", "Video games Rains come"),
    ],
)
def test_a_media_label_beside_a_links_headline_is_not_part_of_it(
    markup: str, headline: str
) -> None:
    """A card's link printing a media label ("Video", "Gallery", "Live", "Watch") in an
    element of its own before or after the headline: the label is the card's, not the
    headline's; the same word as the headline's own is kept."""
    assert headline_text(html.fragment_fromstring(markup)) == headline


@pytest.mark.parametrize(
    ("markup", "headline"),
    [
        (
            "<a href='/x'><div class='card-text has-kicker'><span class='kicker'>Analysis</span>"
            "<h3>Rains come early to Gao</h3></div></a>",
            "Rains come early to Gao",
        ),
        (
            "<a href='/x'><span class='headline-with-timestamp'>Rains come early to Gao"
            " <span class='timestamp'>2h ago</span></span></a>",
            "Rains come early to Gao",
        ),
        (
            "<a href='/x'><h3 class='kickerless-title'>Rains come early to Gao</h3></a>",
            "Rains come early to Gao",
        ),
        (
            "<a href='/x'><div class='title-timestamp'>Rains come early to Gao"
            " <time>2h ago</time></div></a>",
            "Rains come early to Gao",
        ),
        # A link printing only its kicker or time names no headline, as before.
        ("<a href='/x'><span class='card__timestamp'>2h ago</span></a>", ""),
    ],
)
def test_a_wrapper_named_for_its_kicker_or_time_keeps_the_headline_it_holds(
    markup: str, headline: str
) -> None:
    """A card's link whose headline sits in an element with a class naming a kicker or a
    timestamp ("has-kicker", "headline-with-timestamp"): the headline is kept, only the
    kicker or time inside goes. Before, the wrapper was taken for the kicker and the
    headline was empty."""
    assert headline_text(html.fragment_fromstring(markup)) == headline
