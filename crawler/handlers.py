"""The HTTP download handler, keeping what Twisted parses away and a WARC record needs.

Twisted's client drops the reason phrase, moves ``Content-Length``, ``Transfer-Encoding``
and ``Connection`` out of the headers, and re-cases and regroups the rest. This handler
keeps the response's status line and header lines exactly as received, the request's
header block exactly as sent, and the moment each fetch begins (the capture's WARC-Date),
all in ``request.meta`` for :mod:`crawler.recorder`.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers import http11
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import ConnectionDone
from twisted.internet.protocol import connectionDone
from twisted.python.failure import Failure

from archive.warc.bounded import MAX_HEADER_BLOCK

from .keys import FETCH_START, WIRE

# The Scrapy releases this module (the one that subclasses and copies Scrapy's internals)
# is tested with, as pyproject.toml pins them: [first, beyond).
SCRAPY_TESTED = ((2, 13), (2, 20))


def scrapy_version_problem(version: str | None = None) -> str | None:
    """One line saying why the installed Scrapy cannot be used, or None when it can."""
    import scrapy

    version = version or scrapy.__version__
    try:
        found = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        found = ()
    first, beyond = SCRAPY_TESTED
    if len(found) == 2 and first <= found < beyond:
        return None
    return (
        f"Scrapy {version} is not one the download handler is tested with "
        f"(>={first[0]}.{first[1]},<{beyond[0]}.{beyond[1]}); "
        f"install 'scrapy>={first[0]}.{first[1]},<{beyond[0]}.{beyond[1]}'"
    )


@dataclass
class Wire:
    """A response's status line and header lines as received, the request head as sent,
    and how its connection ended (filled in when it does)."""

    status_line: bytes
    headers: list[tuple[bytes, bytes]]
    request_head: bytes | None
    # "clean" (the server closed it: the end of a body without Content-Length) or "reset"
    # (lost: such a body is cut short); empty while the connection stays open for more.
    closed: list[str] = field(default_factory=list)


def cut_by_reset(request: Request | None) -> bool:
    """Whether the response to `request` ended with its connection reset, not closed: a
    body without Content-Length then stops where the reset fell."""
    wire = request.meta.get(WIRE) if request is not None else None
    return isinstance(wire, Wire) and "reset" in wire.closed


class _WireParser(http11._LenientHTTPClientParser):
    """Twisted's (lenient) response parser, also noting the raw status and header lines."""

    def connectionMade(self) -> None:
        self._newsarchive_headers: list[tuple[bytes, bytes]] = []
        super().connectionMade()

    def statusReceived(self, status: bytes) -> None:
        self._newsarchive_head_bytes = len(status) + 2  # and its CRLF, as readers count it
        super().statusReceived(status)
        self.response._newsarchive_status = status
        self.response._newsarchive_headers = self._newsarchive_headers
        self.response._newsarchive_closed = []

    def headerReceived(self, name: bytes, value: bytes) -> None:
        self._newsarchive_headers.append((name, value))
        self._newsarchive_head_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if name.lower() in _RENAMED:  # archived as X-Archive-Orig-NAME
            self._newsarchive_head_bytes += len(b"X-Archive-Orig-")
        if self._newsarchive_head_bytes > HEAD_LIMIT:
            raise HeaderBlockTooLarge(f"a header block longer than {HEAD_LIMIT} bytes")
        super().headerReceived(name, value)


# The longest status line and header block taken: what newsarchive's readers take of a
# record's, less room for the line the record adds (its Content-Length); each line it
# renames (X-Archive-Orig-Transfer-Encoding, ...) is counted as renamed.
HEAD_LIMIT = MAX_HEADER_BLOCK - 4096
_RENAMED = frozenset({b"transfer-encoding", b"content-length"})


class HeaderBlockTooLarge(Exception):
    """A response whose header block is longer than newsarchive's readers take of a record
    (:data:`archive.warc.bounded.MAX_HEADER_BLOCK`): archived, it would be damage to them.
    Twisted bounds each header line, not their sum."""


def request_head(request: Any) -> bytes:
    """The request line and headers Twisted writes for `request` (see ``Request.writeTo``)."""
    lines = [b"%s %s HTTP/1.1\r\n" % (request.method, request.uri)]
    if not request.persistent:
        lines.append(b"Connection: close\r\n")
    producer = request.bodyProducer
    if producer is None:
        if request.method in (b"PUT", b"POST"):
            lines.append(b"Content-Length: 0\r\n")
    elif producer.length is http11.UNKNOWN_LENGTH:
        lines.append(b"Transfer-Encoding: chunked\r\n")
    else:
        lines.append(b"Content-Length: %d\r\n" % producer.length)
    for name, values in request.headers.getAllRawHeaders():
        lines.extend(name + b": " + value + b"\r\n" for value in values)
    return b"".join(lines) + b"\r\n"


# Connections that carried a request (idle ones wait in the pool): a second Ctrl-C cuts them.
_IN_FLIGHT: weakref.WeakSet[Any] = weakref.WeakSet()
_STOPPING: list[bool] = []


def abort_downloads() -> int:
    """Cut every open connection and every one opened from now on, so a stopping crawl need
    not wait for slow servers (a second SIGINT/SIGTERM); returns how many were cut.

    (Twisted retries a GET whose reused connection dies on a new connection: that one is
    cut as soon as its request is written.)"""
    _STOPPING.append(True)
    cut = 0
    for protocol in list(_IN_FLIGHT):
        transport = getattr(protocol, "transport", None)
        if transport is not None:
            transport.abortConnection()
            cut += 1
    _IN_FLIGHT.clear()
    return cut


def stopping() -> bool:
    """Whether :func:`abort_downloads` has been called in this process."""
    return bool(_STOPPING)


class _WireProtocol(http11._LenientHTTP11ClientProtocol):
    def request(self, request: Any) -> Any:
        _IN_FLIGHT.add(self)
        deferred = super().request(request)
        if _STOPPING and self.transport is not None:
            self.transport.abortConnection()
        assert self._parser is not None
        self._parser.__class__ = _WireParser
        self._parser._newsarchive_headers = []  # type: ignore[attr-defined]
        head = request_head(request)

        def attach(response: Any) -> Any:
            response._newsarchive_request_head = head
            return response

        deferred.addCallback(attach)
        return deferred

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        # Twisted reads the end of a body without Content-Length the same way whether the
        # server closed the connection or it was reset: note which, for the record.
        response = getattr(self._parser, "response", None)
        closed = getattr(response, "_newsarchive_closed", None)
        if closed is not None:
            closed.append("clean" if reason.check(ConnectionDone) else "reset")
        super().connectionLost(reason)


class _WireFactory(http11._LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> Any:
        return _WireProtocol(self._quiescentCallback)


class _WireAgent(http11._ScrapyAgent):
    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        status = getattr(txresponse, "_newsarchive_status", None)
        if status is not None:
            request.meta[WIRE] = Wire(
                status_line=status,
                headers=list(getattr(txresponse, "_newsarchive_headers", ())),
                request_head=getattr(txresponse, "_newsarchive_request_head", None),
                closed=getattr(txresponse, "_newsarchive_closed", []),
            )
        return super()._cb_bodyready(txresponse, request)


class TimedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with the fetch start time and the wire view kept in meta."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._pool._factory = _WireFactory
        self._under_way: set[Any] = set()  # the downloads' deferreds, for cut_downloads()

    async def download_request(self, request: Request) -> Response:
        request.meta[FETCH_START] = time.time()
        request.meta.pop(WIRE, None)
        agent = _WireAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        deferred = agent.download_request(request)
        self._under_way.add(deferred)
        try:
            with http11.wrap_twisted_exceptions():
                return await maybe_deferred_to_future(deferred)
        except http11.ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                http11.logger.warning(http11.get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        finally:
            self._under_way.discard(deferred)

    def cut(self) -> int:
        """Cancel the downloads under way (their connections closed, nothing of them
        handed on); returns how many."""
        under_way = list(self._under_way)
        self._under_way.clear()
        for deferred in under_way:
            deferred.cancel()
        return len(under_way)


def cut_downloads(crawler: Any) -> int:
    """Cancel `crawler`'s downloads under way, so that a closing run need not wait for them
    (up to ``DOWNLOAD_TIMEOUT``); returns how many. Downloads of other crawlers in the
    process go on."""
    try:
        downloader = crawler.engine.downloader
    except (AttributeError, RuntimeError):  # not started: nothing under way
        return 0
    handlers = getattr(getattr(downloader, "handlers", None), "_handlers", {})
    unique = {id(handler): handler for handler in handlers.values()}
    return sum(
        handler.cut()
        for handler in unique.values()
        if isinstance(handler, TimedHTTPDownloadHandler)
    )
