"""CNN: edition.cnn.com and its aliases; money.cnn.com and the language editions apart."""

import re

from .base import Outlet

_TEMPLATES = "crawler.pages.templates"

OUTLET = Outlet(
    name="cnn",
    domains=("cnn.com",),
    same_site_hosts=frozenset({"cnn.com", "www.cnn.com", "edition.cnn.com", "us.cnn.com"}),
    article_paths=(
        # 2012-2022: /2013/01/29/world/africa/mali-timbuktu/index.html; CNNMoney until
        # 2013 ends in index.htm. A gallery or video under a section is none.
        re.compile(
            r"^/\d{4}/\d{2}/\d{2}/(?!(?:[^/]+/)*(?:galler(?:y|ies)|videos?|interactive)/)"
            r"(?:[^/]+/)+index\.html?$"
        ),
        # Since 2023: /2023/05/01/africa/mali-gao-patrol/ (and without the trailing slash)
        re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/[^/]+/?$"),
        # 2000-2012: the section in capitals, a subsection under it, then the date:
        # /2010/POLITICS/08/13/senate.vote/index.html, /2011/WORLD/africa/04/06/mali.road/
        re.compile(r"^/\d{4}/[A-Z]+/(?:[A-Za-z][\w.-]*/)?\d{2}/\d{2}/[^/]+/(?:index\.html)?$"),
        # CNN Arabic 2010-2013, month and day without a leading zero:
        # /2013/middle_east/8/3/market.reopens/index.html
        re.compile(r"^/\d{4}/[a-z_]+/\d{1,2}/\d{1,2}/[^/]+/(?:index\.html)?$"),
        # CNN Arabic since 2014, the section first: /middleeast/2014/01/26/slug, since 2019
        # /middle-east/article/2023/10/30/slug (its videos are /middle-east/video/...).
        re.compile(
            r"^/(?!article/|interactive/|specials/)[a-z-]+/(?:article/)?\d{4}/\d{2}/\d{2}/[^/]+/?$"
        ),
        # CNN Travel and Style 2016-2022, undated: /travel/article/slug/index.html
        re.compile(r"^/[a-z]+/article/[^/]+/(?:index\.html)?$"),
    ),
    start_points=(
        "https://edition.cnn.com/world/africa",
        "https://edition.cnn.com/sitemaps/cnn/news.xml",
    ),
    # The dated templates' markers exclude each other (tests/test_cnn_pages.py), so their
    # order only decides what a page pays to be matched. Pages of 2015 on match on class
    # names alone, first: the 2010-2014 markers may need the index of the page's ids,
    # which only the 2010-2014 and CNNMoney templates read.
    templates=(
        # iReport first: its host says what it is (readers' submissions), whatever its markup.
        f"{_TEMPLATES}.cnn_ireport:CnnIReportPage",
        f"{_TEMPLATES}.cnn_2015:Cnn2015Page",
        f"{_TEMPLATES}.cnn_2021:Cnn2021Page",
        f"{_TEMPLATES}.cnn_2013:Cnn2013Page",
        f"{_TEMPLATES}.cnn_money:CnnMoneyPage",
        # Any other CNN page: the generic reading, minus video, gallery and section pages.
        f"{_TEMPLATES}.cnn_fallback:CnnFallbackPage",
    ),
    # Its sites' and brands' names too, spelt as one word ("By CNNPolitics", "By CNNTech").
    byline_words=frozenset(
        {"cnn", "cnn.com", "cnni", "cnnmoney", "cnn.money", "hln", "ireport"}
        | {"cnnpolitics", "cnntech"}
    ),
    headline_suffixes=(
        " - CNN.com",
        " - CNN",
        # The sites' names their titles end with: politics (2015, 2019), Arabic (2013).
        " - CNNPolitics.com",
        " - CNNPolitics",
        " - CNNArabic.com",
        " | CNN Politics",
        " | CNN Business",
        " | CNN",
    ),
    site_names=("cnn",),
)
