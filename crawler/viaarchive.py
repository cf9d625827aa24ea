"""Crawling the past through a public web archive: a downloader middleware (``--via``).

With ``NEWSARCHIVE_VIA`` set (``wayback``, ``commoncrawl[:CRAWL]``, ``timegate:URL``,
``timemap:URL`` or an archive's base URL), every request the spider makes is answered by
the archive's capture of that URL nearest ``NEWSARCHIVE_VIA_AT``, within
``NEWSARCHIVE_VIA_WINDOW_DAYS``: the spider runs as it runs live (redirects, related
coverage, extraction, store), and each related link is looked up on its own, nearest
``--at``, not nearest its referrer.

The archive's index and its captures are fetched through Scrapy itself
(``engine.download_async``), so they get the downloader's slots (at most
``NEWSARCHIVE_VIA_CONCURRENCY`` requests at a time per archive host), retries with
``Retry-After`` honoured, and the project's User-Agent. Lookups are asked once per run
and remembered in ``state/archive-lookups.sqlite`` across runs.

:mod:`crawler.recorder` writes each capture as the archive holds it: WARC-Date the original
capture time, WARC-Target-URI the original URL, and the archive, memento URL and our
retrieval time beside it. Failures are counted by kind: ``not_archived``, ``archive_down``,
``archive_other_url`` (the archive answered with another page), ``archive_login_redirect``,
``archive_redirect_loop`` and ``archive_redirect_limit`` (its own redirects going round, or on).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from archive.warc.read.timestamps import parse_at

from .archives import (
    FRAMING,
    Archive,
    CommonCrawlArchive,
    IndexUnreadable,
    Snapshot,
    TimeGateArchive,
    TimeMapArchive,
    TimeMapPage,
    WaybackArchive,
    asked_url,
    closest_first,
    crawls_near,
    cut_before,
    impossible_timestamp,
    make_archive,
    memento_datetime_unread,
    memento_links,
    memento_moment,
    nearest,
    original_headers,
    original_of,
    raw_form,
    read_timemap,
    same_form,
    sends_to_login,
    timestamp14,
    whole_record,
)
from .keys import (
    ARCHIVE_REQUEST,
    HOPS,
    MEMENTO,
    PENDING_METADATA,
    RETRIEVED_FROM,
    TRUNCATED,
    VIA_ANSWERED_STAT,
    VIA_DATETIME_UNREAD_STAT,
    VIA_INTERNAL_REQUESTS_STAT,
    VIA_INTERNAL_RESPONSES_STAT,
    VIA_INTERNAL_STATUS_STATS,
    VIA_LOOKUPS_CACHED_STAT,
    VIA_LOOKUPS_STAT,
    VIA_NOT_ARCHIVED_STAT,
    VIA_TIMEMAP_INCOMPLETE_STAT,
    WARC_META,
)
from .limits import TRUNCATION_KINDS, truncation_reason
from .linkpolicy import dedup_key
from .lookupcache import LookupCache
from .pages import analyse
from .pages.blocks import is_block_page
from .pages.urls import canonicalize_url, outlet_of_host
from .recorder import header_text

logger = logging.getLogger(__name__)

MIDDLEWARE = "crawler.viaarchive.ViaArchiveMiddleware"
ORDER = 950  # next to the downloader: every other middleware sees the archived response
INTERNAL = ARCHIVE_REQUEST  # a request to the archive itself (index or capture)
# Listed captures not served as listed (lost, or dated outside the window) tried before
# the page is not_archived.
MAX_UNSERVED_CAPTURES = 3
# Scrapy's downloader (asyncio) starts a slot's queued requests as tasks that count as
# transferring only once they run: with no delay it starts the whole queue at once, past
# the slot's concurrency. Any delay makes it start one at a time, so the limit holds.
MIN_SLOT_DELAY = 0.001


# What answering a page leaves in its request's meta (see ViaArchiveMiddleware.answer).
ANSWER_META = (WARC_META, PENDING_METADATA, TRUNCATED, RETRIEVED_FROM, "dont_retry")


class ViaArchiveFailure(IgnoreRequest):
    """The archive did not give the page; ``newsarchive_kind`` says why (for the report)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.newsarchive_kind = kind


class CaptureNotAsListed(ViaArchiveFailure):
    """The index lists the capture, the archive's replay does not serve it as listed: it
    lost it (404, 410), or serves one dated outside the window. Another listed may serve."""

    def __init__(self, message: str):
        super().__init__("not_archived", message)


@dataclass
class Memento:
    """One capture fetched from an archive, as the recorder and the item describe it."""

    original_url: str
    moment: datetime  # the archive's capture time
    archive: str
    memento_url: str
    whole_record: bool
    hops: int
    referer: str | None
    retrieved: datetime | None = None
    prefixes_all: bool = False  # the archive prefixes every original header (Wayback)
    undated: bool = False  # `moment` is --at's: only its Memento-Datetime dates the capture

    def retrieved_from(self) -> dict[str, str]:
        retrieved = self.retrieved or datetime.now(timezone.utc)
        return {
            "archive": self.archive,
            "mementoUrl": self.memento_url,
            "retrieved": retrieved.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def slot_name(host: str) -> str:
    return f"archive:{host}"


def install(settings: BaseSettings) -> None:
    """Add the middleware and the archive host's download slot (called by the spiders)."""
    spec = settings.get("NEWSARCHIVE_VIA")
    if not spec or not settings.getbool("NEWSARCHIVE_VIA_ENABLED"):
        return
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares[MIDDLEWARE] = ORDER
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
    try:
        archive = make_archive(spec, settings, datetime.now(timezone.utc), timedelta(0))
    except ValueError:
        return  # from_crawler says so
    slots = settings.getdict("DOWNLOAD_SLOTS")
    slots[slot_name(archive.host)] = {
        "concurrency": settings.getint("NEWSARCHIVE_VIA_CONCURRENCY"),
        "delay": max(settings.getfloat("NEWSARCHIVE_VIA_DELAY"), MIN_SLOT_DELAY),
    }
    settings.set("DOWNLOAD_SLOTS", slots, priority="spider")


class ViaArchiveMiddleware:
    def __init__(self, crawler: Crawler, archive: Archive, at: datetime, window: timedelta):
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive = archive
        self.at = at
        self.window = window
        self.slot = slot_name(archive.host)
        self.answers: dict[str, Any] = {}  # index lookups of this run, by page
        self.in_flight: dict[str, list[Deferred[Any]]] = {}
        self.cache: LookupCache | None = None
        # The most answers one lookup reads (a paged TimeMap's pages; the pages of a CDX
        # server's answer in time order).
        self.pages = max(int(crawler.settings.getint("NEWSARCHIVE_VIA_LOOKUP_PAGES")), 1)
        # The most redirects of the archive's own one capture is followed through.
        self.max_redirects = crawler.settings.getint("NEWSARCHIVE_VIA_MAX_REDIRECTS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ViaArchiveMiddleware:
        settings = crawler.settings
        spec = settings.get("NEWSARCHIVE_VIA")
        if not spec or not settings.getbool("NEWSARCHIVE_VIA_ENABLED"):
            raise NotConfigured
        at_text = settings.get("NEWSARCHIVE_VIA_AT") or ""
        at = parse_at(at_text) if at_text else datetime.now(timezone.utc)
        window = timedelta(days=settings.getfloat("NEWSARCHIVE_VIA_WINDOW_DAYS"))
        middleware = cls(crawler, make_archive(spec, settings, at, window), at, window)
        if settings.getbool("NEWSARCHIVE_VIA_CACHE_ENABLED"):
            path = settings.get("NEWSARCHIVE_VIA_CACHE") or (
                Path(settings.get("NEWSARCHIVE_DATA_DIR")) / "state" / "archive-lookups.sqlite"
            )
            middleware.cache = LookupCache(path)
        crawler.signals.connect(
            middleware.request_reached, signal=signals.request_reached_downloader
        )
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- accounting: the archive's own requests are not pages ---------------------------
    def request_reached(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(INTERNAL):
            self.stats.inc_value(VIA_INTERNAL_REQUESTS_STAT)

    def response_downloaded(self, response: Response, request: Request, spider: Any = None) -> None:
        if request.meta.get(INTERNAL):
            self.stats.inc_value(VIA_INTERNAL_RESPONSES_STAT)
            self.stats.inc_value(f"{VIA_INTERNAL_STATUS_STATS}{response.status}")

    def spider_closed(self, spider: Any = None) -> None:
        if self.cache is not None:
            self.cache.close()

    # -- answering a page's request ------------------------------------------------------
    async def process_request(self, request: Request, spider: Any = None) -> Response | None:
        if request.meta.get(INTERNAL):
            return None
        url = request.url
        listed = await self.snapshots(url)
        # An index matches URLs by a looser key (SURT folds the path's case, sorts the
        # query): the page's own captures first, another URL's only to say so.
        own = [s for s in listed if dedup_key(s.url) == dedup_key(url)]
        candidates = own or listed
        unserved = blocks = 0
        blocked: tuple[Response, dict[str, Any]] | None = None  # the first block page fetched
        while True:
            snapshot = nearest(candidates, self.at, self.window)
            if snapshot is None:
                self.stats.inc_value(VIA_NOT_ARCHIVED_STAT)
                raise ViaArchiveFailure("not_archived", f"not archived within the window: {url}")
            if dedup_key(snapshot.url) != dedup_key(url):
                raise ViaArchiveFailure(
                    "archive_other_url", f"the archive's capture is of {snapshot.url}, not {url}"
                )
            try:
                page = await self.answer(request, snapshot)
            except CaptureNotAsListed:
                # Another capture in the window may still be served (a few are tried); the
                # lookup is forgotten only where none is, so the next run asks again.
                unserved += 1
                candidates = [s for s in candidates if s != snapshot]
                left = nearest(candidates, self.at, self.window)
                if unserved >= MAX_UNSERVED_CAPTURES or left is None:
                    if blocked is not None:  # what the archive holds in the window
                        request.meta.update(blocked[1])
                        self.stats.inc_value(VIA_ANSWERED_STAT)
                        return blocked[0]
                    self.stats.inc_value(VIA_NOT_ARCHIVED_STAT)
                    await self.forget(url)
                    raise
                continue
            # The outlet's block or challenge page, met by the archive's crawler (the index
            # cannot tell one served with 200): the next capture in the window may hold the
            # story (a few are tried). Each fetched stays in the WARC, as fetched.
            others = [s for s in candidates if s != snapshot]
            if (
                blocks < MAX_UNSERVED_CAPTURES
                and self.is_block(page)
                and nearest(others, self.at, self.window) is not None
            ):
                blocks += 1
                if blocked is None:
                    blocked = page, {k: request.meta[k] for k in ANSWER_META if k in request.meta}
                candidates = others
                continue
            # A capture of another form of the URL (http:// for https://) that is the
            # site's redirect to the page asked for holds no page: the page's nearest
            # capture in another form is, where the window has one (the redirect recorded).
            rest = [s for s in candidates if s.url != snapshot.url]
            if not redirects_to(page, url) or nearest(rest, self.at, self.window) is None:
                self.stats.inc_value(VIA_ANSWERED_STAT)  # one page, whatever was tried
                return page
            candidates = rest

    def is_block(self, page: Response) -> bool:
        """Whether a capture is the outlet's block or challenge page, as the spider's
        analysis will say (a story in its outlet's markup never is, whatever its bytes
        show); the bytes are looked at first, so a story costs no second analysis."""
        if not is_block_page(page.status, page.body):
            return False
        if not 200 <= page.status < 300:
            return True
        source = getattr(self.crawler.spider, "source", None)
        analysis = analyse(page.url, page.headers, page.body, status=page.status, source=source)
        return analysis.kind == "blocked"

    async def answer(self, request: Request, snapshot: Snapshot) -> Response:
        """The page `request` asks for, as `snapshot` holds it."""
        url = request.url
        for key in (WARC_META, PENDING_METADATA, TRUNCATED):  # an earlier capture's, if any
            request.meta.pop(key, None)
        try:
            response, memento = await self.fetch(request, snapshot)
        except CaptureNotAsListed:
            raise  # another listed capture may serve (process_request forgets if none does)
        except ViaArchiveFailure:
            # The capture the index (or TimeGate) named was not handed over: its answer may
            # be stale or the archive's own page; the next run asks again.
            await self.forget(url)
            raise
        cut = truncation_reason(response)
        if cut and memento.whole_record:
            # Part of a WARC record is no record: never written (crawler.recorder), no page.
            raise ViaArchiveFailure(
                TRUNCATION_KINDS.get(cut, "truncated"),
                f"the archive's record of {url} came cut short ({cut}): {memento.memento_url}",
            )
        # A date that reads as none is counted; where neither the memento's URL nor the
        # archive's index dates it either, the capture has no time we know: never --at's.
        if not memento.whole_record and self.datetime_unread(response) and memento.undated:
            self.stats.inc_value(VIA_NOT_ARCHIVED_STAT)
            raise ViaArchiveFailure(
                "not_archived",
                f"the archive's capture of {url} has no capture time that reads: "
                f"{memento.memento_url}",
            )
        captured = self.captured(response, memento)
        if abs(captured - self.at) > self.window:
            # The archive's replay (its redirect, its Memento-Datetime) dates the capture
            # elsewhere than its index did: recorded as fetched, never an article of --at.
            raise CaptureNotAsListed(
                f"the archive's capture of {url} is of {timestamp14(captured)}, outside the window"
            )
        for key in (WARC_META, PENDING_METADATA):
            if key in response.meta:
                request.meta[key] = response.meta[key]
        if cut:  # half a capture (a limit, the archive's connection lost): never an article
            request.meta[TRUNCATED] = cut
        request.meta[RETRIEVED_FROM] = memento.retrieved_from()
        request.meta["dont_retry"] = True  # an archived 503 stays one: asking again changes nothing
        return self.page_response(request, response, memento)

    def captured(self, response: Response, memento: Memento) -> datetime:
        """When the capture fetched was made: its ``Memento-Datetime``, else the timestamp
        of the memento URL it was fetched from (the archive may have redirected to another),
        else the index's, as the recorder dates it. A whole record (Common Crawl) is the
        index's own."""
        if memento.whole_record:
            return memento.moment
        return memento_moment(response.headers.get("Memento-Datetime"), memento.moment)

    async def fetch(self, request: Request, snapshot: Snapshot) -> tuple[Response, Memento]:
        """The capture, following the archive's own redirects to the same page only."""
        memento_url, headers = self.archive.fetch(snapshot)
        # A TimeGate's redirect may lead to another TimeGate (an aggregator's to an
        # archive's), which negotiates again (RFC 7089): the datetime asked goes with every
        # request of the chain (a memento ignores it), or that one picks its latest memento.
        archive = self.archive
        carried = archive.lookup_headers(self.at) if isinstance(archive, TimeGateArchive) else {}
        headers = {**carried, **headers}
        # The capture served: the index's, or the one the archive redirects to (its URL
        # and timestamp), which a Memento-Datetime that reads as no date leaves to say.
        original, moment, undated = snapshot.url, snapshot.moment, snapshot.undated
        seen = [memento_url]  # a URL met again is a loop; a long chain is only long
        while True:
            memento = Memento(
                original_url=original,
                moment=moment,
                archive=self.archive.name,
                memento_url=memento_url,
                whole_record=self.archive.whole_records,
                hops=int(request.meta.get(HOPS, 0)),
                referer=header_text(request.headers.get("Referer")) or None,
                prefixes_all=self.archive.prefixes_all,
                undated=undated,
            )
            fetch = self.internal(memento_url, headers, priority=request.priority)
            fetch.meta[MEMENTO] = memento
            response = await self.download(fetch, "capture")
            if memento.retrieved is None:  # the recorder notes it as the capture arrives
                memento.retrieved = datetime.now(timezone.utc)
            refusal = excluded(response)
            if refusal:  # all its captures are (none is tried next)
                self.stats.inc_value(VIA_NOT_ARCHIVED_STAT)
                raise ViaArchiveFailure(
                    "not_archived", f"the archive excludes it ({refusal}): {memento_url}"
                )
            if response.status in (404, 410) and not is_memento(response, self.archive):
                raise CaptureNotAsListed(f"the archive lost its capture: {memento_url}")
            # A TimeGate answering in place (200), no memento itself, names its choice in
            # its Link header (pywb's framed replay): followed as its redirect would be.
            chosen = "" if memento.whole_record else self.in_place(response)
            if (300 <= response.status < 400 or chosen) and not is_memento(response, self.archive):
                # The archive's redirect (another timestamp, a canonical form): not a capture.
                location = chosen or header_text(response.headers.get("Location"))
                named = response.urljoin(location) if location else ""
                target = original_of(named) if named else None
                # A TimeGate's choice (RFC 7089: it varies on Accept-Datetime) may be a
                # memento named by an id, dated by its Memento-Datetime once fetched.
                by_id = target is None and bool(named) and (bool(chosen) or negotiates(response))
                if by_id and not impossible_timestamp(named):
                    target = ("", snapshot.url)
                # Never on to the live web, whatever shape its URL has: a crawl through an
                # archive asks the outlet nothing.
                if (
                    target is None
                    or dedup_key(target[1]) != dedup_key(snapshot.url)
                    or on_the_live_web(named, snapshot.url)
                ):
                    raise ViaArchiveFailure(
                        "archive_other_url",
                        f"the archive sent {request.url} on to {location or 'nowhere'}",
                    )
                # Its raw form: the replay form it may name (a TimeGate's choice) is the page
                # as the archive rewrites it (a banner, links into the archive). Where the
                # archive sends the raw form on to the replay (it keeps no raw one), that is
                # all it gives.
                raw = named if memento.whole_record else raw_form(named)
                memento_url = named if raw in seen and named not in seen else raw
                if memento_url in seen:
                    raise ViaArchiveFailure(
                        "archive_redirect_loop",
                        f"the archive redirects in circles: {' -> '.join([*seen, memento_url])}",
                    )
                if len(seen) > self.max_redirects:
                    raise ViaArchiveFailure(
                        "archive_redirect_limit",
                        f"more than {self.max_redirects} redirects of the archive's from {seen[0]}",
                    )
                seen.append(memento_url)
                original = target[1]
                moment, undated = (self.at, True) if by_id else (parse_at(target[0]), False)
                headers = dict(carried)
                continue
            if not is_memento(response, self.archive):
                # An answer of the archive's own (a refusal, an error page), not a capture.
                raise ViaArchiveFailure(
                    "archive_down",
                    f"the archive answered {response.status} without a capture: {memento_url}",
                )
            return response, memento

    def in_place(self, response: Response) -> str:
        """The memento nearest --at that a TimeGate answering in place (200, no
        ``Memento-Datetime``) names in its ``Link`` header; "" for any other answer."""
        if response.status != 200 or is_memento(response, self.archive):
            return ""
        found = nearest_link(response, self.at)
        return found[0] if found else ""

    def page_response(self, request: Request, fetched: Response, memento: Memento) -> Response:
        """The page as the original server answered it (the archive's framing removed)."""
        if memento.whole_record:
            record = whole_record(fetched.body)
            if record is None:  # the index's length ends inside the record
                raise ViaArchiveFailure(
                    "archive_down", f"the archive's range holds no whole record: {request.url}"
                )
            target, status, headers, body = _read_record(record)
            if dedup_key(target) != dedup_key(memento.original_url):
                # A damaged or loose index: the range holds another page's record.
                raise ViaArchiveFailure(
                    "archive_other_url",
                    f"the archive's record at that range is of {target}, not {request.url}",
                )
        else:
            status = fetched.status
            served = [
                (header_text(name), header_text(value))
                for name, values in fetched.headers.items()
                for value in values
            ]
            headers = original_headers(served, prefixes_all=memento.prefixes_all)
            body = fetched.body
        kept = Headers()
        for name, value in headers:
            lower = name.lower()
            # The body here is decoded already: its encoding and length are the archive's.
            if lower in FRAMING or lower.startswith("x-archive-orig-"):
                continue
            if lower == "location":
                value = (original_of(urljoin(fetched.url, value)) or ("", value))[1]
            kept.appendlist(name, value.encode("latin-1", "replace"))
        if 300 <= status < 400:
            location = header_text(kept.get("Location"))
            if sends_to_login(location):
                raise ViaArchiveFailure(
                    "archive_login_redirect", f"the capture of {request.url} sends to a login"
                )
        cls = responsetypes.from_args(headers=kept, url=memento.original_url, body=body)
        return cls(
            url=memento.original_url,
            status=status,
            headers=kept,
            body=body,
            request=request,
            flags=["archived"],
        )

    # -- the archive's index -------------------------------------------------------------
    async def snapshots(self, url: str) -> list[Snapshot]:
        """Every capture the index lists for `url` in the window (one lookup per URL a run)."""

        async def ask() -> list[Snapshot]:
            found: list[Snapshot] = []
            # Archives match URLs exactly: ask for the URL without tracking parameters.
            for lookup in await self.lookup_urls(canonicalize_url(url)):
                found.extend(await self.lookup(lookup))
            return found

        return await self.once(dedup_key(url), ask)

    async def forget(self, url: str) -> None:
        """Drop the remembered lookups of `url` (this run keeps its answer)."""
        if self.cache is None:
            return
        for lookup in await self.lookup_urls(canonicalize_url(url)):
            self.cache.forget(self.archive.name, self.archive.cache_key(lookup, self.at))

    async def once(self, key: str, ask: Callable[[], Awaitable[Any]]) -> Any:
        """`ask()` once per run for `key`; requests asking meanwhile wait for its answer."""
        if key in self.answers:
            return self.answers[key]
        if key in self.in_flight:
            waiter: Deferred[Any] = Deferred()
            self.in_flight[key].append(waiter)
            return await maybe_deferred_to_future(waiter)
        self.in_flight[key] = []
        try:
            answer = await ask()
        except Exception as exc:
            for waiter in self.in_flight.pop(key):
                waiter.errback(exc)
            raise
        self.answers[key] = answer
        for waiter in self.in_flight.pop(key):
            waiter.callback(answer)
        return answer

    async def lookup_urls(self, url: str) -> list[str]:
        archive = self.archive
        if isinstance(archive, CommonCrawlArchive):
            if not archive.crawls:
                archive.crawls = await self.once("\0collinfo", self.crawls_near)
            return archive.lookup_urls(url, self.at, self.window)
        return [archive.lookup_url(url, self.at, self.window)]

    async def crawls_near(self) -> list[str]:
        """Common Crawl's crawls nearest --at, from its ``collinfo.json``."""
        archive = self.archive
        assert isinstance(archive, CommonCrawlArchive)
        info = await self.download(self.internal(f"{archive.index_url}/collinfo.json", {}), "index")
        try:
            crawls = crawls_near(info.body, self.at, self.window)
        except IndexUnreadable as exc:  # never remembered: the next page asks again
            raise ViaArchiveFailure("archive_down", f"{exc}: {info.url}") from None
        logger.info("Common Crawl crawls near %s: %s", self.at, crawls or "none")
        return crawls

    async def lookup(self, lookup: str) -> list[Snapshot]:
        key = self.archive.cache_key(lookup, self.at)
        if self.cache is not None:
            cached = self.cache.get(self.archive.name, key)
            if cached is not None:
                self.stats.inc_value(VIA_LOOKUPS_CACHED_STAT)
                return cached
        headers = {}
        if isinstance(self.archive, TimeGateArchive):
            headers = self.archive.lookup_headers(self.at)
        timegate = isinstance(self.archive, TimeGateArchive)
        response = await self.index_answer(lookup, headers, follow=not timegate)
        remember = True
        if response.status in (404, 410):
            snapshots: list[Snapshot] = []  # the index's "no captures"
        elif isinstance(self.archive, TimeGateArchive):
            snapshots = self._timegate(response, lookup, self.archive.page_of(lookup))
        elif response.status == 200:
            try:
                if isinstance(self.archive, TimeMapArchive):
                    # Every memento of the page: those of the window alone are kept.
                    original = self.archive.page_of(lookup)
                    first = read_timemap(response.body, response.url, original)
                    listed, lost = await self.timemap(lookup, first, original)
                    # A memento on the live web (the page itself, an outlet's site) is none:
                    # a crawl through an archive asks the outlet nothing.
                    listed = [
                        s
                        for s in listed
                        if abs(s.moment - self.at) <= self.window
                        and not on_the_live_web(s.filename, original)
                    ]
                    snapshots = [s for s in listed if not impossible_timestamp(s.filename)]
                    if lost is not None:
                        # A page of it not read: the window's mementos read serve this
                        # run (never remembered); with none read, that page may hold them.
                        if not snapshots:
                            raise lost
                        self.stats.inc_value(VIA_TIMEMAP_INCOMPLETE_STAT)
                        remember = False
                    if listed and not snapshots:  # never remembered: the next run asks again
                        raise ViaArchiveFailure("archive_down", no_moment(listed[0].filename))
                else:
                    snapshots = self.archive.parse_lookup(response.body)
            except IndexUnreadable as exc:  # never remembered: the next run asks again
                raise ViaArchiveFailure("archive_down", f"{exc}: {lookup}") from None
            if isinstance(self.archive, WaybackArchive):
                snapshots = await self.around_at(self.archive, lookup, snapshots)
        else:
            raise ViaArchiveFailure(
                "archive_down", f"the archive's index answered {response.status}: {lookup}"
            )
        if self.cache is not None and remember:
            self.cache.put(self.archive.name, key, snapshots)
        return snapshots

    async def index_answer(
        self, lookup: str, headers: dict[str, str], follow: bool = True
    ) -> Response:
        """The index's answer to `lookup`, counted as asked; one cut short, or the
        archive's word that it excludes the page, is a failure (never remembered). An index
        that redirects (moved, upgrading http to https) is followed as the archive's
        redirects of a capture are, never to the live web; a TimeGate's redirect is its
        answer (`follow` False)."""
        self.stats.inc_value(VIA_LOOKUPS_STAT)  # asked, whether the archive answers or not
        url, seen = lookup, [lookup]
        while True:
            response = await self.download(self.internal(url, headers), "index")
            location = header_text(response.headers.get("Location"))
            if not (follow and 300 <= response.status < 400 and location):
                break
            url = response.urljoin(location)
            if url in seen:
                raise ViaArchiveFailure(
                    "archive_redirect_loop", f"the archive's index redirects in circles: {url}"
                )
            if len(seen) > self.max_redirects:
                raise ViaArchiveFailure(
                    "archive_redirect_limit",
                    f"more than {self.max_redirects} redirects of the archive's from {lookup}",
                )
            if on_the_live_web(url, self.archive.page_of(lookup)):
                raise ViaArchiveFailure(
                    "archive_other_url", f"the archive's index sent {lookup} on to {url}"
                )
            seen.append(url)
        cut = truncation_reason(response)
        if cut:  # some of the captures listed: never taken (nor remembered) for all there are
            raise ViaArchiveFailure(
                "archive_down", f"the archive's index answer came cut short ({cut}): {lookup}"
            )
        refusal = excluded(response)
        if refusal:  # never remembered: an exclusion may be lifted
            self.stats.inc_value(VIA_NOT_ARCHIVED_STAT)
            raise ViaArchiveFailure(
                "not_archived", f"the archive excludes it ({refusal}): {lookup}"
            )
        return response

    async def around_at(
        self, archive: WaybackArchive, lookup: str, listed: list[Snapshot]
    ) -> list[Snapshot]:
        """The captures nearest --at where the CDX server ignored ``sort=closest`` (some
        Wayback CDX servers do; pywb never): its answer, the window's first captures in
        time order, stops before --at. The captures from --at on are asked (the first is
        the nearest after it), then those before it as near, a page at a time in time
        order, at most ``NEWSARCHIVE_VIA_LOOKUP_PAGES`` pages; all sorted as
        ``sort=closest`` sorts them."""
        if not cut_before(listed, self.at, archive.limit):
            return listed
        found = list(listed)
        # A page holds the rows of the first answer: a server's own cap may be under the limit.
        full = min(archive.limit, len(listed))
        after = await self.cdx_page(archive.narrowed(lookup, self.at, self.at + self.window))
        found += after
        # Only the URL's own form bounds how far before --at to look: another (http:// for
        # https://, www. or not: listed with it by a SURT key) may be the site's redirect
        # to it, given up for the page's own nearest capture (process_request).
        asked = asked_url(lookup)
        own = [s.moment for s in after if same_form(s.url, asked)]
        reach = min(own, default=self.at + self.window) - self.at
        start = max(max(s.moment for s in listed), self.at - reach)
        for _ in range(self.pages):
            page = await self.cdx_page(archive.narrowed(lookup, start, self.at))
            found += page
            if len(page) < full or max(s.moment for s in page) >= self.at:
                break
            start = max(s.moment for s in page) + timedelta(seconds=1)
        else:
            logger.warning(
                "the archive's index ignores sort=closest and holds more captures before %s "
                "than %d pages list: the nearest of those read is taken: %s",
                timestamp14(self.at),
                self.pages,
                lookup,
            )
        return closest_first(found, self.at)

    async def timemap(
        self, lookup: str, page: TimeMapPage, original: str
    ) -> tuple[list[Snapshot], ViaArchiveFailure | None]:
        """The mementos of a TimeMap's first answer (to `lookup`), and of the TimeMaps it
        links to that may hold the window's (a paged TimeMap's next or previous pages, an
        index TimeMap's others), at most ``NEWSARCHIVE_VIA_LOOKUP_PAGES`` answers in all;
        with the failure of the first page it links to that could not be read (lost,
        answering no TimeMap, the archive down), if any: the others are read all the same."""
        found = list(page.mementos)
        waiting = self.linked(page, original)
        seen = {lookup}
        lost: ViaArchiveFailure | None = None
        while waiting and len(seen) < self.pages:
            url = waiting.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                page = await self.timemap_page(url, original)
            except ViaArchiveFailure as exc:
                if exc.newsarchive_kind != "archive_down":
                    raise
                logger.warning("a page of a TimeMap could not be read: %s", exc)
                lost = lost or exc
                continue
            found += page.mementos
            waiting += self.linked(page, original)
        unread = [url for url in waiting if url not in seen]
        if unread:
            logger.warning(
                "a TimeMap of more than %d pages: the nearest memento of those read is taken "
                "(%s and on unread)",
                self.pages,
                unread[0],
            )
        return found, lost

    async def timemap_page(self, url: str, original: str) -> TimeMapPage:
        """One more page of a TimeMap; one lost or answering no TimeMap is archive_down."""
        response = await self.index_answer(url, {})
        if response.status != 200:
            raise ViaArchiveFailure(
                "archive_down", f"the archive's TimeMap answered {response.status}: {url}"
            )
        try:
            return read_timemap(response.body, response.url, original)
        except IndexUnreadable as exc:
            raise ViaArchiveFailure("archive_down", f"{exc}: {url}") from None

    def linked(self, page: TimeMapPage, original: str) -> list[str]:
        """The TimeMaps a TimeMap answer links to that may hold mementos of the window:
        its later pages unless all its mementos come after the window, its earlier ones
        unless all come before, others whose span (where given) meets the window; never
        one on the live web (the page's own site, an outlet's)."""
        start, end = self.at - self.window, self.at + self.window
        moments = [s.moment for s in page.mementos]
        linked = [
            url
            for url, frm, until in page.others
            if (frm or start) <= end and (until or end) >= start
        ]
        if not moments or min(moments) <= end:
            linked += page.later
        if not moments or max(moments) >= start:
            linked += page.earlier
        return [url for url in linked if not on_the_live_web(url, original)]

    async def cdx_page(self, lookup: str) -> list[Snapshot]:
        """The captures one more CDX answer lists (a 404: none)."""
        response = await self.index_answer(lookup, {})
        if response.status in (404, 410):
            return []
        if response.status != 200:
            raise ViaArchiveFailure(
                "archive_down", f"the archive's index answered {response.status}: {lookup}"
            )
        try:
            return self.archive.parse_lookup(response.body)
        except IndexUnreadable as exc:
            raise ViaArchiveFailure("archive_down", f"{exc}: {lookup}") from None

    def _timegate(self, response: Response, lookup: str, original: str) -> list[Snapshot]:
        """The memento a TimeGate chose (RFC 7089) for the page `original`: the one it
        redirects to, or, answered in place (200), the memento itself or the
        ``rel="memento"`` its Link header names."""
        moment: datetime | None = None
        memento = ""
        undated = False
        if 300 <= response.status < 400 and response.headers.get("Location"):
            memento = response.urljoin(header_text(response.headers.get("Location")))
            found = original_of(memento)
            if found:
                moment = parse_at(found[0])
            else:
                # A memento named by an id (archive.today, perma.cc): the TimeGate's choice
                # for --at, dated by its Memento-Datetime once fetched.
                moment, undated = self.at, True
        elif response.status == 200 and response.headers.get("Memento-Datetime"):
            memento = response.urljoin(
                header_text(response.headers.get("Content-Location")) or lookup
            )
            found = original_of(memento)
            # A date that reads as none: the memento URL's timestamp, else none known.
            dated = parse_at(found[0]) if found else None
            if self.datetime_unread(response):
                moment, undated = dated or self.at, dated is None
            else:
                moment = memento_moment(response.headers.get("Memento-Datetime"), self.at)
        elif response.status == 200:
            chosen = nearest_link(response, self.at)
            if chosen is None:
                # No TimeGate's answer (it says "none" with a 404): an error page served
                # with 200, never remembered as "no captures".
                raise ViaArchiveFailure(
                    "archive_down", f"the TimeGate answered 200 naming no memento: {lookup}"
                )
            memento, moment = chosen
        else:
            raise ViaArchiveFailure(
                "archive_down", f"the TimeGate answered {response.status}: {lookup}"
            )
        if moment is None or not memento:
            return []
        if impossible_timestamp(memento):  # never remembered: the next run asks again
            raise ViaArchiveFailure("archive_down", no_moment(memento))
        # A memento URL of the Wayback shape names its original, however the TimeGate
        # named the memento: another page's is refused as archive_other_url.
        if on_the_live_web(memento, original):
            # The TimeGate sends to the page itself (it holds no memento for --at), or to a
            # URL of the Wayback shape on its site: never fetched, since a crawl through an
            # archive asks the outlet nothing.
            return []
        named = original_of(memento)
        if named:
            original = named[1]
        snapshot = Snapshot(original, timestamp14(moment), filename=memento, undated=undated)
        return [snapshot]

    def datetime_unread(self, response: Response) -> bool:
        """Whether the archive's answer gives a Memento-Datetime that reads as no date
        (counted: the capture is dated otherwise, or not at all)."""
        unread = memento_datetime_unread(response.headers.get("Memento-Datetime"))
        if unread:
            self.stats.inc_value(VIA_DATETIME_UNREAD_STAT)
        return unread

    # -- requests to the archive ---------------------------------------------------------
    def internal(self, url: str, headers: dict[str, str], priority: int = 0) -> Request:
        return Request(
            url,
            headers=headers or None,
            priority=priority,
            dont_filter=True,
            meta={
                INTERNAL: True,
                "dont_redirect": True,
                "dont_obey_robotstxt": True,
                "download_slot": self.slot,
            },
        )

    async def download(self, request: Request, what: str) -> Response:
        try:
            assert self.crawler.engine is not None
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest:
            raise
        except Exception as exc:
            raise ViaArchiveFailure(
                "archive_down", f"the archive's {what} is unreachable: {request.url} ({exc})"
            ) from None
        archived = what == "capture" and is_memento(response, self.archive)
        if (response.status == 429 or response.status >= 500) and not archived:
            raise ViaArchiveFailure(
                "archive_down", f"the archive's {what} answered {response.status}: {request.url}"
            )
        return response

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        """An archived server error is a capture of that error, not the archive failing:
        asking again gives the same capture, so it is neither retried nor recorded twice."""
        if request.meta.get(INTERNAL) and is_memento(response, self.archive):
            request.meta["dont_retry"] = True
        return response


def excluded(response: Response) -> str:
    """The Wayback Machine's word that it excludes the page (at its owner's request, or by
    robots.txt): a 403 whose ``X-Archive-Wayback-Runtime-Error`` names an access control
    exception; else ""."""
    error = header_text(response.headers.get("X-Archive-Wayback-Runtime-Error"))
    if response.status != 403 or "AccessControlException" not in error:
        return ""
    return error.rsplit(": ", 1)[-1].strip() or "access control"


def no_moment(memento_url: str) -> str:
    """The failure's words for a memento named with a timestamp that names no moment."""
    stamp = impossible_timestamp(memento_url)
    return f"the archive names a memento whose timestamp {stamp} names no moment: {memento_url}"


def on_the_live_web(memento_url: str, original: str) -> bool:
    """Whether a memento URL named by an id is the live web instead: on the original's own
    host, or on an outlet's."""
    host = urlsplit(memento_url).hostname
    return _same_site(memento_url, original) or outlet_of_host(host) is not None


def _same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site: one host, and one port unless both are the web's
    own (80, 443: the site's http and https). An archive on another port of the page's
    host (both served from one machine) is not the page's site."""
    ports = []
    for parts in (urlsplit(url), urlsplit(other)):
        try:
            port = parts.port
        except ValueError:  # a port that is no number: the host alone tells
            port = None
        ports.append(port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0))
    same_host = urlsplit(url).hostname == urlsplit(other).hostname
    return same_host and (ports[0] == ports[1] or {ports[0], ports[1]} <= {80, 443})


def nearest_link(response: Response, at: datetime) -> tuple[str, datetime] | None:
    """The memento nearest `at` an answer's ``Link`` header names (its URL resolved: a
    relative reference, RFC 8288 3.1), or None."""
    # One Link header may come as several fields (RFC 9110's list rule).
    fields = response.headers.getlist("Link")
    links = memento_links(", ".join(header_text(field) for field in fields))
    if not links:
        return None
    memento, moment = min(links, key=lambda link: abs(link[1] - at))
    return response.urljoin(memento), moment


def negotiates(response: Response) -> bool:
    """Whether an answer is a TimeGate's: it varies on ``Accept-Datetime`` (RFC 7089, 4.1)."""
    varies = ",".join(header_text(value) for value in response.headers.getlist("Vary"))
    return "accept-datetime" in {name.strip().lower() for name in varies.split(",")}


def redirects_to(page: Response, url: str) -> bool:
    """Whether an archived page is a redirect to the page `url` names (another form of it)."""
    location = header_text(page.headers.get("Location")) if 300 <= page.status < 400 else ""
    return bool(location) and dedup_key(page.urljoin(location)) == dedup_key(url)


def is_memento(response: Response, archive: Archive) -> bool:
    """A capture, not the archive's own answer: a ``Memento-Datetime`` (RFC 7089), or for
    whole records, the byte range asked for (206)."""
    if archive.whole_records:
        return response.status == 206
    return bool(response.headers.get("Memento-Datetime"))


def _read_record(data: bytes) -> tuple[str, int, list[tuple[str, str]], bytes]:
    """Target URI, status, headers and decoded payload of one WARC response record (a Common
    Crawl range)."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response" or record.http_headers is None:
                break
            status = int(record.http_headers.get_statuscode() or 200)
            body = record.content_stream().read()
            target = record.rec_headers.get_header("WARC-Target-URI") or ""
            return target, status, list(record.http_headers.headers), body
    except Exception as exc:
        raise ViaArchiveFailure(
            "archive_down", f"the archive's record is unreadable ({exc})"
        ) from None
    raise ViaArchiveFailure("archive_down", "the archive's range holds no response record")
