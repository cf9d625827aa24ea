"""Crawling from archives: a downloader middleware that answers requests from WARC files.

With ``NEWSARCHIVE_FROM_ARCHIVE`` (paths of WARC/WACZ files or folders) set, every request
is answered by the capture of its canonical URL nearest to ``NEWSARCHIVE_FROM_ARCHIVE_AT``
(default: the latest), and never reaches the network. A URL the archive lacks fails with
:class:`NotArchived`, which the spider counts as ``not_archived`` in the run report.
Redirects, compression and related-coverage following work as they did live, because the
archived response goes through the same middlewares and spider callbacks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from archive.warc.encoding import ContentDecodingError, decode_content
from archive.warc.read.captures import Captures
from archive.warc.read.payload import OpenFiles, RecordError, read_payload
from archive.warc.read.reader import Problem, RecordFacts, scan
from archive.warc.read.sources import find_sources, index_files
from archive.warc.read.timestamps import parse_at
from archive.warc.records import retrieved_from, warc_date_problem

from .keys import RETRIEVED_FROM, TRUNCATED, UNDECODABLE, WARC_META
from .pages.urls import dedup_key

MIDDLEWARE = "crawler.fromarchive.ArchiveDownloaderMiddleware"
# Last before the download, as the network is: every other middleware sees the request
# first (--max-pages counts it, a closing run keeps it) and the archived response after.
ORDER = 995
DROPPED_HEADERS = ("transfer-encoding", "content-encoding")


class NotArchived(IgnoreRequest):
    """The archive holds no capture of the requested URL."""


def install(settings: BaseSettings) -> None:
    """Add the middleware when a crawl is to run from archives (called by the spiders)."""
    if settings.getbool("NEWSARCHIVE_FROM_ARCHIVE_ENABLED") and settings.getlist(
        "NEWSARCHIVE_FROM_ARCHIVE"
    ):
        # At spider priority: Scrapy merges the process's (project) settings in later.
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares[MIDDLEWARE] = ORDER
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")


# One scan per set of archives in a process: the spiders' start points and the middleware's
# answers come from it.
@dataclass
class _Read:
    """What one pass over the archives learns."""

    captures: Captures
    problems: list[Problem]
    starts: dict[str, list[str]]  # spider -> the pages it started from, in order
    # record ID of a capture copied from a web archive -> {archive, mementoUrl, retrieved}
    copied: dict[str, dict[str, str]]


_READ: dict[tuple[str, ...], _Read] = {}


def read_archive(paths: list[str]) -> tuple[Captures, list[Problem]]:
    """Every capture of the archives by page, revisits' originals resolved, and the damage."""
    read = _read(paths)
    return read.captures, read.problems


def archived_start_points(settings: BaseSettings, spider: str) -> list[str]:
    """Where `spider` started when it made the archives (none when not crawling from them):
    the pages its metadata records say it fetched at hop 0 with no referrer, in order."""
    paths = settings.getlist("NEWSARCHIVE_FROM_ARCHIVE")
    if not settings.getbool("NEWSARCHIVE_FROM_ARCHIVE_ENABLED") or not paths:
        return []
    return _read(paths).starts.get(spider, [])


def _read(paths: list[str]) -> _Read:
    key = tuple(paths)
    if key in _READ:
        return _READ[key]
    sources = find_sources(paths)
    read = _Read(Captures(index_files(sources), page_key=dedup_key), [], {}, {})
    revisits: list[str | None] = []
    for source in sources:
        for found in scan(source):
            if isinstance(found, Problem):
                read.problems.append(found)
            elif found.rec_type == "metadata":
                _note_start(read.starts, found)
                copied = retrieved_from(found.fields)
                if copied is not None:
                    for record_id in found.concurrent_to:
                        read.copied[record_id] = copied
            else:
                found.fields = {}
                read.captures.add(found)
                if found.rec_type == "revisit":
                    revisits.append(found.payload_digest)
    read.captures.resolve(revisits)
    _READ[key] = read
    return read


def _note_start(starts: dict[str, list[str]], facts: RecordFacts) -> None:
    fields = facts.fields
    spider = fields.get("spider")
    if not spider or fields.get("via") or fields.get("hops", "0") != "0":
        return
    if urlsplit(facts.url).path == "/robots.txt":
        return
    if facts.url not in starts.setdefault(spider, []):
        starts[spider].append(facts.url)


def other_form(url: str) -> str:
    """The same URL with or without the trailing slash of its path (``.../africa`` and
    ``.../africa/``), which a live crawl folds by the server's redirect; the root stays."""
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/"):
        path = path.rstrip("/") or "/"
    elif path:
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


class ArchiveDownloaderMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        captures: Captures,
        problems: list[Problem],
        at: float | None,
        copied: dict[str, dict[str, str]] | None = None,
    ):
        self.crawler = crawler
        self.copied = copied or {}
        self.stats = crawler.stats
        self.captures = captures
        self.at = at
        self.files = OpenFiles()
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        for problem in problems:
            crawler.stats.inc_value("newsarchive/from_archive/damaged")
            logging.getLogger(__name__).warning("damaged archive: %s", problem)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveDownloaderMiddleware:
        settings = crawler.settings
        paths = settings.getlist("NEWSARCHIVE_FROM_ARCHIVE")
        if not settings.getbool("NEWSARCHIVE_FROM_ARCHIVE_ENABLED") or not paths:
            raise NotConfigured
        at_text = settings.get("NEWSARCHIVE_FROM_ARCHIVE_AT") or ""
        at = parse_at(at_text).timestamp() if at_text else None
        read = _read(paths)
        middleware = cls(crawler, read.captures, read.problems, at, read.copied)
        crawler.stats.set_value("newsarchive/from_archive/captures", len(middleware.captures))
        return middleware

    def process_request(self, request: Request) -> Response:
        facts = self.captures.nearest(request.url, self.at) or self.captures.nearest(
            other_form(request.url), self.at
        )
        if facts is None:
            self.stats.inc_value("newsarchive/from_archive/not_archived")
            raise NotArchived(f"not archived: {request.url}")
        if facts.rec_type == "revisit" and facts.status == 304:
            # An incremental crawl's "not modified": the page it confirms, from the response
            # record holding it (its status, headers and provenance), as replay reads it.
            facts = self.captures.confirmed(facts) or facts
        impossible = warc_date_problem(facts.date)
        if impossible:
            self.stats.inc_value("newsarchive/from_archive/damaged")
            raise NotArchived(f"archived capture refused: {request.url}: {impossible}")
        try:
            response = self._response(request, facts)
        except RecordError as exc:
            self.stats.inc_value("newsarchive/from_archive/damaged")
            raise NotArchived(f"archived capture unreadable: {request.url}: {exc}") from None
        self.stats.inc_value("newsarchive/from_archive/answered")
        if facts.truncated and facts.rec_type != "revisit":
            # Cut where it was archived: half a page, never an article (as replay says); a
            # revisit's mark is of the payload it leaves out, which its original holds.
            request.meta[TRUNCATED] = facts.truncated
        request.meta[WARC_META] = facts.record_location()
        copied = self.copied.get(facts.record_id)
        if copied is not None:  # a page a --via crawl copied from a web archive, as replay says
            request.meta[RETRIEVED_FROM] = copied
        return response

    def _response(self, request: Request, facts: RecordFacts) -> Response:
        own = read_payload(self.files, facts.source, facts.offset, max_size=self.max_size)
        status, headers, raw = own.status, own.headers, own.raw
        if facts.rec_type == "revisit" and (status is None or 200 <= status < 300):
            original = self.captures.original(facts.payload_digest)
            if original is None:
                raise RecordError("revisit whose original payload is not in the archive")
            payload = read_payload(
                self.files, *original, max_size=self.max_size, payload_digest=facts.payload_digest
            )
            raw = payload.raw
            headers = headers or payload.headers
            status = status if status is not None else payload.status
        # Decoded here, within the live crawl's limit, by the offline readers' one decoder.
        # The page still counts as fetched, as live: the decoding middleware reports it.
        try:
            raw = decode_content(raw, headers, self.max_size)
        except ContentDecodingError as exc:
            request.meta[UNDECODABLE] = (exc.kind, f"{request.url}: {exc}")
        kept = Headers()
        for name, value in headers:
            if name.lower() not in DROPPED_HEADERS:
                kept.appendlist(name, value.encode("latin-1", "replace"))
        # The capture's own URL: one canonical page, as the archive recorded it.
        cls = responsetypes.from_args(headers=kept, url=facts.url, body=raw)
        return cls(
            url=facts.url,
            status=status or 200,
            headers=kept,
            body=raw,
            request=request,
            flags=["archived"],
        )

    def close(self) -> None:
        self.files.close()
