"""The generic reader on invented templates: what any news page states about itself.

The fixture pages under ``data/pages/generic/`` cover JSON-LD ``@graph``, arrays and
``mainEntity``, nested authors and OpenGraph pages without JSON-LD; these cases cover the
meta tags and ``<time>`` elements one at a time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.pages import analyse

HTML = {"Content-Type": "text/html"}
URL = "https://www.cnn.com/2032/04/01/africa/segou-rice-mill/index.html"
BODY = (
    "<p>Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.</p>"
    "<p>It can husk forty tonnes a day, its owners said.</p>"
)


def page(head: str, body: str = BODY, byline: str = "") -> bytes:
    return (
        f"<html><head>{head}<meta property='og:type' content='article'></head><body>"
        f"<div class='wrap'><h1>Segou gets a rice mill</h1>{byline}<article>{body}</article>"
        "</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("head", "byline", "names"),
    [
        ("<meta name='byl' content='By Awa Diarra'>", "", ["Awa Diarra"]),
        ("<meta name='parsely-author' content='Seydou Kone'>", "", ["Seydou Kone"]),
        ("<meta name='sailthru.author' content='Fanta Coulibaly'>", "", ["Fanta Coulibaly"]),
        ("<meta name='dc.creator' content='Modibo Doumbia'>", "", ["Modibo Doumbia"]),
        # The visible byline wins over meta, which may name an editor; its title goes.
        (
            "<meta name='author' content='Africa desk'>",
            "<p class='article-byline'>By Mariam Sangare, Chief Africa Correspondent</p>",
            ["Mariam Sangare"],
        ),
        (
            "",
            "<div class='ByLine'>By <span itemprop='author'>Oumar Toure</span> "
            "<time datetime='2032-04-01T10:00:00Z'>April 1</time></div>",
            ["Oumar Toure"],
        ),
    ],
)
def test_authors_from_the_byline_else_the_meta_tags(
    head: str, byline: str, names: list[str]
) -> None:
    item = analyse(URL, HTML, page(head, byline=byline), source="cnn").article
    assert item is not None
    assert [a["name"] for a in item["authors"]] == names
    assert item["dateline"] == "Segou, Mali"


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        (
            "<meta name='sailthru.date' content='2032-04-01 10:00:00'>",
            BODY,
            "2032-04-01T10:00:00Z",
        ),
        (
            "<meta name='parsely-pub-date' content='2032-04-01T06:00:00-04:00'>",
            BODY,
            "2032-04-01T10:00:00Z",
        ),
        ("<meta name='dc.date.issued' content='2032-04-01'>", BODY, "2032-04-01T00:00:00Z"),
        (
            "",
            "<time datetime='2032-04-01T11:30:00+01:00'>1 April</time>" + BODY,
            "2032-04-01T10:30:00Z",
        ),
    ],
)
def test_publication_time_from_meta_else_time_elements(
    head: str, body: str, published: str
) -> None:
    item = analyse(URL, HTML, page(head, body=body), source="cnn").article
    assert item is not None
    assert item["datePublished"] == published


def test_a_cnn_video_page_in_an_unknown_template_is_not_an_article() -> None:
    url = "https://www.cnn.com/videos/world/2032/04/01/segou-rice-mill.cnn"
    analysis = analyse(url, HTML, page(""), source="cnn")
    assert analysis.kind == "not_article"
    assert "video" in analysis.reason


@pytest.mark.parametrize(
    ("opening", "dateline", "joined"),
    [
        # A source line of its own before the first paragraph, as CNN has printed since 2022.
        (
            "<div class='source'><cite class='source__cite'><span>Segou, Mali</span>"
            " <span>CNN</span> — </cite></div>",
            "Segou, Mali",
            "Segou, Mali CNN —",
        ),
        ("<span class='story-dateline'>Segou (CNN) --</span>", "Segou", "Segou (CNN) --"),
        # A bare outlet names no place.
        ("<div class='source'><cite><span>CNN</span> — </cite></div>", None, "CNN —"),
    ],
)
def test_a_dateline_printed_apart_from_the_first_paragraph(
    opening: str, dateline: str | None, joined: str
) -> None:
    """The spec joins a source line printed apart to the first paragraph, as it reads."""
    body = (
        f"{opening}<p>A rice mill opened in Segou on Tuesday.</p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    item = analyse(URL, HTML, page("", body=body), source="cnn").article
    assert item is not None
    assert item["dateline"] == dateline
    assert item["paragraphs"][0] == f"{joined} A rice mill opened in Segou on Tuesday."


def test_json_ld_text_is_entity_decoded() -> None:
    """CMSs write JSON-LD strings HTML-escaped (``&#39;``, ``&amp;``): the item kept the
    entities, and an author ``O&#39;Brien`` became two people at its ``;``."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Millers &amp; growers agree a price",'
        ' "description": "Segou&#39;s mill sets a price &#8211; for now.",'
        ' "datePublished": "2032-04-01T09:00:00Z",'
        ' "author": {"@type": "Person", "name": "Aminata O&#39;Brien"},'
        ' "articleBody": "Segou, Mali (CNN) -- Millers &amp; growers met.\\nThey agreed."}'
    )
    script = f"<script type='application/ld+json'>{ld}</script>"
    body = f"<html><head>{script}</head><body></body></html>"
    analysis = analyse(URL, HTML, body.encode())
    item = analysis.article
    assert item is not None, analysis.reason
    assert item["headline"] == "Millers & growers agree a price"
    assert item["description"] == "Segou's mill sets a price \u2013 for now."
    assert [author["name"] for author in item["authors"]] == ["Aminata O'Brien"]
    assert item["paragraphs"][0] == "Segou, Mali (CNN) -- Millers & growers met."


@pytest.mark.parametrize(
    "kind", ["Organization", "NewsMediaOrganization", "Corporation", "GovernmentOrganization"]
)
def test_an_organisation_named_as_json_ld_author_is_no_person(kind: str) -> None:
    """Only the exact type ``Organization`` was left out: an agency typed by a subtype of
    it became a person in ``authors``."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Segou gets a rice mill", "datePublished": "2032-04-01T09:00:00Z",'
        f' "author": [{{"@type": "{kind}", "name": "Sahel Dispatch"}},'
        ' {"@type": "Person", "name": "Awa Diarra"}]}'
    )
    analysis = analyse(URL, HTML, page(f"<script type='application/ld+json'>{ld}</script>"))
    assert analysis.article is not None, analysis.reason
    assert [author["name"] for author in analysis.article["authors"]] == ["Awa Diarra"]


@pytest.mark.parametrize(
    "masthead",
    [
        "<header><h1 class='brand'><a href='/'>CNN</a></h1></header>",
        "<div class='section-name'><h1>Africa</h1></div>",
    ],
)
def test_a_masthead_or_section_heading_is_not_the_headline(masthead: str) -> None:
    """Any ``<h1>`` whose text lay inside og:title was taken, and og:title carries the
    outlet's name: a logo ``<h1>CNN</h1>`` before the story's own became the headline."""
    head = (
        "<meta property='og:title' content='Segou gets a rice mill in Africa | CNN'>"
        "<meta property='article:published_time' content='2032-04-01T09:00:00Z'>"
    )
    body = (
        f"<html><head>{head}<meta property='og:type' content='article'></head><body>"
        f"{masthead}<article><h1>Segou gets a rice mill in Africa</h1>{BODY}</article>"
        "</body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["headline"] == "Segou gets a rice mill in Africa"


STORY_WITH_BOILERPLATE = """<html><head>
<meta property='og:type' content='article'>
<meta property='article:published_time' content='2032-04-01T09:00:00Z'>
</head><body><article class='zz-story'>
<h1>Segou gets a rice mill</h1>
<p class='StoryByline_root'>By Awa Diarra and Seydou Kone, CNN</p>
<p class='zz-when'>April 1, 2032 9:00 AM UTC</p>
<cite class='zz-source'>Segou CNN \u2014</cite>
<p>A rice mill opened in Segou on Tuesday.</p>
<p><em>Editor's note: This story was updated with the mill's output.</em></p>
<p><strong>READ:</strong> <a href='/2032/03/30/africa/niger-river-rice/index.html'>Rice along
 the river</a></p>
<p class='zz-photo-caption'>Sacks wait at the mill door. Photo: Modibo Doumbia</p>
<p>It can husk forty tonnes a day, its owners said.</p>
<h2>Queues at dawn</h2>
<p>Farmers queued with their sacks before sunrise.</p>
<p><a href='/2032/03/01/africa/bakeries/index.html'>Bamako bakeries run short of flour</a></p>
<p>Our Standards: Our own principles of reporting.</p>
<h2>More from Africa</h2>
</article></body></html>"""


def test_the_generic_body_leaves_out_what_the_spec_excludes_and_keeps_sub_headings() -> None:
    """The generic reader kept bylines and stamps printed as paragraphs (and any byline
    class not in lower case), editorial notes, READ lines, captions classed on the
    paragraph itself, related headlines and the standards line; it dropped sub-headings
    and did not join a source line printed apart to the first paragraph."""
    analysis = analyse(URL, HTML, STORY_WITH_BOILERPLATE.encode())
    item = analysis.article
    assert item is not None, analysis.reason
    assert item["paragraphs"] == [
        "Segou CNN \u2014 A rice mill opened in Segou on Tuesday.",
        "It can husk forty tonnes a day, its owners said.",
        "Queues at dawn",
        "Farmers queued with their sacks before sunrise.",
    ]
    assert item["dateline"] == "Segou"
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra", "Seydou Kone"]


def test_a_card_whose_paragraph_sits_inside_a_link_is_no_body_text() -> None:
    """A related card printed as ``<a><p>headline</p></a>`` among the paragraphs."""
    body = (
        "<p>A rice mill opened in Segou on Tuesday.</p>"
        "<div class='zz-card'><a href='/2032/03/30/africa/river/index.html'>"
        "<p class='zz-card__title'>Rice along the river</p></a></div>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["paragraphs"] == [
        "A rice mill opened in Segou on Tuesday.",
        "It can husk forty tonnes a day, its owners said.",
    ]


def test_json_ld_article_body_wins_over_page_text_it_does_not_hold() -> None:
    """A page whose story is drawn by script: its only paragraphs were a consent banner,
    which became the body though the JSON-LD held the story's text."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Segou gets a rice mill", "datePublished": "2032-04-01T09:00:00Z",'
        ' "articleBody": "Segou, Mali (CNN) -- A rice mill opened on Tuesday.\\nIt can husk'
        " forty tonnes a day, its owners said, and sort as much again before the rains.\\n"
        "Farmers from four districts have asked for a turn, and the first came by cart at"
        ' dawn, their sacks piled high."}'
    )
    banner = (
        "<div class='consent'><p>We and the companies we work with use cookies to keep this"
        " site running, to measure its audience and to show you advertising; choose which"
        " ones you accept in Settings, where you can change your mind at any time.</p>"
        "<p>Accept all</p></div>"
    )
    body = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        f"<h1>Segou gets a rice mill</h1><div id='root'></div>{banner}</body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert item["paragraphs"] == [
        "Segou, Mali (CNN) -- A rice mill opened on Tuesday.",
        "It can husk forty tonnes a day, its owners said, and sort as much again before the rains.",
        "Farmers from four districts have asked for a turn, and the first came by cart at"
        " dawn, their sacks piled high.",
    ]


@pytest.mark.parametrize("first", ["short", "long"])
def test_paragraphs_each_in_a_wrapper_of_their_own(first: str) -> None:
    """``<div class="txt"><p>...</p></div>`` per paragraph: the container was the one
    wrapper holding the most text, so the page gave no item (under 200 characters) or
    only its longest paragraph."""
    opening = (
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday, the first of its kind."
        if first == "short"
        else "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday, the first in"
        " the region to husk and sort the grain of a whole season's harvest in one place."
        " Its owners say farmers from four districts have asked for a turn."
    )
    texts = [
        opening,
        "It can husk forty tonnes a day, its owners said, and sort as much again.",
        "Rice is the region's main crop, grown along the river and in its flood plains.",
    ]
    wrapped = "".join(
        f"<div class='txt'><p>{text}</p></div><div class='ad'></div>" for text in texts
    )
    body = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2032-04-01T09:00:00Z'></head>"
        f"<body><div class='layout'><h1>Segou gets a rice mill</h1>"
        f"<div class='body-wrap'>{wrapped}</div></div></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == texts


def test_a_byline_box_printing_its_stamp_without_a_class_still_names_its_people() -> None:
    """The whole box was refused as a byline once a date read out of it: no authors."""
    byline = "<div class='zz-by'>By Awa Diarra and Seydou Kone, CNN<br>Updated 9:02 AM EDT,"
    byline += " Sun May 2, 2032</div>"
    item = analyse(URL, HTML, page("", byline=byline.replace("zz-by", "byline"))).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra", "Seydou Kone"]


def test_a_visible_stamp_is_the_last_source_of_the_dates() -> None:
    """A page stating its time only in a printed stamp had no datePublished."""
    stamp = "<div class='zz-timestamp'>Published 6:15 AM EDT, Mon July 5, 2032</div>"
    body = f"<html><body><article><h1>Segou gets a rice mill</h1>{stamp}{BODY}</article>"
    item = analyse(URL, HTML, (body + "</body></html>").encode()).article
    assert item is not None
    assert item["datePublished"] == "2032-07-05T10:15:00Z"
    assert item["datePublishedRaw"] == "Published 6:15 AM EDT, Mon July 5, 2032"


@pytest.mark.parametrize(
    ("url", "opening", "expected"),
    [
        (URL, "SAN JUAN, Puerto Rico (CNN) -- ", "2032-07-05T10:15:00Z"),
        (URL, "RIYADH, Saudi Arabia (CNN) -- ", "2032-07-05T03:15:00Z"),
        (
            "https://arabic.cnn.com/middle-east/article/2032/07/05/segou-mill",
            "",
            "2032-07-05T03:15:00Z",
        ),
        (URL, "", None),  # no place says which: no instant, the printed stamp kept
    ],
)
def test_a_stamp_in_a_zone_of_several_zones_is_read_by_the_pages_place(
    url: str, opening: str, expected: str | None
) -> None:
    """ "AST" (Atlantic or Arabia Standard Time): the dateline or the page's edition says
    which; before, the stamp was no stamp, and the page had no date."""
    stamp = "Published 6:15 AM AST, Mon July 5, 2032"
    body = (
        f"<html><body><article><h1>Segou gets a rice mill</h1><div class='zz-timestamp'>"
        f"{stamp}</div><p>{opening}A rice mill opened on Tuesday.</p>"
        "<p>It can husk forty tonnes a day, its owners said.</p></article></body></html>"
    )
    item = analyse(url, HTML, body.encode()).article
    assert item is not None
    assert item["datePublished"] == expected
    assert item["datePublishedRaw"] == stamp


def test_time_elements_are_read_by_what_they_are_labelled() -> None:
    """ "Updated <time> · Published <time>": the first was taken as the publication time,
    so dateModified came before datePublished."""
    stamps = (
        "<div class='zz-stamps'>Updated <time datetime='2032-07-06T14:40:00Z'>2:40 PM UTC,"
        " July 6, 2032</time> \u00b7 Published <time datetime='2032-07-05T10:15:00Z'>10:15"
        " AM UTC, July 5, 2032</time></div>"
    )
    item = analyse(URL, HTML, page("", body=stamps + BODY)).article
    assert item is not None
    assert item["datePublished"] == "2032-07-05T10:15:00Z"
    assert item["dateModified"] == "2032-07-06T14:40:00Z"


PUBLISHED_STAMP = "Published 9:00 AM EST, Mon March 4, 2033"
UPDATED_STAMP = "Updated 11:30 AM EST, Mon March 4, 2033"


@pytest.mark.parametrize(
    "stamp",
    [
        f"{PUBLISHED_STAMP} | {UPDATED_STAMP}",
        f"{UPDATED_STAMP} | {PUBLISHED_STAMP}",
        f"{UPDATED_STAMP} {PUBLISHED_STAMP}",
        f"{PUBLISHED_STAMP} \u00b7 {UPDATED_STAMP}",
    ],
)
@pytest.mark.parametrize("element", ["div class='zz-timestamp'", "p"])
def test_a_stamp_printing_both_times_gives_each_its_own(stamp: str, element: str) -> None:
    """One line "Published ... | Updated ...": too long for a stamp, it gave no dates, and
    in the other order the whole line was the publication time and no dateModified."""
    tag = element.split()[0]
    body = f"<html><body><article><h1>Segou gets a rice mill</h1><{element}>{stamp}</{tag}>"
    item = analyse(URL, HTML, (body + BODY + "</article></body></html>").encode()).article
    assert item is not None
    assert item["datePublished"] == "2033-03-04T14:00:00Z"
    assert item["datePublishedRaw"] == PUBLISHED_STAMP
    assert item["dateModified"] == "2033-03-04T16:30:00Z"
    assert item["dateModifiedRaw"] == UPDATED_STAMP
    assert stamp not in item["paragraphs"]


@pytest.mark.parametrize(
    ("stamp", "published", "modified"),
    [
        ("Published March 4, 2033 | Updated 2 hours ago", "2033-03-04T00:00:00Z", None),
        ("Updated 2 hours ago | Published March 4, 2033", "2033-03-04T00:00:00Z", None),
        (f"Published 9:00 AM EST | {UPDATED_STAMP}", None, "2033-03-04T16:30:00Z"),
    ],
)
def test_a_stamp_printing_both_times_gives_no_time_from_the_other_part(
    stamp: str, published: str | None, modified: str | None
) -> None:
    """One line of both labels, one part no date of its own ("Updated 2 hours ago", a clock
    without its day): the line was taken whole as the time of its last label, so the
    publication date became dateModified (or the update time datePublished)."""
    body = f"<html><body><article><h1>Segou gets a rice mill</h1><p>{stamp}</p>"
    item = analyse(URL, HTML, (body + BODY + "</article></body></html>").encode()).article
    assert item is not None
    assert item["datePublished"] == published
    assert item["dateModified"] == modified
    assert stamp not in item["paragraphs"]


@pytest.mark.parametrize(
    "kind", ["application/ld+json; charset=utf-8", "Application/LD+JSON", " application/ld+json "]
)
def test_json_ld_is_read_whatever_the_spelling_of_its_type(kind: str) -> None:
    """Only the exact ``type="application/ld+json"`` was read."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Segou gets a rice mill", "datePublished": "2032-04-01T09:00:00Z",'
        ' "author": {"@type": "Person", "name": "Awa Diarra"}}'
    )
    item = analyse(URL, HTML, page(f"<script type='{kind}'>{ld}</script>")).article
    assert item is not None
    assert item["datePublished"] == "2032-04-01T09:00:00Z"
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra"]


def test_read_lines_and_link_promos_among_the_paragraphs_are_inline_related_links() -> None:
    """The generic reader left them out of the body but listed none as related links."""
    body = (
        "<p>A rice mill opened in Segou on Tuesday.</p>"
        "<p>READ: <a href='/2032/03/30/africa/river-rice/index.html'>Rice along the river</a></p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
        "<p><a href='https://www.cnn.com/2032/03/01/africa/bakeries/index.html'>Bamako"
        " bakeries run short of flour</a></p>"
        "<p><a href='https://www.facebook.com/cnn'>Tell us on Facebook</a></p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert [(link["url"], link["headline"], link["kind"]) for link in item["relatedLinks"]] == [
        ("https://www.cnn.com/2032/03/30/africa/river-rice/index.html", "Rice along the river",
         "inline"),
        ("https://www.cnn.com/2032/03/01/africa/bakeries/index.html",
         "Bamako bakeries run short of flour", "inline"),
    ]  # fmt: skip


def test_a_json_ld_author_given_by_reference_is_read_from_its_node() -> None:
    """An ``@graph`` naming its author by ``@id`` (Yoast-style) gave no authors."""
    ld = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Segou gets a rice mill",'
        ' "datePublished": "2032-04-01T09:00:00Z",'
        ' "author": [{"@id": "https://www.cnn.com/#/person/awa"}]},'
        '{"@type": "Person", "@id": "https://www.cnn.com/#/person/awa", "name": "Awa Diarra"}'
        "]}"
    )
    item = analyse(URL, HTML, page(f"<script type='application/ld+json'>{ld}</script>")).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra"]


def test_a_story_outside_the_pages_article_cards_is_found() -> None:
    """A page listing related stories as ``<article>`` cards, its own story in a plain
    ``<div>``: the card with the most text was taken for the story."""
    story = [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday, the first in the"
        f" region able to husk a whole harvest, and farmers came from far to see it ({n})."
        for n in range(4)
    ]
    cards = "".join(
        f"<article class='zz-card'><h3>Another story {n}</h3><p>A teaser of a few words"
        f" about another story ({n}).</p></article>"
        for n in range(5)
    )
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        "<h1>Segou gets a rice mill</h1><div class='zz-body'>"
        + "".join(f"<p>{text}</p>" for text in story)
        + f"</div><section class='zz-more'>{cards}</section></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == story


def test_a_wire_opening_says_a_page_is_a_story() -> None:
    """A page of before OpenGraph and ``<article>`` (Reuters until about 2014) states no
    kind; its opening "MUMBAI (Reuters) - ..." says it is a story."""
    paragraphs = [
        "MUMBAI (Reuters) - Shares ended flat on Tuesday as gains in banks offset losses in"
        " carmakers, dealers said.",
        "Traders said the market would wait for the central bank's meeting next week,"
        " when most expect rates to be held where they are for another quarter.",
    ]
    body = (
        "<html><head><title>Shares end flat | Reuters</title></head><body>"
        "<h1>Shares end flat</h1><div id='zz-text'><span>"
        + "".join(f"<p>{text}</p>" for text in paragraphs)
        + "</span></div></body></html>"
    )
    url = "https://www.reuters.com/article/2012/10/02/markets-shares-idUSL1E8L20AB20121002"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == paragraphs
    assert analysis.article["dateline"] == "MUMBAI"


def test_a_story_printed_in_div_blocks_without_paragraph_elements() -> None:
    """Reuters has printed each paragraph as a ``<div>`` since 2021: renamed away from its
    "paragraph" class, such a story gave no item."""
    story = [
        "NIAMEY, Sept 1 (Reuters) - Lorries crossed the Kennedy bridge again on Wednesday,"
        " a month after engineers closed it to mend two of its piers.",
        "Traders said the closure had doubled the price of onions in the capital's markets.",
        "The bridge carries most of the city's traffic across the <em>Niger</em> river.",
    ]
    blocks = "".join(f"<div class='zz-q{n}'>{text}</div>" for n, text in enumerate(story))
    # A video box's labels among them are no prose: neither a sentence nor long.
    blocks = blocks.replace(
        "</div>", "</div><div class='zz-v'>Replay</div><div>(3 Videos)</div>", 1
    )
    body = (
        "<html><head><meta property='og:type' content='article'></head><body><article>"
        f"<h1>Niamey bridge reopens to lorries</h1><div class='zz-body'>{blocks}</div>"
        "</article></body></html>"
    )
    url = "https://www.reuters.com/world/africa/niamey-bridge-reopens-2032-09-01/"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == [text.replace("<em>", "").replace("</em>", "")
                                              for text in story]  # fmt: skip


def test_teasers_each_opening_with_the_outlet_are_no_story() -> None:
    """A listing of an unknown layout whose teasers each open "(Reuters) -" was taken for
    a story: an opening says "story" only when one paragraph has one."""
    teasers = "".join(
        f"<p>NIAMEY (Reuters) - Teaser {n} of a story listed here, long enough to pass for a"
        " paragraph of a story with a few more words in it.</p>"
        for n in range(3)
    )
    body = f"<html><body><h1>Niger news</h1><div class='zz-list'>{teasers}</div></body></html>"
    url = "https://www.reuters.com/places/niger"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.kind == "not_article", analysis.extractor


def test_story_sentences_that_look_like_a_byline_or_a_stamp_stay() -> None:
    """The body filters took story text for boilerplate: a sentence opening "By ...", a
    short one stating a date; a credit or a date printed before the first paragraph was
    joined to it as if a source line; a box's heading was kept as a sub-heading."""
    body = (
        "<figure><img src='/a.jpg'><cite>Photo: Segou council</cite></figure>"
        "<p class='dateline'>April 2, 2032</p>"
        "<p>Volunteers cleared the canal on Saturday, working from dawn to dusk.</p>"
        "<p>By then it was too late for the first crop, farmers said.</p>"
        "<div class='zz-box'><h3>More on this</h3><ul><li><a href='/x'>Another story</a></li>"
        "</ul></div>"
        "<p>The deadline is June 30, 2032.</p>"
        "<p>By contrast, the north bank stayed dry all season.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["paragraphs"] == [
        "Volunteers cleared the canal on Saturday, working from dawn to dusk.",
        "By then it was too late for the first crop, farmers said.",
        "The deadline is June 30, 2032.",
        "By contrast, the north bank stayed dry all season.",
    ]


@pytest.mark.parametrize("stated", ["teaser", "shortened teaser", "straight quotes", "dashes"])
def test_a_json_ld_body_that_is_a_teaser_or_typed_otherwise_leaves_the_page_text(
    stated: str,
) -> None:
    """A JSON-LD ``articleBody`` holding a teaser of the story, or the story typed with
    straight quotes where the page prints curly ones, replaced the page's paragraphs."""
    story = [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday, its owners\u2019 first.",
        "\u201cIt can husk forty tonnes a day,\u201d the miller said, as farmers queued.",
        "Rice is the region\u2019s main crop, grown along the river and its flood plains.",
    ]
    if stated == "teaser":
        ld_body = story[0][:60] + "..."
    elif stated == "shortened teaser":
        ld_body = story[0] + " Farmers along the river said..."
    elif stated == "dashes":
        ld_body = "\n".join(story).replace("--", "\u2014")
    else:
        straight = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"'})
        lines = [*story, "Farmers said they would come back next season."]
        ld_body = "\n".join(lines).translate(straight)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Segou gets a rice mill",
            "datePublished": "2032-04-01T09:00:00Z",
            "articleBody": ld_body,
        }
    )
    body = "".join(f"<p>{text}</p>" for text in story)
    item = analyse(
        URL, HTML, page(f"<script type='application/ld+json'>{ld}</script>", body=body)
    ).article
    assert item is not None
    assert item["paragraphs"] == story


@pytest.mark.parametrize("tag", ["h1", "h2"])
def test_a_stamp_between_the_headline_and_the_story_is_read_whatever_its_class(tag: str) -> None:
    """A page of an unknown layout whose only date is a printed stamp under the headline,
    in an element whose class says nothing of dates, had no datePublished; nor had one
    whose headline is an ``<h2>`` (a blog's, the ``<h1>`` its name)."""
    body = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='og:title' content='Segou gets a rice mill'></head><body>"
        f"<div class='zz-a'><{tag}>Segou gets a rice mill</{tag}>"
        "<div class='zz-b'><span class='zz-c'>By Awa Diarra</span>"
        "<span class='zz-d'>Tue Mar 30, 2032 4:33pm GMT</span></div>"
        f"<div class='zz-e'>{BODY}<p>Farmers queued with their sacks before sunrise, some"
        " of them from villages two days away by cart along the river road.</p>"
        "</div></div></body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert item["datePublished"] == "2032-03-30T16:33:00Z"
    assert item["datePublishedRaw"] == "Tue Mar 30, 2032 4:33pm GMT"


BLOG_POST = (
    "<p>A rice mill opened in Segou on Tuesday, its owners said.</p>"
    "<p>It can husk forty tonnes a day, and the farmers around it are glad of that.</p>"
    "<p>Farmers queued with their sacks before sunrise, some from villages two days away.</p>"
)


def blog_page(line: str, inside: bool) -> bytes:
    """A blog's post: the blog's name in the ``<h1>``, the post's headline an ``<h2>``, a
    line under it, then the post's text (the line in the text's element, or before it)."""
    if inside:
        post = f"<div class='zz-entry'>{line}{BLOG_POST}</div>"
    else:
        post = f"{line}<div class='zz-entry'>{BLOG_POST}</div>"
    return (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='og:title' content='Segou gets a rice mill'></head><body>"
        "<h1>Rice notes</h1><div class='zz-post'><h2>Segou gets a rice mill</h2>"
        f"{post}</div></body></html>"
    ).encode()


@pytest.mark.parametrize("inside", [False, True])
@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("<p class='zz-m'>March 3, 2034 by <a href='/a'>Awa Diarra</a></p>", ["Awa Diarra"]),
        ("<p>March 3, 2034 by Awa Diarra</p>", ["Awa Diarra"]),
        ("<p class='zz-m'>Posted March 3, 2034 by <a href='/a'>Awa Diarra</a></p>", ["Awa Diarra"]),
        ("<div>March 3rd, 2034 by Awa Diarra and Seydou Kone</div>", ["Awa Diarra", "Seydou Kone"]),
    ],
)
def test_a_blogs_line_of_date_then_byline_gives_both(
    line: str, names: list[str], inside: bool
) -> None:
    """ "March 3, 2034 by A" under a blog post's ``<h2>`` headline: neither a stamp nor a
    byline alone, it gave no date and no author, and printed in the post's element it was
    the post's first paragraph."""
    item = analyse(URL, HTML, blog_page(line, inside)).article
    assert item is not None
    assert item["datePublished"] == "2034-03-03T00:00:00Z"
    assert [author["name"] for author in item["authors"]] == names
    assert item["paragraphs"][0] == "A rice mill opened in Segou on Tuesday, its owners said."
    assert len(item["paragraphs"]) == 3


@pytest.mark.parametrize(
    "before",
    [
        "<p>4 Min Read</p>",
        "<div class='zz-m'><p>Talk to us on a messenger app. Hear what is happening as it"
        " happens.</p><div class='zz-b'></div></div>",
    ],
)
def test_what_stands_before_the_storys_opening_is_none_of_it(before: str) -> None:
    """A reading time or a promo printed as a paragraph ahead of the story's opening
    ("Segou, Mali (CNN) --") was its first paragraph, and the dateline was lost."""
    item = analyse(URL, HTML, page("", body=before + BODY)).article
    assert item is not None
    assert item["paragraphs"][0].startswith("Segou, Mali (CNN)"), item["paragraphs"]
    assert item["dateline"] == "Segou, Mali"


def test_a_reading_time_is_no_paragraph_on_a_page_without_an_opening() -> None:
    body = "<p>3 min read</p><p>A rice mill opened on Tuesday.</p><p>It husks rice.</p>"
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["paragraphs"] == ["A rice mill opened on Tuesday.", "It husks rice."]


def test_the_heading_of_a_box_of_links_among_the_paragraphs_is_no_paragraph() -> None:
    """A "Related Coverage" box set among the paragraphs: its label, printed as a ``<p>``,
    was kept as one."""
    box = (
        "<div class='zz-r'><p class='zz-l'>Related Coverage</p><div class='zz-s'>"
        "<div class='zz-i'><a href='/article/2032/08/01/b'><div class='zz-t'></div></a></div>"
        "<div class='zz-c'><p class='zz-k'></p><a href='/article/2032/08/01/b'>Rice prices"
        " fall as the harvest comes in</a></div></div></div>"
    )
    body = BODY.replace("</p><p>", f"</p>{box}<p>", 1)
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert "Related Coverage" not in item["paragraphs"], item["paragraphs"]
    assert len(item["paragraphs"]) == 2


@pytest.mark.parametrize(
    ("cited", "first", "dateline"),
    [
        ("Segou, Mali", "Segou, Mali A rice mill opened in Segou on Tuesday.", "Segou, Mali"),
        ("Segou (CNN)", "Segou (CNN)A rice mill opened in Segou on Tuesday.", "Segou"),
        (" (CNN)", "(CNN)A rice mill opened in Segou on Tuesday.", None),
    ],
)
def test_a_source_cited_at_the_start_of_the_first_paragraph_is_its_dateline(
    cited: str, first: str, dateline: str | None
) -> None:
    """CNN 2015-2021 printed the place in a ``<cite>`` its style sheet followed with
    "(CNN)": the generic reader glued it to the sentence ("SegouA rice mill") and gave no
    dateline. A cite holding the outlet's mark is read as any opening."""
    body = (
        f"<p><cite class='zz-c'>{cited}</cite>A rice mill opened in Segou on Tuesday.</p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert (item["paragraphs"][0], item["dateline"]) == (first, dateline)


def test_a_lede_printed_as_a_heading_is_the_first_paragraph() -> None:
    """CNNMoney printed a story's first sentence as an ``<h2>``: read as a sub-heading
    before the story, it was dropped."""
    lede = (
        "A court in Segou has found the owner of a rice mill guilty of selling husks as"
        " grain to the farmers who had brought their harvest to him."
    )
    body = (
        f"<h2>{lede}</h2><p>He was convicted on Tuesday on four charges.</p>"
        "<h2>What comes next</h2><p>He will be sentenced in March, the court said.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["paragraphs"] == [
        lede,
        "He was convicted on Tuesday on four charges.",
        "What comes next",
        "He will be sentenced in March, the court said.",
    ]


def test_author_links_printed_side_by_side_name_every_author() -> None:
    """A byline of ``rel=author`` links in an element whose class says nothing ("By <a>A</a>
    and <a>B</a>", Reuters since 2021 redesigned) named only the first link's author."""
    byline = (
        "<div class='zz-i'><div class='zz-a'><span class='zz-t'>By </span>"
        "<a rel='author' href='/authors/awa-diarra/'>Awa Diarra</a><span class='zz-t'> and"
        " </span><a rel='author' href='/authors/seydou-kone/'>Seydou Kone</a></div>"
        "<time class='zz-d'>April 1, 2032</time></div>"
    )
    item = analyse(URL, HTML, page("", byline=byline)).article
    assert item is not None
    assert [a["name"] for a in item["authors"]] == ["Awa Diarra", "Seydou Kone"]


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("NEW SEGOU (Reuters Health) - ", "NEW SEGOU"),
        ("GAO (Reuters Breakingviews) - ", "GAO"),
        ("BAMAKO (Thomson Reuters Foundation) - ", "BAMAKO"),
        ("Segou, Mali (CNN Sport) -- ", "Segou, Mali"),
        ("Kayes (CNN en Español) — ", "Kayes"),
    ],
)
def test_openings_of_the_outlets_services_name_their_place(opening: str, place: str) -> None:
    """The templates read the openings of the outlets' services ("(Reuters Health) -",
    "(CNN Sport)"); the generic reader knew only "(Reuters)" and a few CNN names."""
    body = f"<p>{opening}A rice mill opened on Tuesday.</p><p>It husks forty tonnes a day.</p>"
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["dateline"] == place


def test_author_links_in_a_contributor_line_name_no_author() -> None:
    """Author links side by side in the closing "CNN's A and B contributed to this report."
    were read as the byline: "B contributed to this report" became an author."""
    credits = (
        "<p>CNN's <a rel='author' href='/profiles/awa'>Awa Diarra</a> and <a rel='author'"
        " href='/profiles/seydou'>Seydou Kone</a> contributed to this report.</p>"
    )
    item = analyse(URL, HTML, page("", body=BODY + credits)).article
    assert item is not None
    assert item["authors"] == []
    assert [c["name"] for c in item["credits"]] == ["Awa Diarra", "Seydou Kone"]


def test_a_title_cited_at_the_start_of_the_first_paragraph_is_no_dateline() -> None:
    """ "<cite>The Segou Herald</cite> reported on Sunday ..." (a work's title, the
    sentence going on after it) gave the dateline "The Segou Herald"."""
    body = (
        "<p><cite>The Segou Herald</cite> reported on Sunday that a rice mill had opened.</p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["dateline"] is None
    assert item["paragraphs"][0].startswith("The Segou Herald reported on Sunday")


def test_story_paragraphs_opening_with_a_link_after_a_more_on_sub_heading_stay() -> None:
    """A sub-heading "More on the vote" followed by story paragraphs that open with a link
    was taken for the label of a box of cards: it and those paragraphs were dropped."""
    body = (
        f"{BODY}<h3>More on the vote</h3>"
        "<p><a href='/2032/03/30/africa/poll/index.html'>A poll last week</a> had shown the"
        " two sides level, with one voter in five still undecided.</p>"
        "<p><a href='/profiles/awa-diarra'>Mayor Awa Diarra</a>, who backed the mill, said"
        " she accepted the result.</p>"
        "<p>The ministry said it would now look at smaller mills further up the river.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert "More on the vote" in item["paragraphs"]
    assert any(p.startswith("A poll last week") for p in item["paragraphs"])
    assert any(p.startswith("Mayor Awa Diarra") for p in item["paragraphs"])


def stamped_page(between: str) -> bytes:
    """A page of an unknown layout stating no date but what lies between its headline and
    its story (`between`)."""
    return (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<div class='zz-a'><h1>Segou gets a rice mill</h1>{between}"
        f"<div class='zz-e'>{BODY}<p>Farmers queued with their sacks before sunrise, some"
        " of them from villages two days away by cart along the river road.</p>"
        "</div></div></body></html>"
    ).encode()


def test_a_highlight_stating_a_date_is_no_stamp() -> None:
    """A story highlight under the headline ("The first mill was built on August 14,
    1935") gave the story that date: a line of words holding a date is no stamp."""
    highlights = (
        "<ul class='zz-h'><li>The first mill on the river was built on August 14, 1935</li>"
        "<li>The new one husks forty tonnes a day</li></ul>"
    )
    item = analyse(URL, HTML, stamped_page(highlights)).article
    assert item is not None
    assert (item["datePublished"], item["datePublishedRaw"]) == (None, None)


@pytest.mark.parametrize(
    ("own", "published"),
    [("", None), ("<div class='zz-s'>Fri Aug 3, 2032 5:10am EDT</div>", "2032-08-03T09:10:00Z")],
)
def test_the_stamps_of_other_stories_cards_are_not_the_storys(
    own: str, published: str | None
) -> None:
    """A rail of related stories between the headline and the story, each card a link (or
    a heading holding one) and its stamp, gave the story the first card's date."""
    rail = (
        "<div class='zz-r'><h3>Related News</h3><ul>"
        "<li><a href='/article/2032/08/02/a'>Millers ask for a new road</a>"
        "<div class='zz-t'>Thu, Aug 2 2032</div></li>"
        "<li><a href='/article/2032/08/01/b'>Rice prices fall</a>"
        "<div class='zz-t'>Wed, Aug 1 2032</div></li></ul>"
        "<div class='zz-v'><h2><a href='/video/2032/07/31/c'>The mill at work</a></h2>"
        "<div class='zz-t'>Tue, Jul 31 2032</div></div></div>"
    )
    item = analyse(URL, HTML, stamped_page(own + rail)).article
    assert item is not None
    assert item["datePublished"] == published


@pytest.mark.parametrize(
    "byline",
    [
        "By Awa Diarra for CNN",
        "By Awa Diarra and Seydou Kone for CNN",
        "By Awa Diarra via Reuters",
        "By Awa Diarra | Updated 2 hours ago",
    ],
)
def test_a_byline_printed_as_a_paragraph_in_its_other_forms_is_no_body_text(byline: str) -> None:
    item = analyse(URL, HTML, page("", body=f"<p>{byline}</p>{BODY}")).article
    assert item is not None
    assert item["paragraphs"][0].startswith("Segou, Mali (CNN)"), item["paragraphs"][0]


@pytest.mark.parametrize(
    ("line", "story"),
    [
        ("Published April 2, 2032 at 9:02 a.m.", False),
        ("April 2, 2032, 4:15 p.m.", False),
        ("Last updated on 2 April 2032.", False),
        ("By Monday, the river had risen a metre.", True),
        ("By March, the mill will husk rice for four districts.", True),
    ],
)
def test_stamps_in_their_other_forms_go_and_sentences_opening_by_a_date_stay(
    line: str, story: bool
) -> None:
    item = analyse(URL, HTML, page("", body=f"{BODY}<p>{line}</p>")).article
    assert item is not None
    assert (line in item["paragraphs"]) is story, item["paragraphs"]


def test_a_sub_heading_in_a_wrapper_of_its_own_stays() -> None:
    body = (
        f"{BODY}<div class='zz-subhead'><h2>Queues at dawn</h2></div>"
        "<p>Farmers queued with their sacks before sunrise.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert "Queues at dawn" in item["paragraphs"]


def test_a_list_of_links_with_one_teaser_is_no_story() -> None:
    """A topic page: one lead teaser opening "(CNN) --" above a list of headlines. The
    opening said "story"; most of its text is the links' own."""
    links = "".join(
        f"<li><a href='/2032/03/{n:02d}/africa/story-{n}/index.html'>Another headline about"
        f" the Sahel, number {n}, with a few more words</a></li>"
        for n in range(1, 11)
    )
    body = (
        "<html><body><div class='zz-topic'><h1>Mali</h1>"
        "<p>Segou, Mali (CNN) -- The latest on the rice harvest along the Niger, where mills"
        " opened this week and farmers from four districts queued with their sacks.</p>"
        "<p>More from the region, every day: the river, the markets, the towns along it and"
        f" the people who live there.</p><ul>{links}</ul></div></body></html>"
    )
    analysis = analyse("https://edition.cnn.com/africa/mali-latest", HTML, body.encode())
    assert analysis.kind == "not_article", analysis.extractor


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_short_story_is_found_beside_a_long_blurb(wrapped: bool) -> None:
    """A short wire story (three paragraphs) and the site's blurb in its footer, one long
    paragraph holding more text: the blurb was taken for the story."""
    story = [
        "NIAMEY (Reuters) - The ferry across the Niger ran again on Wednesday.",
        "Operators said the crossing would run twice a day until the water drops.",
        "Traders welcomed the news, saying goods had been stuck for weeks.",
    ]
    blurb = "This site is the news service of a company that " + "says a lot about itself " * 16
    footer = f"<div class='zz-foot'><p>{blurb}</p></div>"
    if wrapped:
        text = "".join(f"<div class='zz-t'><p>{p}</p></div>" for p in story)
    else:
        text = "<span>" + "".join(f"<p>{p}</p>" for p in story) + "</span>"
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<h1>Niger ferry runs again</h1><div class='zz-text'>{text}</div>{footer}"
        "</body></html>"
    )
    url = "https://www.reuters.com/article/niger-ferry-idUSKBN0000001"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == story


FRONT_CARDS = "".join(
    f"<article class='card'><h3><a href='/2032/04/0{n}/africa/story-{n}/index.html'>Story"
    f" number {n} along the river</a></h3><p>A teaser of story {n}, a sentence long enough to"
    " read like a paragraph of a story, with a few more words.</p></article>"
    for n in range(1, 4)
)


@pytest.mark.parametrize(
    "head",
    [
        "",
        # A collection whose JSON-LD lists its stories.
        '<script type=\'application/ld+json\'>{"@context": "https://schema.org",'
        ' "@type": "CollectionPage", "headline": "Africa", "mainEntity": ['
        '{"@type": "NewsArticle", "headline": "Story number 1",'
        ' "datePublished": "2032-04-01T09:00:00Z"},'
        '{"@type": "NewsArticle", "headline": "Story number 2",'
        ' "datePublished": "2032-04-02T09:00:00Z"}]}</script>',
    ],
)
def test_a_front_of_story_cards_is_no_story(head: str) -> None:
    """A section front whose cards are ``<article>`` elements with teasers: any
    ``<article>`` said "story", and a JSON-LD list of stories gave its first one's."""
    body = (
        f"<html><head>{head}</head><body><main><h1>Africa</h1><section>{FRONT_CARDS}"
        "</section></main></body></html>"
    )
    analysis = analyse("https://edition.cnn.com/africa", HTML, body.encode())
    assert analysis.kind == "not_article", analysis.extractor


def test_a_reuters_story_beside_cards_of_links_only_stays_a_story() -> None:
    """A Reuters story of an unknown layout with an "Editor's pick" module of ``<article>``
    cards, each only a link, was taken for a section front: no item."""
    cards = "".join(
        f"<section><article><a href='/article/pick-{n}'><img src='/p{n}.jpg'></a>"
        f"<div class='zz-c'><h2><a href='/article/pick-{n}'>Picked story {n}</a></h2></div>"
        "</article></section>"
        for n in (1, 2)
    )
    body = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='og:article:published_time' content='2032-04-01T09:00:00+0000'>"
        "</head><body><div class='zz-a'><h1>Ferry runs again</h1><div class='zz-b'>"
        "<p>BAMAKO, April 1 (Reuters) - The ferry across the Niger ran again on Tuesday,"
        " after a week in which the river was too low for it to cross.</p>"
        "<p>Operators said it would run twice a day until the rains came, and that fares"
        " would stay as they were.</p></div></div>"
        f"<div class='zz-s'>{cards}</div></body></html>"
    )
    url = "https://www.reuters.com/article/us-mali-ferry-idUSKBN00000001"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.kind == "article", analysis.reason
    assert analysis.extractor == "reuters/generic"


def test_a_short_story_with_related_links_stays_a_story() -> None:
    """Its related links outweighed its text, and "mostly links" overrode what the page
    states (og:type article, a publication time)."""
    links = "".join(
        f"<li><a href='/2032/03/{n:02d}/africa/s-{n}/index.html'>Another headline about the"
        f" river, number {n}</a></li>"
        for n in range(1, 7)
    )
    body = (
        "<html><head><meta property='og:type' content='article'>"
        "<meta property='article:published_time' content='2032-04-01T09:00:00Z'></head>"
        "<body><article><h1>Ferry runs again</h1>"
        "<p>BAMAKO, April 1 (Reuters) - The ferry across the Niger ran again on Tuesday.</p>"
        "<p>Operators said it would run twice a day.</p>"
        f"<h3>Related</h3><ul>{links}</ul></article></body></html>"
    )
    url = "https://www.reuters.com/world/africa/ferry-runs-again-2032-04-01/"
    analysis = analyse(url, HTML, body.encode(), source="reuters")
    assert analysis.kind == "article", analysis.reason


def test_a_byline_printed_as_a_plain_paragraph_names_the_authors() -> None:
    body = "<p>By <a href='/p/awa'>Awa Diarra</a> and <a href='/p/kadi'>Kadi Sy</a>, CNN</p>"
    item = analyse(URL, HTML, page("", body=body + BODY)).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra", "Kadi Sy"]


def test_a_source_line_printed_in_a_plain_element_is_joined_and_read() -> None:
    body = "<div class='zz-s'><span>Gao</span> <span>CNN</span> \u2014</div>" + BODY.replace(
        "Segou, Mali (CNN) -- ", ""
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["dateline"] == "Gao"
    assert item["paragraphs"][0].startswith("Gao CNN \u2014 A rice mill")


def test_ad_and_share_labels_printed_as_paragraphs_are_no_body_text() -> None:
    labels = "<p>Advertisement</p><p>Share this article</p><p>Ad Feedback</p>"
    item = analyse(URL, HTML, page("", body=BODY.replace("</p>", f"</p>{labels}", 1))).article
    assert item is not None
    assert not {"Advertisement", "Share this article", "Ad Feedback"} & set(item["paragraphs"])


BRIDGE_URL = "https://www.reuters.com/world/africa/niamey-bridge-reopens-2032-09-01/"
BRIDGE_STORY = [
    "Lorries crossed the Kennedy bridge again on Wednesday, a month after engineers"
    " closed it to mend two of its piers.",
    "Traders said the closure had doubled the price of onions in the capital's markets.",
    "The bridge carries most of the city's traffic across the river, officials said.",
]


def _plain_div_page(
    story: list[str], wrapper: str = "div", after: str = "", first: str = ""
) -> bytes:
    """A story in plain ``<div>`` blocks under its headline, in `wrapper`, `after` it on the
    page; `first` printed in place of the first block's first word ("Lorries")."""
    blocks = "".join(f"<div class='zz-q'>{text}</div>" for text in story)
    if first:
        blocks = blocks.replace(">Lorries", f">{first}", 1)
    return (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<{wrapper} class='zz-page'><h1>Niamey bridge reopens</h1>"
        f"<div class='zz-b'>{blocks}</div></{wrapper}>{after}</body></html>"
    ).encode()


@pytest.mark.parametrize(
    "footer", ["", "<div class='zz-f'><p>All rights reserved by the news service.</p></div>"]
)
def test_a_story_in_plain_divs_outside_any_article_or_main_element(footer: str) -> None:
    """Each paragraph a plain ``<div>``, no ``<article>`` or ``<main>``: no item, also
    where one ``<p>`` stood elsewhere on the page (a footer's)."""
    story = [f"NIAMEY, Sept 1 (Reuters) - {BRIDGE_STORY[0]}", *BRIDGE_STORY[1:]]
    analysis = analyse(BRIDGE_URL, HTML, _plain_div_page(story, after=footer), source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == story


def test_a_consent_wall_is_no_story_body() -> None:
    """A page whose JSON-LD names a story but holds no body, its only paragraphs a
    consent wall: the wall was the item's body."""
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Segou gets a rice mill", "datePublished": "2032-04-01T09:00:00Z"}'
    )
    wall = (
        "<div class='zz-w'><p>We and our partners use cookies and similar technologies to"
        " store and access information on your device, to personalise content and ads and to"
        " measure how our services are used.</p><p>You can change your choices at any time"
        " by clicking Manage preferences at the foot of every page.</p><p>Accept all</p></div>"
    )
    body = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        f"<h1>Segou gets a rice mill</h1>{wall}</body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.kind == "not_article", analysis.article and analysis.article["paragraphs"]


@pytest.mark.parametrize(
    ("url", "title", "headline"),
    [
        ("https://edition.cnn.com/2032/04/01/africa/gone/index.html", "Page not found | CNN",
         "Sorry, we can't find that page"),
        ("https://edition.cnn.com/profiles/awa-diarra", "Awa Diarra | CNN", "Awa Diarra"),
        ("https://www.reuters.com/authors/awa-diarra/", "Awa Diarra | Reuters", "Awa Diarra"),
    ],
)  # fmt: skip
def test_an_error_page_served_200_or_an_author_page_is_no_story(
    url: str, title: str, headline: str
) -> None:
    body = (
        f"<html><head><title>{title}</title></head><body><main><article><h1>{headline}</h1>"
        "<p>The page you asked for may have moved, or this one tells of a reporter who has"
        " covered the Sahel, its rivers and its markets for ten years.</p>"
        "<p>Try the search box above, or go back to the home page to find the latest news"
        " from around the world.</p></article></main></body></html>"
    )
    source = "reuters" if "reuters" in url else "cnn"
    analysis = analyse(url, HTML, body.encode(), source=source)
    assert analysis.kind == "not_article", analysis.extractor


@pytest.mark.parametrize(
    "headline",
    ["Bank's error page showed customers' balances, watchdog says", "A 404 page for the mill"],
)
def test_a_story_about_an_error_page_is_a_story(headline: str) -> None:
    item = analyse(URL, HTML, page("", body=BODY).replace(b"Segou gets a rice mill",
                                                          headline.encode())).article  # fmt: skip
    assert item is not None


def test_a_story_with_link_cards_in_an_aside_stays_a_story() -> None:
    cards = "".join(
        f"<article class='card'><a href='/2032/03/0{n}/africa/s/index.html'>Card {n}</a></article>"
        for n in range(1, 3)
    )
    body = (
        "<html><body><div class='zz-page'><article><h1>Ferry runs again</h1>"
        "<p>The ferry across the Niger ran again on Tuesday after three weeks of floods, its"
        " operators said, and lorries queued at both landings.</p>"
        "<p>It will run twice a day until the water drops, the port office said in a notice"
        " posted at the landing.</p></article>"
        f"<aside>{cards}</aside></div></body></html>"
    )
    assert analyse(URL, HTML, body.encode()).kind == "article"


@pytest.mark.parametrize(
    "before",
    [
        "<header><h1>Mali court rules against CNN \u2014 again</h1></header>",
        "<div class='zz-m'>Awa Diarra, CNN \u2014 4 min read</div>",
        "<figure><img src='/a.jpg'><figcaption>The court house on Friday. (AFP)</figcaption>"
        "</figure>",
    ],
)
def test_only_a_source_line_is_joined_to_the_first_paragraph(before: str) -> None:
    item = analyse(URL, HTML, page("", body=before + BODY)).article
    assert item is not None
    assert item["paragraphs"][0].startswith("Segou, Mali (CNN) --"), item["paragraphs"][0]


def test_story_sentences_about_cookies_stay() -> None:
    lines = [
        "The baker said the shop uses cookies to record which loaves sell out first.",
        "Visitors could not manage cookies and bread at once, she added with a laugh.",
    ]
    item = analyse(URL, HTML, page("", body=BODY + "".join(f"<p>{t}</p>" for t in lines)))
    assert item.article is not None
    assert item.article["paragraphs"][-2:] == lines


def test_a_story_whose_path_holds_profiles_deeper_down_is_a_story() -> None:
    """CNN's profiles sit at ``/profiles/NAME``; a story's path may hold the word."""
    url = "https://edition.cnn.com/2032/06/03/world/profiles/index.html"
    assert analyse(url, HTML, page("", body=BODY)).kind == "article"


def test_a_json_ld_main_entity_listing_the_page_and_a_related_story_reads_the_pages() -> None:
    """Of several stories a page's JSON-LD lists, the one of the page (its URL) is its
    story; none of them only where none is the page's (a collection)."""
    ld = (
        '{"@context": "https://schema.org", "@type": "WebPage", "mainEntity": ['
        '{"@type": "NewsArticle", "headline": "Another story",'
        ' "url": "https://www.cnn.com/2032/03/30/africa/other/index.html",'
        ' "author": {"@type": "Person", "name": "Kadi Sy"}},'
        '{"@type": "NewsArticle", "headline": "Segou gets a rice mill",'
        f' "url": "{URL}", "datePublished": "2032-04-01T09:00:00Z",'
        ' "author": {"@type": "Person", "name": "Awa Diarra"}}]}'
    )
    item = analyse(URL, HTML, page(f"<script type='application/ld+json'>{ld}</script>")).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra"]
    assert item["datePublished"] == "2032-04-01T09:00:00Z"


def test_a_registration_walls_heading_is_no_sub_heading() -> None:
    body = (
        f"{BODY}<h2>Register for free to continue reading</h2>"
        "<p>Farmers queued with their sacks before sunrise.</p>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert "Register for free to continue reading" not in item["paragraphs"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("<div class='zz-x'>By Ana Perez and Tom Reyes</div>", ["Ana Perez", "Tom Reyes"]),
        # A social handle printed beside the name is no part of it.
        ("<div class='zz-x'>By Ana Perez <a href='/h'>@AnaPerezNews</a></div>", ["Ana Perez"]),
        (
            "<div class='zz-x'>By <a href='/p/ana'>Ana Perez</a> in SAN FRANCISCO and"
            " <a href='/p/tom'>Tom Reyes</a> in WASHINGTON</div>",
            ["Ana Perez", "Tom Reyes"],
        ),
        # A wire byline box of 2016: the names, a bar, then where they wrote from.
        (
            "<div class='zz-x'><span class='zz-a'>By <a href='/j/ana'>Ana Perez</a> and"
            " <a href='/j/tom'>Tom Reyes</a></span> <span class='zz-l'><span>|</span>"
            " SAN FRANCISCO/WASHINGTON</span></div>",
            ["Ana Perez", "Tom Reyes"],
        ),
    ],
)
@pytest.mark.parametrize("inside", [False, True])
def test_a_byline_printed_in_a_plain_div_names_the_authors(
    byline: str, names: list[str], inside: bool
) -> None:
    """A byline in a ``<div>`` holding only it, above the story (between the headline and
    the story's element, or in it): no authors; the places it names are no people."""
    body = byline + BODY if inside else BODY
    item = analyse(URL, HTML, page("", body=body, byline="" if inside else byline)).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == names
    assert item["paragraphs"][0].startswith("Segou, Mali (CNN)"), item["paragraphs"]


@pytest.mark.parametrize(
    "line", ["By then it was too late", "By Monday, the river had risen a metre"]
)
def test_a_plain_div_opening_by_in_a_sentence_is_no_byline(line: str) -> None:
    """Story text in a ``<div>`` above the paragraphs that opens "By" names nobody."""
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<h1>Segou gets a rice mill</h1><div class='zz-x'>{line}</div>"
        f"<article>{BODY}</article></body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert item["authors"] == []


@pytest.mark.parametrize(
    "box",
    [
        "<div class='zz-newsletter-promo'><p>Get our daily briefing in your inbox.</p></div>",
        "<div class='zz-SignUp'><h3>Morning Digest</h3>"
        "<p>Get our daily briefing in your inbox.</p></div>",
        "<div class='zz-box'><p>Get our daily briefing in your inbox.</p><form action='/s'>"
        "<input type='email' name='e'><button>Sign up</button></form></div>",
        "<div class='zz-box'><div class='zz-in'><p>Get our daily briefing in your inbox.</p>"
        "</div><input type='email' name='e'><button>Sign up</button></div>",
        "<form action='/s'><p>Get our daily briefing in your inbox.</p>"
        "<input type='email' name='e'><button>Sign up</button></form>",
    ],
)
def test_a_newsletter_sign_up_box_among_the_paragraphs_is_no_body_text(box: str) -> None:
    """A sign-up box in the story's element (a class naming a newsletter, sign-up or
    subscription, or a form or e-mail field) printed its line as a paragraph."""
    item = analyse(URL, HTML, page("", body=BODY.replace("</p>", f"</p>{box}", 1))).article
    assert item is not None
    assert "Get our daily briefing in your inbox." not in item["paragraphs"], item["paragraphs"]
    assert "Morning Digest" not in item["paragraphs"]
    assert len(item["paragraphs"]) == 2


def test_story_paragraphs_about_a_newsletter_or_beside_a_form_stay() -> None:
    """A paragraph that speaks of a newsletter is story text; so are paragraphs of a
    story's element that also holds a comment form, or whose class says "subscriber"."""
    story = [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.",
        "The council's newsletter said the mill would husk forty tonnes a day.",
        "Sign up sheets for the farmers' cooperative filled within an hour, its owners said.",
    ]
    paragraphs = "".join(f"<p>{text}</p>" for text in story)
    body = (
        f"<div class='zz-subscriber-content'>{paragraphs}</div>"
        "<form class='zz-comments'><textarea name='c'></textarea>"
        "<input type='email' name='e'><button>Post</button></form>"
    )
    item = analyse(URL, HTML, page("", body=body)).article
    assert item is not None
    assert item["paragraphs"] == story


NIAMEY_STORY = [
    "NIAMEY, Sept 1 (Reuters) - Lorries crossed the Kennedy bridge again on Wednesday,"
    " a month after engineers closed it to mend two of its piers.",
    "Traders said the closure had doubled the price of onions in the capital's markets.",
    "The bridge carries most of the city's traffic across the river, officials said.",
]
# Teaser cards of other stories: a headline link and a one-line teaser, or a section
# link, a headline link and a time.
NIAMEY_CARDS = (
    "<div class='zz-c'><a href='/world/africa/mopti-rains-2032-09-01/'>Rains swell the river"
    " at Mopti as farmers wait for the flood to leave their fields</a>"
    "<div class='zz-t'>Farmers in the delta say the water came two weeks early.</div></div>"
    "<div class='zz-c'><a href='/world/africa/'>Africa</a><a href='/world/africa/"
    "tema-cocoa-2032-09-01/'>Cocoa buyers at Tema raise the farm-gate price for the second"
    " time this season as the rains delay the harvest</a><time>2:15 PM UTC</time></div>"
)


def niamey_page(inner: str) -> bytes:
    """A story of plain ``<div>`` blocks, no ``<article>`` or ``<main>``, `inner` its body."""
    return (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<div class='zz-page'><h1>Niamey bridge reopens</h1>{inner}</div></body></html>"
    ).encode()


NIAMEY_URL = "https://www.reuters.com/world/africa/niamey-bridge-reopens-2032-09-01/"


@pytest.mark.parametrize(
    "after",
    [
        f"<div class='zz-rn'><h2>Read next</h2>{NIAMEY_CARDS}</div>",
        f"<h2>Read Next</h2>{NIAMEY_CARDS}",
        f"<div class='zz-rn'><div class='zz-l'>More from Africa</div>{NIAMEY_CARDS}</div>",
        "<div class='zz-rn'><h2><span>Related stories</span></h2><ul><li>"
        + NIAMEY_CARDS.replace("</div><div class='zz-c'>", "</div></li><li><div class='zz-c'>")
        + "</li></ul></div>",
    ],
)
def test_read_next_cards_after_a_story_in_plain_divs_are_no_body_text(after: str) -> None:
    """Cards of other stories after a story printed in plain ``<div>`` blocks (a heading
    "Read next" or "More from ...", then a headline link and a teaser each) were read as
    paragraphs, the heading as a sub-heading."""
    blocks = "".join(f"<div class='zz-q'>{text}</div>" for text in NIAMEY_STORY)
    body = niamey_page(f"<div class='zz-b'>{blocks}{after}</div>")
    analysis = analyse(NIAMEY_URL, HTML, body, source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == NIAMEY_STORY


def test_a_sub_heading_like_a_box_label_and_the_story_after_cards_stay() -> None:
    """What the cards' rule must not catch: a sub-heading "More from the minister" over
    story text; the story going on after a box of cards set in it."""
    story = [
        *NIAMEY_STORY,
        "More from the minister",
        "The minister said a second bridge would open <a href='/x'>next year</a>.",
        "<a href='/p/ali'>Ali Moussa</a>, a trader, said lorries had queued since dawn.",
    ]
    blocks = "".join(f"<div class='zz-q'>{text}</div>" for text in NIAMEY_STORY)
    rest = (
        "<h2>More from the minister</h2>"
        f"<div class='zz-q'>{story[4]}</div><div class='zz-rn'><h2>Read next</h2>"
        f"{NIAMEY_CARDS}</div><div class='zz-q'>{story[5]}</div>"
    )
    body = niamey_page(f"<div class='zz-b'>{blocks}{rest}</div>")
    analysis = analyse(NIAMEY_URL, HTML, body, source="reuters")
    assert analysis.article is not None, analysis.reason
    texts = [p.replace("<a href='/x'>", "").replace("<a href='/p/ali'>", "") for p in story]
    assert analysis.article["paragraphs"] == [t.replace("</a>", "") for t in texts]


def test_a_wire_service_note_over_the_opening_is_no_body_text() -> None:
    """A wire story read generically: "(Corrects ...)" printed over the opening is an
    editorial note; the opening stays first and gives the dateline."""
    body = (
        "<p>(Corrects the mill's daily output in paragraph 2)</p>"
        "<p>SEGOU, Mali (Reuters) - A rice mill opened in Segou on Tuesday.</p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    url = "https://www.reuters.com/world/africa/segou-rice-mill-2032-04-01/"
    item = analyse(url, HTML, page("", body=body), source="reuters").article
    assert item is not None
    assert item["paragraphs"] == [
        "SEGOU, Mali (Reuters) - A rice mill opened in Segou on Tuesday.",
        "It can husk forty tonnes a day, its owners said.",
    ]
    assert item["dateline"] == "SEGOU, Mali"


@pytest.mark.parametrize(
    "post",
    [
        # Instagram's embed: the post's text in a link, then "A photo posted by ... on <time>".
        "<blockquote class='instagram-media' data-instgrm-captioned><div><p><a"
        " href='https://www.instagram.com/p/Zx1/'>Back at the mill at dawn, the first sacks are"
        " out.</a></p><p>A photo posted by Awa Diarra (@awadiarra) on <time"
        " datetime='2032-04-01T06:50:35+00:00'>Apr 1, 2032 at 6:50am PDT</time></p></div>"
        "</blockquote>",
        # Twitter's embed: the tweet, then its author and date.
        "<blockquote class='twitter-tweet'><p>The mill is open and the queue is long.</p>"
        "&mdash; Seydou Kone (@seydoukone) <a href='https://twitter.com/seydoukone/status/1'>"
        "April 1, 2032</a></blockquote>",
    ],
)
def test_a_social_post_embedded_among_the_paragraphs_is_no_body_text(post: str) -> None:
    """An embedded post is someone else's words, not the story's, as the templates read it;
    the generic reader printed Instagram's "A photo posted by ... on <date>" line (once a
    stamp, no longer one) and a tweet's text as paragraphs."""
    body = BODY.replace("</p>", "</p>" + post, 1)
    item = analyse(URL, HTML, page("", body=body), source="cnn").article
    assert item is not None
    assert item["paragraphs"] == [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.",
        "It can husk forty tonnes a day, its owners said.",
    ]


def _brief(head: str) -> bytes:
    """A wire brief of two lines (under 200 characters) in a layout of no template, its
    first paragraph in a wrapper of its own, a long blurb about the outlet in the footer."""
    blurb = "The wire is the news division of a company that " + "sells data to banks. " * 12
    return (
        f"<html><head>{head}</head><body>"
        "<div class='k1'><h1 class='k2'>BRIEF-Kayes Solar finishes its Nioro plant</h1></div>"
        "<span id='k3'><span class='k4'><p>Aug 23 (Reuters) - Kayes Solar Inc</p></span>"
        "<p>* Says its 40 MW plant at Nioro is now in commercial operation</p></span>"
        f"<div class='k5'><p>{blurb}</p></div></body></html>"
    ).encode()


BRIEF_URL = "https://www.reuters.com/article/idUSFWN9Z00AB"


def test_a_wire_brief_of_two_short_lines_is_read_from_its_wrapped_json_ld() -> None:
    """Its JSON-LD story wrapped in an object of no type (Reuters 2016): the brief is the
    story, not the footer's blurb."""
    story = {
        "@type": "NewsArticle",
        "headline": "BRIEF-Kayes Solar finishes its Nioro plant",
        "datePublished": "2032-08-23T12:24:03+0000",
    }
    wrapped = json.dumps({"@context": "http://schema.org", "article": story})
    head = f"<script type='application/ld+json'>{wrapped}</script>"
    item = analyse(BRIEF_URL, HTML, _brief(head), source="reuters").article
    assert item is not None
    assert item["headline"] == "BRIEF-Kayes Solar finishes its Nioro plant"
    assert item["paragraphs"] == [
        "Aug 23 (Reuters) - Kayes Solar Inc",
        "* Says its 40 MW plant at Nioro is now in commercial operation",
    ]
    assert item["datePublished"] == "2032-08-23T12:24:03Z"


def test_two_short_lines_of_a_page_stating_no_story_are_no_item() -> None:
    """Without structured data, two lines under 200 characters are no story's body (nor is
    the footer's blurb): no item, and the reason."""
    head = "<meta property='og:type' content='article'>"
    analysis = analyse(BRIEF_URL, HTML, _brief(head), source="reuters")
    assert analysis.article is None
    assert analysis.kind == "not_article"
    assert analysis.reason


@pytest.mark.parametrize(
    ("byline", "signed"),
    [
        ("", "By Awa Diarra"),
        ("<p class='article-byline'>By Awa Diarra, CNN</p>", "Awa Diarra"),
        ("<div class='byline'>By <a rel='author' href='/p/ad'>Awa Diarra</a></div>", "Awa Diarra"),
    ],
)
def test_the_writer_signing_the_opening_is_no_dateline(byline: str, signed: str) -> None:
    """ "By A (CNN International) -- ...", or "A (CNN International) -- ..." under a byline
    naming A: the writer's name was taken for the place the story was filed from."""
    body = BODY.replace("Segou, Mali (CNN)", f"{signed} (CNN International)")
    item = analyse(URL, HTML, page("", body=body, byline=byline)).article
    assert item is not None
    assert item["dateline"] is None
    assert item["paragraphs"][0].startswith(f"{signed} (CNN International) -- ")


@pytest.mark.parametrize(
    "head",
    [
        "<meta name='byl' content='By Seydou Kone and Awa Diarra, CNN'>",
        "<script type='application/ld+json'>"
        + json.dumps(
            {
                "@type": "NewsArticle",
                "url": URL,
                "author": [
                    {"@type": "Person", "name": "Seydou Kone"},
                    {"@type": "Person", "name": "Awa Diarra"},
                ],
            }
        )
        + "</script>",
    ],
)
def test_a_writer_the_pages_metadata_names_signing_the_opening_is_no_dateline(head: str) -> None:
    """ "A (CNN International) -- ..." with no visible byline, the page's metadata naming A
    second of two people: the writer's name was the dateline (the authors' raw text, the
    names joined by commas, put A past a comma, where a byline prints places)."""
    body = BODY.replace("Segou, Mali (CNN)", "Awa Diarra (CNN International)")
    item = analyse(URL, HTML, page(head, body=body)).article
    assert item is not None
    assert item["dateline"] is None
    assert "Awa Diarra" in [author["name"] for author in item["authors"]]


STORY = "".join(
    f"<p>Farmers in Segou brought sacks of rice to the new mill on day {n}, its owners said.</p>"
    for n in ("one", "two", "three", "four")
)


@pytest.mark.parametrize(
    "beside",
    [
        "<p class='zz-legal'>Copyright 2032 Segou Post. All rights reserved.</p>",
        "<p class='zz-count'>12 comments</p><div class='zz-c'><p>Nice story, thanks.</p></div>",
    ],
)
def test_a_paragraph_beside_the_storys_element_does_not_widen_it(beside: str) -> None:
    """A ``<p>`` beside the element holding the story's paragraphs (a copyright line, a
    comment count) made their parent the story's element, so the line and the comments
    were paragraphs: only a paragraph wrapped alone counts with the ones beside it."""
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<div class='zz-a'><h1>Segou gets a rice mill</h1><div class='zz-b'>{STORY}</div>"
        f"{beside}</div></body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert len(item["paragraphs"]) == 4
    assert item["paragraphs"][0].startswith("Farmers in Segou brought sacks of rice")


def test_the_line_under_the_headline_is_looked_for_without_reading_big_elements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Between the headline and the story, a menu nested deep: each element's whole text
    was read to look for a blog's line "March 3, 2014 by A", its menu's text once per
    level (a page of 750 KB took seconds). The text read stays a few times the page's."""
    import crawler.pages.generic as generic

    read: list[int] = []

    def counting_text_of(element: Any, *args: Any, **kwargs: Any) -> str:
        text = real_text_of(element, *args, **kwargs)
        read.append(len(text))
        return text

    real_text_of = generic.text_of
    monkeypatch.setattr(generic, "text_of", counting_text_of)
    links = "".join(f"<span>Menu entry {n} of the site</span>" for n in range(300))
    menu = "<div class='zz-m'>" * 100 + links + "</div>" * 100
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<h1>Segou gets a rice mill</h1>{menu}<div class='zz-s'>{STORY}</div></body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert len(item["paragraphs"]) == 4
    assert sum(read) < 5 * len(body)


@pytest.mark.parametrize(
    "byline",
    [
        "<p class='article-byline'>By Awa Diarra, Bamako</p>",
        "<p class='article-byline'>By Awa Diarra | BAMAKO</p>",
    ],
)
def test_a_byline_naming_the_reporters_city_keeps_the_dateline(byline: str) -> None:
    """A byline printing the reporter's city after a comma or a bar, the opening filed from
    that city: the city is no writer signing the opening (its dateline was dropped as an
    author's name, the byline's city being read as one)."""
    body = BODY.replace("Segou, Mali (CNN) --", "BAMAKO (Reuters) -")
    item = analyse(URL, HTML, page("", body=body, byline=byline)).article
    assert item is not None
    assert item["authors"][0]["name"] == "Awa Diarra"
    assert item["dateline"] == "BAMAKO"


@pytest.mark.parametrize(
    "stub",
    [
        "<p>This article is for subscribers only.</p><p>Already a subscriber? Log in.</p>",
        "<p>This story is no longer available.</p><p>Return to the home page.</p>",
        "<p>We use cookies to improve your visit.</p><p>Accept and continue.</p>",
    ],
)
def test_two_short_lines_in_place_of_a_stated_story_are_no_item(stub: str) -> None:
    """A page whose JSON-LD states a story (no articleBody) but which shows two short lines
    in its place (a paywall, a story taken down, a consent notice) was stored as the story
    with those lines for its body: lines this short are a brief's only where they hold the
    page's description or open with the outlet's source line."""
    story = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Segou gets a rice mill",
        "datePublished": "2032-04-01T10:00:00Z",
        "description": "A rice mill opened in Segou on Tuesday, and the farmers are glad.",
    }
    body = (
        f"<html><head><script type='application/ld+json'>{json.dumps(story)}</script></head>"
        f"<body><h1>Segou gets a rice mill</h1><div class='zz-gate'>{stub}</div></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is None
    assert analysis.kind == "not_article"


def test_a_wire_brief_holding_its_description_is_read() -> None:
    """A brief of two short lines whose first holds the page's description (the Reuters
    2016 brief's "Aug 23 Kayes Solar Inc", described "Kayes Solar Inc"), no source line."""
    story = {
        "@type": "NewsArticle",
        "headline": "BRIEF-Kayes Solar finishes its Nioro plant",
        "description": "Kayes Solar Inc",
    }
    wrapped = json.dumps({"@context": "http://schema.org", "article": story})
    head = f"<script type='application/ld+json'>{wrapped}</script>"
    page_ = _brief(head).replace(b"Aug 23 (Reuters) - Kayes", b"Aug 23 Kayes")
    item = analyse(BRIEF_URL, HTML, page_, source="reuters").article
    assert item is not None
    assert item["paragraphs"][0] == "Aug 23 Kayes Solar Inc"


def test_a_story_wrapped_in_an_untyped_object_is_the_page_only_under_its_headline() -> None:
    """A section front whose JSON-LD wraps its featured story in an object of no type: that
    story is not the page's (the page prints another headline), so the front's teasers are
    no article's body. Before, the wrapped story was taken as the page's, and a page
    stating a story needs no more signs."""
    featured = {"@type": "NewsArticle", "headline": "Rains come early to Gao"}
    wrapped = json.dumps({"@context": "http://schema.org", "article": featured})
    teasers = "".join(
        f"<div class='zz-t'><h3><a href='/article/mill-{n}'>Story {n} of the day</a></h3>"
        f"<p>Farmers around Segou said on day {n} that this year's harvest would be larger"
        " than last year's, officials of the region said.</p></div>"
        for n in range(6)
    )
    body = (
        f"<html><head><script type='application/ld+json'>{wrapped}</script>"
        "<meta property='og:type' content='website'></head><body>"
        f"<h1>Africa news and analysis</h1><div class='zz-list'>{teasers}</div></body></html>"
    )
    analysis = analyse("https://www.example.com/news/africa", HTML, body.encode())
    assert analysis.article is None
    assert analysis.kind == "not_article"


@pytest.mark.parametrize(
    "caption",
    [
        "<figure><img src='/m.jpg'><figcaption>Picture taken March 3, 2034 by Awa Diarra"
        "</figcaption></figure>",
        "<div class='zz-photo'><img src='/m.jpg'><p class='zz-caption'>March 3, 2034 by Awa"
        " Diarra</p></div>",
    ],
)
def test_a_photos_caption_under_the_headline_is_no_stamp_and_byline(caption: str) -> None:
    """A photo's caption between the headline and the story, naming when and by whom it was
    taken ("Picture taken March 3, 2034 by A"): the photographer is no author (a caption is
    no byline) and the photo's day no publication date."""
    body = (
        "<html><head><meta property='og:type' content='article'></head><body>"
        f"<h1>Segou gets a rice mill</h1>{caption}<div class='zz-s'>{STORY}</div></body></html>"
    )
    item = analyse(URL, HTML, body.encode()).article
    assert item is not None
    assert item["authors"] == []
    assert item["datePublished"] is None
    assert len(item["paragraphs"]) == 4


@pytest.mark.parametrize(
    ("line", "names"),
    [
        # A blog's line going on past a bar: its comment count, its category, no person.
        ("<p>March 3, 2034 by Awa Diarra | 12 Comments</p>", ["Awa Diarra"]),
        ("<p>March 3, 2034 by Awa Diarra | Rice Notes</p>", ["Awa Diarra"]),
        # Another post's card between the headline and the post: not this post's line.
        (
            "<ul class='zz-cards'><li><a href='/x'>Earlier post</a> March 3, 2034 by Seydou"
            " Kone</li></ul><p class='zz-m'>March 4, 2034 by Awa Diarra</p>",
            ["Awa Diarra"],
        ),
    ],
)
def test_a_blogs_line_names_no_comment_count_nor_another_posts_writer(
    line: str, names: list[str]
) -> None:
    """ "March 3, 2034 by A | 12 Comments": "12 Comments" was an author; a card of another
    post ("Earlier post March 3, 2034 by B") gave its writer and day to this post."""
    item = analyse(URL, HTML, blog_page(line, inside=False)).article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == names
    assert item["paragraphs"][0] == "A rice mill opened in Segou on Tuesday, its owners said."


@pytest.mark.parametrize(
    "byline", ["By Mariam Sangare, Segou", "By Mariam Sangare and Oumar Toure, Segou, Mali"]
)
def test_the_place_a_byline_prints_after_its_people_is_the_datelines_not_an_author(
    byline: str,
) -> None:
    """The byline names where its reporters are, the place the opening names: no author."""
    body = page("", byline=f"<p class='article-byline'>{byline}</p>")
    item = analyse(URL, HTML, body, source="cnn").article
    assert item is not None
    assert item["dateline"] == "Segou, Mali"
    assert "Segou" not in [a["name"] for a in item["authors"]]
    assert "Mali" not in [a["name"] for a in item["authors"]]
    assert item["authors"][0]["name"] == "Mariam Sangare"


FRONT_URL = "https://www.example.com/world/africa"
LISTED_URL = "https://www.example.com/2032/04/01/africa/gao-rains/index.html"


def _front(story: dict[str, Any], og_type: str = "website") -> bytes:
    """A section front listing six stories' teaser cards (each a linked headline and a
    line of text), its JSON-LD stating `story`."""
    teasers = "".join(
        f"<div class='zz-card'><h3><a href='/2032/04/0{n}/africa/story-{n}/index.html'>"
        f"Story {n} of the day in the Sahel</a></h3><p>Farmers around Segou said on day {n}"
        " that this year's harvest would be larger than last year's, officials said.</p></div>"
        for n in range(1, 7)
    )
    return (
        f"<html><head><script type='application/ld+json'>{json.dumps(story)}</script>"
        f"<meta property='og:title' content='Africa news'><link rel='canonical' href='{FRONT_URL}'>"
        f"<meta property='og:type' content='{og_type}'></head><body><h1>Africa news</h1>"
        f"<main><div class='zz-list'>{teasers}</div></main></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "names",
    [
        {"url": LISTED_URL},
        {"@id": f"{LISTED_URL}#article"},
        {"mainEntityOfPage": LISTED_URL},
        {"mainEntityOfPage": {"@type": "WebPage", "@id": LISTED_URL}},
        {"url": LISTED_URL, "mainEntityOfPage": {"@type": "WebPage", "url": LISTED_URL}},
        {},  # no address: its headline is none the page prints
        # The listed story's AMP address names that story, not the front.
        {"url": "https://amp.example.com/example/2032/04/01/africa/gao-rains/index.html"},
        {"mainEntityOfPage": "https://www.example.com/amp/2032/04/01/africa/gao-rains/"},
    ],
)
def test_a_section_fronts_jsonld_of_a_listed_story_makes_no_article(
    names: dict[str, Any],
) -> None:
    """A section front whose JSON-LD holds a typed NewsArticle of one story it lists (its
    address another page's, its headline not the page's): that story is not the page's, so
    the front's teasers are no article's body. Before, any NewsArticle of the page's JSON-LD
    was taken as the page's, and a page stating a story needs no more signs."""
    story = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Rains come early to Gao",
        "datePublished": "2032-04-01T10:00:00Z",
        **names,
    }
    analysis = analyse(FRONT_URL, HTML, _front(story))
    assert analysis.article is None
    assert analysis.kind == "not_article"
    assert "another page's story" in analysis.reason


@pytest.mark.parametrize(
    "stated",
    [{}, {"@context": "https://schema.org", "@type": "WebPage", "url": FRONT_URL}],
)
def test_a_section_front_saying_og_type_article_makes_no_article(stated: dict[str, Any]) -> None:
    """A section front of teaser cards (a linked headline and a line of text each) whose
    og:type says "article", stating no story in its JSON-LD: no item, the reason naming the
    cards. Before, og:type article was sign enough, and the teasers were its body."""
    analysis = analyse(FRONT_URL, HTML, _front(stated, og_type="article"))
    assert analysis.article is None
    assert analysis.kind == "not_article"
    assert "other stories' cards" in analysis.reason


def test_a_story_ending_in_cards_of_related_stories_stays_a_story() -> None:
    """A short story (og:type article, no JSON-LD) whose element ends in several cards of
    related stories, each a linked headline and a teaser, as long as it: still a story."""
    story = "".join(
        f"<p>Farmers around Segou said on day {n} that the new mill had halved the time it"
        " took them to get their rice to the market, and that the queues of carts outside"
        " it in the mornings were shorter than they had been in any year they remembered.</p>"
        for n in range(1, 3)
    )
    cards = "".join(
        f"<div class='zz-card'><h3><a href='/2032/04/0{n}/africa/story-{n}/index.html'>"
        f"Story {n} of the day in the Sahel</a></h3><p>A teaser of story {n}, in which the"
        " river rises, the town waits for the ferry and the traders on the bank count the"
        " days.</p></div>"
        for n in range(1, 5)
    )
    body = (
        "<html><head><meta property='og:type' content='article'></head><body><main>"
        f"<h1>Segou gets a rice mill</h1>{story}{cards}</main></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"][0].startswith("Farmers around Segou said on day 1")


@pytest.mark.parametrize(
    ("story", "cards"),
    [
        # A brief of two short paragraphs, opening with the outlet's dateline.
        (
            "<p>SEGOU, Mali, April 1 (Reuters) - Mali's Segou region opened a rice mill on"
            " Monday, officials said.</p><p>The mill will take the harvest of some 3,000"
            " farmers, they said.</p>",
            6,
        ),
        # A short story of three paragraphs, no opening, above a long rail of cards.
        (
            "".join(
                f"<p>Farmers around Segou said on day {n} that the new mill had halved the"
                " time it took them to get rice to market, and the queues were shorter.</p>"
                for n in range(1, 4)
            ),
            12,
        ),
    ],
)
def test_a_short_story_above_many_cards_of_related_stories_stays_a_story(
    story: str, cards: int
) -> None:
    """A short story (og:type article, no JSON-LD) above more cards of related stories than
    its own text: its paragraphs come before the first card, so it is a story, not a front."""
    rail = "".join(
        f"<div class='zz-card'><h3><a href='/2032/04/0{n % 9 + 1}/africa/story-{n}/index.html'>"
        f"Story {n} of the day in the Sahel</a></h3><p>A teaser of story {n}, in which the"
        " river rises and the town waits for the ferry.</p></div>"
        for n in range(1, cards + 1)
    )
    body = (
        "<html><head><meta property='og:type' content='article'></head><body><main>"
        f"<h1>Segou gets a rice mill</h1>{story}{rail}</main></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"][0].startswith(("SEGOU, Mali", "Farmers around"))


@pytest.mark.parametrize(
    "names",
    [
        {"url": URL},
        {"mainEntityOfPage": {"@type": "WebPage", "@id": URL}},
        {"@id": "https://www.cnn.com/2032/04/01/africa/segou-rice-mill/"},  # the canonical's
    ],
)
def test_a_story_naming_the_page_is_its_own_whatever_its_headline(names: dict[str, Any]) -> None:
    """A story's JSON-LD naming the page (its address, or its canonical's from a mirror)
    under another headline than the printed one (a headline written for search engines):
    the page's own story, its date read."""
    story = {
        "@type": "NewsArticle",
        "headline": "Mali: a new rice mill for Segou farmers",
        "datePublished": "2032-04-01T10:00:00Z",
        **names,
    }
    head = (
        f"<script type='application/ld+json'>{json.dumps(story)}</script>"
        "<link rel='canonical' href='https://www.cnn.com/2032/04/01/africa/segou-rice-mill/'>"
    )
    mirror = "http://127.0.0.1:8300/2032/04/01/africa/segou-rice-mill/index.html"
    item = analyse(mirror if "@id" in names else URL, HTML, page(head), source="cnn").article
    assert item is not None
    assert item["headline"] == "Segou gets a rice mill"
    assert item["datePublished"] == "2032-04-01T10:00:00Z"


@pytest.mark.parametrize(
    "names",
    [
        {"url": "https://amp.cnn.com/cnn/2032/04/01/africa/segou-rice-mill/index.html"},
        {"mainEntityOfPage": "https://www.cnn.com/amp/2032/04/01/africa/segou-rice-mill/"},
        {"@id": "https://www.cnn.com/2032/04/01/africa/segou-rice-mill/amp/"},
        {"url": "https://www.cnn.com/2032/04/01/africa/segou-rice-mill/?outputType=amp"},
    ],
)
@pytest.mark.parametrize(
    "headline",
    ["Segou gets a rice mill - CNN Africa edition", "Segou gets a rice mill: farmers queue early"],
)
def test_a_story_naming_the_pages_amp_address_is_its_own(
    names: dict[str, Any], headline: str
) -> None:
    """A story's JSON-LD naming the page only by its AMP address, its headline the printed
    one with a suffix or subtitle: the page's own story, so its date is read. Before, it
    was taken for another page's, and the page was no article."""
    story = {
        "@type": "NewsArticle",
        "headline": headline,
        "datePublished": "2032-04-01T10:00:00Z",
        **names,
    }
    head = f"<script type='application/ld+json'>{json.dumps(story)}</script>"
    head += "<meta property='og:title' content='Segou gets a rice mill'>"
    analysis = analyse(URL, HTML, page(head), source="cnn")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["headline"] == "Segou gets a rice mill"
    assert analysis.article["datePublished"] == "2032-04-01T10:00:00Z"


REUTERS_URL = "https://www.reuters.com/article/us-mali-segou-mill-idUSKBN2ZS01A"


@pytest.mark.parametrize(
    "amp",
    [
        "http://mobile.reuters.com/article/amp/idUSKBN2ZS01A",
        "https://www.reuters.com/article/amp/idUSKBN2ZS01A",
    ],
)
def test_a_reuters_story_naming_its_old_amp_address_is_its_own(amp: str) -> None:
    """A Reuters story's JSON-LD naming the page only by its AMP address of before 2020
    (``/article/amp/`` and the story's id, no slug), its headline the printed one with a
    subtitle: the page's own story. The AMP address named no page the story's address
    is, so the page was no article."""
    story = {
        "@type": "NewsArticle",
        "headline": "Segou gets a rice mill: farmers queue early",
        "datePublished": "2032-04-01T10:00:00Z",
        "url": amp,
    }
    head = f"<script type='application/ld+json'>{json.dumps(story)}</script>"
    analysis = analyse(REUTERS_URL, HTML, page(head), source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["headline"] == "Segou gets a rice mill"
    assert analysis.article["datePublished"] == "2032-04-01T10:00:00Z"


def test_another_reuters_storys_amp_address_names_no_page() -> None:
    """The AMP address of another Reuters story (another id) is no sign of the page's."""
    from crawler.pages.jsonld import is_own_story

    story = {"headline": "Rains come early to Gao"}
    pages = [REUTERS_URL]
    titles = ["Segou gets a rice mill"]
    other = "http://mobile.reuters.com/article/amp/idUSKBN2ZS01B"
    assert not is_own_story({**story, "url": other}, pages, titles)
    own = "http://mobile.reuters.com/article/amp/idUSKBN2ZS01A"
    assert is_own_story({**story, "url": own}, pages, titles)


@pytest.mark.parametrize(
    ("url", "original"),
    [
        (
            "https://amp.cnn.com/cnn/2032/04/01/a/x/index.html",
            "https://cnn.com/2032/04/01/a/x/index.html",
        ),
        ("https://www.cnn.com/amp/2032/04/01/a/x", "https://www.cnn.com/2032/04/01/a/x"),
        ("https://www.cnn.com/2032/04/01/a/x/amp/", "https://www.cnn.com/2032/04/01/a/x/"),
        ("https://www.cnn.com/a/x/?outputType=amp&b=1", "https://www.cnn.com/a/x/?b=1"),
        ("https://www.cnn.com/a/x/?b=1&amp", "https://www.cnn.com/a/x/?b=1"),
        ("https://www.cnn.com/2032/04/01/a/ampm-sale/?ampm=1", None),
        ("http://amp.cnn.com:99999/cnn/x", None),
    ],
)
def test_the_page_an_amp_address_is_a_copy_of(url: str, original: str | None) -> None:
    from crawler.pages.urls import amp_original

    assert amp_original(url) == original


def test_the_pages_own_story_is_chosen_past_a_listed_ones() -> None:
    """JSON-LD stating a listed story's NewsArticle first, then the page's own: the page's
    own gives its dates."""
    listed = {"@type": "NewsArticle", "headline": "Rains come early to Gao", "url": LISTED_URL}
    listed["datePublished"] = "2032-03-01T10:00:00Z"
    own = {"@type": "NewsArticle", "headline": "Segou gets a rice mill", "url": URL}
    own["datePublished"] = "2032-04-01T10:00:00Z"
    head = f"<script type='application/ld+json'>{json.dumps([listed, own])}</script>"
    item = analyse(URL, HTML, page(head), source="cnn").article
    assert item is not None
    assert item["datePublished"] == "2032-04-01T10:00:00Z"


def test_a_collection_pages_one_listed_story_is_not_its_own() -> None:
    """A section front stated as a CollectionPage (at the page's address) whose
    ``mainEntity`` is one story it lists, at that story's address: no article."""
    listed = {"@type": "NewsArticle", "headline": "Rains come early to Gao", "url": LISTED_URL}
    front = {"@context": "https://schema.org", "@type": "CollectionPage", "url": FRONT_URL}
    analysis = analyse(FRONT_URL, HTML, _front({**front, "mainEntity": listed}))
    assert analysis.article is None
    assert analysis.kind == "not_article"


@pytest.mark.parametrize("wrapper", ["article", "main"])
@pytest.mark.parametrize("cap", ["<div>L</div>", "<div class='zz-cap'>L</div>", "<p>L</p>"])
def test_a_drop_cap_in_a_div_blocks_first_paragraph_keeps_it(wrapper: str, cap: str) -> None:
    """A story printed in plain ``<div>`` blocks whose first block opens with a drop cap in
    a block of its own (``<div>L</div>orries ...``): the first paragraph, the letter joined
    to its word. Before, the block held a block, so it was no block of text, and the
    story's first paragraph was lost."""
    body = _plain_div_page(BRIDGE_STORY, wrapper, first=f"{cap}orries")
    analysis = analyse(BRIDGE_URL, HTML, body, source="reuters")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == BRIDGE_STORY


MILL_STORY = [
    "The rice mill opened in Segou on Tuesday, its owners said, after two years of work"
    " on the banks of the river.",
    "It can husk forty tonnes a day, its owners said.",
    "Farmers queued from dawn with their carts.",
]


@pytest.mark.parametrize(
    "first",
    [
        "<div class='zz-cap'>T</div>he rice mill opened",
        "<div>T</div>he <a href='/mills'>rice mill</a> opened",
        "<span class='zz-cap'>T</span>he rice mill opened",  # no breakage: as before
    ],
)
def test_a_drop_cap_div_inside_a_paragraph_keeps_the_paragraph(first: str) -> None:
    """``<p><div>T</div>he mill ...</p>``: the parser closes the ``<p>`` at the ``<div>``,
    leaving it empty and the paragraph's words loose after it; they are the paragraph
    again. Before, the story's first paragraph was lost."""
    opening = MILL_STORY[0].replace("The rice mill opened", first, 1)
    rest = "".join(f"<p>{text}</p>" for text in MILL_STORY[1:])
    body = (
        "<html><head><meta property='og:type' content='article'></head><body><div class='wrap'>"
        f"<h1>Segou gets a rice mill</h1><article><p>{opening}</p>{rest}</article></div>"
        "</body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"] == MILL_STORY


def test_an_empty_paragraph_before_a_block_stays_apart() -> None:
    """An empty ``<p>`` before a block that is no drop cap (a one-letter heading of a list,
    a block after a space) leaves the page as it was."""
    body = (
        "<html><head><meta property='og:type' content='article'></head><body><div class='wrap'>"
        "<h1>Segou gets a rice mill</h1><article>"
        + "".join(f"<p>{text}</p>" for text in MILL_STORY)
        + "<p></p><div>A</div> list of <em>mills</em> follows.</article></div></body></html>"
    )
    analysis = analyse(URL, HTML, body.encode())
    assert analysis.article is not None, analysis.reason
    assert analysis.article["paragraphs"][: len(MILL_STORY)] == MILL_STORY


@pytest.mark.parametrize(
    ("headline", "title"),
    [
        ("Segou gets a rice mill", ""),
        ("SEGOU GETS A RICE\u2026", ""),
        ("Segou gets...", ""),
        ("Segou\u2019s \u2018new\u2019 rice mill", "Segou's 'new' rice mill - CNN.com"),
    ],
)
def test_a_story_naming_no_page_is_its_own_under_its_headline(headline: str, title: str) -> None:
    """A story's JSON-LD naming no page, its headline the printed one (in another case or
    typography, or cut short with an ellipsis, as some sites cap it): the page's own
    story, its date read."""
    story = {"@type": "NewsArticle", "headline": headline, "datePublished": "2032-04-01T10:00:00Z"}
    head = f"<script type='application/ld+json'>{json.dumps(story)}</script>"
    head += f"<meta property='og:title' content=\"{title}\">" if title else ""
    item = analyse(URL, HTML, page(head), source="cnn").article
    assert item is not None
    assert item["datePublished"] == "2032-04-01T10:00:00Z"


@pytest.mark.parametrize(
    "headline", ["Segou gets a rice mill - CNN", "Segou gets a rice mill | CNN Politics"]
)
def test_a_story_naming_no_page_is_its_own_under_its_headline_and_outlet(headline: str) -> None:
    """A story's JSON-LD naming no page, its headline the printed one with the outlet's
    suffix (the title tag's form, as some sites state it): the page's own story, not a
    listed one, so the page is an article and its date read. Before, the page was no
    article: its structured data was taken for another page's story."""
    story = {"@type": "NewsArticle", "headline": headline, "datePublished": "2032-04-01T10:00:00Z"}
    head = f"<script type='application/ld+json'>{json.dumps(story)}</script>"
    head += "<meta property='og:title' content='Segou gets a rice mill'>"
    analysis = analyse(URL, HTML, page(head), source="cnn")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["datePublished"] == "2032-04-01T10:00:00Z"


@pytest.mark.parametrize("cut", ["\u2026", "...", " ..."])
def test_a_story_naming_no_page_is_its_own_under_a_title_cut_short(cut: str) -> None:
    """A page whose ``<h1>`` is the site's logo and whose ``og:title`` and ``<title>`` cut
    the headline short with an ellipsis, its JSON-LD story naming no page under the whole
    headline: the page's own story, so the page is an article. Before, the headline was
    not found within any title and the page was no article."""
    story = {
        "@type": "NewsArticle",
        "headline": "Segou gets a rice mill, its first in three decades",
        "datePublished": "2032-04-01T10:00:00Z",
    }
    head = (
        f"<title>Segou gets a rice mill, its first{cut}</title>"
        f"<meta property='og:title' content='Segou gets a rice mill, its first{cut}'>"
        f"<script type='application/ld+json'>{json.dumps(story)}</script>"
    )
    doc = (
        f"<html><head>{head}</head><body><h1 class='logo'>Daily Sahel</h1>"
        f"<div class='story'>{BODY}</div></body></html>"
    )
    analysis = analyse(URL, HTML, doc.encode(), source="cnn")
    assert analysis.article is not None, analysis.reason
    assert analysis.article["datePublished"] == "2032-04-01T10:00:00Z"


def test_a_section_front_titled_with_a_short_cut_title_takes_no_listed_story() -> None:
    """A section front whose ``og:title`` is a word or two cut with an ellipsis ("Africa
    ..."), its JSON-LD a listed story naming no page whose headline opens with that word:
    still no article; a title cut so short tells no story apart."""
    story = {"@type": "NewsArticle", "headline": "Africa news roundup: rains come early"}
    page = _front(story).replace(b"content='Africa news'", b"content='Africa news...'")
    analysis = analyse(FRONT_URL, HTML, page)
    assert analysis.article is None
    assert "another page's story" in analysis.reason


_MILL = "A rice mill opened in Segou on Tuesday."


@pytest.mark.parametrize(
    ("opening", "first", "dateline"),
    [
        (
            "<div class='source'><cite class='source__cite'><span>London</span>"
            " <span>CNN Sport</span> — </cite></div>",
            f"London CNN Sport — {_MILL}",
            "London",
        ),
        ("", f"Gao CNN Business — {_MILL}", "Gao"),
        ("", f"Segou, Mali CNN en Español — {_MILL}", "Segou, Mali"),
        # A sentence naming the outlet's desk is no source line.
        ("", "The miller told CNN Business — a rice mill opened in Segou on Tuesday.", None),
    ],
)
def test_a_source_line_naming_a_cnn_desk(opening: str, first: str, dateline: str | None) -> None:
    """Modern CNN prints the desk between the place and the dash ("London CNN Sport —");
    before, the generic reader read only "Gao CNN —", and the dateline was lost."""
    paragraph = _MILL if opening else first
    body = f"{opening}<p>{paragraph}</p><p>It can husk forty tonnes a day, its owners said.</p>"
    item = analyse(URL, HTML, page("", body=body), source="cnn").article
    assert item is not None
    assert item["paragraphs"][0] == first
    assert item["dateline"] == dateline


@pytest.mark.parametrize(
    "sentence",
    [
        "Its owner told CNN Business — speaking at the opening — that forty will work there.",
        "Its owner told CNN Sport - speaking at the opening - that forty people will work there.",
        "The CNN Heroes-nominated miller said forty people will work there, most of them women.",
    ],
)
def test_a_sentence_naming_a_cnn_desk_is_no_second_opening(sentence: str) -> None:
    """A page stating no story (no JSON-LD, no <article>, no og:type) is one by its single
    outlet opening; a later sentence naming a CNN desk before a dash is none. Before, it was
    counted a second opening, as a listing's teasers each open, and the page no article."""
    body = (
        "<html><head><title>Segou gets a rice mill</title></head><body><div class='wrap'>"
        "<h1>Segou gets a rice mill</h1><div class='story'>"
        f"<p>Segou, Mali (CNN) -- {_MILL} It is the first of its kind in the region.</p>"
        f"<p>{sentence}</p><p>Farmers have waited years to husk their rice near home.</p>"
        "</div></div></body></html>"
    ).encode()
    item = analyse(URL, HTML, body, source="cnn").article
    assert item is not None
    assert item["dateline"] == "Segou, Mali"


def test_a_cnn_desk_in_a_compound_word_opens_no_story() -> None:
    """ "The CNN Heroes-nominated miller ...": a word joined to the desk by a hyphen is no
    source line's dash; before, the dateline was "The"."""
    first = "The CNN Heroes-nominated miller opened a rice mill in Segou on Tuesday."
    body = f"<p>{first}</p><p>It can husk forty tonnes a day, its owners said.</p>"
    item = analyse(URL, HTML, page("", body=body), source="cnn").article
    assert item is not None
    assert item["dateline"] is None
    assert item["paragraphs"][0] == first


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("MADRID, 14 feb (Reuters) - ", "MADRID"),
        ("BAMAKO, 14 février (Reuters) - ", "BAMAKO"),
        ("SAO PAULO, 14 fev. (Reuters) - ", "SAO PAULO"),
        ("GAO, Mali, 7 March (Reuters) - ", "GAO, Mali"),
        ("PARIS, 1er mars (Reuters) - ", "PARIS"),
        ("14 feb (Reuters) - ", None),
    ],
)
def test_a_wire_opening_with_the_day_first_names_its_place(opening: str, place: str | None) -> None:
    """Reuters' Spanish, French and Portuguese services write the day first ("MADRID, 14 feb
    (Reuters) -"): the templates read the place; the generic reader gave no dateline."""
    body = f"<p>{opening}A rice mill opened on Tuesday.</p><p>It husks forty tonnes a day.</p>"
    item = analyse(REUTERS_URL, HTML, page("", body=body), source="reuters").article
    assert item is not None
    assert item["dateline"] == place
    assert item["paragraphs"][0].startswith(opening)


@pytest.mark.parametrize(
    ("language", "byline", "names"),
    [
        ("es", "<p>Por Ana Ruiz y Tom Hale, CNN</p>", ["Ana Ruiz", "Tom Hale"]),
        ("pt", "<p>Por Ana Ruiz e Tom Hale</p>", ["Ana Ruiz", "Tom Hale"]),
        ("es", "<div>Por Ana Ruiz y Tom Hale</div>", ["Ana Ruiz", "Tom Hale"]),
    ],
)
def test_a_plain_byline_in_spanish_or_portuguese(
    language: str, byline: str, names: list[str]
) -> None:
    """A byline printed as a plain paragraph or block ("Por A y B") on a page in that
    language: before, no author, and the byline was the story's first paragraph."""
    body = (
        f"{byline}<p>Un molino de arroz abrió en Segou el martes, dijeron sus dueños.</p>"
        "<p>Puede descascarar cuarenta toneladas al día, dijeron.</p>"
    )
    raw = page("", body=body).replace(b"<html>", f"<html lang='{language}'>".encode(), 1)
    item = analyse(URL, HTML, raw, source="cnn").article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == names
    assert item["paragraphs"][0].startswith("Un molino")


@pytest.mark.parametrize(
    ("language", "subheading"),
    [
        ("en", "By Then It Was Too Late"),
        ("en", "By Land and River"),
        ("pt", "Por Dentro da Economia"),
        ("es", "Por Fin Llega el Agua"),
    ],
)
def test_a_sub_heading_inside_the_story_opening_as_a_byline_does_is_story_text(
    language: str, subheading: str
) -> None:
    """A bold sub-heading past the story's opening reading as a byline ("By Then It Was
    Too Late", "Por Dentro da Economia") is a part of the story: where the byline sits
    (before the story) a line so printed is still the byline. Before, the sub-heading
    left the body."""
    body = (
        "<p>Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.</p>"
        f"<p><strong>{subheading}</strong></p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    byline = "<p><strong>By Awa Diarra, CNN</strong></p>"
    raw = page("", body=byline + body).replace(b"<html>", f"<html lang='{language}'>".encode())
    item = analyse(URL, HTML, raw, source="cnn").article
    assert item is not None
    assert [author["name"] for author in item["authors"]] == ["Awa Diarra"]
    assert item["paragraphs"] == [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.",
        subheading,
        "It can husk forty tonnes a day, its owners said.",
    ]


def test_a_byline_inside_the_story_naming_its_listed_author_is_no_story_text() -> None:
    """A byline printed past the opening, bold as a sub-heading is, naming the person the
    page lists as its author, is still a byline: out of the body."""
    head = "<meta name='author' content='Awa Diarra'>"
    body = (
        "<p>Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.</p>"
        "<p><strong>By Awa Diarra</strong></p>"
        "<p>It can husk forty tonnes a day, its owners said.</p>"
    )
    item = analyse(URL, HTML, page(head, body=body), source="cnn").article
    assert item is not None
    assert item["paragraphs"] == [
        "Segou, Mali (CNN) -- A rice mill opened in Segou on Tuesday.",
        "It can husk forty tonnes a day, its owners said.",
    ]


@pytest.mark.parametrize(
    ("language", "line", "names"),
    [
        ("es", "Ana Ruiz y Tom Hale contribuyeron a este reporte.", ["Ana Ruiz", "Tom Hale"]),
        ("es", "Con información de Ana Ruiz y de la agencia EFE.", ["Ana Ruiz"]),
        ("pt", "Com informações de Ana Ruiz, da CNN, e da Reuters.", ["Ana Ruiz"]),
        ("pt", "Ana Ruiz contribuiu para esta reportagem.", ["Ana Ruiz"]),
    ],
)
def test_a_spanish_or_portuguese_contributor_line_of_an_unknown_layout(
    language: str, line: str, names: list[str]
) -> None:
    """ "A contribuyó a este reporte", "Com informações de A": contributors, out of the
    body, on a page in that language; before, a paragraph, no one credited."""
    body = (
        "<p>Un molino de arroz abrió en Segou el martes, dijeron sus dueños.</p>"
        f"<p>Puede descascarar cuarenta toneladas al día, dijeron.</p><p>{line}</p>"
    )
    raw = page("", body=body).replace(b"<html>", f"<html lang='{language}'>".encode(), 1)
    item = analyse(URL, HTML, raw, source="cnn").article
    assert item is not None
    assert item["credits"] == [{"name": name, "role": "contributor"} for name in names]
    assert len(item["paragraphs"]) == 2
    # On a page in English the line is no credits line.
    english = analyse(URL, HTML, page("", body=body), source="cnn").article
    assert english is not None and english["credits"] == []


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Con información de Human Rights Watch, el gobierno decidió cerrar la mina."),
        ("es", "Con información de la policía, los fiscales abrieron una causa."),
        ("pt", "Com informações de Human Rights Watch, o governo fechou a mina."),
    ],
)
def test_a_spanish_or_portuguese_sentence_opening_as_a_contributor_line_stays(
    language: str, line: str
) -> None:
    """A sentence going on past the names ("Con información de X, el gobierno decidió
    ...") credits no one and stays in the body."""
    body = (
        "<p>Un molino de arroz abrió en Segou el martes, dijeron sus dueños.</p>"
        f"<p>{line}</p><p>Puede descascarar cuarenta toneladas al día, dijeron.</p>"
    )
    raw = page("", body=body).replace(b"<html>", f"<html lang='{language}'>".encode(), 1)
    item = analyse(URL, HTML, raw, source="cnn").article
    assert item is not None
    assert item["credits"] == []
    assert item["paragraphs"][1] == line
