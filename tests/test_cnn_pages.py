"""CNN pages of the article templates that are not articles yield no article item."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import analyse

VIDEO_2013 = b"""<html><head><title>Troops enter Gao - CNN.com Video</title>
<meta property="og:type" content="video"></head><body>
<div id="cnn_hdr"><a href="/WORLD/">World</a></div><div class="cnn_maincntnr">
<h1>Troops enter Gao</h1><div id="cnn_vidplayer"></div>
<p>French and Malian soldiers reach the city.</p></div></body></html>"""

VIDEO_2015 = b"""<html><head><meta property="og:type" content="video.other"></head>
<body class="pg pg-video"><h1 class="pg-headline">What is in the Mali peace deal?</h1>
<div class="media__video-description">
<div class="zn-body__paragraph">A look at the terms.</div></div>
</body></html>"""

GALLERY_2021 = b"""<html lang="en"><head><meta property="og:type" content="article"></head><body>
<div class="layout__content-wrapper"><h1 class="headline__text">Photos: Gao's market</h1>
<div class="article__content"><p class="paragraph">Traders at dawn.</p></div></div></body></html>"""

SECTION_2021 = b"""<html lang="en"><head><meta property="og:type" content="website"></head><body>
<div class="layout__content-wrapper"><h1 class="headline__text">Africa</h1>
<div class="container"><a class="container__link" href="/2023/02/10/africa/x/index.html">X</a></div>
</div></body></html>"""

ARTICLE_2021 = b"""<html lang="en"><head><meta property="og:type" content="article"></head><body>
<div class="layout__content-wrapper"><h1 class="headline__text">Gao's market hums again</h1>
<div class="article__content"><p class="paragraph">Traders at dawn.</p></div></div></body></html>"""


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (
            "http://edition.cnn.com/video/data/2.0/video/world/2013/01/26/pkg-mali-gao.cnn.html",
            VIDEO_2013,
        ),
        (
            "https://edition.cnn.com/videos/world/2015/06/20/mali-peace-deal-explainer.cnn",
            VIDEO_2015,
        ),
        ("https://www.cnn.com/2023/02/10/africa/gallery/gao-market/index.html", GALLERY_2021),
        ("https://www.cnn.com/world/africa", SECTION_2021),
    ],
)
def test_non_article_pages_give_no_item(url: str, body: bytes) -> None:
    analysis = analyse(url, {"Content-Type": "text/html"}, body, source="cnn")
    assert analysis.kind == "not_article"
    assert analysis.article is None


def test_the_same_markup_at_an_article_url_is_an_article() -> None:
    url = "https://www.cnn.com/2023/02/10/africa/gao-market/index.html"
    analysis = analyse(url, {"Content-Type": "text/html"}, ARTICLE_2021, source="cnn")
    assert analysis.kind == "article"
    assert analysis.extractor == "cnn/2021"


NOTES_2021 = b"""<html lang="en"><head><meta property="og:type" content="article"></head><body>
<div class="layout__content-wrapper"><h1 class="headline__text">Gao's market hums again</h1>
<div class="article__content">
<p class="paragraph"><em>This story has been updated with the mayor's reply.</em></p>
<p class="paragraph">Traders at dawn.</p>
<p class="paragraph editor-note">A note the desk classed as one.</p>
<p class="paragraph"><span class="el-editorial-note">A paragraph holding a classed note.</span></p>
<p class="paragraph"><em>Follow us</em> <i>on the radio</i></p>
<p class="paragraph">READ: <a href="/2023/02/09/africa/x/index.html">Another story</a></p>
<p class="paragraph"><a href="/2023/02/08/africa/y/index.html">A related headline</a></p>
<p class="paragraph">Prices held <em>all week</em>.</p>
<p class="paragraph">Ama Owusu contributed to this report.</p>
</div></div></body></html>"""


def test_notes_promos_and_credits_leave_the_body() -> None:
    """An ``<em>``-only note is dropped as an all-italic paragraph; classed notes, "READ:"
    and link-only lines, and credits lines leave the body too."""
    url = "https://www.cnn.com/2023/02/10/africa/gao-market/index.html"
    analysis = analyse(url, {"Content-Type": "text/html"}, NOTES_2021, source="cnn")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == ["Traders at dawn.", "Prices held all week."]
    assert analysis.article["credits"] == [{"name": "Ama Owusu", "role": "contributor"}]


def test_help_after_the_contributors_is_credited_too() -> None:
    """ "CNN's A contributed to this report, with help from B": both contributed; before,
    B was left out of the credits."""
    page = NOTES_2021.replace(
        b"Ama Owusu contributed to this report.",
        b"CNN\xe2\x80\x99s Ama Owusu contributed to this report, with help from Kofi Mensah.",
    )
    url = "https://www.cnn.com/2023/02/10/africa/gao-market/index.html"
    analysis = analyse(url, {"Content-Type": "text/html"}, page, source="cnn")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == ["Traders at dawn.", "Prices held all week."]
    assert analysis.article["credits"] == [
        {"name": "Ama Owusu", "role": "contributor"},
        {"name": "Kofi Mensah", "role": "contributor"},
    ]


STAMP_2013 = """<html lang="en"><head><meta property="og:type" content="article"></head><body>
<div class="cnn_storyarea"><h1>Date palms ripen early</h1>
<div class="cnnByline">By Awa Sidibe, CNN</div>
<div class="cnn_strytmstmp">January 18, 2013 -- Updated {stamp}</div>
<div class="cnn_strycntntlft"><p>{place} (CNN) -- The harvest came a month early.</p>
<p>Growers said the heat had done it.</p></div></div></body></html>"""


@pytest.mark.parametrize(
    ("place", "stamp", "modified"),
    [
        ("Riyadh, Saudi Arabia", "1508 AST", "2013-01-18T12:08:00Z"),
        ("San Juan, Puerto Rico", "1508 AST", "2013-01-18T19:08:00Z"),
        ("Gao, Mali", "1508 AST", None),  # Atlantic or Arabia: the place does not say
        ("Gao, Mali", "1508 GMT", "2013-01-18T15:08:00Z"),
    ],
)
def test_a_2013_stamp_in_a_zone_of_several_zones_is_read_by_the_dateline(
    place: str, stamp: str, modified: str | None
) -> None:
    """The 2013 template read its stamp without the page's place: "Updated 1508 AST" under
    a Riyadh dateline gave no last update (nor did it in the form "3:08 PM AST")."""
    url = "http://edition.cnn.com/2013/01/18/world/meast/palms/index.html"
    page = STAMP_2013.format(place=place, stamp=stamp).encode()
    analysis = analyse(url, {"Content-Type": "text/html"}, page, source="cnn")
    assert analysis.article is not None
    assert analysis.extractor == "cnn/2013"
    assert analysis.article["dateModified"] == modified
    assert analysis.article["dateline"] == place


def _profile(name: str, slug: str) -> str:
    return (
        f'<a class="byline__link" href="https://www.cnn.com/profiles/{slug}">'
        f'<span class="byline__name">{name}</span></a>'
    )


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        (
            f"By {_profile('Awa Sidibe', 'awa-sidibe')}, {_profile('Kone', 'kone')} and"
            f" {_profile('Ada Park', 'ada-park')}, CNN",
            ["Awa Sidibe", "Kone", "Ada Park"],
        ),
        (
            f"By {_profile('Awa Sidibe', 'awa-sidibe')}, {_profile('Kone', 'kone')}",
            ["Awa Sidibe", "Kone"],
        ),
        # One word the byline does not link to a page of a person: where they are.
        (f"By {_profile('Awa Sidibe', 'awa-sidibe')}, Bamako", ["Awa Sidibe"]),
        (
            f"By {_profile('Awa Sidibe', 'awa-sidibe')}, <a href='/world/africa'>Bamako</a>",
            ["Awa Sidibe"],
        ),
        # A link no URL reader reads (a bracket opening no IPv6 host) is no profile's.
        (
            f"By {_profile('Awa Sidibe', 'awa-sidibe')}, <a href='http://[x/profiles/k'>Kone</a>",
            ["Awa Sidibe"],
        ),
    ],
)
def test_a_one_word_name_the_byline_links_to_a_profile_is_a_person(
    byline: str, authors: list[str]
) -> None:
    """ "By A, B and C, CNN", B a single word: a one-word part past a comma is read as where
    the reporters are, but one linked to a profile page (``/profiles/...``) is a person;
    before, B (and a one-word C after it) were dropped as places."""
    page = ARTICLE_2021.replace(
        b'<div class="article__content">',
        f'<div class="byline__names">{byline}</div><div class="article__content">'.encode(),
    )
    url = "https://www.cnn.com/2023/02/10/africa/gao-market/index.html"
    analysis = analyse(url, {"Content-Type": "text/html"}, page, source="cnn")
    assert analysis.article is not None
    assert analysis.extractor == "cnn/2021"
    assert [author["name"] for author in analysis.article["authors"]] == authors


@pytest.mark.parametrize("label", ["RELATED:", "Related:", "Read More:", "READ MORE:"])
def test_related_and_read_more_lines_are_read_lines(label: str) -> None:
    """ "RELATED: ..." and title-case "Read More: ..." lines stayed as body paragraphs and
    gave no related link, where "READ: ..." lines give an inline one."""
    line = f"{label} <a href='/2023/02/09/africa/x/index.html'>Another story</a>"
    page = NOTES_2021.replace(
        b'READ: <a href="/2023/02/09/africa/x/index.html">Another story</a>', line.encode()
    )
    url = "https://www.cnn.com/2023/02/10/africa/gao-market/index.html"
    analysis = analyse(url, {"Content-Type": "text/html"}, page, source="cnn")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == ["Traders at dawn.", "Prices held all week."]
    inline = [(link.url, link.headline) for link in analysis.links if link.kind == "inline"]
    assert ("https://www.cnn.com/2023/02/09/africa/x/index.html", "Another story") in inline


CNN_FIXTURES = sorted((Path(__file__).parent / "data" / "pages").glob("cnn_*/*.html"))


@pytest.mark.parametrize("html_path", CNN_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_page_matches_one_dated_template_only(html_path: Path) -> None:
    """The dated templates' markers exclude each other: their declared order only decides
    how much a page pays to be matched, never which template reads it."""
    from crawler.pages import parse_html
    from crawler.pages.base import PageContext
    from crawler.pages.encoding import utf8_html
    from crawler.pages.registry import templates_of

    expected = json.loads(html_path.with_suffix(".json").read_text("utf-8"))
    doc = parse_html(utf8_html(html_path.read_bytes(), "text/html")[0])
    ctx = PageContext(url=expected["url"], doc=doc, source="cnn", encoding="utf-8")
    dated = templates_of("cnn")[1:-1]  # after iReport (told by its host), before the fallback
    matching = [template.NAME for template in dated if template.matches(ctx)]
    assert matching == [expected["metadata"]["extractor"]]
    assert matching == [html_path.parent.name.replace("_", "/")]


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("The finance minister told CNN \u2014 the levy will rise in June.", None),
        ("Officials told CNN \u2013 talks would resume.", None),
        ("Rio de Janeiro CNN \u2014 Rain closed the port.", "Rio de Janeiro"),
        ("Port-au-Prince, Haiti (CNN) -- Schools reopened.", "Port-au-Prince, Haiti"),
        ("Dar es Salaam, Tanzania (CNN) -- The ferry sailed.", "Dar es Salaam, Tanzania"),
        ("Sarajevo, Bosnia and Herzegovina (CNN) -- A bridge opened.",
         "Sarajevo, Bosnia and Herzegovina"),
        ("\u062f\u0645\u0634\u0642 (CNN) -- \u0646\u0635", "\u062f\u0645\u0634\u0642"),
        # Arabic names' articles, joined by a hyphen and in lower case.
        ("Deir al-Balah, Gaza (CNN) -- Tents went up.", "Deir al-Balah, Gaza"),
        ("Sharm el-Sheikh, Egypt CNN \u2014 Talks opened.", "Sharm el-Sheikh, Egypt"),
        ("Deir ez-Zor, Syria (CNN) -- The river rose.", "Deir ez-Zor, Syria"),
        ("Cortina d'Ampezzo, Italy (CNN) -- Snow fell.", "Cortina d'Ampezzo, Italy"),
        ("Reggio di Calabria, Italy (CNN) -- Ferries ran.", "Reggio di Calabria, Italy"),
        ("Bergen op Zoom, Netherlands (CNN) -- Dykes held.", "Bergen op Zoom, Netherlands"),
        ("Alphen aan den Rijn CNN \u2014 A bridge opened.", "Alphen aan den Rijn"),
    ],
)  # fmt: skip
def test_a_dateline_names_a_place_not_the_start_of_a_sentence(
    opening: str, place: str | None
) -> None:
    """ "The finance minister told CNN — ..." gave the dateline "The finance minister
    told": a place is words each capitalised, but for the particles of place names."""
    from crawler.pages.lines import dateline_of as generic_dateline
    from crawler.pages.templates.cnn_common import dateline_of

    assert dateline_of(opening) == place
    assert generic_dateline(opening) == place


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("London (CNN Sport) -- The final was delayed.", "London"),
        ("Caracas (CNN Español) -- Prices rose again.", "Caracas"),
        ("Caracas (CNN en Español) -- Prices rose again.", "Caracas"),
        ("(CNN Travel) -- The old bridge reopened.", None),
        ("Officials (CNN affiliate WXYZ reported) said the road was closed.", None),
    ],
)
def test_an_opening_sourced_to_another_cnn_service_names_its_place(
    opening: str, place: str | None
) -> None:
    from crawler.pages.templates.cnn_common import dateline_of

    assert dateline_of(opening) == place


@pytest.mark.parametrize(
    "opening",
    [
        "The CNN Heroes-nominated miller opened a rice mill.",
        "The CNN-backed school opened in Gao.",
    ],
)
def test_a_hyphen_joining_a_word_to_cnn_is_no_source_lines_dash(opening: str) -> None:
    """A word joined to CNN or its desk by a hyphen is no "Gao CNN Sport —" opening;
    before, the dateline was "The"."""
    from crawler.pages.lines import dateline_of as generic_dateline
    from crawler.pages.templates.cnn_common import dateline_of

    assert dateline_of(opening) is None
    assert generic_dateline(opening) is None


@pytest.mark.parametrize("service", ["CNN Sport", "CNN Español"])
def test_the_2021_dateline_is_the_source_lines_location(service: str) -> None:
    """The 2021 source line holds the place in a span of its own, whatever CNN service the
    next span names."""
    marker = 'data-editable="delay">CNN</span>'
    expected, analysis = _fixture_changed(
        "cnn_2021/empty_related_card_videos", marker, marker.replace(">CNN<", f">{service}<")
    )
    assert analysis.article is not None
    assert analysis.article["dateline"] == expected["dateline"] == "New Tominian"


def _fixture_changed(name: str, marker: str, replacement: str) -> tuple[dict, Any]:
    """A fixture's expected item, and the analysis of its page with `marker` (which it
    holds) replaced, once."""
    return _fixture_with(name, [(marker, replacement)], once=False)


def _fixture_with(
    name: str, changes: list[tuple[str, str]], *, once: bool = True
) -> tuple[dict, Any]:
    """A fixture's expected item, and the analysis of its page with each marker replaced
    (the first time it occurs; with `once`, the page holds it once)."""
    path = Path(__file__).parent / "data" / "pages" / f"{name}.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for marker, replacement in changes:
        assert page.count(marker) == 1 if once else marker in page
        page = page.replace(marker, replacement, 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    return expected, analysis


@pytest.mark.parametrize("suffix", [" - CNNPolitics.com", " - CNNPolitics", " - CNNArabic.com"])
def test_a_headline_read_from_the_title_loses_the_outlets_suffix(suffix: str) -> None:
    """A page whose headline element is empty is titled by its og:title, which CNN's sites
    end with their names: " - CNNPolitics.com" (2015), " - CNNPolitics" (2019) and
    " - CNNArabic.com" (2013) were kept in the headline."""
    path = Path(__file__).parent / "data" / "pages" / "cnn_2015/bare_place_cite_link_lines.html"
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    page = path.read_text(encoding="utf-8")
    for old, new in [
        ('<h1 class="pg-headline">Sylla Bla power week at Ballo Bandiagara</h1>', "<h1> </h1>"),
        (" - CNNPolitics.com", suffix),
    ]:
        assert old in page
        page = page.replace(old, new)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["headline"] == "Bla power week at Bandiagara"


@pytest.mark.parametrize("brand", ["CNNMoney", "CNNTech", "CNN Tech", "CNN Business"])
def test_a_cnnmoney_source_line_of_any_brand_names_its_place(brand: str) -> None:
    """money.cnn.com signed stories "CNNTech (San Francisco)" too: only "CNNMoney (...)"
    gave the dateline."""
    expected, analysis = _fixture_changed(
        "cnn_money/first_published_widget",
        "> CNNMoney (New Tominian) <",
        f"> {brand} (New Tominian) <",
    )
    assert analysis.article is not None
    assert analysis.article["dateline"] == expected["dateline"] == "New Tominian"


_MONEY_LINK = "http://money.cnn.com/2015/10/01/news/world/dao-ferry-fares/"


@pytest.mark.parametrize(
    "line",
    [
        # "Read More: ..." lines leave the body as read lines do; their links were nowhere.
        *(f'<p> {label} <a href="{_MONEY_LINK}">Dao ferry fares rise again</a> </p> '
          for label in ("Read More:", "READ MORE:", "READ:")),
        # The label inside the link ("<a>Read More: Headline</a>") is no part of it; it was.
        *(f'<p><a href="{_MONEY_LINK}">{label} Dao ferry fares rise again</a></p> '
          for label in ("Related:", "Read More:", "READ:")),
    ],
)  # fmt: skip
def test_a_cnnmoney_read_line_lists_its_link_without_its_label(line: str) -> None:
    """A CNNMoney read line's link is an inline related link, as "Related: ..." lines'
    are, its headline without the line's label, wherever the label is printed."""
    marker = '<div id="storyFooter"></div>'
    expected, analysis = _fixture_changed(
        "cnn_money/footer_stamp_related_lines", marker, line + marker
    )
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]
    wanted = {"url": _MONEY_LINK, "headline": "Dao ferry fares rise again", "kind": "inline"}
    assert analysis.article["relatedLinks"] == [*expected["relatedLinks"], wanted]


_TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en">Heavy rain in Mopti tonight, the river is'
    ' rising <a href="https://t.co/x">pic.twitter.com/x</a></p>&mdash; A Reader (@reader)'
    ' <a href="https://twitter.com/reader/status/1">May 3, 2013</a></blockquote>'
    '<script async src="//platform.twitter.com/widgets.js"></script>'
)


def test_an_embedded_post_is_no_paragraph_of_the_2013_story() -> None:
    folder = Path(__file__).parent / "data" / "pages" / "cnn_2013"
    page = (folder / "gallery_two_authors_no_place.html").read_text(encoding="utf-8")
    expected = json.loads(
        (folder / "gallery_two_authors_no_place.json").read_text(encoding="utf-8")
    )
    at = page.index('<p class="cnn_storypgraphtxt cnn_storypgraph2">')
    page = page[:at] + _TWEET + page[at:]
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize("tag", ["div", "span"])
def test_a_drop_cap_reads_as_the_first_letter_of_its_word(tag: str) -> None:
    """A story's first letter in an element of its own (a drop cap) joined the word's rest:
    a ``<div>`` one was read as a block apart, "S amake of coin ..."."""
    marker = "Samake of coin near the plot chicken"
    expected, analysis = _fixture_changed(
        "cnn_2015/div_paragraphs_embeds_service_notes",
        f">{marker}",
        f'><{tag} class="zz-dropcap">S</{tag}>{marker[1:]}',
    )
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize(
    "opening",
    [
        "By Awa Diarra (CNN International) -- The ferry sailed.",
        "By Awa Diarra and Seydou Kone (CNN) -- The ferry sailed.",
        "BY AWA DIARRA (CNN) -- The ferry sailed.",
        "From Awa Diarra (CNN) -- The ferry sailed.",
    ],
)
def test_an_opening_signed_by_its_writer_names_no_place(opening: str) -> None:
    """ "By A (CNN International) --": the writer was taken for the place, "By A"."""
    from crawler.pages.lines import dateline_of as generic_dateline
    from crawler.pages.templates.cnn_common import dateline_of

    assert dateline_of(opening) is None
    assert generic_dateline(opening) is None


@pytest.mark.parametrize("signed", ["By Ed Tiemoko", "Ed Tiemoko"])
def test_the_author_before_the_outlet_in_the_opening_is_no_dateline(signed: str) -> None:
    """A 2013 story opening "Ed Tiemoko (CNN International) --", its byline naming him:
    his name was the dateline."""
    expected, analysis = _fixture_changed(
        "cnn_2013/script_stamp_banner_topic",
        "<p><b>Washington (CNN)</b> --",
        f"<p><b>{signed} (CNN International)</b> --",
    )
    assert analysis.article is not None
    assert expected["authors"][0]["name"] == "Ed Tiemoko"
    assert analysis.article["authors"] == expected["authors"]
    assert analysis.article["dateline"] is None
    assert analysis.article["paragraphs"][0].startswith(f"{signed} (CNN International) -- ")


_SIGNED_2013 = "cnn_2013/script_stamp_banner_topic"
_BYLINE_2013 = '<div class="cnnByline">By  <b>Ed Tiemoko</b>, CNN</div>'


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("Ed Tiemoko (CNN International)", None),
        ("Ed Tiemoko (CNN)", None),
        ("Washington (CNN)", "Washington"),
    ],
)
def test_a_person_the_page_names_before_the_outlet_is_no_dateline(
    opening: str, dateline: str | None
) -> None:
    """A 2013 story opening "Ed Tiemoko (CNN International) --" under no visible byline,
    its author meta naming him: his name was the dateline (only a byline naming him said
    it was no place)."""
    path = Path(__file__).parent / "data" / "pages" / f"{_SIGNED_2013}.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert _BYLINE_2013 in page
    page = page.replace(_BYLINE_2013, "", 1)
    page = page.replace("<p><b>Washington (CNN)</b> --", f"<p><b>{opening}</b> --", 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["authors"] == []
    assert analysis.article["dateline"] == dateline
    assert analysis.article["paragraphs"][0].startswith(f"{opening} -- ")


def test_an_author_meta_read_as_latin_1_names_the_writer_signing_the_opening() -> None:
    """A 2010 page declared ISO-8859-1 whose author meta holds a UTF-8 no-break space
    ("ByÂ\\xa0 A, CNN"), its opening "A (CNN International) --" under no visible byline:
    the meta named "ByÂ A", so A's name was the dateline."""
    path = Path(__file__).parent / "data" / "pages" / f"{_SIGNED_2013}.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    meta = '<meta name="AUTHOR" content="By  Ed Tiemoko, CNN">'
    assert _BYLINE_2013 in page and meta in page and "charset=iso-8859-1" in page
    page = page.replace(_BYLINE_2013, "", 1).replace(meta, meta.replace("By ", "By\u00a0"), 1)
    opening = "Ed Tiemoko (CNN International)"
    page = page.replace("<p><b>Washington (CNN)</b> --", f"<p><b>{opening}</b> --", 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["dateline"] is None
    assert analysis.article["paragraphs"][0].startswith(f"{opening} -- ")


@pytest.mark.parametrize(
    ("url", "headline"),
    [
        # Another page's address, a headline not the page's.
        (
            "https://www.cnn.com/2016/12/20/africa/kayes-bridge-reopens/index.html",
            "Kayes bridge reopens after the floods",
        ),
        # A story of its series: its shorter headline within the page's ("Guindo on Gao
        # and Timbuktu" over "Guindo on Gao and Timbuktu: ...").
        (
            "https://www.cnn.com/2016/12/11/politics/guindo-gao-timbuktu/index.html",
            "Guindo on Gao and Timbuktu",
        ),
    ],
    ids=["another-story", "titled-within"],
)
def test_another_storys_jsonld_before_the_pages_own_gives_none_of_its_fields(
    url: str, headline: str
) -> None:
    """A 2021 page stating a related story's NewsArticle before its own, which names the
    page: the first was taken, its date, its author and its people, as the page's."""
    other = {
        "@type": "NewsArticle",
        "url": url,
        "headline": headline,
        "datePublished": "2016-12-20T08:00:00Z",
        "dateModified": "2016-12-20T09:00:00Z",
        "author": [{"@type": "Person", "name": "Tenin Coulibaly"}],
    }
    script = '<script type="application/ld+json">{"@type": "NewsArticle", "@context"'
    expected, analysis = _fixture_changed(
        "cnn_2021/older_story_video_lede",
        script,
        '<script type="application/ld+json">' + json.dumps(other) + "</script>" + script,
    )
    assert analysis.article is not None
    for field in ("headline", "datePublished", "dateModified", "authors", "dateline"):
        assert analysis.article[field] == expected[field], field


@pytest.mark.parametrize("place", ["Timbuktu", "New Tominian"])
def test_a_place_after_the_bylines_people_is_no_author(place: str) -> None:
    """A 2021 byline "By A, Timbuktu" over an opening filed from Washington: the place was
    an author (only a place the dateline names was dropped). A place of two words reads
    as a name; the page's JSON-LD, naming A alone, says it is none."""
    expected, analysis = _fixture_changed(
        "cnn_2021/older_story_video_lede",
        '<span class="byline__name">Sidibe Koniba</span></a>, CNN',
        f'<span class="byline__name">Sidibe Koniba</span></a>, {place}',
    )
    assert analysis.article is not None
    assert [author["name"] for author in analysis.article["authors"]] == ["Sidibe Koniba"]
    assert analysis.article["dateline"] == expected["dateline"] == "Washington"


@pytest.mark.parametrize("second", ["Oumar Toure", "Awa"])
def test_a_second_person_after_a_comma_the_jsonld_names_is_an_author(second: str) -> None:
    """ "By A, B" where the page's JSON-LD names both: B is a person, one word or two."""
    person = '{"@type": "Person", "name": "Sidibe Koniba", "url": "https://www.cnn.com/profiles/note-song"}'
    both = f'{person}, {{"@type": "Person", "name": "{second}"}}'
    path = Path(__file__).parent / "data" / "pages" / "cnn_2021" / "older_story_video_lede.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    byline = '<span class="byline__name">Sidibe Koniba</span></a>, CNN'
    assert byline in page and f'"author": [{person}]' in page
    page = page.replace(byline, byline.replace(", CNN", f", {second}, CNN"), 1)
    page = page.replace(f'"author": [{person}]', f'"author": [{both}]', 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    names = [author["name"] for author in analysis.article["authors"]]
    assert names == ["Sidibe Koniba", second]


@pytest.mark.parametrize("updated_first", [False, True])
def test_a_stamp_printing_both_times_gives_each_its_own(updated_first: bool) -> None:
    """A 2021 stamp "Published ... | Updated ..." on a page stating no time elsewhere: the
    whole stamp was the publication time, read as the first clock after its first date,
    the update's."""
    published = "Published 10:43 AM EST, Sun December 18, 2016"
    updated = "Updated 10:53 AM EST, Sun December 18, 2016"
    stamps = f"{updated} | {published}" if updated_first else f"{published} | {updated}"
    path = Path(__file__).parent / "data" / "pages" / "cnn_2021" / "older_story_video_lede.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for meta in ("published_time", "modified_time"):
        page = re.sub(f'<meta property="article:{meta}"[^>]*>', "", page)
    page = re.sub(r'"date(?:Published|Modified)": "[^"]*"', '"x": ""', page)
    stamp = "Updated\n        10:53 AM EST, Sun December 18, 2016"
    assert stamp in page
    page = page.replace(stamp, stamps, 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["metadata"]["extractor"] == "cnn/2021"
    assert analysis.article["datePublished"] == "2016-12-18T15:43:00Z"
    assert analysis.article["datePublishedRaw"] == published
    assert analysis.article["dateModified"] == "2016-12-18T15:53:00Z"
    assert analysis.article["dateModifiedRaw"] == updated


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("San Juan, Puerto Rico", "2016-12-18T14:53:00Z"),  # Atlantic Standard Time
        ("Washington", None),  # no place of either zone: no instant, the stamp kept
    ],
)
def test_a_stamp_in_a_zone_of_several_zones_is_read_by_the_dateline(
    place: str, expected: str | None
) -> None:
    """A 2021 stamp in "AST" (Atlantic or Arabia Standard Time) on a page stating no time
    elsewhere: the dateline says which; before, the page had no dates at all."""
    path = Path(__file__).parent / "data" / "pages" / "cnn_2021" / "older_story_video_lede.html"
    page = path.read_text(encoding="utf-8")
    expected_item = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for meta in ("published_time", "modified_time"):
        page = re.sub(f'<meta property="article:{meta}"[^>]*>', "", page)
    page = re.sub(r'"date(?:Published|Modified)": "[^"]*"', '"x": ""', page)
    stamp = "Updated\n        10:53 AM EST, Sun December 18, 2016"
    assert stamp in page
    page = page.replace(stamp, "Updated 10:53 AM AST, Sun December 18, 2016", 1)
    location = '<span class="source__location" data-editable="stove">Washington</span>'
    assert location in page
    page = page.replace(location, location.replace("Washington", place), 1)
    url = expected_item["url"]
    analysis = analyse(url, {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["metadata"]["extractor"] == "cnn/2021"
    assert analysis.article["dateline"] == place
    assert analysis.article["dateModified"] == expected
    assert analysis.article["dateModifiedRaw"] == "Updated 10:53 AM AST, Sun December 18, 2016"


_CARD_2013 = (
    '<div><a href="/video/pot/2.0/video/slow/2014/04/24/clinic-night-port-trip.cnn.html'
    '?camel=coin_river">10 loan to hall queue smoke</a></div>'
)


def _coverage_box_2013(page: str) -> str:
    """The "Part of complete coverage" box of the 2013 gallery fixture, as markup."""
    from lxml import html

    box = html.fromstring(page).find_class("cnn_strycrcntr")[0]
    box.tail = None
    return html.tostring(box, encoding="unicode")


def test_a_coverage_box_printed_twice_lists_each_card_once() -> None:
    """The 2013 template printed its "Part of complete coverage" box above and below the
    story on some pages: each card was listed twice."""
    path = (
        Path(__file__).parent / "data" / "pages" / "cnn_2013" / "gallery_two_authors_no_place.html"
    )
    page = path.read_text(encoding="utf-8")
    marker = '<div class="cnn_divline cnn_divlscrc"></div>'
    expected, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place", marker, _coverage_box_2013(page) + marker
    )
    assert analysis.article is not None
    assert analysis.article["relatedLinks"] == expected["relatedLinks"]


@pytest.mark.parametrize(
    "href",
    [
        "/2013/11/27/dam/slow-rice/index.html?iid=article_sidebar",
        "http://edition.cnn.com/2013/11/27/dam/slow-rice/index.html#comments",
    ],
)
def test_a_card_linking_to_the_page_itself_is_no_related_link(href: str) -> None:
    """A coverage box listing the story it sits on (it is part of that coverage) gave the
    page as its own related link."""
    self_card = _CARD_2013.replace(
        "/video/pot/2.0/video/slow/2014/04/24/clinic-night-port-trip.cnn.html?camel=coin_river",
        href,
    )
    expected, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place", _CARD_2013, self_card
    )
    assert analysis.article is not None
    wanted = [link for link in expected["relatedLinks"] if "clinic-night-port" not in link["url"]]
    assert analysis.article["relatedLinks"] == wanted


@pytest.mark.parametrize("label", ["READ:", "READ MORE:", "Read more:", "RELATED:"])
def test_a_read_label_inside_the_link_is_not_its_headline(label: str) -> None:
    """A "READ: ..." line whose link holds the label too ("<a>READ: Headline</a>") gave the
    headline "READ: Headline"; the label is the line's, not the story's."""
    line = (
        '<a href="http://www.cnn.com/2013/11/26/dam/rice-dam-slow/index.html" target="_blank">'
        "Ansongo get wind by season Alou slow: Adama truck</a>"
    )
    labelled = line.replace('target="_blank">', f'target="_blank">{label} ')
    expected, analysis = _fixture_changed("cnn_2013/gallery_two_authors_no_place", line, labelled)
    assert analysis.article is not None
    assert analysis.article["paragraphs"] == expected["paragraphs"]
    assert analysis.article["relatedLinks"] == expected["relatedLinks"]


_PHOTO_2013 = "http://i2.cdn.turner.com/cnn/dam/assets/131129200805-01-slow-1128-yard-gallery.jpg"
_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize(
    "img",
    [
        f'<img src="{_PLACEHOLDER}" data-src="{_PHOTO_2013}"',
        f'<img src="http://i.cdn.turner.com/cnn/.element/img/3.0/1px.gif" data-src="{_PHOTO_2013}"',
        f'<img data-original="{_PHOTO_2013}"',
        f'<img srcset="{_PHOTO_2013}?w=480 480w, {_PHOTO_2013} 1280w"',
        f'<img src="{_PLACEHOLDER}"><noscript><img src="{_PHOTO_2013}"></noscript><img hidden',
        # A spacer GIF in src, the photo's address only in data-srcset.
        f'<img src="http://i.cdn.turner.com/cnn/.element/img/3.0/spacer.gif"'
        f' data-srcset="{_PHOTO_2013} 1200w, {_PHOTO_2013}?w=300 300w"',
        f'<img src="/img/pixel.gif" data-srcset="{_PHOTO_2013}"',
    ],
)
def test_a_lazy_loaded_photo_gives_its_own_address(img: str) -> None:
    """A photo whose ``<img>`` waits for a script (its address in ``data-src`` or
    ``srcset``, a placeholder or nothing in ``src``, a copy in ``<noscript>``) was left out
    or listed as the placeholder."""
    expected, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place", f'<img src="{_PHOTO_2013}"', img
    )
    assert analysis.article is not None
    assert analysis.article["images"] == expected["images"]


def test_a_photo_printed_twice_is_listed_once() -> None:
    """A 2013 story printing one photo twice (a gallery slide repeated, the lede photo again
    in the gallery) listed it twice; the 2015 and 2021 templates list it once."""
    path = (
        Path(__file__).parent / "data" / "pages" / "cnn_2013" / "gallery_two_authors_no_place.html"
    )
    page = path.read_text(encoding="utf-8")
    start = page.index('<div class="cnnArticleGalleryPhotoContainer">')
    end = page.index('<div class="cnnArticleGalleryPhotoContainer">', start + 1)
    slide = page[start:end]
    expected, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place", slide, slide + slide.replace("001", "099")
    )
    assert analysis.article is not None
    assert analysis.article["images"] == expected["images"]


@pytest.mark.parametrize("lang", [" ", "\u00a0", "{{ locale }}"])
def test_a_blank_or_unreadable_lang_gives_way_to_the_language_meta(lang: str) -> None:
    """``<html lang=" ">`` states no language, as no ``lang`` does: the page's
    ``content-language`` meta tells it. Before, the blank attribute hid the meta, and the
    item had no inLanguage."""
    marker = '<html xmlns="http://www.w3.coin/1999/closed">'
    expected, analysis = _fixture_changed(
        "cnn_money/footer_stamp_related_lines",
        marker,
        f'<html lang="{lang}"><meta http-equiv="Content-Language" content="en-US">',
    )
    assert expected["inLanguage"] is None
    assert analysis.article is not None
    assert analysis.article["inLanguage"] == "en"


@pytest.mark.parametrize(
    ("attribute", "language"), [('xml:lang="en"', "en"), ('xml:lang="es-MX"', "es")]
)
def test_an_xhtml_page_states_its_language_in_xml_lang(attribute: str, language: str) -> None:
    """An XHTML page (CNNMoney's) stating its language only in ``xml:lang``, XHTML's form
    of ``lang``, gave no inLanguage."""
    marker = '<html xmlns="http://www.w3.coin/1999/closed">'
    expected, analysis = _fixture_changed(
        "cnn_money/footer_stamp_related_lines", marker, marker.replace(">", f" {attribute}>")
    )
    assert expected["inLanguage"] is None
    assert analysis.article is not None
    assert analysis.article["inLanguage"] == language


@pytest.mark.parametrize(
    "stamps",
    [
        "Published 10:43 AM EST, Sun December 18, 2016 | Updated 2 hours ago",
        "Updated 2 hours ago | Published 10:43 AM EST, Sun December 18, 2016",
    ],
)
def test_a_stamp_whose_update_part_is_no_date_gives_no_update_time(stamps: str) -> None:
    """ "Updated 2 hours ago" beside the publication time: the whole stamp was read as the
    update time too, so dateModified was the publication time (or, in the other order, no
    datePublished at all)."""
    path = Path(__file__).parent / "data" / "pages" / "cnn_2021" / "older_story_video_lede.html"
    page = path.read_text(encoding="utf-8")
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    for meta in ("published_time", "modified_time"):
        page = re.sub(f'<meta property="article:{meta}"[^>]*>', "", page)
    page = re.sub(r'"date(?:Published|Modified)": "[^"]*"', '"x": ""', page)
    page = page.replace("Updated\n        10:53 AM EST, Sun December 18, 2016", stamps, 1)
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.encode(), source="cnn")
    assert analysis.article is not None
    assert analysis.article["datePublished"] == "2016-12-18T15:43:00Z"
    assert analysis.article["dateModified"] is None


@pytest.mark.parametrize(
    ("name", "marker", "replacement", "headline"),
    [
        (
            "cnn_2013/gallery_two_authors_no_place",
            ">10 loan to hall queue smoke<",
            "><span>Video</span>10 loan to hall queue smoke<",
            "10 loan to hall queue smoke",
        ),
        (
            "cnn_2015/div_paragraphs_embeds_service_notes",
            ">Mopti square 'year' near crate plot queue her price elder white </a>",
            ">Mopti square 'year' near crate plot queue her price elder white"
            " <span>Gallery</span></a>",
            "Mopti square 'year' near crate plot queue her price elder white",
        ),
    ],
)
def test_a_media_label_inside_a_related_cards_link_is_not_its_headline(
    name: str, marker: str, replacement: str, headline: str
) -> None:
    """A related card's link printing "Video" or "Gallery" in an unclassed ``<span>`` beside
    the headline gave it glued to the headline ("Video10 loan ...")."""
    expected, analysis = _fixture_changed(name, marker, replacement)
    assert analysis.article is not None
    headlines = [link["headline"] for link in analysis.article["relatedLinks"]]
    assert headline in headlines
    assert headlines == [link["headline"] for link in expected["relatedLinks"]]


def test_a_media_label_printed_as_loose_text_in_a_related_cards_link_is_dropped() -> None:
    """A 2015 related card's link "Video <span>headline</span>": the loose label stayed
    glued to the headline ("Video Mopti square ...")."""
    headline = "Mopti square 'year' near crate plot queue her price elder white"
    expected, analysis = _fixture_changed(
        "cnn_2015/div_paragraphs_embeds_service_notes",
        f">{headline} </a>",
        f">Video <span>{headline}</span></a>",
    )
    assert analysis.article is not None
    headlines = [link["headline"] for link in analysis.article["relatedLinks"]]
    assert headline in headlines
    assert headlines == [link["headline"] for link in expected["relatedLinks"]]


def test_a_word_opening_a_related_cards_headline_in_bold_is_kept() -> None:
    """A related card's link "<b>Live</b> Tominian hall ...": a name in bold running into
    the headline's text was dropped as a media label ("Tominian hall ...")."""
    _, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place",
        ">10 loan to hall queue smoke<",
        "><b>Live</b> Tominian hall queue smoke<",
    )
    assert analysis.article is not None
    headlines = [link["headline"] for link in analysis.article["relatedLinks"]]
    assert "Live Tominian hall queue smoke" in headlines


def test_a_photo_printed_twice_keeps_the_caption_of_either_print() -> None:
    """A 2013 story printing one photo twice, the first time without its caption (a lede
    photo, then its gallery slide with the caption): listed once, where it is first
    printed, with the caption. Before, the caption-less print was kept and the caption
    lost."""
    path = (
        Path(__file__).parent / "data" / "pages" / "cnn_2013" / "gallery_two_authors_no_place.html"
    )
    page = path.read_text(encoding="utf-8")
    start = page.index('<div class="cnnArticleGalleryPhotoContainer">')
    end = page.index('<div class="cnnArticleGalleryPhotoContainer">', start + 1)
    slide = page[start:end]
    bare = re.sub(r"(<cite[^>]*>)[^<]*(</cite>)", r"\1\2", slide)
    assert bare != slide
    expected, analysis = _fixture_changed(
        "cnn_2013/gallery_two_authors_no_place", slide, bare + slide
    )
    assert analysis.article is not None
    assert analysis.article["images"] == expected["images"]
    assert expected["images"][0]["caption"]


@pytest.mark.parametrize(("language", "by"), [("es", "Por"), ("pt", "Por:"), ("en", "By")])
def test_a_byline_of_a_page_in_spanish_or_portuguese_reads_por_as_by(
    language: str, by: str
) -> None:
    """CNN's Spanish and Portuguese pages sign "Por A": read as "By A" where the page says
    it is in that language; before, the author was "Por A"."""
    _, analysis = _fixture_with(
        "cnn_2021/analysis_related_card_subheads",
        [('<html lang="en"', f'<html lang="{language}"'), ("Analysis by <a", f"{by} <a")],
    )
    item = analysis.article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Tembely Diarra"]


@pytest.mark.parametrize("service", ["CNN", "CNN Sport", "CNN en Español", "CNN Business"])
def test_a_2021_source_line_without_its_location_span_names_the_place(service: str) -> None:
    """A source line whose place is no ``source__location`` span is read from the opening
    as printed ("New Tominian CNN Sport — ..."): before, only "CNN" and "CNN Business"
    were known there, and the dateline was lost."""
    marker = '<span class="source__location" data-editable="stove">New Tominian</span>'
    outlet = 'data-editable="delay">CNN</span>'
    _, analysis = _fixture_with(
        "cnn_2021/empty_related_card_videos",
        [(marker, "<span>New Tominian</span>"), (outlet, outlet.replace("CNN", service))],
    )
    item = analysis.article
    assert item is not None
    assert item["paragraphs"][0].startswith(f"New Tominian {service} — ")
    assert item["dateline"] == "New Tominian"


@pytest.mark.parametrize(
    ("href", "url"),
    [
        (
            "http://www.cnn.com/video/#/video/world/2013/01/15/mali-troops-gao.cnn",
            "http://www.cnn.com/video/?/video/world/2013/01/15/mali-troops-gao.cnn",
        ),
        (
            "/video/#/video/bestoftv/2011/04/06/segou-rice.cnn",
            "http://www.cnn.com/video/?/video/bestoftv/2011/04/06/segou-rice.cnn",
        ),
        (
            "http://edition.cnn.com/video/?/video/world/2013/01/15/mali-troops-gao.cnn",
            "http://edition.cnn.com/video/?/video/world/2013/01/15/mali-troops-gao.cnn",
        ),
        # Any other fragment is an anchor in the page: it goes.
        (
            "http://www.cnn.com/2013/01/15/world/index.html#em2",
            "http://www.cnn.com/2013/01/15/world/index.html",
        ),
        ("http://www.cnn.com/video/#top", "http://www.cnn.com/video/"),
    ],
)
def test_a_cnn_video_named_in_the_fragment_keeps_its_name(href: str, url: str) -> None:
    """CNN's 2008-2014 player named the video in a route after "#" ("/video/#/video/..."),
    which its server read after "?" as well: the link keeps it in that form. Before, the
    fragment went and the link was "/video/", naming no video."""
    from crawler.pages.urls import resolve_link

    assert resolve_link(href, "http://www.cnn.com/2013/01/15/world/index.html") == url


_PAGES = Path(__file__).parent / "data" / "pages"
_STOVE_PLOT = "I think it’s a stove plot.” \n  </p>"


@pytest.mark.parametrize(
    ("language", "line", "names"),
    [
        (
            "es",
            "Awa Diarra y Seydou Kone contribuyeron a este reporte.",
            ["Awa Diarra", "Seydou Kone"],
        ),
        ("es", "Awa Diarra, de CNN, contribuyó con este reporte.", ["Awa Diarra"]),
        ("es", "Con información de Awa Diarra y de Seydou Kone.", ["Awa Diarra", "Seydou Kone"]),
        ("es", "Con información de Awa Diarra en Gao y de la agencia EFE.", ["Awa Diarra"]),
        (
            "pt",
            "Awa Diarra e Seydou Kone contribuíram para esta reportagem.",
            ["Awa Diarra", "Seydou Kone"],
        ),
        ("pt", "*Com informações de Awa Diarra, da CNN, em Gao, e da Reuters", ["Awa Diarra"]),
        ("pt", "Com informações de Awa Diarra e Seydou Kone.", ["Awa Diarra", "Seydou Kone"]),
    ],
)
def test_a_spanish_or_portuguese_contributor_line_credits_its_people(
    language: str, line: str, names: list[str]
) -> None:
    """CNN's Spanish and Portuguese services close a story with "A contribuyó a este
    reporte", "Con información de A", "Com informações de A": on a page in that language
    its people are contributors and the line leaves the body, as "A contributed to this
    report." does; before, the line was a paragraph and no one was credited."""
    name = "cnn_2021/older_story_video_lede"
    page = (_PAGES / f"{name}.html").read_text(encoding="utf-8")
    expected = json.loads((_PAGES / f"{name}.json").read_text(encoding="utf-8"))
    assert page.count(_STOVE_PLOT) == 1 and page.count('<html lang="en"') == 1
    at = page.rindex(_STOVE_PLOT) + len(_STOVE_PLOT)
    page = page[:at] + f'\n  <p class="paragraph inline-placeholder">{line}</p>' + page[at:]
    page = page.replace('<html lang="en"', f'<html lang="{language}"')
    html = {"Content-Type": "text/html"}
    item = analyse(expected["url"], html, page.encode("utf-8"), source="cnn").article
    assert item is not None
    assert item["credits"] == [{"name": name, "role": "contributor"} for name in names]
    assert item["paragraphs"] == expected["paragraphs"]


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("Aboard the USS Gao (CNN) -- The carrier turned north.", "Aboard the USS Gao"),
        ("Aboard the USS Gao CNN \u2014 The carrier turned north.", "Aboard the USS Gao"),
        ("Off the Niger Delta (CNN) -- The rig burned.", "Off the Niger Delta"),
        ("Near the Mali-Niger Border (CNN) -- Patrols met.", "Near the Mali-Niger Border"),
        # Past "the", words in lower case are a sentence's, as before.
        ("Aboard the ship (CNN) -- Sailors waited.", None),
        ("The finance minister told CNN \u2014 the levy will rise.", None),
        ("Near the end, officials told CNN \u2014 talks stalled.", None),
    ],
)
def test_a_dateline_aboard_or_near_the_named_place(opening: str, place: str | None) -> None:
    """ "Aboard the USS Gao (CNN) --": a place CNN files from, "the" after the preposition
    opening it; before, no dateline ("the" read as the start of a sentence)."""
    from crawler.pages.lines import dateline_of as generic_dateline
    from crawler.pages.templates.cnn_common import dateline_of

    assert dateline_of(opening) == place
    assert generic_dateline(opening) == place
