"""Scrapy's CloseSpider (``--max-pages``, ``--max-runtime``), sending nothing past its bound.

A graceful close waits for every request in the downloader: a retry waiting out a
``Retry-After`` (up to ``NEWSARCHIVE_RETRY_MAX_DELAY``), and requests queued behind
``DOWNLOAD_DELAY``, each sent a delay after the one before. The run went on past its bound,
fetching and storing pages. Closing cuts the waits and fails the queued requests as
:class:`LeftForNextRun`, and a close by time (``--max-runtime``, a signal) cuts the downloads
under way; their pages stay in the frontier, so the next run fetches them.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.closespider import CloseSpider
from twisted.python.failure import Failure

from .handlers import cut_downloads
from .keys import CUT_SHORT_STAT, KIND
from .retry import cut_waits

logger = logging.getLogger(__name__)

NOT_SENT_STAT = "newsarchive/closing/not_sent"  # requests counted by Scrapy, never sent


class LeftForNextRun(IgnoreRequest):
    """A request a closing run does not send: no error, its page left in the frontier."""


# The crawlers that send no page any more (a bound reached, a signal): see stop_sending().
_STOPPED: weakref.WeakSet[Any] = weakref.WeakSet()


def stats_of(crawler: Any) -> Any:
    """`crawler`'s stats collector; None where its crawl never started (its spider could
    not be made): Scrapy gives a crawler its stats then, and reading them before raises."""
    try:
        return crawler.stats
    except RuntimeError:
        return None


def stop_sending(crawler: Any) -> int:
    """From now on `crawler` sends no page: those queued in the downloader fail now, those
    still on their way to it (waiting for robots.txt, say) when they reach
    :class:`StopSending`; the downloads under way finish. Returns how many failed now."""
    _STOPPED.add(crawler)
    return drop_queued(crawler)


class StopSending:
    """Last before the download: a page of a run that stopped sending is left unsent.

    Only the spider's pages: robots.txt and an archive's answers for a page already on
    its way are the fetches of that page.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StopSending:
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        if self.crawler in _STOPPED and _a_page(request):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(NOT_SENT_STAT)
            raise LeftForNextRun(f"not sent, the run is closing: {request.url}")


def _a_page(request: Request) -> bool:
    """A page the spider asked for (not robots.txt, not an archive's answer for one)."""
    return KIND in request.meta


def drop_queued(
    crawler: Any,
    which: Callable[[Request], bool] = _a_page,
    reason: Callable[[Request], Exception] | None = None,
) -> int:
    """Fail the requests (`which` of them: the spider's pages) waiting in the downloader's
    slots, behind ``DOWNLOAD_DELAY`` or a full slot, with `reason` (:class:`LeftForNextRun`,
    counted and logged); the ones under way finish. Returns how many.

    Scrapy keeps them as ``(request, deferred)`` in each slot's ``queue``
    (``scrapy.core.downloader.Slot``, the releases ``crawler.handlers`` is tested with).
    """
    try:
        engine = crawler.engine
    except (AttributeError, RuntimeError):  # not started yet: nothing is queued
        return 0
    downloader = getattr(engine, "downloader", None)
    dropped = 0
    for slot in list(getattr(downloader, "slots", {}).values()):
        queue = getattr(slot, "queue", None)
        if not queue:
            continue
        kept = [(request, deferred) for request, deferred in queue if not which(request)]
        failed = [(request, deferred) for request, deferred in queue if which(request)]
        queue.clear()
        queue.extend(kept)
        for request, deferred in failed:
            made = reason(request) if reason else LeftForNextRun(f"not sent: {request.url}")
            deferred.errback(Failure(made))
        dropped += len(failed)
    if dropped and crawler.stats is not None:  # Scrapy counted them as requests already
        crawler.stats.inc_value(NOT_SENT_STAT, dropped)
    if dropped and reason is None:
        logger.info("closing: %d requests not sent, left for the next run", dropped)
    return dropped


def cut_under_way(crawler: Any) -> int:
    """The run closes (a signal, ``--max-runtime``): `crawler`'s downloads under way are cut
    now, not waited for up to ``DOWNLOAD_TIMEOUT``; nothing of them is archived or stored,
    and their pages stay in the frontier for the next run. Returns how many were cut."""
    stats = stats_of(crawler)
    if stats is not None:
        stats.set_value(CUT_SHORT_STAT, 1)
    cut = cut_downloads(crawler)
    if cut:
        logger.info("closing: %d downloads under way cut, left for the next run", cut)
    return cut


class GracefulCloseSpider(CloseSpider):
    def _close_spider(self, reason: str) -> None:
        cut_waits()
        stop_sending(self.crawler)
        if reason == "closespider_timeout":  # --max-runtime: a bound of time, kept
            cut_under_way(self.crawler)
        super()._close_spider(reason)
