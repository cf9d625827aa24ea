"""Bad input: pages no template reads, templates that fail, and pages that are not articles.

A page no template matches and that states no usable structured data gives no item and a
reason (never an item with an empty headline or body); a template that raises hands the
page to the generic reader and the failure is counted under the template's name.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

import crawler.settings as project_settings
from crawler.pages import analyse
from crawler.pages.templates.cnn_2021 import Cnn2021Page
from crawler.run import CrawlOptions, build_report
from crawler.spiders.outlets import CnnSpider

HTML = {"Content-Type": "text/html"}
URL_2021 = "https://www.cnn.com/2024/05/02/africa/kidal-water-wells/index.html"
# The 2021 template's markup, with structured data the generic reader can fall back on.
PAGE_2021 = b"""<html lang="en"><head>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Kidal digs new wells", "datePublished": "2024-05-02T08:00:00Z",
 "author": [{"@type": "Person", "name": "Awa Traore"}],
 "articleBody": "Kidal CNN \\u2014 Three wells opened on Thursday.\\nThe council paid for them."}
</script></head><body><div class="layout__content-wrapper">
<h1 class="headline__text">Kidal digs new wells</h1>
<div class="article__content"><p class="paragraph">Three wells opened on Thursday.</p></div>
</div></body></html>"""


def test_an_ireport_page_is_not_an_article_and_says_why() -> None:
    body = (
        b"<html><head><meta property='og:type' content='article'></head><body>"
        b"<div id='cnn_hdr'></div><div class='cnn_strycntntlft'><h1>My trip to Gao</h1>"
        b"<p>I went to the market.</p><p>It was busy.</p></div></body></html>"
    )
    analysis = analyse("http://ireport.cnn.com/docs/DOC-912345", HTML, body, source="cnn")
    assert analysis.kind == "not_article"
    assert analysis.article is None
    assert "iReport" in analysis.reason


@pytest.mark.parametrize(
    "body",
    [
        # A headline and no body.
        b"<html><body><h1>Gao market reopens</h1><div>Share</div></body></html>",
        # A body and no headline.
        b"<html><body><article><p>Traders came back.</p><p>Prices fell.</p></article>"
        b"</body></html>",
        # Structured data naming the page but holding no text, and no body.
        b'<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        b' "headline": "Gao market reopens"}</script></head><body><h1>Gao</h1></body></html>',
        # Nothing at all a reader would call an article.
        b"<html><body><div><a href='/africa'>Africa</a></div></body></html>",
    ],
)
def test_a_page_no_template_reads_gives_no_item_and_a_reason(body: bytes) -> None:
    analysis = analyse("https://www.cnn.com/2024/05/02/africa/x/index.html", HTML, body)
    assert analysis.kind == "not_article"
    assert analysis.article is None
    assert analysis.reason.startswith("no template matched")


def test_a_template_that_raises_hands_the_page_to_the_generic_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert analyse(URL_2021, HTML, PAGE_2021, source="cnn").extractor == "cnn/2021"

    def broken(self: Any) -> list[str]:
        raise IndexError("markup the template did not foresee")

    monkeypatch.setattr(Cnn2021Page, "paragraphs", broken)
    analysis = analyse(URL_2021, HTML, PAGE_2021, source="cnn")
    assert analysis.failed_template == "cnn/2021"
    assert analysis.kind == "article"
    assert analysis.extractor == "cnn/generic"
    assert analysis.article is not None
    assert analysis.article["headline"] == "Kidal digs new wells"
    assert analysis.article["paragraphs"]


def test_a_failed_template_is_counted_by_name_in_the_run_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)
    crawler = get_crawler(CnnSpider, settings_dict=settings.copy_to_dict())
    spider = CnnSpider.from_crawler(crawler)
    crawler.spider = spider
    response = HtmlResponse(URL_2021, body=PAGE_2021, headers=HTML, request=Request(URL_2021))

    list(spider.parse_page(response))
    assert not any(k.startswith("newsarchive/templates/") for k in crawler.stats.get_stats())

    monkeypatch.setattr(Cnn2021Page, "paragraphs", lambda self: [][0])
    items = [x for x in spider.parse_page(response) if isinstance(x, dict)]
    assert items and items[0]["metadata"]["extractor"] == "cnn/generic"
    assert crawler.stats.get_value("newsarchive/templates/failed/cnn/2021") == 1

    crawler.stats.set_value("finish_reason", "finished")
    options = CrawlOptions(spiders=["cnn"], data_dir=tmp_path)
    report = build_report("20260101T000000Z-1", options, [crawler], datetime.now(timezone.utc), 1)
    assert report["templateFailures"] == {"cnn/2021": 1}


# A redesign keeping one marker of a dated template: the template matches and finds nothing.
REDESIGNED_CNN = b"""<!DOCTYPE html><html lang="en"><head>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2027-05-02T13:02:00Z">
</head><body><article>
<h1>Menaka clinic opens a maternity ward</h1>
<div class="byline"><span class="byline__names">By Fanta Keita, CNN</span></div>
<p>Menaka, Mali (CNN) -- A maternity ward with twelve beds opened on Sunday.</p>
<p>Midwives trained in Gao will staff it in shifts, the clinic said.</p>
</article></body></html>"""
REDESIGNED_REUTERS = b"""<!DOCTYPE html><html lang="en"><head>
<meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Niamey bridge reopens to lorries", "datePublished": "2027-09-01T08:00:00Z",
 "author": [{"@type": "Person", "name": "Idrissa Maiga"}]}</script>
<script id="fusion-metadata" type="application/javascript">window.Fusion = {};</script>
</head><body><main><article>
<h1>Niamey bridge reopens to lorries</h1>
<div class="story-text">
<p>NIAMEY, Sept 1 (Reuters) - Lorries crossed the Kennedy bridge again on Wednesday.</p>
<p>Engineers had closed it for a month to mend two of its piers.</p>
</div></article></main></body></html>"""


@pytest.mark.parametrize(
    ("url", "body", "source", "template"),
    [
        ("https://edition.cnn.com/2027/05/02/africa/menaka-clinic/index.html",
         REDESIGNED_CNN, "cnn", "cnn/2021"),
        ("https://www.reuters.com/world/africa/niamey-bridge-reopens-2027-09-01/",
         REDESIGNED_REUTERS, "reuters", "reuters/2021"),
    ],
)  # fmt: skip
def test_a_template_that_finds_no_story_on_a_page_it_chose_hands_it_to_the_generic_reader(
    url: str, body: bytes, source: str, template: str
) -> None:
    """A redesign keeping one class or id a dated template is chosen by: the template
    found no headline or body, and its "not an article" was final, so a crawl stored
    nothing and said "ok". The outlet's generic reader reads it, and the run report counts
    the page under the template's name, as for a template that raises."""
    analysis = analyse(url, HTML, body, source=source)
    assert analysis.kind == "article", analysis.reason
    assert analysis.extractor == f"{source}/generic"
    assert analysis.failed_template == template
    assert analysis.article is not None and len(analysis.article["paragraphs"]) == 2


def test_a_page_its_template_knows_is_no_article_is_not_read_again() -> None:
    """A video page of a dated template's markup stays a video page: the generic reader
    is asked only when the template found nothing, not when it knows what the page is."""
    url = "https://edition.cnn.com/videos/world/2027/05/02/menaka-clinic.cnn"
    analysis = analyse(url, HTML, REDESIGNED_CNN, source="cnn")
    assert analysis.kind == "not_article"
    assert analysis.reason == "a video, gallery, live or section page"
    assert analysis.failed_template is None


SECTION_FRONT_2013 = b"""<html><head><title>Africa news - CNN.com</title></head><body>
<div id="cnn_hdr"><a href="/">CNN</a></div>
<div class="cnn_sectt4cntnt"><h1>Africa</h1>
<p>BAMAKO, Mali (CNN) -- Troops pressed north on Tuesday toward the last towns the rebels
hold, officials said, as aid groups warned of shortages in the camps.</p>
<p>Gao, Mali (CNN) -- Markets reopened in the river town this week after months of
closure, and traders said prices were already falling as supplies returned.</p>
<ul><li><a href="/2013/01/29/world/africa/mali-story/index.html">A story</a></li></ul>
</div></body></html>"""


def test_a_section_front_its_template_rejects_is_no_article_for_the_generic_reader() -> None:
    """A 2013 section front (the era's chrome, teasers opening "(CNN) --") that the
    template rightly rejected was handed to the generic reader, which took the teasers'
    openings for a story's: the front was stored as an article, its stories never
    crawled. A template's page is read again only where the page states it is a story."""
    analysis = analyse(
        "https://edition.cnn.com/world/africa/", HTML, SECTION_FRONT_2013, source="cnn"
    )
    assert analysis.kind == "not_article", analysis.extractor
    assert analysis.failed_template is None
    assert any(link.url.endswith("mali-story/index.html") for link in analysis.links)


def test_a_story_its_template_rejects_stating_nothing_but_its_opening_is_read() -> None:
    """A story of the 2013 chrome the template does not read, stating neither og:type,
    JSON-LD nor a publication time (as the era's pages did not): its one outlet opening
    says it is a story, as it does for a page no template matches."""
    story = SECTION_FRONT_2013.replace(
        b"Gao, Mali (CNN) -- Markets", b"Traders said markets"
    ).replace(b"<h1>Africa</h1>", b"<h1>Troops press north</h1>")
    analysis = analyse(
        "https://edition.cnn.com/2013/01/29/world/africa/mali-north/index.html",
        HTML,
        story,
        source="cnn",
    )
    assert analysis.kind == "article", analysis.reason
    assert analysis.failed_template == "cnn/2013"
