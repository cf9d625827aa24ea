"""The WARC-recording extension: every response as received, with its request and metadata.

It listens to ``response_downloaded``, which fires before any downloader middleware has
touched the response, so the payload is the bytes on the wire (``Content-Encoding``
intact). The metadata record of a page the spider parses waits for the spider's
``outlinks_chosen`` signal, so it can list what was followed. A payload already archived
under the same URL (or a 304 answer) becomes a ``revisit`` record. Before the crawl it
closes the ``.open`` files a killed run left; after it, it updates ``warc/index.cdxj``.
A full disk stops the crawl (:mod:`crawler.diskfull`); the record that did not fit is cut
back off its file and the page gets no article.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK

from archive.diskspace import is_disk_full
from archive.fetchstate import FetchRecord
from archive.state import PayloadDigests
from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.cdxj import refresh_index
from archive.warc.dedup import EarlierCapture
from archive.warc.records import (
    IDENTICAL_PAYLOAD,
    SERVER_NOT_MODIFIED,
    RecordLocation,
    Revisit,
    reason_phrase,
    sha1_digest,
    warc_date,
    warc_date_problem,
)
from archive.warc.recovery import recover_directory

from .archives import memento_datetime, memento_moment, original_headers, whole_record
from .diskfull import stop_for_disk_full, watch
from .handlers import Wire, cut_by_reset
from .keys import (
    ARCHIVE_REQUEST,
    FETCH_START,
    FIRST_ARCHIVED,
    HOPS,
    KNOWN,
    MEMENTO,
    PENDING_METADATA,
    TRUNCATED,
    VIA_DATED_BY_INDEX_STAT,
    WARC_BYTES_STAT,
    WARC_FILES_STAT,
    WARC_META,
    WARC_NOT_INDEXED_STAT,
    WARC_RECORDS_STAT,
    WIRE,
)
from .signals import outlinks_chosen
from .state import crawl_state

logger = logging.getLogger(__name__)


def warc_truncated(response: Response, request: Request) -> str | None:
    """Why the body received is not the whole body sent (``WARC-Truncated``), else None.

    "disconnect": the connection was lost before the body's stated end. Scrapy's "partial"
    says a body without Content-Length ended with the connection: the way HTTP ends such a
    body when the server closes it, cut short when it was reset. :mod:`crawler.limits` says
    why it cut a download short ("length" or "time").
    """
    truncated = None
    if "dataloss" in response.flags or ("partial" in response.flags and cut_by_reset(request)):
        truncated = "disconnect"
    elif "download_stopped" in response.flags:
        truncated = "length"
    return request.meta.get(TRUNCATED) or truncated


class WarcRecorder:
    def __init__(self, crawler: Crawler, writer: WarcWriter, digests: PayloadDigests | None = None):
        self.crawler = crawler
        self.writer = writer
        self.digests = digests
        self.stats = crawler.stats
        self._pending: dict[str, tuple[Capture, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_WARC_ENABLED"):
            raise NotConfigured
        spider_name = getattr(crawler.spidercls, "name", "crawl")
        writer = WarcWriter(
            Path(settings.get("NEWSARCHIVE_DATA_DIR")) / "warc",
            prefix=f"{settings.get('NEWSARCHIVE_WARC_PREFIX')}-{spider_name}",
            max_size=settings.getint("NEWSARCHIVE_WARC_MAX_SIZE"),
            version=settings.get("NEWSARCHIVE_WARC_VERSION"),
            # One worker of a shared crawl: HOST-PID in the name, unique across machines.
            worker=settings.get("NEWSARCHIVE_WORKER") or None,
            # The index lines of its files, made as they are written, not read back at the end.
            index=settings.getbool("NEWSARCHIVE_WARC_INDEX_ENABLED"),
            info={
                "isPartOf": settings.get("NEWSARCHIVE_RUN_ID") or spider_name,
                "operator": settings.get("NEWSARCHIVE_WARC_OPERATOR") or None,
                # Through an archive (--via) no robots.txt is fetched: the outlet is never asked.
                "robots": "obey"
                if settings.getbool("ROBOTSTXT_OBEY")
                and settings.getbool("NEWSARCHIVE_ROBOTS_ENABLED")
                else "ignore",
                "via": settings.get("NEWSARCHIVE_VIA") or None,
                "http-header-user-agent": settings.get("USER_AGENT"),
            },
        )
        digests = None
        if settings.getbool("NEWSARCHIVE_WARC_DEDUP_ENABLED"):
            digests = crawl_state(settings).payload_digests()
        recorder = cls(crawler, writer, digests)
        watch(crawler)
        if settings.getbool("NEWSARCHIVE_WARC_RECOVERY_ENABLED"):
            recorder.recover()
        crawler.signals.connect(recorder.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.outlinks_chosen, signal=outlinks_chosen)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def recover(self) -> None:
        """Close the ``.open`` files a killed run left (before this crawl writes anything)."""
        for recovered in recover_directory(self.writer.directory):
            if recovered.action == "busy":
                continue
            logger.warning("%s", recovered.line())
            self.stats.inc_value(f"newsarchive/warc/recovered/{recovered.action}")

    # -- signals -------------------------------------------------------------------------
    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get(ARCHIVE_REQUEST):
            memento = request.meta.get(MEMENTO)
            if memento is None:
                return  # an index lookup: no page of the outlet
            if memento.whole_record:
                if response.status != 206:
                    return  # not the byte range (the record) asked for
                if warc_truncated(response, request):
                    return  # part of a record, no record (crawler.viaarchive counts it)
                self._write_whole_record(response, request, spider, memento)
                return
            if not response.headers.get("Memento-Datetime"):
                return  # the archive's own answer (an error, a redirect), not a capture
            if memento.undated and memento_datetime(response.headers["Memento-Datetime"]) is None:
                return  # no capture time to date it by (crawler.viaarchive refuses it)
            capture = self._archived_capture(response, request, spider, memento)
        else:
            capture = self._capture(response, request, spider)
        # The payload digest, made once: for the dedup lookup and for the record.
        digest = sha1_digest(capture.response.body)
        try:
            revisit, back_to = self._revisit(capture, response, digest, request.meta.get(KNOWN))
            location = self.writer.write_capture(capture, revisit, body_digest=digest)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            # Nothing of it was written (the writer cut it back); no WARC_META, no article.
            stop_for_disk_full(self.crawler, f"writing WARC files in {self.writer.directory}", exc)
            return
        request.meta[WARC_META] = location
        if revisit is not None and revisit.profile == IDENTICAL_PAYLOAD and back_to is None:
            first = self._first_archived(capture.url, digest)
            if first is not None:
                request.meta[FIRST_ARCHIVED] = first
        self.stats.inc_value(WARC_RECORDS_STAT, 2 if capture.request is not None else 1)
        if revisit is not None:
            self.stats.inc_value(f"newsarchive/warc/revisits/{revisit.profile}")
        if back_to is not None or (
            revisit is None and self.digests is not None and _dedupable(capture, response)
        ):
            assert self.digests is not None
            try:
                # The page's latest payload, which a later 304 confirms: this capture's, or
                # the earlier one it came back to (a revert), whose record holds it.
                self.digests.add(back_to or _earlier(capture.url, location))
            except Exception as exc:
                if not is_disk_full(exc):
                    raise
                stop_for_disk_full(self.crawler, "writing the WARC digest index", exc)
        self.stats.inc_value("newsarchive/warc/payload_bytes", len(response.body))
        if self._reaches_spider(response, request, spider):
            self._pending[location.record_id] = (capture, location)
            request.meta[PENDING_METADATA] = location.record_id
        else:
            self._write_metadata(capture, location, outlinks=None)

    def outlinks_chosen(self, response: Response, outlinks: list[tuple[str, str]]) -> None:
        record_id = response.meta.get(PENDING_METADATA)
        pending = self._pending.pop(record_id, None) if record_id else None
        if pending:
            self._write_metadata(pending[0], pending[1], outlinks)

    def spider_closed(self, spider: Spider) -> None:
        try:
            for capture, location in list(self._pending.values()):
                self._write_metadata(capture, location, outlinks=None)
        finally:
            self._pending.clear()
            try:
                self.writer.close()
            except OSError as exc:
                if not is_disk_full(exc):
                    raise
                where = f"closing a WARC file in {self.writer.directory}"
                stop_for_disk_full(self.crawler, where, exc)
            finally:
                if self.digests is not None:
                    self.digests.close()
                self.stats.set_value(WARC_FILES_STAT, list(self.writer.files_written))
                self.stats.set_value(WARC_BYTES_STAT, self.writer.bytes_written)
        if self.crawler.settings.getbool("NEWSARCHIVE_WARC_INDEX_ENABLED"):
            problems = refresh_index(self.writer.directory, self.writer.index_lines())
            for problem in problems:
                logger.error("%s", problem)
            if problems:
                self.stats.set_value(WARC_NOT_INDEXED_STAT, problems)

    # -- building records ----------------------------------------------------------------
    @staticmethod
    def _reaches_spider(response: Response, request: Request, spider: Spider) -> bool:
        if request.callback is NO_CALLBACK:
            return False
        if 200 <= response.status < 300:
            return True
        return response.status in getattr(spider, "handle_httpstatus_list", ())

    def _revisit(
        self,
        capture: Capture,
        response: Response,
        digest: str,
        known: FetchRecord | None = None,
    ) -> tuple[Revisit | None, EarlierCapture | None]:
        """A revisit when a 304 confirms an earlier capture or the payload is one we hold
        (`digest`: the payload's); and, when the page came back to a payload older than its
        latest (a revert), that earlier capture, to become its latest again.

        A 304 confirms the capture whose validators the request sent (`known`: the fetch
        history's record), which need not be the latest archived: one archived but never
        stored (a crawl killed, a store left locked) gave no validators.
        """
        if self.digests is None:
            return None, None
        if response.status == 304:
            latest = self.digests.latest(capture.url)
            sent = known.warc_digest if known is not None else None
            earlier = (self.digests.lookup(capture.url, sent) if sent else None) or latest
            if earlier is None:
                return Revisit(SERVER_NOT_MODIFIED), None
            back_to = earlier if latest is not None and latest.digest != earlier.digest else None
            return _refers_to(SERVER_NOT_MODIFIED, earlier), back_to
        if not _dedupable(capture, response):
            return None, None
        earlier = self.digests.lookup(capture.url, digest)
        if earlier is None:
            return None, None
        latest = self.digests.latest(capture.url)
        back_to = earlier if latest is not None and latest.digest != earlier.digest else None
        return _refers_to(IDENTICAL_PAYLOAD, earlier), back_to

    def _first_archived(self, url: str, digest: str) -> RecordLocation | None:
        """The response record holding `url`'s payload of `digest`, archived before."""
        earlier = self.digests.lookup(url, digest) if self.digests is not None else None
        if earlier is None:
            return None
        return RecordLocation(
            filename=earlier.filename,
            offset=earlier.offset,
            length=earlier.length,
            record_id=earlier.record_id,
            payload_digest=earlier.digest or None,
            date=earlier.date,
        )

    def _capture(self, response: Response, request: Request, spider: Spider) -> Capture:
        started = request.meta.get(FETCH_START)
        if started is None:
            started = time.time() - float(request.meta.get("download_latency") or 0)
        protocol = response.protocol or "HTTP/1.1"
        truncated = warc_truncated(response, request)
        metadata: dict[str, Any] = {
            "spider": spider.name,
            "hops": request.meta.get(HOPS, 0),
            "via": header_text(request.headers.get("Referer")) or None,
            "fetchTimeMs": int(float(request.meta.get("download_latency") or 0) * 1000),
        }
        wire: Wire | None = request.meta.get(WIRE)
        if wire is not None:
            status_line, headers = _wire_response(wire, response)
        else:  # another download handler: rebuild what Twisted and Scrapy left
            status_line = f"{protocol} {response.status} {reason_phrase(response.status)}"
            headers = _response_headers(response, protocol)
        if wire is not None and wire.request_head is not None:
            sent = _parse_head(wire.request_head)
        else:
            sent = (f"{request.method} {_target(request.url)} HTTP/1.1", _request_headers(request))
        return Capture(
            url=response.url,
            date=datetime.fromtimestamp(started, tz=timezone.utc),
            request=HttpMessage(start_line=sent[0], headers=sent[1], body=request.body or b""),
            response=HttpMessage(start_line=status_line, headers=headers, body=response.body),
            ip_address=str(response.ip_address) if response.ip_address else None,
            truncated=truncated,
            metadata=metadata,
        )

    def _archived_capture(
        self, response: Response, request: Request, spider: Spider, memento: Any
    ) -> Capture:
        """A web archive's raw capture, recorded as the original server's answer.

        WARC-Date is the archive's capture time (its ``Memento-Datetime``), WARC-Target-URI
        the original URL, the HTTP headers the original server's (``x-archive-orig-*``
        unprefixed; the archive's own Memento headers dropped). There is no request record:
        we never asked the outlet. ``WARC-Source-URI`` (the memento) and
        ``WARC-Creation-Date`` (our retrieval) say where the copy came from, as pywb writes
        records it copies from a remote archive; the metadata record says it again.
        """
        retrieved = datetime.now(timezone.utc)
        memento.retrieved = retrieved
        memento.moment = memento_moment(response.headers.get("Memento-Datetime"), memento.moment)
        wire: Wire | None = request.meta.get(WIRE)
        if wire is not None:
            served = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in wire.headers]
            status_line = wire.status_line
        else:
            served = _response_headers(response, response.protocol or "HTTP/1.1")
            status_line = f"HTTP/1.1 {response.status} {reason_phrase(response.status)}".encode()
        original = original_headers(
            served, memento.moment, memento.memento_url, prefixes_all=memento.prefixes_all
        )
        kept = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in original]
        status_line_text, headers = _wire_response(Wire(status_line, kept, None), response)
        return Capture(
            url=memento.original_url,
            date=memento.moment,
            request=None,
            response=HttpMessage(start_line=status_line_text, headers=headers, body=response.body),
            truncated=warc_truncated(response, request),
            metadata=self._archive_metadata(spider, memento, retrieved),
            warc_headers=[
                ("WARC-Source-URI", memento.memento_url),
                ("WARC-Creation-Date", warc_date(retrieved, self.writer.version)),
            ],
        )

    @staticmethod
    def _archive_metadata(spider: Spider, memento: Any, retrieved: datetime) -> dict[str, Any]:
        return {
            "spider": spider.name,
            "hops": memento.hops,
            "via": memento.referer,
            "archive": memento.archive,
            "mementoUrl": memento.memento_url,
            "retrieved": retrieved.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def _write_whole_record(
        self, response: Response, request: Request, spider: Spider, memento: Any
    ) -> None:
        """A WARC record fetched by byte range (Common Crawl): kept exactly as it was written.

        Our metadata record beside it (WARC-Concurrent-To its record ID) says where it came
        from and when we fetched it.
        """
        from warcio.archiveiterator import ArchiveIterator

        retrieved = datetime.now(timezone.utc)
        memento.retrieved = retrieved
        record_bytes = whole_record(response.body)
        if record_bytes is None:
            return  # the range cuts the record (crawler.viaarchive reports it)
        try:
            record = next(iter(ArchiveIterator(io.BytesIO(record_bytes))))
            if record.rec_type != "response":
                return  # no capture of a page (crawler.viaarchive reports the range)
            head = record.rec_headers
            record_id = head.get_header("WARC-Record-ID") or ""
            date = head.get_header("WARC-Date") or ""
            digest = head.get_header("WARC-Payload-Digest")
            # Our note names the record it stands beside: where the index misplaced the
            # range, another page's record (kept as fetched), not the URL asked for.
            target = head.get_header("WARC-Target-URI") or memento.original_url
        except Exception:
            return  # crawler.viaarchive reports the unreadable range
        try:
            # The record alone: a range the index measured too long holds more.
            filename, offset, length = self.writer.write_verbatim(record_bytes)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, f"writing WARC files in {self.writer.directory}", exc)
            return
        problem = warc_date_problem(date)
        if problem:
            # Kept as written all the same; the capture time is the one the archive's index
            # gave for it (already in memento.moment), never the time we fetched it.
            date = warc_date(memento.moment, "1.0")
            self.stats.inc_value(VIA_DATED_BY_INDEX_STAT)
            logger.warning(
                "%s: the archived record's %s; its capture time is the archive's index "
                "timestamp, %s",
                memento.original_url,
                problem,
                date,
            )
        else:
            memento.moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
        location = RecordLocation(
            filename=filename,
            offset=offset,
            length=length,
            record_id=record_id,
            payload_digest=digest,
            date=date,
        )
        request.meta[WARC_META] = location
        self.stats.inc_value(WARC_RECORDS_STAT)
        self.stats.inc_value("newsarchive/warc/payload_bytes", len(response.body))
        metadata = self._archive_metadata(spider, memento, retrieved)
        if problem:
            metadata["warcDateProblem"] = problem
        range_ = header_text(request.headers.get("Range"))
        if range_:
            metadata["range"] = range_
        capture = Capture(
            url=target,
            date=memento.moment,
            request=None,
            response=HttpMessage("", []),
            metadata=metadata,
        )
        self._pending[record_id] = (capture, location)
        request.meta[PENDING_METADATA] = record_id

    def _write_metadata(
        self, capture: Capture, location: Any, outlinks: list[tuple[str, str]] | None
    ) -> None:
        fields: list[tuple[str, Any]] = [(k, v) for k, v in capture.metadata.items()]
        for url, kind in outlinks or ():
            fields.append(("outlink", f"{url} {kind}"))
        try:
            self.writer.write_metadata(capture.url, location.date, location.record_id, fields)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            stop_for_disk_full(self.crawler, f"writing WARC files in {self.writer.directory}", exc)
            return
        self.stats.inc_value(WARC_RECORDS_STAT)


def header_text(value: bytes | str | None) -> str:
    """A header value as text: bytes are read as latin-1, as HTTP/1.1 sends them."""
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
            headers.append((header_text(name), header_text(value)))
    return headers


def _response_headers(response: Response, protocol: str) -> list[tuple[str, str]]:
    """Headers as received, made to describe the stored (de-chunked) body."""
    headers: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        for value in values:
            headers.append((header_text(name), header_text(value)))
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


def _dedupable(capture: Capture, response: Response) -> bool:
    """Only whole, successful, non-empty payloads are worth a digest entry or a revisit."""
    return 200 <= response.status < 300 and bool(response.body) and not capture.truncated


def _earlier(url: str, location: RecordLocation) -> EarlierCapture:
    return EarlierCapture(
        url=url,
        digest=location.payload_digest or "",
        record_id=location.record_id,
        date=location.date,
        filename=location.filename,
        offset=location.offset,
        length=location.length,
    )


def _refers_to(profile: str, earlier: EarlierCapture) -> Revisit:
    return Revisit(
        profile,
        refers_to_uri=earlier.url,
        refers_to_date=earlier.date,
        refers_to=earlier.record_id,
        payload_digest=earlier.digest or None,
    )


def _parse_head(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    """A request head as sent: its request line and header lines, in order."""
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
    return lines[0], headers


def _wire_response(wire: Wire, response: Response) -> tuple[str, list[tuple[str, str]]]:
    """Status line and headers exactly as received, made to describe the stored body.

    Twisted removed any chunking: ``Transfer-Encoding`` becomes
    ``X-Archive-Orig-Transfer-Encoding`` and a ``Content-Length`` of the stored body is
    added; a ``Content-Length`` the body does not match (a truncated body) is kept as
    ``X-Archive-Orig-Content-Length``. Everything else keeps its bytes, case and order.
    """
    status_line = wire.status_line.decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 3 or not parts[2].strip():  # the server sent no reason phrase
        status_line = f"{parts[0]} {response.status} {reason_phrase(response.status)}"
    received = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in wire.headers]
    body_length = len(response.body)
    bodiless = response.status in (204, 304) or 100 <= response.status < 200
    headers: list[tuple[str, str]] = []
    dechunked = False
    length_kept = False
    for name, value in received:
        lower = name.lower()
        if lower == "transfer-encoding":
            headers.append(("X-Archive-Orig-Transfer-Encoding", value))
            dechunked = True
        elif lower == "content-length" and not bodiless and value.strip() != str(body_length):
            headers.append(("X-Archive-Orig-Content-Length", value))
        else:
            length_kept = length_kept or lower == "content-length"
            headers.append((name, value))
    if (dechunked or any(n == "X-Archive-Orig-Content-Length" for n, _ in headers)) and not (
        length_kept
    ):
        headers.append(("Content-Length", str(body_length)))
    return status_line, headers
