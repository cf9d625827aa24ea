"""Scrapy's CloseSpider (``--max-pages``, ``--max-runtime``), cutting the waits of retries.

A graceful close waits for every request in the downloader, and a retry waiting out a
``Retry-After`` (up to ``NEWSARCHIVE_RETRY_MAX_DELAY``) is one: the run went on for the
whole wait past its bound. Closing cuts the waits first; the retries' pages stay in the
frontier, so the next run fetches them.
"""

from __future__ import annotations

from scrapy.extensions.closespider import CloseSpider

from .retry import cut_waits


class GracefulCloseSpider(CloseSpider):
    def _close_spider(self, reason: str) -> None:
        cut_waits()
        super()._close_spider(reason)
