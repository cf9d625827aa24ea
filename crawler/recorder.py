"""The WARC-recording extension: every response as received, with its request and metadata.

It listens to ``response_downloaded``, which fires before any downloader middleware has
touched the response, so the payload is the bytes on the wire (``Content-Encoding``
intact). The metadata record of a page the spider parses waits for the spider's
``outlinks_chosen`` signal, so it can list what was followed.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK

from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.records import reason_phrase

from .handlers import FETCH_START
from .signals import outlinks_chosen

WARC_META = "newsarchive_warc"
HOPS = "newsarchive_hops"
_PENDING = "_newsarchive_pending_metadata"


class WarcRecorder:
    def __init__(self, crawler: Crawler, writer: WarcWriter):
        self.crawler = crawler
        self.writer = writer
        self.stats = crawler.stats
        self._pending: dict[str, tuple[Capture, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_WARC_ENABLED"):
            raise NotConfigured
        from pathlib import Path

        spider_name = getattr(crawler.spidercls, "name", "crawl")
        writer = WarcWriter(
            Path(settings.get("NEWSARCHIVE_DATA_DIR")) / "warc",
            prefix=f"{settings.get('NEWSARCHIVE_WARC_PREFIX')}-{spider_name}",
            max_size=settings.getint("NEWSARCHIVE_WARC_MAX_SIZE"),
            version=settings.get("NEWSARCHIVE_WARC_VERSION"),
            info={
                "isPartOf": settings.get("NEWSARCHIVE_RUN_ID") or spider_name,
                "operator": settings.get("NEWSARCHIVE_WARC_OPERATOR") or None,
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "http-header-user-agent": settings.get("USER_AGENT"),
            },
        )
        recorder = cls(crawler, writer)
        crawler.signals.connect(recorder.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.outlinks_chosen, signal=outlinks_chosen)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    # -- signals -------------------------------------------------------------------------
    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        capture = self._capture(response, request, spider)
        location = self.writer.write_capture(capture)
        request.meta[WARC_META] = location
        self.stats.inc_value("newsarchive/warc/records", 2)
        self.stats.inc_value("newsarchive/warc/payload_bytes", len(response.body))
        if self._reaches_spider(response, request, spider):
            self._pending[location.record_id] = (capture, location)
            request.meta[_PENDING] = location.record_id
        else:
            self._write_metadata(capture, location, outlinks=None)

    def outlinks_chosen(self, response: Response, outlinks: list[tuple[str, str]]) -> None:
        record_id = response.meta.get(_PENDING)
        pending = self._pending.pop(record_id, None) if record_id else None
        if pending:
            self._write_metadata(pending[0], pending[1], outlinks)

    def spider_closed(self, spider: Spider) -> None:
        for capture, location in list(self._pending.values()):
            self._write_metadata(capture, location, outlinks=None)
        self._pending.clear()
        self.writer.close()
        self.stats.set_value("newsarchive/warc/files", list(self.writer.files_written))
        self.stats.set_value("newsarchive/warc/bytes", self.writer.bytes_written)

    # -- building records ----------------------------------------------------------------
    @staticmethod
    def _reaches_spider(response: Response, request: Request, spider: Spider) -> bool:
        if request.callback is NO_CALLBACK:
            return False
        if 200 <= response.status < 300:
            return True
        return response.status in getattr(spider, "handle_httpstatus_list", ())

    def _capture(self, response: Response, request: Request, spider: Spider) -> Capture:
        started = request.meta.get(FETCH_START)
        if started is None:
            started = time.time() - float(request.meta.get("download_latency") or 0)
        protocol = response.protocol or "HTTP/1.1"
        truncated = None
        if "partial" in response.flags or "dataloss" in response.flags:
            truncated = "disconnect"
        elif "download_stopped" in response.flags:
            truncated = "unspecified"
        # crawler.limits says why it cut a download short ("length" or "time").
        truncated = request.meta.get("newsarchive_truncated") or truncated
        metadata: dict[str, Any] = {
            "spider": spider.name,
            "hops": request.meta.get(HOPS, 0),
            "via": _text(request.headers.get("Referer")) or None,
            "fetchTimeMs": int(float(request.meta.get("download_latency") or 0) * 1000),
        }
        return Capture(
            url=response.url,
            date=datetime.fromtimestamp(started, tz=timezone.utc),
            request=HttpMessage(
                start_line=f"{request.method} {_target(request.url)} {protocol}",
                headers=_request_headers(request),
                body=request.body or b"",
            ),
            response=HttpMessage(
                start_line=f"{protocol} {response.status} {reason_phrase(response.status)}",
                headers=_response_headers(response, protocol),
                body=response.body,
            ),
            ip_address=str(response.ip_address) if response.ip_address else None,
            truncated=truncated,
            metadata=metadata,
        )

    def _write_metadata(
        self, capture: Capture, location: Any, outlinks: list[tuple[str, str]] | None
    ) -> None:
        fields: list[tuple[str, Any]] = [(k, v) for k, v in capture.metadata.items()]
        for url, kind in outlinks or ():
            fields.append(("outlink", f"{url} {kind}"))
        self.writer.write_metadata(capture.url, location.date, location.record_id, fields)
        self.stats.inc_value("newsarchive/warc/records")


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _request_headers(request: Request) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if b"Host" not in request.headers:
        headers.append(("Host", urlsplit(request.url).netloc))
    for name, values in request.headers.items():
        for value in values:
            headers.append((_text(name), _text(value)))
    return headers


def _response_headers(response: Response, protocol: str) -> list[tuple[str, str]]:
    """Headers as received, made to describe the stored (de-chunked) body."""
    headers: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        for value in values:
            headers.append((_text(name), _text(value)))
    body_length = len(response.body)
    lengths = [v for n, v in headers if n.lower() == "content-length"]
    if lengths and lengths[-1] != str(body_length):
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        headers.append(("X-Archive-Orig-Content-Length", lengths[-1]))
        headers.append(("Content-Length", str(body_length)))
    elif not lengths:
        # Twisted removed the chunking (HTTP/1.1 without a length is chunked or ends at close).
        if protocol.endswith("1.1") and response.status not in (204, 304) and body_length:
            headers.append(("X-Archive-Orig-Transfer-Encoding", "chunked"))
        headers.append(("Content-Length", str(body_length)))
    return headers
