"""The floor of crawl cost: a bare Scrapy spider following the same links, doing nothing else.

It starts where ``newsarchive crawl`` starts, follows sitemap entries and the article-shaped
links of the pages it parses (the same URL shapes the link policy follows), and writes no
WARC, extracts no item, stores nothing. Run: ``python -m bench.bare_spider URL ...``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse

from crawler.linkpolicy import is_article_url, is_listing_url

_LOC_RE = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")

# The same politeness-off settings the benchmark gives ``newsarchive crawl``.
BENCH_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
}


class BareSpider(Spider):
    name = "bare"

    def __init__(self, start_urls: list[str], source: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = start_urls
        self.source = source
        first = urlsplit(start_urls[0])
        self.mirror = (first.scheme, first.netloc)

    def on_mirror(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((*self.mirror, parts.path, parts.query, ""))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        if b"<urlset" in response.body[:512] or b"<sitemapindex" in response.body[:512]:
            for raw in _LOC_RE.findall(response.body):
                url = response.urljoin(raw.decode("utf-8", "replace"))
                if is_listing_url(url) or is_article_url(url, self.source):
                    yield Request(self.on_mirror(url), callback=self.parse)
            return
        if not isinstance(response, TextResponse):
            return
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href)
            if is_article_url(url, self.source):
                yield Request(self.on_mirror(url), callback=self.parse)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_spider", description=__doc__)
    parser.add_argument("urls", nargs="+", metavar="URL")
    parser.add_argument("--source", default="cnn", choices=("cnn", "reuters"))
    parser.add_argument("--log-file", default=None)
    parser.add_argument("--stats", default=None, help="write the response count here (JSON)")
    args = parser.parse_args(argv)
    settings = dict(BENCH_SETTINGS, LOG_LEVEL="INFO")
    if args.log_file:
        settings["LOG_FILE"] = args.log_file
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_urls=args.urls, source=args.source)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    responses = int(stats.get("response_received_count", 0))
    if args.stats:
        with open(args.stats, "w", encoding="utf-8") as handle:
            json.dump({"responses": responses}, handle)
    print(f"bare: {responses} responses", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
