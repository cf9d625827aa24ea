"""The spider every outlet shares: start points, page analysis, following related coverage.

A page's bytes go to :func:`crawler.pages.analyse` (the same call replay makes); the
article becomes an item, and :class:`LinkPolicy` picks the links to follow.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from ..closespider import LeftForNextRun
from ..errorkinds import error_kind
from ..fromarchive import archived_start_points
from ..fromarchive import install as install_from_archive
from ..guards import is_offsite
from ..incremental import KnownPage
from ..keys import (
    BAD_URL,
    CUT_SHORT_STAT,
    ERROR_STATS,
    EXAMPLES,
    FIRST_ARCHIVED,
    HOPS,
    KIND,
    LINKS,
    PAGE_STATS,
    RETRIEVED_FROM,
    START,
    TEMPLATE_FAILED_STATS,
    WARC_META,
)
from ..limits import truncation_kind
from ..linkpolicy import (
    FollowRequest,
    LinkPolicy,
    dedup_key,
    site_of,
    url_problem,
)
from ..pages import analyse
from ..pages.capture import capture_item
from ..pages.urls import outlet_of_host, same_page_form
from ..signals import outlinks_chosen
from ..viaarchive import install as install_via_archive


class NewsSpider(Spider):
    """Crawls one outlet from its start points, following related coverage up to a depth."""

    source: ClassVar[str]
    default_start_urls: ClassVar[tuple[str, ...]] = ()
    # Blocked and gone pages reach the callback so they are counted, not just logged.
    handle_httpstatus_list: ClassVar[list[int]] = [401, 403, 404, 410, 451]
    policy: LinkPolicy
    # Set by crawler.incremental when enabled: the fetch history and the persistent frontier.
    incremental: Any = None

    def __init__(self, *args: Any, start_url: str | list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Fewest hops at which each page is known, and the links of pages already parsed:
        # a page reached again by a shorter path passes the shorter count on to its links,
        # so what is crawled does not depend on the order responses arrive in.
        self.hops_by_key: dict[str, int] = {}
        self.follows_by_key: dict[str, list[FollowRequest]] = {}
        # The key each page form (``.../slug``, ``.../slug/index.html``) was first planned under.
        self.key_by_form: dict[str, str] = {}
        # Frontier entries (key, url, hops, kind, referer) to persist before requests go out.
        self._planned: list[tuple[str, str, int, str, str | None]] = []
        # Start points the resumed crawl had read already: read again this run.
        self._read_starts: set[str] = set()
        if isinstance(start_url, str):
            start_url = [u for u in start_url.split(",") if u]
        self.start_urls_given: list[str] = list(start_url or [])
        # Revisit record id -> the response archived first with its payload (crawler.recorder).
        self.first_archived: dict[str, Any] = {}

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        install_from_archive(settings)  # only when NEWSARCHIVE_FROM_ARCHIVE names archives
        install_via_archive(settings)  # only when NEWSARCHIVE_VIA names a web archive

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.start_urls_given:
            spider.start_urls_given = list(crawler.settings.getlist("NEWSARCHIVE_START_URLS"))
        if not spider.start_urls_given:  # from archives: where this spider started then
            spider.start_urls_given = archived_start_points(crawler.settings, spider.name)
        spider.policy = spider.make_policy(crawler.settings.getint("NEWSARCHIVE_DEPTH"))
        return spider

    def make_policy(self, depth: int) -> LinkPolicy:
        given = [urlsplit(u).hostname or "" for u in self.start_urls_given]
        if given and all(outlet_of_host(host) == self.source for host in given):
            # The outlet's own pages (e.g. a story to crawl --via an archive): no mirror,
            # links to any of the outlet's hosts are asked for as they are written.
            hosts = frozenset(urlsplit(u).hostname or "" for u in self.default_start_urls)
            return LinkPolicy(self.source, depth, site_hosts=hosts | frozenset(given))
        if self.start_urls_given:
            hosts = frozenset(filter(None, map(site_of, self.start_urls_given)))
            first = urlsplit(self.start_urls_given[0])
            return LinkPolicy(
                self.source, depth, site_hosts=hosts, mirror=f"{first.scheme}://{first.netloc}"
            )
        hosts = frozenset(filter(None, map(site_of, self.default_start_urls)))
        return LinkPolicy(self.source, depth, site_hosts=hosts)

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        coordinator = getattr(self, "coordinator", None)
        if coordinator is not None:  # one worker of a shared crawl (crawler.coordinator)
            async for request in self.shared_start(coordinator):
                yield request
            return
        pending = self.resume()
        for url in self.start_urls_given or self.default_start_urls:
            if url_problem(url):  # never planned: a frontier keeps only what can be requested
                self.logger.error("not a start point: %r, %s", url, url_problem(url))
                self.note_problem(BAD_URL, url)
                continue
            key = self.page_key(url)
            if key in self.hops_by_key:
                # Planned by the unfinished crawl being resumed: left to it, unless it read
                # the page already. A start point is read on every run, resumed or not, or a
                # crawl cut short every run would never see a story added since.
                if key in self._read_starts:
                    yield self.request(url, hops=0, is_start=True, kind="start")
                continue
            self.hops_by_key[key] = 0
            self._planned.append((key, url, 0, "start", None))
            self.persist_plan()
            yield self.request(url, hops=0, is_start=True, kind="start")
        for request in pending:
            yield request

    async def shared_start(self, coordinator: Any) -> AsyncIterator[Request]:
        """Seed the shared queue once per crawl (first worker), or wait until it is seeded."""
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        while not coordinator.claim_seeding(self.name):
            if coordinator.seeded(self.name):
                return
            pause = deferLater(reactor, coordinator.poll_seconds, lambda: None)
            await maybe_deferred_to_future(pause)
        for url in self.start_urls_given or self.default_start_urls:
            key = self.page_key(url)
            if self.note_hops(key, 0) is not None and dedup_key(url) != key:
                continue  # another form of a page planned already
            # Queued even when its hops are noted: a seeder killed between the two left it
            # noted and unqueued; the shared seen set drops it if it was queued.
            yield self.request(url, hops=0, is_start=True, kind="start")
        coordinator.mark_seeded(self.name)

    def resume(self) -> list[Request]:
        """Pick up the frontier an interrupted run left: what it did counts as done."""
        if self.incremental is None:
            return []
        entries = self.incremental.resume(self.name)
        requests = []
        elsewhere: list[str] = []
        for entry in entries:
            if not entry.done and url_problem(entry.url):
                # Left by a version that did not check start URLs: dropped, and reported.
                self.logger.error(
                    "dropped from the frontier: %r, %s", entry.url, url_problem(entry.url)
                )
                self.note_problem(BAD_URL, entry.url)
                self.incremental.done(self.name, entry.key)
                continue
            if not entry.done and is_offsite(entry.url, self.policy):
                # Left by a crawl of another site (a mirror moved to another port, another
                # --start-url): not this crawl's to fetch, and no error of it either.
                elsewhere.append(entry.url)
                self.incremental.done(self.name, entry.key)
                continue
            self.hops_by_key[entry.key] = entry.hops
            # The form it was planned under is the page's: another form met later is it.
            self.key_by_form.setdefault(same_page_form(entry.key), entry.key)
            if entry.done and entry.kind == "start":
                self._read_starts.add(entry.key)
            if entry.done and entry.links is not None:
                self.follows_by_key[entry.key] = [FollowRequest(u, 0, k) for u, k in entry.links]
            elif not entry.done:
                requests.append(
                    self.request(
                        entry.url,
                        hops=entry.hops,
                        is_start=entry.kind in ("start", "listing"),
                        kind=entry.kind,
                        referer=entry.referer,
                    )
                )
        if elsewhere:
            self.logger.warning(
                "dropped %d pages of an unfinished crawl of another site (such as %s): "
                "not on the site this crawl starts at",
                len(elsewhere),
                elsewhere[0],
            )
        if entries:
            self.logger.info(
                "resuming an unfinished crawl: %d pages done, %d to go",
                len(entries) - len(requests) - len(elsewhere),
                len(requests),
            )
        return requests

    def persist_plan(self) -> None:
        """Write planned pages to the frontier before their requests (or the page's end)."""
        if self.incremental is not None and self._planned:
            self.incremental.planned(self.name, self._planned)
        self._planned = []

    def note_hops(self, key: str, hops: int) -> int | None:
        """The hops `key` was known at before; `hops` kept if fewer (in one step when the
        map is shared by several workers, so two paths found at once keep the shorter)."""
        lower = getattr(self.hops_by_key, "lower", None)
        if lower is not None:
            known: int | None = lower(key, hops)
            return known
        known = self.hops_by_key.get(key)
        if known is None or hops < known:
            self.hops_by_key[key] = hops
        return known

    def page_key(self, url: str) -> str:
        """The dedup key a link is planned under: that of the first URL form of its page met."""
        key = dedup_key(url)
        return self.key_by_form.setdefault(same_page_form(key), key)

    def request(
        self, url: str, *, hops: int, is_start: bool, kind: str, referer: str | None = None
    ) -> Request:
        headers = {"Referer": referer} if referer else None
        return Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            headers=headers,
            meta={HOPS: hops, START: is_start, KIND: kind},
        )

    # -- pages ---------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        return leased(self, response.request, self._parse_page(response))

    def _parse_page(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        truncated = truncation_kind(response)
        if truncated:
            # Archived as WARC-Truncated; half a page must never become an article.
            stats.inc_value(PAGE_STATS + "truncated")
            self.note_problem(truncated, response.url)
            self.crawler.signals.send_catch_log(outlinks_chosen, response=response, outlinks=[])
            return
        analysis = analyse(
            response.url,
            {"Content-Type": (response.headers.get("Content-Type") or b"").decode("latin-1")},
            response.body,
            status=response.status,
            source=self.source,
        )
        stats.inc_value(f"{PAGE_STATS}{analysis.kind}")
        if analysis.failed_template:
            # The template raised; the generic reader answered. Counted by template name.
            stats.inc_value(f"{TEMPLATE_FAILED_STATS}{analysis.failed_template}")
            self.logger.warning(
                "template %s failed on %s; the generic reader answered",
                analysis.failed_template,
                response.url,
            )
        key = dedup_key((response.meta.get("redirect_urls") or [response.url])[0])
        hops = min(int(response.meta.get(HOPS, 0)), self.hops_by_key.get(key, 1 << 30))
        links = None
        if analysis.kind == "article":
            # Kept to re-follow with fewer hops, should a shorter path to this page turn up.
            related = self.follows_by_key[key] = self.policy.related(analysis)
            links = [(f.url, f.kind) for f in related]
            # Read again once the links are known: another worker may have found it sooner.
            hops = min(hops, self.hops_by_key.get(key, 1 << 30))
            follows = self.policy.from_page(related, hops)
        else:
            follows = self.policy.follow(analysis, hops, is_start=bool(response.meta.get(START)))
        self.crawler.signals.send_catch_log(
            outlinks_chosen, response=response, outlinks=[(f.url, f.kind) for f in follows]
        )
        if response.status in (404, 410) and response.meta.get(KIND) == "start":
            # A start point that moved: an error, so that cron says the crawl needs new ones.
            self.note_problem("start_gone", response.url)
        if analysis.kind == "blocked":
            self.note_problem("blocked", response.url)
            if RETRIEVED_FROM in response.meta:  # the archive kept a block page, not the story
                self.note_problem("archive_block_page", response.url)
        requests = list(self.schedule(follows, referer=response.url))
        self.persist_plan()
        if analysis.article is not None:
            response.meta[LINKS] = links  # the history records them once the item is stored
            yield self.finish_item(analysis.article, response)
        elif self.incremental is not None:
            self.incremental.page_done(self.name, response, links)
        yield from requests

    def known_page(self, request: Request, outcome: KnownPage) -> Iterator[Request]:
        """Not fetched or not modified: walk the links remembered from its last fetch."""
        key = dedup_key((request.meta.get("redirect_urls") or [request.url])[0])
        hops = min(int(request.meta.get(HOPS, 0)), self.hops_by_key.get(key, 1 << 30))
        follows = []
        if outcome.links is not None:
            related = self.follows_by_key[key] = [FollowRequest(u, 0, k) for u, k in outcome.links]
            follows = self.policy.from_page(related, hops)
        requests = list(self.schedule(follows, referer=request.url))
        self.persist_plan()
        if self.incremental is not None:
            self.incremental.done(self.name, key, outcome.links)
        yield from requests

    def schedule(self, follows: list[FollowRequest], referer: str) -> Iterator[Request]:
        """Requests for links not yet known at so few hops; re-walks parsed pages reached sooner."""
        shared = getattr(self, "coordinator", None) is not None
        for follow in follows:
            key = self.page_key(follow.url)
            known = self.note_hops(key, follow.hops)
            if known is not None and known <= follow.hops:
                if shared and dedup_key(follow.url) == key:
                    # A worker killed after noting the hops may not have queued it: the
                    # shared seen set drops it if it was.
                    yield self.request(
                        follow.url,
                        hops=known,
                        is_start=follow.kind == "listing",
                        kind=follow.kind,
                        referer=referer,
                    )
                continue
            self._planned.append((key, follow.url, follow.hops, follow.kind, referer))
            if known is None or (shared and dedup_key(follow.url) == key):
                yield self.request(
                    follow.url,
                    hops=follow.hops,
                    is_start=follow.kind == "listing",
                    kind=follow.kind,
                    referer=referer,
                )
            if known is not None and key in self.follows_by_key:
                # Parsed already at more hops: its links are one hop nearer than thought.
                again = self.policy.from_page(self.follows_by_key[key], follow.hops)
                yield from self.schedule(again, referer=follow.url)

    def finish_item(self, article: dict[str, Any], response: Response) -> dict[str, Any]:
        """Add what only the crawl knows: the capture time and the WARC record's location."""
        location = response.meta.get(WARC_META)
        first = response.meta.get(FIRST_ARCHIVED)
        if location is not None and first is not None:
            # Stored as of that record when the store holds nothing as recent (its article
            # never stored): as replay of the WARC files gives it (crawler.pipelines).
            self.first_archived[location.record_id] = first
        if location is not None:
            return capture_item(
                article,
                warc_date=location.date,
                provenance=location.as_provenance(),
                retrieved_from=response.meta.get(RETRIEVED_FROM),
            )
        now = datetime.now(timezone.utc).isoformat()
        return capture_item(article, warc_date=now, provenance=None)

    # -- failures ------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> Iterator[Request]:
        if isinstance(failure.value, LeftForNextRun) or self.crawler.stats.get_value(
            CUT_SHORT_STAT
        ):
            # Past --max-pages or --max-runtime, unsent as the run closed, or cut by a second
            # signal: left for the next run, its lease
            # kept, so that a worker of a shared crawl hands it back to the queue at its end.
            return iter(())
        return leased(self, getattr(failure, "request", None), self._on_error(failure))

    def _on_error(self, failure: Failure) -> Iterator[Request]:
        request = getattr(failure, "request", None)
        if request is not None and isinstance(failure.value, KnownPage):
            yield from self.known_page(request, failure.value)
            return
        if request is not None and self.incremental is not None:
            key = dedup_key((request.meta.get("redirect_urls") or [request.url])[0])
            self.incremental.done(self.name, key)
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        kind = getattr(failure.value, "newsarchive_kind", None)  # set by crawler.guards etc.
        if not kind:
            kind = f"http_{response.status}" if response is not None else error_kind(failure.value)
        self.note_problem(kind, url)
        self.logger.warning("%s: %s (%s)", kind, url, failure.getErrorMessage())

    def note_problem(self, kind: str, url: str) -> None:
        """Count a failure by kind and keep a few example URLs for the run report."""
        stats = self.crawler.stats
        if kind != "blocked":
            stats.inc_value(f"{ERROR_STATS}{kind}")
        examples = stats.get_value(EXAMPLES) or {}
        examples.setdefault(kind, [])
        if len(examples[kind]) < 5 and url not in examples[kind]:
            examples[kind].append(url)
        stats.set_value(EXAMPLES, examples)


def leased(spider: Spider, request: Request | None, output: Iterator[Any]) -> Iterator[Any]:
    """`output` of a callback or errback, then the request's lease ended (shared crawls)."""
    try:
        yield from output
    finally:
        coordinator = getattr(spider, "coordinator", None)
        if coordinator is not None:
            coordinator.release(request)
