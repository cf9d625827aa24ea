"""Size and time limits that keep what arrived: a download over a limit is cut, not dropped.

Scrapy cancels a download over ``DOWNLOAD_MAXSIZE`` (or ``DOWNLOAD_TIMEOUT``) and throws
its bytes away. This middleware stops the download itself, at the size limit or when it has
taken ``NEWSARCHIVE_LIMITS_MAX_SECONDS`` (a trickling server), so the response still
reaches the WARC recorder, which marks it ``WARC-Truncated: length`` (or ``time``); the
spider counts it and extracts nothing from it. Decompressed bodies stay bounded by the same
size (Scrapy's HttpCompressionMiddleware reads the limit from the request's meta).
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.http import Response

from .handlers import cut_by_reset
from .keys import FETCH_START, TRUNCATED

_LIMIT = "newsarchive_maxsize"
_RECEIVED = "_newsarchive_bytes"

# Why a response's body is incomplete, as the kind the run report counts it under.
TRUNCATION_KINDS = {"length": "too_large", "time": "too_slow", "dataloss": "dataloss"}


def truncation_kind(response: Response) -> str | None:
    """The report kind of an incomplete body (cut at a limit, or the connection lost), else None."""
    reason = truncation_reason(response)
    return None if reason is None else TRUNCATION_KINDS.get(reason, "truncated")


def truncation_reason(response: Response) -> str | None:
    """Why a response's body is incomplete (a key of TRUNCATION_KINDS), else None."""
    reason = response.meta.get(TRUNCATED) if response.request is not None else None
    if reason:
        return str(reason)
    if "dataloss" in response.flags or (
        "partial" in response.flags and cut_by_reset(response.request)
    ):
        return "dataloss"
    return None


class DownloadLimits:
    """Cuts downloads at NEWSARCHIVE_LIMITS_MAX_BYTES or NEWSARCHIVE_LIMITS_MAX_SECONDS."""

    def __init__(self, crawler: Crawler, max_bytes: int, max_seconds: float):
        self.crawler = crawler
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadLimits:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_LIMITS_ENABLED"):
            raise NotConfigured
        max_bytes = settings.getint("NEWSARCHIVE_LIMITS_MAX_BYTES") or settings.getint(
            "DOWNLOAD_MAXSIZE"
        )
        max_seconds = settings.getfloat("NEWSARCHIVE_LIMITS_MAX_SECONDS") or (
            0.8 * settings.getfloat("DOWNLOAD_TIMEOUT")
        )
        limits = cls(crawler, max_bytes, max_seconds)
        crawler.signals.connect(limits.bytes_received, signal=signals.bytes_received)
        return limits

    def process_request(self, request: Request, spider: Any = None) -> None:
        limit = request.meta.get(_LIMIT) or request.meta.get("download_maxsize", self.max_bytes)
        request.meta[_LIMIT] = limit
        request.meta["download_maxsize"] = 0  # the handler must not cancel: we cut instead
        request.meta[_RECEIVED] = 0
        request.meta.pop(TRUNCATED, None)
        return None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        # Decompression (next in the chain) is bounded by the same limit.
        request.meta["download_maxsize"] = request.meta.get(_LIMIT, self.max_bytes)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        request.meta["download_maxsize"] = request.meta.get(_LIMIT, self.max_bytes)
        return None

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        if _LIMIT not in request.meta:
            return
        received = request.meta.get(_RECEIVED, 0) + len(data)
        request.meta[_RECEIVED] = received
        limit = request.meta[_LIMIT]
        started = request.meta.get(FETCH_START)
        if limit and received >= limit:
            request.meta[TRUNCATED] = "length"
        elif started is not None and time.time() - started > self.max_seconds:
            request.meta[TRUNCATED] = "time"
        else:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newsarchive/limits/{request.meta[TRUNCATED]}")
        raise StopDownload(fail=False)
