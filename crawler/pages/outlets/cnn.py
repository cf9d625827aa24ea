"""CNN: edition.cnn.com and its aliases; money.cnn.com and the language editions apart."""

import re

from .base import Outlet

_TEMPLATES = "crawler.pages.templates"

OUTLET = Outlet(
    name="cnn",
    domains=("cnn.com",),
    same_site_hosts=frozenset({"cnn.com", "www.cnn.com", "edition.cnn.com", "us.cnn.com"}),
    article_paths=(
        # /2013/01/29/world/africa/mali-timbuktu/index.html
        re.compile(r"^/\d{4}/\d{2}/\d{2}/(?:[^/]+/)+index\.html$"),
        # /2023/05/01/africa/mali-gao-patrol/ (and without the trailing slash)
        re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/[^/]+/?$"),
    ),
    start_points=(
        "https://edition.cnn.com/world/africa",
        "https://edition.cnn.com/sitemaps/cnn/news.xml",
    ),
    templates=(
        # iReport first: its host says what it is (readers' submissions), whatever its markup.
        f"{_TEMPLATES}.cnn_ireport:CnnIReportPage",
        f"{_TEMPLATES}.cnn_2013:Cnn2013Page",
        f"{_TEMPLATES}.cnn_2015:Cnn2015Page",
        f"{_TEMPLATES}.cnn_2021:Cnn2021Page",
        f"{_TEMPLATES}.cnn_money:CnnMoneyPage",
        # Any other CNN page: the generic reading, minus video, gallery and section pages.
        f"{_TEMPLATES}.cnn_fallback:CnnFallbackPage",
    ),
    byline_words=frozenset({"cnn", "cnn.com", "cnni", "cnnmoney", "cnn.money", "hln", "ireport"}),
    headline_suffixes=(" - CNN.com", " - CNN", " | CNN Politics", " | CNN Business", " | CNN"),
    site_names=("cnn",),
)
