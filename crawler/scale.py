"""One crawl shared by several worker processes through Redis (``--state redis://...``).

scrapy-redis gives the shared request queue and seen set; this module adds what it lacks:

- the seen set uses our canonical request fingerprint (:mod:`crawler.fingerprint`);
- a request taken from the queue is leased to its worker, in Redis, until its callback or
  errback has run (or a redirect or retry has put its successor in the queue). A worker
  that stops renewing its heartbeat (killed, or cut off) loses its leases: the next worker
  that looks puts them back in the queue;
- start points are seeded once per crawl, by the first worker; the others wait for it;
- a worker ends only when the queue is empty and no worker holds a lease, and the last one
  clears the crawl's keys so the next run starts afresh;
- hop counts and the related links of parsed pages are shared, so what is crawled does not
  depend on which worker parsed what (the spider's own maps, kept in Redis);
- losing Redis stops the worker cleanly (close reason ``state_lost``, exit 75): nothing
  it took is lost, the next run resumes.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from archive.state import StateUnavailableError
from archive.state.redis import PREFIX, RedisState

from .fingerprint import CanonicalRequestFingerprinter
from .keys import LEASE, STATE_LOST_STAT
from .state import crawl_state, worker_id

log = logging.getLogger(__name__)

STATE_LOST = "state_lost"  # the close reason of a worker that lost the shared state


def keys(spider: str) -> dict[str, str]:
    """The Redis keys of one spider's shared crawl."""
    base = f"{PREFIX}:{spider}"
    return {
        "queue": f"{base}:requests",
        "seen": f"{base}:dupefilter",
        "hops": f"{base}:hops",
        "follows": f"{base}:follows",
        "workers": f"{base}:workers",
        "leases": f"{base}:leases",  # + ":WORKER": lease id -> score and request
        "crawl": f"{PREFIX}:crawl",
    }


def alive_key(worker: str) -> str:
    return f"{PREFIX}:alive:{worker}"


def shared_settings(address: str, worker: str) -> dict[str, Any]:
    """The Scrapy settings that make a process one worker of the crawl at `address`."""
    return {
        "NEWSARCHIVE_STATE": address,
        "NEWSARCHIVE_WORKER": worker,
        "REDIS_URL": address,
        "SCHEDULER": "crawler.scale.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.scale.CanonicalDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.scale.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{PREFIX}:%(spider)s:dupefilter",
        "SCHEDULER_PERSIST": True,
    }


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's seen set, keyed by our canonical request fingerprint."""

    _fingerprinter = CanonicalRequestFingerprinter()

    def request_fingerprint(self, request: Request) -> str:
        return self._fingerprinter.fingerprint(request).hex()


# Pop the first request and lease it to a worker in one step: lease hash gets "score data".
_POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], ARGV[1], found[2] .. ' ' .. found[1])
return found[1]
"""

# Hand a worker's leases back to the queue and forget the worker.
_RECLAIM = """
local leases = redis.call('HVALS', KEYS[2])
for _, value in ipairs(leases) do
  local cut = string.find(value, ' ', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(value, 1, cut - 1)), string.sub(value, cut + 1))
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return #leases
"""


# Mark seen and queue in one step (a kill between the two would lose the request), and end
# the lease of the request this one succeeds (a redirect, a retry).
_ENQUEUE = """
local queued = 0
if ARGV[4] == '1' or redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[3])
  queued = 1
end
if ARGV[5] ~= '' then redis.call('HDEL', KEYS[3], ARGV[5]) end
return queued
"""


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue; a popped request stays leased until released."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.worker = spider.settings.get("NEWSARCHIVE_WORKER")
        self.leases_key = f"{keys(spider.name)['leases']}:{self.worker}"
        self._pop = server.register_script(_POP)
        self._enqueue = server.register_script(_ENQUEUE)

    def pop(self, timeout: int = 0) -> Request | None:
        lease = uuid.uuid4().hex
        data = self._pop(keys=[self.key, self.leases_key], args=[lease])
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request

    def release(self, lease: str) -> None:
        self.server.hdel(self.leases_key, lease)

    def add(self, request: Request, fingerprint: str, seen_key: str, lease: str) -> bool:
        """Queue `request` unless seen (or ``dont_filter``); end `lease`; all in one step."""
        args = [
            fingerprint,
            -request.priority,
            self._encode_request(request),
            "1" if request.dont_filter else "0",
            lease,
        ]
        return bool(self._enqueue(keys=[seen_key, self.key, self.leases_key], args=args))


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, with leases released when a successor is queued."""

    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    def _lost(self, exc: Exception) -> None:
        state = crawl_state(self.crawler.settings)
        if isinstance(state, RedisState):
            state.fail(exc)

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.pop(LEASE, None) or ""  # a redirect or retry: its successor
        try:
            fingerprint = self.df.request_fingerprint(request)
            queued = self.queue.add(request, fingerprint, self.df.key, lease)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._lost(exc)
            return False
        if not queued:
            self.df.log(request, self.spider)
        elif self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        try:
            return super().next_request()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._lost(exc)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return super().has_pending_requests()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._lost(exc)
            return False


class SharedMap:
    """A spider's ``key -> value`` map kept in a Redis hash, so every worker sees one map."""

    def __init__(self, state: RedisState, key: str, encode: Any, decode: Any):
        self.state = state
        self.client = state.client
        self.key = key
        self.encode = encode
        self.decode = decode

    def get(self, name: str, default: Any = None) -> Any:
        with self.state.guard():
            raw = self.client.hget(self.key, name)
        return default if raw is None else self.decode(raw)

    def __getitem__(self, name: str) -> Any:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        with self.state.guard():
            self.client.hset(self.key, name, self.encode(value))

    def __contains__(self, name: object) -> bool:
        with self.state.guard():
            return bool(self.client.hexists(self.key, str(name)))


class CrawlCoordinator:
    """Seeding, heartbeat, leases and the end of a shared crawl, for one worker's spider."""

    def __init__(self, crawler: Crawler, state: RedisState):
        self.crawler = crawler
        self.state = state
        self.client = state.client
        settings = crawler.settings
        self.worker: str = settings.get("NEWSARCHIVE_WORKER") or worker_id()
        self.lease_seconds = settings.getfloat("NEWSARCHIVE_STATE_LEASE_SECONDS", 30.0)
        self.poll_seconds = settings.getfloat("NEWSARCHIVE_STATE_POLL_SECONDS", 0.5)
        self.spider: Spider | None = None
        self.keys: dict[str, str] = {}
        self._heartbeat: task.LoopingCall | None = None
        self._reclaim = self.client.register_script(_RECLAIM)
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlCoordinator:
        state = crawl_state(crawler.settings)
        if not isinstance(state, RedisState):
            raise NotConfigured
        coordinator = cls(crawler, state)
        state.on_lost.append(coordinator.lost)
        crawler.signals.connect(coordinator.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(coordinator.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(coordinator.spider_closed, signal=signals.spider_closed)
        return coordinator

    # -- signals -------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = keys(spider.name)
        spider.coordinator = self  # type: ignore[attr-defined]
        # The spider's maps of hops and parsed pages' links, shared by every worker.
        spider.hops_by_key = SharedMap(self.state, self.keys["hops"], str, int)  # type: ignore[attr-defined]
        spider.follows_by_key = SharedMap(  # type: ignore[attr-defined]
            self.state, self.keys["follows"], _encode_follows, _decode_follows
        )
        with self.state.guard():
            self.beat()
            self.client.sadd(self.keys["workers"], self.worker)
        self.crawler.stats.set_value("newsarchive/state/worker", self.worker)
        self._heartbeat = task.LoopingCall(self._beat_safely)
        self._heartbeat.start(max(self.lease_seconds / 3, 0.1), now=False)

    def spider_idle(self, spider: Spider) -> None:
        if self.closing:
            return
        try:
            with self.state.guard():
                finished = self.crawl_finished()
        except StateUnavailableError:
            return  # lost(): the worker is closing
        if finished:
            self.leave_crawl()
            return
        from twisted.internet import reactor  # the installed one (never at import time)

        reactor.callLater(self.poll_seconds, self._wake)  # type: ignore[attr-defined]
        raise DontCloseSpider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self.state.lost:
            return
        try:
            with self.state.guard():
                # A worker that stops early (a bound, a signal) hands back what it took.
                self._reclaim(
                    keys=[self.keys["queue"], self._leases(self.worker), self.keys["workers"]],
                    args=[self.worker],
                )
                self.client.delete(alive_key(self.worker))
        except StateUnavailableError:
            pass

    def lost(self, exc: Exception) -> None:
        """Redis is gone: stop this worker cleanly; its leases come back once Redis does."""
        if self.closing:
            return
        self.closing = True
        self.crawler.stats.set_value(
            STATE_LOST_STAT, f"lost the shared state at {self.state.address} ({exc})"
        )
        log.error(
            "newsarchive: lost the shared state at %s (%s); stopping", self.state.address, exc
        )
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STATE_LOST))

    # -- seeding -------------------------------------------------------------------------
    def claim_seeding(self, spider: str) -> bool:
        """True for the one worker that seeds this crawl (or takes over from a dead seeder)."""
        with self.state.guard():
            field = f"seeding:{spider}"
            if self.client.hsetnx(self.keys["crawl"], field, self.worker):
                return True
            holder = (self.client.hget(self.keys["crawl"], field) or b"").decode()
            if holder in ("done", self.worker):
                return False
            if not self.client.exists(alive_key(holder)):
                self.client.hset(self.keys["crawl"], field, self.worker)
                return True
            return False

    def seeded(self, spider: str) -> bool:
        """Whether the start points of this crawl are in the queue."""
        with self.state.guard():
            holder = self.client.hget(self.keys["crawl"], f"seeding:{spider}")
        return holder == b"done"

    def mark_seeded(self, spider: str) -> None:
        with self.state.guard():
            self.client.hset(self.keys["crawl"], f"seeding:{spider}", "done")

    # -- leases and the end --------------------------------------------------------------
    def release(self, request: Request | None) -> None:
        """The request's outcome is handled: its lease ends."""
        lease = request.meta.get(LEASE) if request is not None else None
        if not lease or self.state.lost:
            return
        try:
            with self.state.guard():
                self.client.hdel(self._leases(self.worker), lease)
        except StateUnavailableError:
            pass

    def crawl_finished(self) -> bool:
        """Reclaim dead workers' leases; True when the queue is empty and nothing is leased."""
        spider = self.spider.name if self.spider else ""
        workers = [w.decode() for w in self.client.smembers(self.keys["workers"])]
        for worker in workers:
            if worker != self.worker and not self.client.exists(alive_key(worker)):
                handed = self._reclaim(
                    keys=[self.keys["queue"], self._leases(worker), self.keys["workers"]],
                    args=[worker],
                )
                if handed:
                    log.warning("handed %d requests of stopped worker %s back", handed, worker)
                    self.crawler.stats.inc_value("newsarchive/state/reclaimed", int(handed))
        # Idle here: a lease this worker still holds belongs to no request in progress.
        self.client.delete(self._leases(self.worker))
        pipe = self.client.pipeline(transaction=True)
        pipe.hget(self.keys["crawl"], f"seeding:{spider}")
        pipe.zcard(self.keys["queue"])
        for worker in workers:
            pipe.hlen(self._leases(worker))
        seeding, queued, *leased = pipe.execute()
        if seeding not in (None, b"done"):
            return False
        return queued == 0 and not any(leased)

    def leave_crawl(self) -> None:
        """The crawl is over for this worker; the last to leave clears it, so a worker that
        joined but has not looked yet still finds the crawl seeded, not a new one to seed."""
        try:
            with self.state.guard():
                pipe = self.client.pipeline(transaction=True)
                pipe.srem(self.keys["workers"], self.worker)
                pipe.scard(self.keys["workers"])
                _removed, left = pipe.execute()
        except StateUnavailableError:
            return
        if not left:
            self.clear_crawl()

    def clear_crawl(self) -> None:
        """The crawl is over: the next run starts from the start points with a new seen set."""
        spider = self.spider.name if self.spider else ""
        try:
            with self.state.guard():
                pipe = self.client.pipeline(transaction=True)
                pipe.delete(
                    self.keys["queue"], self.keys["seen"], self.keys["hops"], self.keys["follows"]
                )
                pipe.hdel(self.keys["crawl"], f"seeding:{spider}", f"resumed:{spider}")
                pipe.execute()
                if not any(
                    k.startswith(b"seeding:") for k in self.client.hkeys(self.keys["crawl"])
                ):
                    self.client.delete(self.keys["crawl"])
        except StateUnavailableError:
            pass

    def _leases(self, worker: str) -> str:
        return f"{self.keys['leases']}:{worker}"

    def beat(self) -> None:
        self.client.set(alive_key(self.worker), "1", px=int(self.lease_seconds * 1000))

    def _beat_safely(self) -> None:
        if self.state.lost:
            return
        try:
            with self.state.guard():
                self.beat()
        except StateUnavailableError:
            pass

    def _wake(self) -> None:
        """Look at the shared queue again soon (Scrapy's own heartbeat is every 5 seconds)."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is not None and engine is not None and engine.running:
            slot.nextcall.schedule()


def join_crawl(state: RedisState, run_id: str) -> tuple[str, bool]:
    """The run id of the crawl under way (or `run_id`, starting one); and whether it resumes.

    A crawl whose start points were seeded but which no live worker serves any more is
    being resumed.
    """
    client = state.client
    with state.guard():
        crawl = f"{PREFIX}:crawl"
        client.hsetnx(crawl, "run", run_id)
        shared = (client.hget(crawl, "run") or run_id.encode()).decode()
        resumed = False
        if shared != run_id:
            alive = [k for k in client.scan_iter(f"{PREFIX}:alive:*", count=100)]
            resumed = not alive
    return shared, resumed


def _encode_follows(follows: list[Any]) -> str:
    return json.dumps([[f.url, f.hops, f.kind] for f in follows])


def _decode_follows(raw: bytes) -> list[Any]:
    from .linkpolicy import FollowRequest

    return [FollowRequest(u, h, k) for u, h, k in json.loads(raw)]
