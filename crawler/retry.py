"""Retries with backoff: ``Retry-After`` honoured up to a cap, else exponential delays.

Replaces Scrapy's RetryMiddleware, which retries at once. The wait happens inside the
downloader slot of the failing host, so a struggling site sees fewer requests, not more.
Every attempt's response is archived (the WARC recorder sees each one at
``response_downloaded``). A DNS failure is not retried: a name that does not resolve now
will not resolve a second later, and a run against a dead name should end quickly.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from .handlers import stopping
from .keys import CUT_SHORT_STAT

logger = logging.getLogger(__name__)


# Waits before a retry, each with the timer that ends it: a run that starts to close cuts
# them (cut_waits), so --max-runtime and a first SIGTERM are not held by a Retry-After.
_WAITS: dict[Deferred[None], Any] = {}
_CUT: list[bool] = []


def _waiting(delay: float) -> Deferred[None]:
    """A Deferred fired after `delay` seconds, or at once by :func:`cut_waits`."""
    from twisted.internet import reactor  # the installed one; importing early installs one

    waiter: Deferred[None] = Deferred()

    def done() -> None:
        _WAITS.pop(waiter, None)
        if not waiter.called:
            waiter.callback(None)

    _WAITS[waiter] = reactor.callLater(delay, done)  # type: ignore[arg-type]
    return waiter


def cut_waits() -> int:
    """End every wait before a retry now, and those to come: the run is closing, and what
    the retries would fetch stays in the frontier for the next run. Returns how many."""
    _CUT.append(True)
    cut = 0
    for waiter, timer in list(_WAITS.items()):
        if timer.active():
            timer.cancel()
        _WAITS.pop(waiter, None)
        if not waiter.called:
            waiter.callback(None)
            cut += 1
    return cut


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), else None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float | None) -> float:
    """The wait before retry number `attempt` (1-based): Retry-After if given, else base*2^(n-1)."""
    wanted = retry_after if retry_after is not None else base * (2 ** max(0, attempt - 1))
    return max(0.0, min(wanted, cap))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry rules (RETRY_TIMES, RETRY_HTTP_CODES), with a wait before each retry."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.base = crawler.settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF")
        self.cap = crawler.settings.getfloat("NEWSARCHIVE_RETRY_MAX_DELAY")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_RETRY_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"{response.status}")
        if retry is None:
            return response
        header = retry_after_seconds(response.headers.get("Retry-After"))
        await self._wait(retry, request.url, header)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        stats = self.crawler.stats
        cut = stopping() or bool(stats is not None and stats.get_value(CUT_SHORT_STAT))
        if isinstance(exception, (DNSLookupError, CannotResolveHostError)) or cut:
            return None  # not retried: no such host, or the closing run cut the download
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(retry, request.url, None)
        return retry

    async def _wait(self, retry: Request, url: str, retry_after: float | None) -> None:
        attempt = int(retry.meta.get("retry_times", 1))
        delay = backoff_delay(attempt, self.base, self.cap, retry_after)
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newsarchive/retry/waits")
            if retry_after is not None:
                stats.inc_value("newsarchive/retry/retry_after")
            stats.max_value("newsarchive/retry/max_delay_ms", int(delay * 1000))
        logger.info(
            "retry %d of %s in %.2fs%s",
            attempt,
            url,
            delay,
            f" (Retry-After {retry_after:g}s, cap {self.cap:g}s)"
            if retry_after is not None
            else "",
        )
        if delay > 0 and not _CUT:
            await deferred_to_future(_waiting(delay))
