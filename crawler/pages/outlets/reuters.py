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
        # /article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118
        re.compile(r"^/article/\d{4}/\d{2}/\d{2}/[^/]+-id[A-Za-z0-9]{6,}$"),
        # /article/us-mali-france-idUSKBN1FB1XX
        re.compile(r"^/article/(?:[^/]+/)*[^/]+-id[A-Za-z0-9]{6,}$"),
        # /world/africa/mali-junta-names-new-premier-2021-05-25/
        re.compile(r"^/(?:[a-z0-9-]+/)+[a-z0-9-]+-\d{4}-\d{2}-\d{2}/?$"),
    ),
    start_points=(
        "https://www.reuters.com/world/africa/",
        "https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml",
    ),
    templates=(
        f"{_TEMPLATES}.reuters_2015:Reuters2015Page",
        f"{_TEMPLATES}.reuters_2013:Reuters2013Page",
        f"{_TEMPLATES}.reuters_2016:Reuters2016Page",
        f"{_TEMPLATES}.reuters_2018:Reuters2018Page",
        f"{_TEMPLATES}.reuters_2021:Reuters2021Page",
        f"{_TEMPLATES}.reuters_blogs:ReutersBlogPage",
        f"{_TEMPLATES}.reuters_fallback:ReutersFallbackPage",
    ),
    byline_words=frozenset({"reuters", "thomson", "reuters.com"}),
    headline_suffixes=(" | Reuters", " | Reuters.com", " - Reuters"),
    site_names=("reuters",),
)
