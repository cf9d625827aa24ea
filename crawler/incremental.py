"""Incremental crawling: conditional re-fetches on a schedule by age, and a resumable frontier.

A downloader middleware over :class:`archive.fetchstate.FetchState`. Section pages,
sitemaps and feeds are requested every run. A new article URL is fetched; a known one is
re-fetched when the schedule says it is due (``--recrawl auto``), always (``all``) or never
(``none``), with ``If-None-Match`` / ``If-Modified-Since`` from its last fetch. A 304, or a
payload identical to the last one, ends the request before extraction: no item, no store
line, only the WARC record the recorder writes. The spider then walks the page's remembered
links, so what lies behind an unchanged page is still reached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from archive.fetchstate import FetchRecord, FrontierEntry, Links, Planned
from archive.state import FetchHistory, PayloadDigests

from .diskfull import DISK_FULL_STAT
from .keys import KIND, KNOWN, LINKS, PAGE_STATS, RESUMED_STAT, STORE_LOCKED_STAT, WARC_META
from .linkpolicy import dedup_key
from .state import crawl_state, history_context

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

RECRAWL_MODES = ("auto", "all", "none")
# age limit (seconds since the article's latest date) -> least time between two fetches
DEFAULT_SCHEDULE = {86400: 0, 7 * 86400: 86400}
ARTICLE_KINDS = ("article", "related", "inline")  # what the spider's KIND meta names


class KnownPage(IgnoreRequest):
    """A known page that needs no extraction: not due, not modified (304), or identical."""

    def __init__(self, outcome: str, record: FetchRecord):
        super().__init__(f"{outcome}: {record.url}")
        self.outcome = outcome
        self.links: Links | None = record.links


def parse_schedule(schedule: dict[Any, Any]) -> dict[float, float]:
    """``NEWSARCHIVE_REFETCH_SCHEDULE`` as numbers: {age limit: least seconds between fetches},
    both seconds >= 0; a ValueError names what is wrong."""
    parsed = {}
    for limit, interval in schedule.items():
        try:
            key, value = float(limit), float(interval)
        except (TypeError, ValueError):
            raise ValueError(
                f"{limit!r}: {interval!r} is not seconds: seconds (age limit): seconds (least "
                'time between fetches), e.g. {"86400": 0, "604800": 86400}'
            ) from None
        if key < 0 or value < 0:
            raise ValueError(f"{limit!r}: {interval!r}: seconds cannot be negative")
        parsed[key] = value
    return parsed


def refetch_due(
    record: FetchRecord, now: float, mode: str = "auto", schedule: dict[Any, Any] | None = None
) -> bool:
    """Whether a known page is requested again: by `mode`, else by its age and last fetch.

    Age runs from the article's latest date (dateModified, else datePublished), else from its
    first fetch. The first schedule entry whose age limit is above the age gives the least
    time between fetches; older than every limit: never (unless ``--recrawl all``).
    """
    if mode == "all":
        return True
    if mode == "none":
        return False
    born = _latest_date(record.date_modified, record.date_published) or record.first_fetched_at
    age, since = now - born, now - record.fetched_at
    steps = sorted((float(k), float(v)) for k, v in (schedule or DEFAULT_SCHEDULE).items())
    for limit, interval in steps:
        if age < limit:
            return since >= interval
    return False


def payload_digest(body: bytes) -> str:
    return "sha1:" + hashlib.sha1(body).hexdigest()


class IncrementalMiddleware:
    """Makes known pages' requests conditional or skips them; keeps history and frontier."""

    def __init__(
        self,
        crawler: Crawler,
        state: FetchHistory,
        mode: str,
        schedule: dict[Any, Any],
        digests: PayloadDigests | None = None,
    ):
        self.crawler = crawler
        self.state = state
        self.mode = mode
        self.schedule = schedule
        # The recorder's index of captures: what a 304 would confirm must be in it.
        self.digests = digests
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSARCHIVE_INCREMENTAL_ENABLED"):
            raise NotConfigured
        mode = settings.get("NEWSARCHIVE_RECRAWL") or "auto"
        if mode not in RECRAWL_MODES:
            raise ValueError(f"NEWSARCHIVE_RECRAWL must be one of {', '.join(RECRAWL_MODES)}")
        schedule = parse_schedule(
            settings.getdict("NEWSARCHIVE_REFETCH_SCHEDULE") or DEFAULT_SCHEDULE
        )
        state = crawl_state(settings)
        history = state.fetch_history(history_context(settings))
        digests = (
            state.payload_digests() if settings.getbool("NEWSARCHIVE_WARC_DEDUP_ENABLED") else None
        )
        middleware = cls(crawler, history, mode, schedule, digests)
        for handler, signal in (
            (middleware.spider_opened, signals.spider_opened),
            (middleware.spider_closed, signals.spider_closed),
            (middleware.item_scraped, signals.item_scraped),
            (middleware.item_dropped, signals.item_dropped),
            (middleware.item_dropped, signals.item_error),
        ):
            crawler.signals.connect(handler, signal=signal)
        return middleware

    # -- signals -------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        spider.incremental = self  # type: ignore[attr-defined]  # plans and resumes through us
        self.stats.set_value("newsarchive/recrawl", self.mode)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished":
            self.state.finish(spider.name)
        self.state.close()
        if self.digests is not None:
            self.digests.close()

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        """The article is in the store: only now may the history say it was fetched."""
        if self.stats.get_value(STORE_LOCKED_STAT):
            return  # kept back by a locked store: left in the frontier for the next run
        record = self._fetch_record(response, links=response.meta.get(LINKS), validators=True)
        record = dataclasses.replace(
            record,
            date_published=_field(item, "datePublished"),
            date_modified=_field(item, "dateModified"),
        )
        self.state.record(record, spider=spider.name)

    def item_dropped(self, item: Any, response: Response, spider: Spider, **_: Any) -> None:
        """Nothing stored: done for this crawl, but the history keeps no validators."""
        if self.stats.get_value(DISK_FULL_STAT):
            return  # not stored for want of space: left in the frontier for the next run
        self.state.done(spider.name, _key(response.request or response))

    def _fetch_record(
        self, response: Response, *, links: Links | None, validators: bool
    ) -> FetchRecord:
        """What the history keeps of a fetch; validators only for a page worth revalidating."""
        key = _key(response.request or response)
        previous = self.state.get(key)
        now = time.time()
        return FetchRecord(
            key=key,
            url=response.url,
            fetched_at=now,
            first_fetched_at=previous.first_fetched_at if previous else now,
            status=response.status,
            etag=_header(response, b"ETag") if validators else None,
            last_modified=_header(response, b"Last-Modified") if validators else None,
            payload_digest=payload_digest(response.body) if validators else None,
            links=links,
            warc_digest=_warc_digest(response) if validators else None,
        )

    # -- the spider's calls --------------------------------------------------------------
    def resume(self, spider: str) -> list[FrontierEntry]:
        entries = self.state.frontier(spider)
        if entries:
            self.stats.set_value(RESUMED_STAT, 1)
        return entries

    def planned(self, spider: str, entries: list[Planned]) -> None:
        self.state.enqueue(spider, entries)

    def page_done(self, spider: str, response: Response, links: Links | None) -> None:
        """A page that gives no item (listing, not an article, blocked, gone)."""
        self.state.record(
            self._fetch_record(response, links=links, validators=response.status == 200),
            spider=spider,
        )

    def done(self, spider: str, key: str, links: Links | None = None) -> None:
        self.state.done(spider, key, links)

    # -- downloader middleware -----------------------------------------------------------
    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(KIND) not in ARTICLE_KINDS or "redirect_urls" in request.meta:
            return None
        if KNOWN in request.meta:  # a retry of a request already decided
            return None
        record = self.state.get(_key(request))
        if record is None:
            return None
        if not refetch_due(record, time.time(), self.mode, self.schedule):
            self.stats.inc_value(PAGE_STATS + "skipped")
            raise KnownPage("skipped", record)
        request.meta[KNOWN] = record
        if not self._confirmable(record.url, record):
            return None  # fetched whole: its capture fills the index again
        if record.etag:
            request.headers["If-None-Match"] = record.etag
        if record.last_modified:
            request.headers["If-Modified-Since"] = record.last_modified
        return None

    def _confirmable(self, url: str, record: FetchRecord) -> bool:
        """Whether a 304 to the record's validators could be archived as confirming the
        capture they came from: the recorder's index of captures holds it (or, for a
        history kept before it noted that capture, some capture of the page). An index
        set aside as damaged, or off for an earlier run, holds none: a 304 would then
        name nothing, and would never fill the index again."""
        if self.digests is None:
            return True
        if record.warc_digest:
            return self.digests.lookup(url, record.warc_digest) is not None
        return self.digests.latest(url) is not None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        record: FetchRecord | None = request.meta.get(KNOWN)
        if record is None:
            return response
        if response.status == 304:
            self.stats.inc_value(PAGE_STATS + "not_modified")
            self.state.touch(record.key, 304)
            raise KnownPage("not_modified", record)
        if response.status == 200 and record.payload_digest == payload_digest(response.body):
            self.stats.inc_value(PAGE_STATS + "identical")
            self.state.touch(record.key, 200)
            raise KnownPage("identical", record)
        return response


def _key(request: Request | Response) -> str:
    return dedup_key((request.meta.get("redirect_urls") or [request.url])[0])


def _warc_digest(response: Response) -> str | None:
    """The payload digest of the WARC record the response was archived as, if it was."""
    location = (response.request.meta if response.request else {}).get(WARC_META)
    return getattr(location, "payload_digest", None)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _field(item: Any, name: str) -> str | None:
    value = item.get(name) if hasattr(item, "get") else None
    return str(value) if value else None


def _latest_date(*values: str | None) -> float | None:
    stamps = []
    for value in values:
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            stamps.append(parsed.timestamp())
    return max(stamps) if stamps else None
