"""The link policy: what is followed, what is not, hops, canonical duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.linkpolicy import LinkPolicy, dedup_key, is_article_url
from crawler.pages import analyse
from crawler.pages.base import Analysis, Link

from .test_pages_fixtures import FIXTURES, load_fixture

PAGES = Path(__file__).parent / "data" / "pages"


@pytest.mark.parametrize(
    "url,source",
    [
        ("https://www.cnn.com/2013/01/29/world/africa/mali-timbuktu/index.html", "cnn"),
        ("https://edition.cnn.com/2023/05/01/africa/mali-gao-patrol-intl/", "cnn"),
        ("https://www.cnn.com/2023/05/01/africa/mali-gao-patrol-intl", "cnn"),
        ("https://www.cnn.com/2013/01/29/tech/video-games/console-sales/index.html", "cnn"),
        (
            "http://www.reuters.com/article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118",
            "reuters",
        ),
        ("https://www.reuters.com/article/us-mali-france-idUSKBN1FB1XX", "reuters"),
        ("https://www.reuters.com/world/africa/mali-junta-names-premier-2021-05-25/", "reuters"),
        # CNN 2000-2012: the section (upper case, a subsection under it) before the date.
        ("http://www.cnn.com/2010/POLITICS/08/13/senate.vote.delayed/index.html", "cnn"),
        ("http://edition.cnn.com/2011/WORLD/africa/04/06/mali.road.reopens/index.html", "cnn"),
        ("http://www.cnn.com/2010/SHOWBIZ/celebrity.news.gossip/08/13/tour.ends/index.html", "cnn"),
        ("http://edition.cnn.com/2010/WORLD/asiapcf/07/21/river.flood.warning/", "cnn"),
        # CNN Arabic 2010-2013: a section_name, then month and day without a leading zero.
        ("http://arabic.cnn.com/2013/middle_east/8/3/market.reopens/index.html", "cnn"),
        ("http://arabic.cnn.com/2012/business/12/30/port.fees/index.html", "cnn"),
        # CNN Arabic since 2014: the section first, then the date (with /article/ since 2019).
        ("https://arabic.cnn.com/middleeast/2014/01/26/bamakoflood", "cnn"),
        ("https://arabic.cnn.com/middle-east/article/2023/10/30/gao-market-reopens", "cnn"),
        # CNNMoney until 2013: index.htm.
        ("http://money.cnn.com/2012/03/27/news/economy/cotton-prices/index.htm", "cnn"),
        # CNN Travel and Style 2016-2022: no date in the path.
        ("https://www.cnn.com/travel/article/niger-river-boat-journey/index.html", "cnn"),
        ("https://edition.cnn.com/style/article/bamako-fashion-week/index.html", "cnn"),
        # Reuters: an id without a slug (2008-2010 wires, 2015-2020 briefs), the section
        # code before it (2008-2010), the trailing slash of the 2023 redirects.
        ("http://www.reuters.com/article/idUSFWN1B40ZZ", "reuters"),
        ("http://www.reuters.com/article/worldNews/idUSTRE5A11ZZ20091102", "reuters"),
        ("http://af.reuters.com/article/topNews/idAFJOE90H0ZZ20130118", "reuters"),
        ("https://www.reuters.com/article/idUSKBN20B0ZZ/", "reuters"),
        ("https://www.reuters.com/article/us-mali-france-idUSKBN1FB1XX/", "reuters"),
        # Reuters since 2020: an id in capitals where the slug would be (fact checks).
        ("https://www.reuters.com/fact-check/espanol/ABCDEF0GHIJKLMN1PQRS-2024-02-14/", "reuters"),
        # Reuters blogs and Breakingviews (WordPress), 2008-2018.
        ("http://blogs.reuters.com/great-debate/2013/02/04/road-to-gao/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/2016/08/22/miner-bets-on-gold", "reuters"),
        # Reuters' feeds (FeedBurner) list each story under a redirect of their own.
        ("http://feeds.reuters.com/~r/reuters/topNews/~3/Ab1_c-D2/mali-idUSKBN1ZC1ZZ", "reuters"),
        ("http://feeds.reuters.com/~r/Reuters/worldNews/~3/zX9_aB/story01.htm", "reuters"),
        # Reuters Investigates, 2014-2024.
        ("https://www.reuters.com/investigates/special-report/mali-gold-route/", "reuters"),
    ],
)  # fmt: skip
def test_article_shapes(url: str, source: str) -> None:
    assert is_article_url(url, source)


@pytest.mark.parametrize(
    "url,source",
    [
        ("https://www.cnn.com/world/africa", "cnn"),
        ("https://www.cnn.com/videos/world/2013/01/29/mali-tour.cnn", "cnn"),
        ("https://www.cnn.com/video/world/2013/01/29/mali-tour/index.html", "cnn"),
        ("https://www.cnn.com/2013/01/29/", "cnn"),
        ("https://www.reuters.com/world/africa/", "reuters"),
        ("https://www.reuters.com/news/picture/mali-idUSRTX1", "reuters"),
        ("https://www.reuters.com/article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118", "cnn"),
        # Sections, section fronts of a year, days without a story, specials, media.
        ("http://www.cnn.com/2010/POLITICS/", "cnn"),
        ("http://www.cnn.com/WORLD/", "cnn"),
        ("http://www.cnn.com/2011/WORLD/africa/", "cnn"),
        ("http://www.cnn.com/2010/POLITICS/08/13/", "cnn"),
        ("http://www.cnn.com/2011/WORLD/africa/04/06/index.html", "cnn"),
        ("http://www.cnn.com/SPECIALS/2011/libya/index.html", "cnn"),
        ("http://www.cnn.com/video/world/2011/04/06/mali.road.cnn/", "cnn"),
        ("https://www.cnn.com/2018/09/27/world/gallery/week-in-photos/index.html", "cnn"),
        ("https://www.cnn.com/2031/01/30/world/gallery/people-we-lost", "cnn"),
        ("https://www.cnn.com/2013/01/29/world/africa/gallery/mali-in-pictures/index.html", "cnn"),
        ("https://www.cnn.com/2016/06/01/politics/video/debate-replay/index.html", "cnn"),
        ("https://www.cnn.com/2014/03/21/world/interactive/gao-map/index.html", "cnn"),
        ("http://arabic.cnn.com/2013/middle_east/", "cnn"),
        ("http://arabic.cnn.com/2013/middle_east/8/3/", "cnn"),
        ("https://arabic.cnn.com/middle-east/", "cnn"),
        ("https://arabic.cnn.com/middle-east/video/2023/10/30/v123456-gao-market", "cnn"),
        ("https://www.cnn.com/travel/article/", "cnn"),
        ("http://money.cnn.com/news/economy/", "cnn"),
        ("http://www.reuters.com/finance/stocks/TEX/key-developments/article/1234567", "reuters"),
        ("http://www.reuters.com/article/", "reuters"),
        ("https://www.reuters.com/fact-check/espanol/", "reuters"),
        ("https://www.reuters.com/investigates/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/2016/08/22/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/2016/08/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/page/2/", "reuters"),
        ("http://blogs.reuters.com/great-debate/category/mali/", "reuters"),
        ("http://blogs.reuters.com/breakingviews/2016/08/22/miner-bets-on-gold/feed/", "reuters"),
        ("http://feeds.reuters.com/reuters/topNews", "reuters"),
        ("http://feeds.reuters.com/~r/reuters/topNews/~3/Ab1_c-D2/", "reuters"),
    ],
)  # fmt: skip
def test_not_article_shapes(url: str, source: str) -> None:
    assert not is_article_url(url, source)


def fixture_items() -> list[dict]:
    return [load_fixture(path)[0] for path in FIXTURES]


def test_every_fixture_article_is_at_a_url_its_outlet_follows() -> None:
    """The fixtures sit at URLs of the shapes their outlet really used (our own slugs), so
    each is an article link the spiders follow."""
    items = fixture_items()
    assert len(items) > 20
    refused = [(i["source"], i["url"]) for i in items if not is_article_url(i["url"], i["source"])]
    assert refused == []


OLD_SHAPES = [
    "http://www.cnn.com/2010/POLITICS/08/13/senate.vote.delayed/index.html",
    "http://www.cnn.com/2011/WORLD/africa/04/06/mali.road.reopens/index.html",
    "http://arabic.cnn.com/2013/middle_east/8/3/market.reopens/index.html",
]
SECTIONS = [
    "http://www.cnn.com/2010/POLITICS/",
    "http://www.cnn.com/WORLD/",
    "http://www.cnn.com/2011/WORLD/africa/",
    "http://arabic.cnn.com/2013/middle_east/",
]


def test_old_shapes_followed_from_a_listing_sections_not() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    listing = Analysis(
        kind="listing",
        source="cnn",
        links=[Link(url, "listing") for url in [*SECTIONS, *OLD_SHAPES]],
    )
    follows = policy.follow(listing, 0, is_start=True)
    assert [(f.url, f.hops, f.kind) for f in follows] == [(u, 0, "article") for u in OLD_SHAPES]


def test_old_shapes_followed_from_an_articles_related_coverage() -> None:
    """A 2011 page's "READ:" lines and coverage box link 2011 shapes: followed, one hop on;
    its interactive and social links are not."""
    page = PAGES / "cnn_2013" / "script_stamp_wire_staff_video_tease.html"
    expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
    analysis = analyse(expected["url"], {"Content-Type": "text/html"}, page.read_bytes())
    assert analysis.kind == "article"
    follows = LinkPolicy("cnn", max_hops=2).follow(analysis, 0, is_start=True)
    linked = [link["url"] for link in expected["relatedLinks"]]
    articles = [u for u in dict.fromkeys(linked) if "/interactive/" not in u and "cnn.com" in u]
    assert len(articles) == 9
    assert [f.url for f in follows] == articles
    assert {f.hops for f in follows} == {1}


def test_reuters_feed_blog_and_brief_links_followed_from_a_listing() -> None:
    stories = [
        "http://feeds.reuters.com/~r/reuters/topNews/~3/Ab1_c-D2/mali-idUSKBN1ZC1ZZ",
        "http://blogs.reuters.com/great-debate/2013/02/04/road-to-gao/",
        "http://www.reuters.com/article/idUSFWN1B40ZZ",
    ]
    others = [
        "http://blogs.reuters.com/great-debate/",
        "http://blogs.reuters.com/great-debate/2013/02/04/",
        "http://www.reuters.com/finance/stocks/TEX/key-developments/article/1234567",
    ]
    listing = Analysis(
        kind="listing", source="reuters", links=[Link(u, "listing") for u in others + stories]
    )
    follows = LinkPolicy("reuters", max_hops=2).follow(listing, 0, is_start=True)
    assert [f.url for f in follows] == stories


def test_dedup_key_ignores_tracking_fragment_scheme_and_host_alias() -> None:
    base = "https://www.cnn.com/2013/01/29/world/africa/mali/index.html"
    for variant in (
        base + "?utm_source=twitter&utm_medium=social",
        base + "#comments",
        base.replace("https://www.", "http://edition."),
        base + "?iid=article_sidebar",
    ):
        assert dedup_key(variant) == dedup_key(base)
    assert dedup_key(base + "?page=2") != dedup_key(base)


def article(*links: Link) -> Analysis:
    return Analysis(kind="article", source="cnn", article={}, links=list(links))


REL = "https://www.cnn.com/2013/01/28/world/africa/gao/index.html"


def test_related_links_followed_with_one_more_hop() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    follows = policy.follow(
        article(Link(REL, "related"), Link(REL + "?iid=x", "inline")), 0, is_start=True
    )
    assert [(f.url, f.hops, f.kind) for f in follows] == [(REL, 1, "related")]


def test_no_links_followed_at_max_depth() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    assert policy.follow(article(Link(REL, "related")), 2, is_start=False) == []


def test_other_sites_and_media_not_followed() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    links = [
        Link("https://www.reuters.com/article/us-mali-idUSKBN1FB1XX", "related"),
        Link("https://www.cnn.com/videos/world/2013/01/29/mali.cnn", "related"),
        Link("https://ads.example.net/2013/01/28/world/africa/x/index.html", "related"),
    ]
    assert policy.follow(article(*links), 0, is_start=True) == []


def test_mirror_maps_outlet_hosts_and_stays_on_the_mirror() -> None:
    policy = LinkPolicy(
        "cnn", 2, site_hosts=frozenset({"127.0.0.1:8000"}), mirror="http://127.0.0.1:8000"
    )
    follows = policy.follow(
        article(
            Link(REL, "related"),
            Link("http://127.0.0.1:8000/2013/01/27/world/africa/niger/index.html", "related"),
            Link("http://127.0.0.1:9999/2013/01/26/world/africa/other/index.html", "related"),
        ),
        0,
        is_start=True,
    )
    assert [f.url for f in follows] == [
        "http://127.0.0.1:8000/2013/01/28/world/africa/gao/index.html",
        "http://127.0.0.1:8000/2013/01/27/world/africa/niger/index.html",
    ]


def test_listing_pages_expanded_only_as_start_points() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    listing = Analysis(
        kind="listing",
        source="cnn",
        links=[
            Link(REL, "listing"),
            Link("https://www.cnn.com/sitemaps/cnn/news-2.xml", "listing"),
        ],
    )
    follows = policy.follow(listing, 0, is_start=True)
    assert [(f.hops, f.kind) for f in follows] == [(0, "article"), (0, "listing")]
    assert policy.follow(listing, 1, is_start=False) == []


def test_related_links_placed_at_any_depth_match_follow() -> None:
    policy = LinkPolicy("cnn", max_hops=2)
    page = article(Link(REL, "related"), Link(REL.replace("gao", "kidal"), "inline"))
    related = policy.related(page)
    assert [f.hops for f in related] == [0, 0]
    for hops in range(4):
        assert policy.from_page(related, hops) == policy.follow(page, hops, is_start=False)
    assert (
        policy.related(Analysis(kind="listing", source="cnn", links=[Link(REL, "listing")])) == []
    )


def test_start_urls_on_the_outlets_own_hosts_are_no_mirror() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.spiders.outlets import CnnSpider

    start = "https://edition.cnn.com/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
    spider = CnnSpider.from_crawler(get_crawler(CnnSpider), start_url=start)
    assert spider.policy.mirror is None
    www = "http://www.cnn.com/2013/01/28/world/africa/mali-gao-airport/index.html"
    assert spider.policy.on_site(www) == www, "asked for as the page links it"
    mirrored = CnnSpider.from_crawler(get_crawler(CnnSpider), start_url="http://127.0.0.1:8/")
    assert mirrored.policy.mirror == "http://127.0.0.1:8"


def test_a_page_under_two_url_forms_is_requested_once() -> None:
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    import crawler.settings as project_settings
    from crawler.linkpolicy import FollowRequest
    from crawler.spiders.outlets import CnnSpider

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)
    crawler = get_crawler(CnnSpider, settings_dict=settings.copy_to_dict())
    spider = CnnSpider.from_crawler(crawler)
    slug = "https://www.cnn.com/2023/05/01/africa/mali-gao-patrol-intl"
    forms = [slug, slug + "/index.html", slug + "/", slug + "/index.html?iid=x"]
    follows = [FollowRequest(url, 1, "related") for url in forms]
    requests = list(spider.schedule(follows, referer="https://www.cnn.com/"))
    assert [r.url for r in requests] == [slug]
    other = list(spider.schedule([FollowRequest(slug + "-2/index.html", 1, "related")], "x"))
    assert len(other) == 1
