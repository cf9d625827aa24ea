"""Stopping a crawl whose disk is full: once, cleanly, with one line saying what failed.

Whoever meets the full disk first (the WARC recorder, the store pipeline, the fetch history
through a spider callback) calls :func:`stop_for_disk_full`: the message goes into the
stats for the run report (exit code 74), and the spider closes with reason ``disk_full``,
which leaves the frontier for the next run. What was being written when the disk filled
is cut back by its writer, so nothing half-written is left for a reader.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from archive.diskspace import is_disk_full, reason

logger = logging.getLogger(__name__)

DISK_FULL = "disk_full"  # the close reason
DISK_FULL_STAT = "newsarchive/disk_full"  # the one-line message, set once

_watched: weakref.WeakSet[Crawler] = weakref.WeakSet()


def disk_full(crawler: Crawler) -> bool:
    """Whether this crawl has met a full disk (from then on it stores nothing more)."""
    return bool(crawler.stats and crawler.stats.get_value(DISK_FULL_STAT))


def stop_for_disk_full(crawler: Crawler, what: str, exc: BaseException) -> None:
    """Note the full disk (the first one wins the message) and close the spider."""
    if disk_full(crawler):
        return
    message = f"the disk is full ({what}: {reason(exc)})"
    if crawler.stats is not None:
        crawler.stats.set_value(DISK_FULL_STAT, message)
    logger.error("newsarchive: %s; stopping the crawl", message)
    engine = crawler.engine
    if engine is None or engine.spider is None or getattr(engine, "_slot", None) is None:
        return  # not running (opening or closing): nothing to stop
    deferred = deferred_from_coro(engine.close_spider_async(reason=DISK_FULL))
    deferred.addErrback(lambda failure: logger.debug("close after a full disk: %s", failure))


def watch(crawler: Crawler) -> None:
    """Stop the crawl when a spider callback fails on a full disk (the fetch history's writes)."""
    if crawler in _watched:
        return
    _watched.add(crawler)

    def spider_error(failure: Any, response: Any, spider: Any) -> None:
        if is_disk_full(failure.value):
            stop_for_disk_full(crawler, "writing the fetch history", failure.value)

    crawler.signals.connect(spider_error, signal=signals.spider_error, weak=False)
