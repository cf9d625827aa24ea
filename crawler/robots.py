"""robots.txt as careful crawlers read it: a broken robots.txt closes the site for the run.

Scrapy's RobotsTxtMiddleware parses whatever the robots.txt URL returned. This one follows
RFC 9309: a 4xx means no rules (allowed); a 5xx (or 429), or a robots.txt that never arrives
(a timeout, a reset), means the site cannot say what it allows, so nothing there is fetched
this run and the report says so (``robots_unavailable``); a site that cannot be reached at
all (its name unknown, its port closed) is left to fail on its pages, by that kind;
only the first ``NEWSARCHIVE_ROBOTS_MAX_BYTES`` (500 KiB, as Google) of a huge file count.
A request robots.txt forbids fails with the kind ``robots_disallowed``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from .errorkinds import SITE_UNREACHABLE, error_kind
from .keys import ERROR_STATS

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsDisallowed(IgnoreRequest):
    """A request robots.txt does not allow (or the site's robots.txt was unavailable)."""

    newsarchive_kind = "robots_disallowed"


def robots_rules(status: int, body: bytes, max_bytes: int) -> bytes:
    """The robots.txt text to obey for a response: RFC 9309 section 2.3.1."""
    if status >= 500 or status == 429:
        return DISALLOW_ALL
    if status >= 400:
        return b""
    return body[:max_bytes] if max_bytes else body


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("NEWSARCHIVE_ROBOTS_MAX_BYTES")
        self._schemes: dict[str, str] = {}  # netloc -> the scheme its robots.txt is asked by

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StrictRobotsTxtMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_ROBOTS_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        self._schemes.setdefault(url.netloc, url.scheme)
        return await super().robot_parser(request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """A robots.txt that could not be read: unreachable (RFC 9309 2.3.1.4), so the site
        is closed for the run, unless the site itself cannot be reached."""
        if isinstance(exc, IgnoreRequest) or error_kind(exc) in SITE_UNREACHABLE:
            super()._robots_error(exc, netloc)
            return
        url = f"{self._schemes.get(netloc, 'http')}://{netloc}/robots.txt"
        logger.warning(
            "robots.txt of %s could not be read (%s): nothing there is fetched this run",
            netloc,
            exc,
        )
        _note(self.crawler, "robots_unavailable", url)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        assert isinstance(waiting, Deferred)
        self._parsers[netloc] = parser
        waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise RobotsDisallowed(f"forbidden by robots.txt: {request.url}") from exc

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        rules = robots_rules(response.status, response.body, self.max_bytes)
        if rules is DISALLOW_ALL:
            logger.warning(
                "robots.txt of %s answered %d: nothing there is fetched this run",
                netloc,
                response.status,
            )
            _note(self.crawler, "robots_unavailable", response.url)
        elif len(response.body) > len(rules) and rules:
            logger.warning(
                "robots.txt of %s is %d bytes: only the first %d are read",
                netloc,
                len(response.body),
                self.max_bytes,
            )
            _note(self.crawler, "robots_truncated", response.url)
        await super()._parse_robots(response.replace(body=rules), netloc, request)


def _note(crawler: Crawler, kind: str, url: str) -> None:
    spider: Any = crawler.spider
    note = getattr(spider, "note_problem", None)
    if note is not None:
        note(kind, url)
    elif crawler.stats is not None:
        crawler.stats.inc_value(f"{ERROR_STATS}{kind}")
