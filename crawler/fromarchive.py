"""Crawling from archives: a downloader middleware that answers requests from WARC files.

With ``NEWSARCHIVE_FROM_ARCHIVE`` (paths of WARC/WACZ files or folders) set, every request
is answered by the capture of its canonical URL nearest to ``NEWSARCHIVE_FROM_ARCHIVE_AT``
(default: the latest), and never reaches the network. A URL the archive lacks fails with
:class:`NotArchived`, which the spider counts as ``not_archived`` in the run report.
Redirects, compression and related-coverage following work as they did live, because the
archived response goes through the same middlewares and spider callbacks.
"""

from __future__ import annotations

import bisect
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from archive.replay.index import originals_by_digest
from archive.replay.payload import OpenFiles, RecordError, read_payload
from archive.replay.reader import Problem, RecordFacts, scan
from archive.replay.sources import Source, find_sources, index_files
from archive.replay.timestamps import parse_at, warc_moment
from archive.warc.records import RecordLocation

from .keys import WARC_META
from .pages.urls import dedup_key

MIDDLEWARE = "crawler.fromarchive.ArchiveDownloaderMiddleware"
ORDER = 950  # next to the downloader: every other middleware sees the archived response
DROPPED_HEADERS = ("transfer-encoding",)


class NotArchived(IgnoreRequest):
    """The archive holds no capture of the requested URL."""


def install(settings: BaseSettings) -> None:
    """Add the middleware when a crawl is to run from archives (called by the spiders)."""
    if settings.getbool("NEWSARCHIVE_FROM_ARCHIVE_ENABLED", True) and settings.getlist(
        "NEWSARCHIVE_FROM_ARCHIVE"
    ):
        # At spider priority: Scrapy merges the process's (project) settings in later.
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares[MIDDLEWARE] = ORDER
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")


class ArchiveIndex:
    """Captures (responses and revisits) of the archive by canonical URL, oldest first."""

    def __init__(self, paths: list[str]):
        self.sources = find_sources(paths)
        self.captures: dict[str, list[tuple[float, RecordFacts]]] = {}
        self.digests: dict[str, tuple[Source, int]] = {}
        self.problems: list[Problem] = []
        revisits: list[RecordFacts] = []
        for source in self.sources:
            for found in scan(source):
                if isinstance(found, Problem):
                    self.problems.append(found)
                    continue
                if found.rec_type == "metadata":
                    continue
                found.fields = {}
                entries = self.captures.setdefault(dedup_key(found.url), [])
                bisect.insort(entries, (warc_moment(found.date), found), key=lambda e: e[0])
                if found.rec_type == "response" and found.payload_digest:
                    self.digests.setdefault(found.payload_digest, (found.source, found.offset))
                elif found.rec_type == "revisit":
                    revisits.append(found)
        missing = {r.payload_digest for r in revisits if r.payload_digest} - set(self.digests)
        if missing:
            self.digests.update(originals_by_digest(index_files(self.sources), missing))

    def nearest(self, url: str, at: float | None) -> RecordFacts | None:
        entries = self.captures.get(dedup_key(url))
        if not entries:
            return None
        if at is None:
            return entries[-1][1]
        # Nearest in time; of two equally near, the later.
        return min(reversed(entries), key=lambda e: abs(e[0] - at))[1]


class ArchiveDownloaderMiddleware:
    def __init__(self, crawler: Crawler, index: ArchiveIndex, at: float | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.index = index
        self.at = at
        self.files = OpenFiles()
        for problem in index.problems:
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
        middleware = cls(crawler, ArchiveIndex(paths), at)
        crawler.stats.set_value("newsarchive/from_archive/captures", len(middleware.index.captures))
        return middleware

    def process_request(self, request: Request) -> Response:
        facts = self.index.nearest(request.url, self.at)
        if facts is None:
            self.stats.inc_value("newsarchive/from_archive/not_archived")
            raise NotArchived(f"not archived: {request.url}")
        try:
            response = self._response(request, facts)
        except RecordError as exc:
            self.stats.inc_value("newsarchive/from_archive/damaged")
            raise NotArchived(f"archived capture unreadable: {request.url}: {exc}") from None
        self.stats.inc_value("newsarchive/from_archive/answered")
        request.meta[WARC_META] = RecordLocation(
            filename=facts.source.name,
            offset=facts.offset,
            length=facts.length,
            record_id=facts.record_id,
            payload_digest=facts.payload_digest,
            date=facts.date,
        )
        return response

    def _response(self, request: Request, facts: RecordFacts) -> Response:
        own = read_payload(self.files, facts.source, facts.offset)
        status, headers, raw = own.status, own.headers, own.raw
        if facts.rec_type == "revisit" and (status is None or 200 <= status < 300):
            original = self.index.digests.get(facts.payload_digest or "")
            if original is None:
                raise RecordError("revisit whose original payload is not in the archive")
            payload = read_payload(self.files, *original)
            raw = payload.raw
            headers = headers or payload.headers
            status = status if status is not None else payload.status
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
