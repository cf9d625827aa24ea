"""The link policy: what is followed, what is not, hops, canonical duplicates."""

from __future__ import annotations

import pytest

from crawler.linkpolicy import LinkPolicy, dedup_key, is_article_url
from crawler.pages.base import Analysis, Link


@pytest.mark.parametrize(
    "url,source",
    [
        ("https://www.cnn.com/2013/01/29/world/africa/mali-timbuktu/index.html", "cnn"),
        ("https://edition.cnn.com/2023/05/01/africa/mali-gao-patrol-intl/", "cnn"),
        ("https://www.cnn.com/2023/05/01/africa/mali-gao-patrol-intl", "cnn"),
        (
            "http://www.reuters.com/article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118",
            "reuters",
        ),
        ("https://www.reuters.com/article/us-mali-france-idUSKBN1FB1XX", "reuters"),
        ("https://www.reuters.com/world/africa/mali-junta-names-premier-2021-05-25/", "reuters"),
    ],
)
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
    ],
)
def test_not_article_shapes(url: str, source: str) -> None:
    assert not is_article_url(url, source)


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

    from crawler.spiders.outlets import CnnSpider  # type: ignore[attr-defined]

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
    from crawler.spiders.outlets import CnnSpider  # type: ignore[attr-defined]

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
