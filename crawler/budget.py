"""``--max-pages N``: at most N requests reach the network, however many are in flight.

Scrapy's CLOSESPIDER_PAGECOUNT counts responses, so the requests already sent when the Nth
response arrives are fetched too (``--max-pages 2`` fetched 4 pages). This middleware sits
last before the download: it lets N requests through (robots.txt and retries count), then
refuses the rest and closes the spider with Scrapy's reason ``closespider_pagecount``.
A refused request stays in the frontier, so the next run fetches it.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from .closespider import LeftForNextRun
from .keys import PAGE_STATS

logger = logging.getLogger(__name__)

PAGE_LIMIT_REASON = "closespider_pagecount"
OVER_LIMIT_STAT = PAGE_STATS + "over_limit"  # requests left for the next run


class PageLimitReached(LeftForNextRun):
    """A request past ``--max-pages``: not fetched, not an error, left for the next run."""


class PageBudget:
    """Lets ``NEWSARCHIVE_MAX_PAGES`` requests reach the downloader, then stops the crawl."""

    def __init__(self, crawler: Crawler, limit: int):
        self.crawler = crawler
        self.limit = limit
        self.sent = 0
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBudget:
        limit = crawler.settings.getint("NEWSARCHIVE_MAX_PAGES")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.sent < self.limit:
            self.sent += 1
            return None
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(OVER_LIMIT_STAT)
        self._close()
        raise PageLimitReached(f"past --max-pages {self.limit}: {request.url}")

    def _close(self) -> None:
        engine = self.crawler.engine
        if self.closing or engine is None or getattr(engine, "_slot", None) is None:
            return
        self.closing = True
        logger.info(
            "--max-pages %d reached: stopping, the rest is left for the next run", self.limit
        )
        deferred = deferred_from_coro(engine.close_spider_async(reason=PAGE_LIMIT_REASON))
        deferred.addErrback(lambda failure: logger.debug("close at --max-pages: %s", failure))
