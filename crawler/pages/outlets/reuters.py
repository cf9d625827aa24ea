"""Reuters: www.reuters.com and its regional editions, one site under the same paths."""

import re

from .base import Outlet

_TEMPLATES = "crawler.pages.templates"

OUTLET = Outlet(
    name="reuters",
    domains=("reuters.com",),
    same_site_hosts=frozenset(
        {
            "reuters.com",
            "www.reuters.com",
            "uk.reuters.com",
            "in.reuters.com",
            "ca.reuters.com",
            "af.reuters.com",
            "mobile.reuters.com",
        }
    ),
    article_paths=(
        # /article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118 (2010-2015),
        # /article/us-mali-france-idUSKBN1FB1XX (2015-2020), with a section slug before it
        # (2019-2020), or the id alone: /article/idUSFWN1B40B5 (briefs),
        # /article/worldNews/idUSTRE5A11DA20091102 (2008-2010); a trailing slash since 2023.
        re.compile(
            r"^/article/(?:[^/]+/)*(?:[^/]+-id[A-Za-z0-9]{6,}|id[A-Z]{2}[A-Za-z0-9]{6,})/?$"
        ),
        # Since 2020: /world/africa/mali-junta-names-new-premier-2021-05-25/; a fact check's
        # id in capitals: /fact-check/espanol/ABC123DEF-2024-02-14/
        re.compile(r"^/(?:[a-z0-9-]+/)+[A-Za-z0-9-]+-\d{4}-\d{2}-\d{2}/?$"),
        # Reuters Investigates (2014-2024): /investigates/special-report/mali-gold-route/
        re.compile(r"^/investigates/special-report/[a-z0-9-]+/?$"),
        # blogs.reuters.com (2008-2018, Breakingviews among them): /BLOG/YYYY/MM/DD/slug/
        re.compile(r"^/[a-z0-9-]+/\d{4}/\d{2}/\d{2}/[^/]+/?$"),
        # feeds.reuters.com (FeedBurner) lists each story under a redirect of its own:
        # /~r/reuters/topNews/~3/TOKEN/slug-idUSKBN1ZC1DA, until 2015 .../TOKEN/story01.htm
        re.compile(
            r"^/~r/[^/]+/[^/]+/~3/[^/]+/"
            r"(?:story01\.htm|[^/]+-id[A-Za-z0-9]{6,}|id[A-Z]{2}[A-Za-z0-9]{6,})$"
        ),
    ),
    start_points=(
        "https://www.reuters.com/world/africa/",
        "https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml",
    ),
    # The dated templates' markers exclude each other (tests/test_reuters_pages.py), so the
    # order only decides what a page pays to be matched. 2018-2020 pages match on class
    # names alone, first: their template never needs the index of the page's ids, which
    # the others' markers build. Blog posts then match on two ids.
    templates=(
        f"{_TEMPLATES}.reuters_2018:Reuters2018Page",
        f"{_TEMPLATES}.reuters_blogs:ReutersBlogPage",
        f"{_TEMPLATES}.reuters_2015:Reuters2015Page",
        f"{_TEMPLATES}.reuters_2013:Reuters2013Page",
        f"{_TEMPLATES}.reuters_2016:Reuters2016Page",
        f"{_TEMPLATES}.reuters_2021:Reuters2021Page",
        f"{_TEMPLATES}.reuters_fallback:ReutersFallbackPage",
    ),
    # Its services spelt as one word name no one either ("By Breakingviews", "By IFR").
    byline_words=frozenset({"reuters", "thomson", "reuters.com", "breakingviews", "ifr"}),
    headline_suffixes=(" | Reuters", " | Reuters.com", " - Reuters"),
    site_names=("reuters",),
)
