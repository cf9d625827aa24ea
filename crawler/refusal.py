"""An outlet that refuses every request: stop asking after a few, and say where to go.

Some outlets answer crawlers only with 401/403 or a challenge page (live Reuters, since
2024). When the first ``NEWSARCHIVE_REFUSAL_AFTER`` pages the spider asks of a host are all
refused and none was answered, the host is given up for the run: its remaining requests
are dropped unsent (counted as ``outlet_refuses``), one line is logged, and the run report
says so and names ``--via``, the way to crawl that outlet's past through a web archive.
A run that ends before that many were asked (an outlet's two start points) and was
answered by no host gives up the hosts that refused it all the same.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from .closespider import drop_queued
from .keys import ARCHIVE_REQUEST, KIND
from .pages import analyse
from .pages.blocks import is_block_page

logger = logging.getLogger(__name__)

REFUSED_HOSTS = "newsarchive/refused_hosts"


class OutletRefuses(IgnoreRequest):
    newsarchive_kind = "outlet_refuses"


class RefusingOutletGuard:
    def __init__(self, crawler: Crawler, after: int):
        self.crawler = crawler
        self.after = after
        self.refused: dict[str, int] = {}
        self.answered: set[str] = set()
        self.heard: set[str] = set()  # hosts that gave any answer but a refusal (a 404 too)
        self.given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefusingOutletGuard:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_REFUSAL_ENABLED") or settings.get("NEWSARCHIVE_VIA"):
            raise NotConfigured
        guard = cls(crawler, max(1, settings.getint("NEWSARCHIVE_REFUSAL_AFTER")))
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """No host answered a page: those that refused every page asked of them (no 404,
        no 5xx either) are given up, however few they were asked."""
        if self.answered:
            return
        spider_name = getattr(spider, "name", "SPIDER")
        for host, refused in self.refused.items():
            if host in self.given_up or host in self.heard or not refused:
                continue
            self._note_given_up(host)
            logger.warning(
                "%s refused all %d requests asked of it (401/403 or a challenge page); "
                "crawl its past through a web archive: newsarchive crawl %s --via wayback "
                "--at WHEN",
                host,
                refused,
                spider_name,
            )

    def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlsplit(request.url).netloc.lower()
        if host in self.given_up and not request.meta.get(ARCHIVE_REQUEST):
            raise OutletRefuses(f"{host} refuses every request: not asked {request.url}")
        return None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        # Only the spider's pages count: robots.txt and the like do not.
        if KIND not in request.meta or "archived" in response.flags:
            return response
        host = urlsplit(request.url).netloc.lower()
        if host in self.answered or host in self.heard or host in self.given_up:
            return response  # a host that answered anything but a refusal refuses not all
        if self.is_refusal(response):
            self.refused[host] = self.refused.get(host, 0) + 1
            if self.refused[host] >= self.after:
                self.give_up(host, response.status)
            return response
        self.heard.add(host)  # a 404 or a 5xx too: an answer, not a refusal
        if 200 <= response.status < 400:
            self.answered.add(host)
        return response

    def is_refusal(self, response: Response) -> bool:
        """401/403, or a challenge page. A page with success is one only if the spider's
        analysis will say so: an article in its outlet's markup never is, whatever its
        bytes show. Asked only until the host has answered once."""
        status = response.status
        if not 200 <= status < 300:
            return status in (401, 403) or is_block_page(status, response.body)
        source = getattr(self.crawler.spider, "source", None)
        analysis = analyse(
            response.url, response.headers, response.body, status=status, source=source
        )
        return analysis.kind == "blocked"

    def give_up(self, host: str, status: int) -> None:
        self._note_given_up(host)
        # Those already past this guard, waiting behind DOWNLOAD_DELAY: not sent either.
        drop_queued(
            self.crawler,
            lambda request: (
                urlsplit(request.url).netloc.lower() == host
                and KIND in request.meta
                and not request.meta.get(ARCHIVE_REQUEST)
            ),
            lambda request: OutletRefuses(f"{host} refuses every request: not asked {request.url}"),
        )
        spider = getattr(self.crawler.spider, "name", "SPIDER")
        logger.warning(
            "%s refused the first %d requests (last: %s): not asking it again this run; "
            "crawl its past through a web archive: newsarchive crawl %s --via wayback --at WHEN",
            host,
            self.after,
            f"{status} or a challenge page" if status < 400 else status,
            spider,
        )

    def _note_given_up(self, host: str) -> None:
        """`host` is asked nothing more, and the run report names it (``refusedBy``)."""
        self.given_up.add(host)
        stats = self.crawler.stats
        if stats is not None:
            hosts = list(stats.get_value(REFUSED_HOSTS) or [])
            hosts.append(host)
            stats.set_value(REFUSED_HOSTS, hosts)


def refusal_message(hosts: list[str], spiders: list[str]) -> str:
    """The run report's line about outlets given up (see :class:`RefusingOutletGuard`)."""
    spider = spiders[0] if len(spiders) == 1 else "SPIDER"
    return (
        f"{', '.join(hosts)} refused every request (401/403 or a challenge page): stopped "
        f"asking; crawl its past through a web archive instead: "
        f"newsarchive crawl {spider} --via wayback --at WHEN"
    )
