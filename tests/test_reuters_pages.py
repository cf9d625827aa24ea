"""Reuters pages that are not articles yield none; datelines and module rules hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import analyse
from crawler.pages.lines import dateline_of as generic_dateline_of
from crawler.pages.templates.reuters_common import (
    clean_caption,
    clean_topic,
    dateline_of,
    is_section_url,
    is_sign_off,
    sign_off_credits,
)
from crawler.pages.text import text_of

HEADERS = {"Content-Type": "text/html; charset=utf-8"}

SECTION_2013 = b"""<html lang="en"><head><title>World News | Reuters.com</title>
<meta property="og:type" content="website"/></head><body>
<div id="content"><h1>World News</h1>
<div class="module"><div class="feature"><h2>
<a href="/article/2013/01/18/us-mali-idUSBRE1">Troops push north</a></h2>
<p>French and Malian soldiers moved north from Segou on Friday toward towns held by rebels.</p>
</div>
<div class="feature"><h2><a href="/article/2013/01/18/us-algeria-idUSBRE2">Siege ends</a></h2>
<p>Algerian forces ended the siege of a desert gas plant, the government said on Saturday.</p></div>
</div></div></body></html>"""

SECTION_2018 = b"""<html lang="en"><head><title>Africa | Reuters</title></head><body>
<div class="column1"><h1>Africa</h1>
<article class="story"><div class="story-content">
<a href="/article/us-mali-security/x-idUSKCN1"><h3>Gunmen attack village</h3></a>
<p>Gunmen attacked a village in central Mali on Saturday, local officials said in a statement.
</p></div></article>
<article class="story"><div class="story-content">
<a href="/article/us-niger-security/y-idUSKCN2"><h3>Niger army says it repelled raid</h3></a>
<p>Niger's army said it repelled an attack on a border post overnight, killing several attackers.
</p></div></article>
</div></body></html>"""

SECTION_2019_LONG_CARDS = b"""<html lang="en"><head><title>Africa | Reuters</title></head><body>
<h1>Africa</h1>
<article class="story"><a href="/article/us-mali/a-idUSKCN3"><h3>Troops move north</h3></a>
<p>French and Malian soldiers moved north from Segou on Friday toward towns held by rebels.</p>
<p>Officials said the column would reach Diabaly within two days if the road stayed open.</p>
</article>
<article class="story"><a href="/article/us-niger/b-idUSKCN4"><h3>Border post attacked</h3></a>
<p>Niger's army said it repelled an attack on a border post overnight, killing several
attackers.</p>
<p>A spokesman said two soldiers were wounded and taken to a hospital in the capital.</p></article>
</body></html>"""

SECTION_2021 = b"""<!DOCTYPE html><html lang="en"><head><title>Africa News | Reuters</title>
<meta property="og:type" content="website"/></head><body><div id="fusion-app"><main>
<h1 data-testid="Heading">Africa</h1>
<ul><li><div class="media-story-card__body__3tRWy">
<a data-testid="Heading" href="/world/africa/a-2022-02-10/">Malian army takes over Gao base</a>
<p data-testid="Body">Malian soldiers took control of a military base in Gao on Thursday.</p>
</div></li></ul>
</main></div><script id="fusion-metadata">Fusion.globalContent={"result":{}};</script></body>
</html>"""

VIDEO_2021 = b"""<!DOCTYPE html><html lang="en"><head>
<title>Peacekeepers prepare to leave Mali | Reuters</title>
<meta property="og:type" content="video.other"/>
<link rel="canonical" href="https://www.reuters.com/video/watch/idOV123456062023RP1/"/>
<script type="application/ld+json">
{"@type":"VideoObject","name":"Peacekeepers prepare to leave Mali"}</script>
</head><body><div id="fusion-app"><main><article>
<h1 data-testid="Heading">Peacekeepers prepare to leave Mali</h1>
<div data-testid="Video"><video src="https://example.invalid/v.mp4"></video></div>
<p data-testid="paragraph-0">U.N. peacekeepers in Gao began packing equipment on Friday
after the vote.</p>
<p data-testid="paragraph-1">The mission has until the end of the year to leave the country.</p>
</article></main></div><script id="fusion-metadata">Fusion.globalContent={"result":{}};
</script></body></html>"""

GALLERY_2016 = b"""<!doctype html><html lang="en"><head><title>Pictures: Mali votes | Reuters
</title>
<link rel="canonical" href="http://www.reuters.com/news/pictures/slideshow/mali-votes-idUSRTX1ABC"/>
<meta property="og:type" content="article"/></head><body>
<h1 class="article-headline">Mali votes</h1>
<span id="article-text"><p>Voters queue in Gao, Mali, July 28, 2013. REUTERS/Staff</p>
<p>An election official counts ballots in Bamako. REUTERS/Staff</p></span>
</body></html>"""


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("http://www.reuters.com/news/world", SECTION_2013),
        ("https://www.reuters.com/news/archive/africaNews", SECTION_2018),
        ("https://www.reuters.com/news/archive/africaNews?page=2", SECTION_2019_LONG_CARDS),
        ("https://www.reuters.com/subjects/africa", SECTION_2019_LONG_CARDS),
        ("https://www.reuters.com/world/africa/", SECTION_2021),
        ("https://www.reuters.com/video/watch/idOV123456062023RP1/", VIDEO_2021),
        ("http://www.reuters.com/news/pictures/slideshow/mali-votes-idUSRTX1ABC", GALLERY_2016),
    ],
    ids=[
        "section-2013",
        "section-2018",
        "section-2019-archive",
        "section-2019-subject",
        "section-2021",
        "video-2021",
        "gallery-2016",
    ],
)
def test_reuters_non_articles_yield_no_article(url: str, body: bytes) -> None:
    analysis = analyse(url, HEADERS, body, source="reuters")
    assert analysis.kind == "not_article"
    assert analysis.article is None


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("SEGOU/BAMAKO, Mali (Reuters) - French troops moved north.", "SEGOU/BAMAKO, Mali"),
        ("GAO, Mali (Reuters) - A suicide bomber struck.", "GAO, Mali"),
        ("GAO, Feb 10 (Reuters) - An explosion wounded civilians.", "GAO"),
        ("BAMAKO, Sept 22 (Reuters) - Talks stalled.", "BAMAKO"),
        ("ALGIERS (Reuters) - Algerian forces ended a siege.", "ALGIERS"),
        ("DAKAR, June 30 (Reuters) \u2014 The council voted.", "DAKAR"),
        ("LONDON, Jan 5 (Thomson Reuters Foundation) - A charity said.", "LONDON"),
        # The outlet's health and lifestyle services sign their openings with their names.
        ("NEW YORK (Reuters Health) - Walkers slept longer, a study found.", "NEW YORK"),
        ("CHICAGO, March 3 (Reuters Health) - Fewer teens smoke.", "CHICAGO"),
        ("LONDON (Reuters Life!) - A village fair drew crowds.", "LONDON"),
        # The day first, as Reuters' Spanish, French and Portuguese services write it.
        ("MADRID, 14 feb (Reuters) - Un texto circula.", "MADRID"),
        ("BAMAKO, 14 février (Reuters) - Un texte circule.", "BAMAKO"),
        ("SAO PAULO, 23 Fev. (Reuters) - Um video circula.", "SAO PAULO"),
        # The French service's first of the month.
        ("PARIS, 1er mars (Reuters) - Un texte circule.", "PARIS"),
        # The Arabic service: the outlet in Arabic, the date after an Arabic comma.
        ("باماكو، 3 ديسمبر (رويترز) - قال.", "باماكو"),
        ("غاو، مالي (رويترز) - قال.", "غاو، مالي"),
    ],
)
def test_dateline_is_the_place_without_the_date(opening: str, dateline: str) -> None:
    assert dateline_of(opening) == dateline


@pytest.mark.parametrize(
    "opening",
    [
        "French and Malian soldiers moved north (Reuters reported) on Friday.",
        "ALGIERS Algeria's court jailed two executives.",
        "14 feb (Reuters) - Un texto circula en redes.",
        "23 Fev (Reuters) - Um video circula nas redes.",
        "1er mars (Reuters) - Un texte circule.",
        "Aug 23 (Reuters) - Canadian Solar Inc said.",
        "3 ديسمبر (رويترز) - قال.",
        "",
    ],
)
def test_no_dateline_without_the_wire_mark(opening: str) -> None:
    assert dateline_of(opening) is None


def test_caption_and_topic_cleanup() -> None:
    assert clean_caption("Soldiers in Gao. REUTERS/Staff Purchase Licensing Rights") == (
        "Soldiers in Gao. REUTERS/Staff"
    )
    assert clean_topic("Energy & Environment \u00bb") == "Energy & Environment"
    assert clean_topic("Africa") == "Africa"


KEY_DEVELOPMENTS_2016 = b"""<html><head><title>Key Developments | Reuters.com</title>
<meta property="og:type" content="section" />
<meta property="og:url"
content="http://www.reuters.com/finance/stocks/ABC/key-developments/article/1" />
</head><body><div class="column2 gridPanel grid6"><h1>Acme reports a stake in Gao Mining</h1>
<div id="sigDevArticleText" class="gridPanel grid6"><span class="timestamp">Thursday, 28 Jul 2016
11:35am EDT</span><p>: Acme reports 5.1 pct stake in Gao Mining (Bengaluru Newsroom).</p></div>
</div></body></html>"""


def test_key_developments_page_is_not_an_article_and_says_so() -> None:
    url = "http://www.reuters.com/finance/stocks/ABC/key-developments/article/1"
    analysis = analyse(url, HEADERS, KEY_DEVELOPMENTS_2016, source="reuters")
    assert analysis.kind == "not_article"
    assert analysis.reason == "stock key developments page"


STORY_2016 = b"""<html lang="en"><head><title>Gao Mining lifts its forecast | Reuters</title>
<meta property="og:type" content="article"/></head><body>
<h1 class="article-headline">Gao Mining lifts its forecast</h1>
<span id="article-text"><p>Gao Mining raised its output forecast on Monday after a dry season
that kept its pits open for longer than planned.</p>
<p>The company said its new crushing plant near Gao would start work before the rains.</p></span>
</body></html>"""


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        (
            '<a href="/journalists/awa-sidibe">Awa Sidibe</a>, <a href="/journalists/kone">Kone</a>'
            ' and <a href="/journalists/ada-park">Ada Park</a>',
            ["Awa Sidibe", "Kone", "Ada Park"],
        ),
        ('<a href="/journalists/awa-sidibe">Awa Sidibe</a>, Bamako', ["Awa Sidibe"]),
    ],
)
def test_a_one_word_name_the_byline_links_to_a_journalist_page_is_a_person(
    byline: str, authors: list[str]
) -> None:
    """A one-word part past a comma is where the reporters are, unless the byline links it
    to a journalist's page; before, "Kone" was dropped as a place."""
    body = STORY_2016.replace(
        b'<span id="article-text">',
        f'<div id="article-byline"><span class="author">By {byline}</span></div>'
        '<span id="article-text">'.encode(),
    )
    analysis = analyse(
        "https://www.reuters.com/article/gao-mining-idUSKCN1", HEADERS, body, source="reuters"
    )
    assert analysis.article is not None
    assert analysis.extractor == "reuters/2016"
    assert [author["name"] for author in analysis.article["authors"]] == authors


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/finance/stocks/GAO.N/key-developments/article/1", "stock key developments page"),
        ("/finance/stocks/overview/GAO.N", "stock quote page"),
        ("/companies/GAO.N", "stock quote page"),
        ("/markets/quote/GAO.N", "stock quote page"),
        ("/news/video/story-id1", "video page"),
        ("/pictures/mali-votes-id2", "pictures page"),
        ("/news/archive/africaNews", "section page"),
        ("/graphics/MALI-COTTON/abc/", "graphics page"),
    ],
)
@pytest.mark.parametrize("template", ["2016", "generic"])
def test_non_article_paths_are_refused_and_named(path: str, reason: str, template: str) -> None:
    """One list of the outlet's non-article paths: a page under one is no article, whatever
    it carries, and the reason names its kind (the dated templates and the fallback alike)."""
    body = STORY_2016
    if template == "generic":  # no span#article-text: the fallback reads the <article>
        body = body.replace(b'<span id="article-text">', b"<article>")
        body = body.replace(b"</span>", b"</article>")
    analysis = analyse(f"https://www.reuters.com{path}", HEADERS, body, source="reuters")
    assert analysis.kind == "not_article"
    assert analysis.reason == reason
    article = analyse(
        "https://www.reuters.com/article/us-gao-mining-idUSKBN1AA", HEADERS, body, source="reuters"
    )
    assert article.kind == "article"
    assert article.extractor == ("reuters/2016" if template == "2016" else "reuters/generic")


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://www.reuters.com/world/", True),
        ("https://www.reuters.com/fact-check/espanol/", True),
        ("https://www.reuters.com/world/africa/mali-vote-2024-02-14/", False),
        ("http://www.reuters.com/article/us-mali-idUSKCN0Y41DQ", False),
        # The 2010-2020 section pages, which name no story.
        ("http://www.reuters.com/news/archive/technologyNews", True),
        ("https://www.reuters.com/news/archive/africaNews?view=page", True),
    ],
)
def test_section_links_are_told_from_stories(url: str, section: bool) -> None:
    assert is_section_url(url) is section


def test_long_and_french_sign_offs_are_credits() -> None:
    names = ", ".join(f"Reporter{n} Name" for n in range(40))
    long_line = f"(Additional reporting by {names} in BAMAKO; Editing by Ruth Galloway)"
    assert len(long_line) > 400
    assert is_sign_off(long_line)
    credits = sign_off_credits(long_line)
    assert credits[0] == {"name": "Reporter0 Name", "role": "additional reporting"}
    assert credits[-1] == {"name": "Ruth Galloway", "role": "editing"}
    french = "(Awa Traore; Paul Girard pour le service français, édité par Ines Morel)"
    assert is_sign_off(french)
    assert sign_off_credits(french) == [
        {"name": "Awa Traore", "role": "reporting"},
        {"name": "Paul Girard", "role": "writing"},
        {"name": "Ines Morel", "role": "editing"},
    ]
    assert not is_sign_off("(The talks resume on Monday in Bamako.)")


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Awa Traore; Editing by Ines Morel",
        "REPORTING BY AWA TRAORE",
        "Writing\tby Paul Girard",
        "Edited\u00a0by Ines Morel",
        "Compiled\u200bby the Bamako newsroom",
        "Editing by\u00a0Ines Morel",
        "REPORT\u0130NG BY AWA TRAORE",
        "Awa Traore contr\u0131buted reporting.",
        "Awa Traore CONTR\u0130BUTED TO THIS REPORT",
        "\u201cThe road stayed open,\u201d said a man reporting by phone.",
        "(Awa Traore\u00a0; \u00e9dit\u00e9 par Ines Morel)",
        "Troops moved north on Friday, officials said.",
        "Standby generators kept the clinic in Gao running.",
        "Prices rose by 3% in Bamako, traders said.",
        "Cotton output fell by a third, the ministry said.",
        "Awa Traore, reporting by phone from Gao, said the road was open.",
        ". Reporting by Awa Traore",
        "[Editing by Ines Morel]",
        "\u00a0; Writing by Paul Girard",
        "\u201cReporting by Awa Traore\u201d",
        "\u0130diting by Ines Morel",
        "",
    ],
)
def test_sign_off_shortcut_agrees_with_the_full_check(line: str) -> None:
    """is_sign_off skips the credits search on lines without " by"/" contributed", and on
    lines outside parentheses whose first letter opens no role marker: the answer must be
    the one the full check gives, whatever the case, spaces or edge punctuation."""
    from crawler.pages.credits import is_credits_line
    from crawler.pages.templates import reuters_common

    full = bool(
        is_credits_line(line)
        or reuters_common._LONG_CREDITS_RE.match(line)
        or reuters_common._FRENCH_CREDITS_RE.match(line)
    )
    assert is_sign_off(line) is full
    # Body lines come normalised (text_of): told the same without normalising them again.
    from crawler.pages.text import normalize_space

    line = normalize_space(line)
    assert is_sign_off(line, normalized=True) is is_sign_off(line)


@pytest.mark.parametrize(
    "classes",
    [
        None,
        "",
        "Ad-slot",
        "  Ad-slot",
        "x\tAd-slot",
        "x\nAd-slot y",
        "x\rAd-slot",
        "xAd-slot",
        "x\u00a0Ad-slot",
        "x\u3000Ad-slot",
        "Ad",
        "shareBar ShareBar_x",
        "a  b ShareBar",
    ],
)
def test_class_prefix_test_is_the_xpath_test(classes: str | None) -> None:
    """The Python class-prefix test answers what class_prefix_xpath does (XPath splits
    class names on space, tab, CR and LF only)."""
    from lxml import etree

    from crawler.pages.templates.reuters_common import class_prefix_test
    from crawler.pages.text import class_prefix_xpath

    element = etree.Element("div")
    if classes is not None:
        element.set("class", classes)
    for prefixes in (("Ad-",), ("Ad-", "ShareBar")):
        query = " or ".join(class_prefix_xpath(prefix) for prefix in prefixes)
        expected = bool(element.xpath(f"boolean(self::*[{query}])"))
        assert class_prefix_test(*prefixes)(element) is expected


def test_clipped_screen_reader_text_is_not_text() -> None:
    from lxml import html

    card = html.fromstring(
        '<a href="/world/">World<span style="border: 0px none; clip: rect(0px, 0px, 0px, 0px);'
        ' clip-path: inset(50%); height: 1px; position: absolute;">category</span></a>'
    )
    assert text_of(card) == "World"
    compact = html.fromstring(
        '<a href="/x">Gao<span style="border:0;clip:rect(0 0 0 0);clip-path:inset(50%)">'
        ", opens new tab</span></a>"
    )
    assert text_of(compact) == "Gao"


REUTERS_FIXTURES = sorted(
    (Path(__file__).parent / "data" / "pages").glob("reuters_*/*.html"),
)


@pytest.mark.parametrize("html_path", REUTERS_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_page_matches_one_dated_template_only(html_path: Path) -> None:
    """The dated templates' markers exclude each other: their declared order only decides
    how much a page pays to be matched, never which template reads it."""
    from crawler.pages import parse_html
    from crawler.pages.base import PageContext
    from crawler.pages.registry import templates_of

    expected = json.loads(html_path.with_suffix(".json").read_text("utf-8"))
    doc = parse_html(html_path.read_bytes())
    ctx = PageContext(url=expected["url"], doc=doc, source="reuters", encoding="utf-8")
    dated = templates_of("reuters")[:-1]  # the last one is the fallback, matching any page
    matching = [template.NAME for template in dated if template.matches(ctx)]
    assert matching == [expected["metadata"]["extractor"]]
    assert matching == [html_path.parent.name.replace("_", "/")]


@pytest.mark.parametrize(
    "markup",
    [
        '<div id="articleInfo"></div>',
        '<span id="articleInfo"></span>',
        '<div class="module"></div>',
        '<div class="linebreak inlineRelatedBox"></div>',
        '<div class="unrelated"></div>',
        '<div class="factBoxes"></div>',
        '<div class="factbox"></div>',
        '<span class="module"></span>',
        "<table></table>",
        '<p class="shareLinks"></p>',
        '<blockquote class="twitter-tweet"></blockquote>',
        '<blockquote class="instagram-media"></blockquote>',
        '<div class="x"></div>',
        "<div></div>",
        "<p></p>",
    ],
)
def test_inline_module_test_is_the_xpath_test(markup: str) -> None:
    """The 2010-2016 story's modules, told in Python as the XPath query told them."""
    from lxml import html

    from crawler.pages.templates.reuters_2013 import _is_inline_module

    query = (
        "self::div[@id='articleInfo']"
        "|self::div[contains(@class, 'module') or contains(@class, 'inlineRelated')"
        " or contains(@class, 'related') or contains(@class, 'factBox')]"
        "|self::table|self::*[contains(@class, 'shareLinks')]"
        "|self::*[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')]"
    )
    element = html.fragment_fromstring(markup)
    assert _is_inline_module(element) is bool(element.xpath(query))


def test_outside_modules_keeps_what_without_descendants_of_keeps() -> None:
    """The paragraphs kept by walking up from each are those a barrier of every module
    below the story's container keeps (modules nested, beside, around and as paragraphs)."""
    from lxml import etree, html

    from crawler.pages.templates.reuters_common import outside_modules, without_descendants_of

    page = html.fromstring(
        '<div class="Module-around"><div id="story"><p>a</p>'
        '<div class="Module-x"><p>b</p><div><p>c</p></div></div>'
        '<div><div><p>d</p><h2 class="Module-y">e</h2></div><p>f</p></div>'
        '<div class="Module-z"><div class="Module-w"><h3>g</h3></div></div>'
        "<p>h<span><p>i</p></span></p></div></div>"
    )
    story = page.get_element_by_id("story")

    def is_module(element: html.HtmlElement) -> bool:
        return (element.get("class") or "").startswith("Module-")

    paragraphs = [e for e in story.iter("p", "h2", "h3") if e is not story]
    modules = [e for e in story.iter(etree.Element) if e is not story and is_module(e)]
    kept = outside_modules(story, paragraphs, is_module)
    assert kept == without_descendants_of(paragraphs, modules)
    assert [e.text for e in kept] == ["a", "d", "f", "h", "i"]


@pytest.mark.parametrize(
    ("heading", "read"),
    [
        ("<h2>Read Next</h2>", True),
        ("<h2>READ NEXT:</h2>", True),
        ("<h2>Re<span>ad</span> N<b>ext</b></h2>", True),
        ('<h2>Rea<span class="sr-only">zz</span>d Next</h2>', True),
        ('<h2><span style="display:none">Most read</span>Related<br>Coverage</h2>', True),
        ("<h2>Related\u00a0\u200bCoverage</h2>", True),
        ("<h3>Related Coverage<svg><path/></svg></h3>", True),
        ("<h2>Latest</h2>", False),
        ("<h2>Read more from Reuters</h2>", False),
        # Read in full, but shows another title: the letters test lets it through.
        ('<h2>Next<span class="sr-only">Read</span> read next</h2>', True),
        ('<h2>Next<span class="sr-only">Read</span></h2>', False),
    ],
)
def test_a_module_heading_is_passed_over_only_where_it_shows_no_title(
    heading: str, read: bool
) -> None:
    """modules_headed reads a heading's shown text only where all its text holds a title's
    letters in order: a heading it passes over shows none of the titles."""
    from lxml import html

    from crawler.pages.templates.reuters_common import _STRING_VALUE, may_show_one_of
    from crawler.pages.text import short_text_of

    element = html.fragment_fromstring(heading)
    shown = short_text_of(element, 15, uncounted=":")
    shows_a_title = shown is not None and shown.lower().rstrip(":") in {
        "read next",
        "related coverage",
    }
    letters = ("readnext", "relatedcoverage")
    assert may_show_one_of(_STRING_VALUE(element), letters) is read
    assert read or not shows_a_title


def test_story_classes_are_all_told_by_the_first_search() -> None:
    """Reuters2021Page.story_lines tests an element's class names for a paragraph or a
    sign-off only where one search finds a fragment that each of those classes holds."""
    from crawler.pages.templates import reuters_2021

    for prefix in reuters_2021._BODY_PART_CLASSES + reuters_2021._SIGN_OFF_CLASSES:
        assert reuters_2021._may_mark(prefix)
        assert reuters_2021._may_mark(f"text__text__1FZLe {prefix}__2-BtD")
    assert not reuters_2021._may_mark("text__text__1FZLe body__full_width__ekUdw")


_PAGES = Path(__file__).parent / "data" / "pages"
_NOTES = (
    # Service notes the wire prints over a corrected or updated story.
    "(This version of the story corrects the name of the festival in paragraph 3)",
    "(Refiles to add a dropped word in paragraph 2)",
    "(Adds quotes from the organisers)",
    # An editor's note, and a note printed in italics only.
    "Editor's note: Some names in this story have been changed.",
    "<em>The opinions expressed here are those of the author, a columnist for Reuters.</em>",
)


def _inserted(name: str, before: str, markup: str) -> tuple[str, dict]:
    """A fixture page with `markup` printed just before `before`, and its expected item."""
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    at = page.index(before)
    return page[:at] + markup + page[at:], expected


def _with_notes_first(name: str, opening_tag: str, note_tag: str) -> tuple[str, dict]:
    """A fixture page with every note of _NOTES printed ahead of its opening paragraph."""
    return _inserted(name, opening_tag, "".join(note_tag.format(note) for note in _NOTES))


@pytest.mark.parametrize(
    ("name", "opening_tag", "note_tag"),
    [
        ("reuters_2018/timbuktu_festival_returns_2020", "<p>TIMBUKTU, Mali (Reuters)", "<p>{}</p>"),
        (
            "reuters_2021/gao_convoy_report_2024",
            '<div data-testid="paragraph-0"',
            '<div data-testid="paragraph-n" class="article-body__paragraph__2-BtD">{}</div>',
        ),
    ],
)
def test_editorial_notes_leave_the_body_and_the_opening_stays_first(
    name: str, opening_tag: str, note_tag: str
) -> None:
    page, expected = _with_notes_first(name, opening_tag, note_tag)
    analysis = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]
    assert analysis.article["dateline"] == expected["dateline"]


@pytest.mark.parametrize(
    ("line", "story"),
    [
        ('(Graphic: Cotton harvests since 2010 - <a href="http://tmsnrt.rs/x">here</a>)', False),
        (
            '(For a graphic on cotton harvests, click <a href="http://link.reuters.com/x">'
            "link.reuters.com/x</a>)",
            False,
        ),
        (
            'For an interactive graphic on the harvest, click <a href="http://tmsnrt.rs/x">here</a>',
            False,
        ),
        (
            '(Click <a href="http://link.reuters.com/x">here</a> for a graphic on the harvest)',
            False,
        ),
        (
            "A graphic designer in Bamako said she would click through every bid before deciding.",
            True,
        ),
        ("(Graphic designers were among the 40 people hired, the company said.)", True),
    ],
)
def test_graphic_pointers_leave_the_body_and_sentences_about_graphics_stay(
    line: str, story: bool
) -> None:
    page, expected = _inserted(
        "reuters_2013/segou_hostage_threat_2013",
        '<span id="midArticle_1"></span>',
        f"<p>{line}</p>",
    )
    analysis = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    if story:
        assert line in analysis.article["paragraphs"]
    else:
        assert analysis.article["paragraphs"] == expected["paragraphs"]


def test_an_embedded_post_is_no_paragraph_of_the_story() -> None:
    post = (
        '<blockquote class="twitter-tweet"><p lang="en">Cotton trucks queue at the Segou depot'
        ' <a href="https://t.co/x">pic.twitter.com/x</a></p>&mdash; A Trader (@trader)</blockquote>'
    )
    page, expected = _inserted(
        "reuters_2013/segou_hostage_threat_2013", '<span id="midArticle_1"></span>', post
    )
    analysis = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize(
    ("place", "expected"),
    [("SAN JUAN, Puerto Rico", "2013-01-18T12:08:00Z"), ("SEGOU, Mali", None)],
)
def test_a_stamp_in_a_zone_of_several_zones_is_read_by_the_dateline(
    place: str, expected: str | None
) -> None:
    """ "8:08am AST" (Atlantic or Arabia Standard Time): the dateline says which, and a
    place of neither gives no instant; before, no date at all."""
    name = "reuters_2013/segou_hostage_threat_2013"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected_item = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    assert "SEGOU, Mali" in page and "8:08am EST" in page
    page = page.replace("SEGOU, Mali", place).replace("8:08am EST", "8:08am AST")
    analysis = analyse(expected_item["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    assert analysis.article["dateline"] == place
    assert analysis.article["datePublished"] == expected
    assert analysis.article["datePublishedRaw"] == "Fri Jan 18, 2013 8:08am AST"


_PHOTO_2021 = (
    "https://cloudfront-us-east-2.images.arcpublishing.com/reuters/GAOPLANEAAAAAAAAAAAAAAAAAA.jpg"
)


@pytest.mark.parametrize(
    "img",
    [
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{_PHOTO_2021}"',
        f'<img srcset="{_PHOTO_2021}?w=480 480w,{_PHOTO_2021} 1200w"',
        f'<img class="lazy"><noscript><img src="{_PHOTO_2021}"></noscript><img hidden',
        f'<img src="/pf/resources/images/spacer.gif" data-srcset="{_PHOTO_2021}?w=300 300w,'
        f' {_PHOTO_2021} 1200w"',
    ],
)
def test_a_lazy_loaded_photo_is_listed(img: str) -> None:
    """A primary photo whose ``<img>`` has no ``src`` yet (its address in ``data-src``,
    ``srcset`` or a ``<noscript>`` copy) was left out of the images."""
    path = Path(__file__).parent / "data" / "pages" / "reuters_2021" / "gao_cargo_plane_2023.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    marker = f'<img src="{_PHOTO_2021}"'
    assert page.count(marker) == 1
    page = page.replace(marker, img)
    analysis = analyse(
        expected["url"], {"Content-Type": "text/html"}, page.encode(), source="reuters"
    )
    assert analysis.article is not None
    assert analysis.article["images"] == expected["images"]


def _reuters_fixture_changed(name: str, marker: str, replacement: str) -> tuple[dict, Any]:
    """A Reuters fixture's expected item, and the analysis of its page with `marker` (which
    it holds once) replaced."""
    path = Path(__file__).parent / "data" / "pages" / f"{name}.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert page.count(marker) == 1
    page = page.replace(marker, replacement)
    analysis = analyse(
        expected["url"], {"Content-Type": "text/html"}, page.encode(), source="reuters"
    )
    return expected, analysis


@pytest.mark.parametrize(
    ("name", "marker", "replacement"),
    [
        (
            "reuters_2013/segou_hostage_threat_2013",
            'Segou</a> <div class="timestamp">7:01am EST</div>',
            'Segou <span class="timestamp">7:01am EST</span></a>',
        ),
        (
            "reuters_2013/segou_hostage_threat_2013",
            'Segou</a> <div class="timestamp">7:01am EST</div>',
            'Segou<time datetime="2013-01-18T12:01:00Z">7:01am EST</time></a>',
        ),
        (
            "reuters_2013/segou_hostage_threat_2013",
            '-idUSBRE90H0KQ20130118">Ferry',
            '-idUSBRE90H0KQ20130118"><svg role="img"><title>article with video</title>'
            "<path></path></svg>Ferry",
        ),
        (
            "reuters_2021/bamako_video_fact_check_es_2024",
            "Foto de Gao es de 2013</a>",
            'Foto de Gao es de 2013<span data-testid="Label">13 de febrero de 2024</span></a>',
        ),
    ],
)
def test_a_timestamp_or_icon_inside_a_card_link_is_not_its_headline(
    name: str, marker: str, replacement: str
) -> None:
    """A related card whose link holds its time (a ``<time>``, a timestamp span, a label) or
    an icon's SVG title besides the headline gave them glued to it ("...Segou7:01am EST")."""
    expected, analysis = _reuters_fixture_changed(name, marker, replacement)
    assert analysis.article is not None
    assert analysis.article["relatedLinks"] == expected["relatedLinks"]


def test_an_xhtml_page_in_xml_lang_gives_its_language() -> None:
    """A 2013 page (XHTML) stating its language in ``xml:lang`` only gave no inLanguage."""
    marker = '<html xmlns="http://www.w3.org/1999/xhtml">'
    expected, analysis = _reuters_fixture_changed(
        "reuters_2013/bamako_telecom_fr_2014", marker, marker.replace(">", ' xml:lang="fr">')
    )
    assert expected["inLanguage"] is None
    assert analysis.article is not None
    assert analysis.article["inLanguage"] == "fr"


@pytest.mark.parametrize(
    ("name", "marker", "replacement"),
    [
        (
            "reuters_2013/segou_hostage_threat_2013",
            '-idUSBRE90H0KQ20130118">Ferry',
            '-idUSBRE90H0KQ20130118"><span>Video</span> Ferry',
        ),
        (
            "reuters_2018/bamako_runoff_vote_2020",
            "Factbox: What is at stake in Mali&#x27;s runoff</a>",
            "Factbox: What is at stake in Mali&#x27;s runoff <span>Watch</span></a>",
        ),
        (
            "reuters_2021/bamako_video_fact_check_es_2024",
            "Foto de Gao es de 2013</a>",
            "Foto de Gao es de 2013<span>Live</span></a>",
        ),
    ],
)
def test_a_media_label_inside_a_related_cards_link_is_not_its_headline(
    name: str, marker: str, replacement: str
) -> None:
    """A related card's link printing "Video", "Watch" or "Live" in an unclassed ``<span>``
    beside the headline gave it glued to the headline ("Video Ferry owners ...")."""
    expected, analysis = _reuters_fixture_changed(name, marker, replacement)
    assert analysis.article is not None
    assert analysis.article["relatedLinks"] == expected["relatedLinks"]


@pytest.mark.parametrize(
    ("name", "raw", "published"),
    [
        ("gao_convoy_report_2024", "March 7, 2024 7:55 AM UTC", "2024-03-07T07:55:00Z"),
        ("gao_cargo_plane_2023", "April 25, 2023 2:29 PM GMT+2", "2023-04-25T12:29:00Z"),
    ],
)
def test_a_2021_stamp_read_for_the_date_is_raw_as_printed(
    name: str, raw: str, published: str
) -> None:
    """A page stating no publication time but its stamp: the raw value is the stamp's date
    and time as a reader sees them, a space between; before, the spans' text was run
    together ("March 7, 20247:55 AM UTC") with the reading time and "Updated" label."""
    page = (_PAGES / f"reuters_2021/{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"reuters_2021/{name}.json").read_text(encoding="utf-8"))
    page = page.replace('"datePublished"', '"dateStated"').replace("published_time", "x_time")
    analysis = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    assert analysis.article["datePublishedRaw"] == raw
    assert analysis.article["datePublished"] == published


_CONVOY_CREDITS = (
    "Reporting by Awa Keita in Gao and Henri Dubois in Paris; Writing by Anne Corlay;"
    " Editing by Ruth Galloway"
)


@pytest.mark.parametrize(
    ("language", "by", "join", "credits"),
    [
        (
            "es",
            "Por",
            "y",
            "Reporte de Awa Keita en Gao y Henri Dubois en París; Redacción de Anne Corlay;"
            " Editado por Ruth Galloway",
        ),
        (
            "pt",
            "Por",
            "e",
            "Reportagem de Awa Keita em Gao e Henri Dubois em Paris; Texto de Anne Corlay;"
            " Edição de Ruth Galloway",
        ),
    ],
)
def test_a_page_in_spanish_or_portuguese_reads_its_byline_and_credits(
    language: str, by: str, join: str, credits: str
) -> None:
    """Reuters' Spanish and Portuguese services print "Por A y B" and "Reporte de A;
    Editado por B": read as the English forms where the page says it is in that language;
    before, no author and no credits, and the credits line was a paragraph."""
    name = "reuters_2021/gao_convoy_report_2024"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    for old, new in (
        ('<html lang="en"', f'<html lang="{language}"'),
        (">By </span>", f">{by} </span>"),
        ("> and </span>", f"> {join} </span>"),
        (_CONVOY_CREDITS, credits),
    ):
        assert page.count(old) == 1
        page = page.replace(old, new)
    item = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters").article
    assert item is not None
    raw = f"{by} Awa Keita {join} Henri Dubois"
    assert item["authors"] == [{"name": p["name"], "nameRaw": raw} for p in expected["authors"]]
    assert item["credits"] == expected["credits"]
    assert item["paragraphs"] == expected["paragraphs"]
    # The same page stating English is read as English: no such credits line.
    english = analyse(
        expected["url"],
        HEADERS,
        page.replace(f'<html lang="{language}"', '<html lang="en"').encode("utf-8"),
        source="reuters",
    ).article
    assert english is not None and english["credits"] == []


def test_a_credits_line_of_roles_sharing_one_by_credits_each() -> None:
    """ "Reporting and writing by A": before, no credits line, and the page no credits."""
    name = "reuters_2021/gao_convoy_report_2024"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    line = "Reporting and writing by Awa Keita; Editing by Ruth Galloway"
    page = page.replace(_CONVOY_CREDITS, line)
    item = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters").article
    assert item is not None
    assert item["credits"] == [
        {"name": "Awa Keita", "role": "reporting"},
        {"name": "Awa Keita", "role": "writing"},
        {"name": "Ruth Galloway", "role": "editing"},
    ]
    assert item["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("GAO, March 7, 2024 (Reuters) - A mill opened.", "GAO"),
        ("GAO, Mali, Jan 18, 2013 (Reuters) - A mill opened.", "GAO, Mali"),
        ("MADRID, 14 feb 2024 (Reuters) - Un texto circula.", "MADRID"),
    ],
)
def test_a_dateline_with_the_year_is_the_place_without_the_date(
    opening: str, dateline: str
) -> None:
    """Before: "GAO, March 7, 2024" (the year kept the date in the place)."""
    assert dateline_of(opening) == dateline
    assert generic_dateline_of(opening) == dateline


def test_a_stamp_printing_no_time_is_no_raw_date() -> None:
    """The 2018-2020 header's stamp, its times filled in by script, prints only "Updated"
    in a page's markup: a page stating its date nowhere else has none, and no raw one;
    before, ``datePublishedRaw`` was "Updated"."""
    name = "reuters_2018/bamako_runoff_vote_2020"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    page = page.replace('"datePublished"', '"dateStated"').replace("published_time", "x_time")
    analysis = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters")
    assert analysis.article is not None
    assert analysis.article["datePublished"] is None
    assert analysis.article["datePublishedRaw"] is None


def test_a_paragraph_opening_with_a_roles_words_stays_in_the_body() -> None:
    """ "Written and edited by A, the book sold ...": a sentence, not a credits line;
    before, the paragraph left the body and A was credited writing and editing."""
    name = "reuters_2021/gao_convoy_report_2024"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    old = "Mali's defence ministry did not respond to a request for comment."
    new = "Written and edited by Oumar Sidibe, the report sold two thousand copies in a week."
    assert page.count(old) == 1
    item = analyse(
        expected["url"], HEADERS, page.replace(old, new).encode("utf-8"), source="reuters"
    ).article
    assert item is not None
    assert item["paragraphs"] == [new if p == old else p for p in expected["paragraphs"]]
    assert item["credits"] == expected["credits"]


@pytest.mark.parametrize(
    ("location", "dateline"),
    [
        ("BAMAKO, June 19", "BAMAKO"),
        ("BAMAKO, 19 juin", "BAMAKO"),
        ("Aug 23", None),
        ("BAMAKO/GAO, Mali", "BAMAKO/GAO, Mali"),
    ],
)
def test_a_location_span_printing_the_date_gives_the_place_without_it(
    location: str, dateline: str | None
) -> None:
    """The 2013-2018 templates' ``articleLocation`` span read as an opening is: its date
    goes ("BAMAKO, June 19" gives "BAMAKO"), a date alone ("Aug 23", as a brief prints it)
    names no place; before, the span's text was the dateline, date and all."""
    name = "reuters_2016/bamako_cabinet_resigns_2017"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    old = '<span class="articleLocation">BAMAKO</span>'
    assert page.count(old) == 1
    page = page.replace(old, f'<span class="articleLocation">{location}</span>')
    item = analyse(expected["url"], HEADERS, page.encode("utf-8"), source="reuters").article
    assert item is not None
    assert item["dateline"] == dateline
