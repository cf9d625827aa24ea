"""The coordinator of a shared crawl, one per worker's spider (``--state redis://...``).

It seeds the start points once per crawl (the first worker; the others wait), renews the
worker's heartbeat, ends each request's lease once its callback ran, hands a silent
worker's leases back to the queue, ends the worker only when the shared queue is empty and
no worker holds a lease (the last to leave clears the crawl), shares the spider's maps of
hops and parsed pages' links, and stops the worker cleanly when Redis is lost.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from archive.state import StateRefusedError, StateUnavailableError
from archive.state.redis import PREFIX, RedisState, text

from .keys import LEASE, STATE_LOST_STAT
from .scale import alive_key, keys
from .state import crawl_state, worker_id

log = logging.getLogger(__name__)

STATE_LOST = "state_lost"  # the close reason of a worker that lost the shared state

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


# Keep the lower of two numbers under a hash field; give back the one it held.
_LOWER = """
local known = redis.call('HGET', KEYS[1], ARGV[1])
if (not known) or tonumber(ARGV[2]) < tonumber(known) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return known
"""


class SharedMap:
    """A spider's ``key -> value`` map kept in a Redis hash, so every worker sees one map."""

    def __init__(self, state: RedisState, key: str, encode: Any, decode: Any):
        self.state = state
        self.client = state.client
        self._lower = state.client.register_script(_LOWER)
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

    def setdefault(self, name: str, default: Any) -> Any:
        """The value of `name`, set to `default` first if it has none (in one step)."""
        with self.state.guard():
            pipe = self.client.pipeline(transaction=True)
            pipe.hsetnx(self.key, name, self.encode(default))
            pipe.hget(self.key, name)
            _set, raw = pipe.execute()
        return self.decode(raw)

    def lower(self, name: str, value: int) -> Any:
        """Set `name` to `value` if it has none or a greater one; the value it had (atomic)."""
        with self.state.guard():
            raw = self._lower(keys=[self.key], args=[name, value])
        return None if raw is None else self.decode(raw)

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
        self.left = False  # this worker left the crawl: it is no longer among its workers
        self.joined = False  # the crawl was seeded (by this worker or another) as it joined

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
        spider.key_by_form = SharedMap(self.state, self.keys["forms"], str, text)  # type: ignore[attr-defined]
        with self.state.guard():
            # Leases under this id are a predecessor's (a process killed that had this id:
            # a container's hostname and PID come back alike); this one has taken none.
            handed = self._reclaim(
                keys=[self.keys["queue"], self._leases(self.worker), self.keys["workers"]],
                args=[self.worker],
            )
            if handed:
                log.warning("handed %d requests of an earlier worker %s back", handed, self.worker)
                self.crawler.stats.inc_value("newsarchive/state/reclaimed", int(handed))
            self.beat()
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

        reactor.callLater(self.poll_seconds, self._wake)  # type: ignore[arg-type]
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
                self.joined = True
                return True
            holder = text(self.client.hget(self.keys["crawl"], field))
            if holder == "done":
                return False
            # Under this worker's own id: a predecessor's claim (a process killed that had
            # its id), as this one claims once and then seeds.
            if holder == self.worker or not self.client.exists(alive_key(holder)):
                self.client.hset(self.keys["crawl"], field, self.worker)
                self.joined = True
                return True
            return False

    def seeded(self, spider: str) -> bool:
        """Whether the start points of this crawl are in the queue."""
        with self.state.guard():
            holder = self.client.hget(self.keys["crawl"], f"seeding:{spider}")
        self.joined = self.joined or holder == b"done"
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
        workers = [text(w) for w in self.client.smembers(self.keys["workers"])]
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
        if seeding is None and self.joined:
            raise self.emptied()
        if seeding not in (None, b"done"):
            return False
        return queued == 0 and not any(leased)

    def leave_crawl(self) -> None:
        """The crawl is over for this worker; the last to leave clears it, so a worker that
        joined but has not looked yet still finds the crawl seeded, not a new one to seed."""
        self.left = True
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
        try:
            with self.state.guard():
                clear(self.client, self.spider.name if self.spider else "")
        except StateUnavailableError:
            pass

    def _leases(self, worker: str) -> str:
        return f"{self.keys['leases']}:{worker}"

    def beat(self) -> None:
        """Renew this worker's heartbeat, and its place among the crawl's workers: one taken
        for dead while only stalled (its leases handed back) counts again from its next beat."""
        pipe = self.client.pipeline(transaction=True)
        # The value names this process: a successor under its id keeps no reservation of
        # its predecessor's alive (archive.state.redis.RedisVersionIndex).
        pipe.set(alive_key(self.worker), self.state.incarnation, px=int(self.lease_seconds * 1000))
        if not self.left:
            pipe.sadd(self.keys["workers"], self.worker)
            pipe.hexists(self.keys["crawl"], f"seeding:{self.spider.name if self.spider else ''}")
        _alive, *crawl = pipe.execute()
        if crawl and self.joined and not crawl[-1]:
            raise self.emptied()

    def emptied(self) -> StateUnavailableError:
        """The crawl this worker joined is gone from Redis while it runs (restarted without
        its data, or emptied): the shared state is lost, as if Redis were down."""
        return self.state.fail(
            StateUnavailableError("the crawl's keys are gone: Redis restarted empty, or emptied")
        )

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


def clear(client: Any, spider: str) -> None:
    """Delete one spider's crawl (queue, seen set, shared maps, its fields of the crawl),
    and the crawl itself once no spider's crawl is left in it."""
    names = keys(spider)
    pipe = client.pipeline(transaction=True)
    pipe.delete(names["queue"], names["seen"], names["hops"], names["follows"], names["forms"])
    fields = ("seeding", "resumed", "starts", "depth")
    pipe.hdel(names["crawl"], *(f"{field}:{spider}" for field in fields))
    pipe.execute()
    if not any(text(k).startswith("seeding:") for k in client.hkeys(names["crawl"])):
        client.delete(names["crawl"])


def _ended_uncleared(client: Any, spider: str) -> bool:
    """Whether the spider's crawl is seeded, no worker of it is alive, and nothing is queued
    or leased: done, its last worker killed between finding it so and clearing it."""
    names = keys(spider)
    if text(client.hget(names["crawl"], f"seeding:{spider}")) != "done":
        return False
    if any(client.exists(alive_key(text(w))) for w in client.smembers(names["workers"])):
        return False
    if client.zcard(names["queue"]):
        return False
    return not any(client.hlen(k) for k in client.scan_iter(f"{names['leases']}:*", count=100))


def join_crawl(
    state: RedisState,
    run_id: str,
    starts: dict[str, list[str]] | None = None,
    depth: int | None = None,
) -> tuple[str, bool]:
    """The run id of the crawl under way (or `run_id`, starting one); and whether it resumes.

    A crawl whose start points were seeded but which no live worker serves any more is
    being resumed. A worker whose spider starts elsewhere than the crawl under way
    (`starts`: the start URLs given, per spider; none for its defaults) is refused with
    :class:`StateRefusedError`: its link policy would take the crawl's pages for off-site
    ones and drop them. So is one following links to another `depth`: what the crawl
    reaches would depend on which worker parsed what.
    """
    client = state.client
    with state.guard():
        crawl = f"{PREFIX}:crawl"
        alive = any(True for _ in client.scan_iter(f"{PREFIX}:alive:*", count=100))
        for spider in starts or {}:
            if _ended_uncleared(client, spider):
                # Its last worker was killed between finding it done and clearing it: with
                # the crawl joined as it is, this run would find nothing to do.
                log.warning("the shared crawl of %s had ended; starting afresh", spider)
                clear(client, spider)
        for spider, urls in (starts or {}).items():
            wanted = json.dumps(sorted(urls))
            client.hsetnx(crawl, f"starts:{spider}", wanted)
            theirs = text(client.hget(crawl, f"starts:{spider}"))
            if theirs != wanted:
                named = ", ".join(json.loads(theirs)) or "its default start points"
                raise StateRefusedError(
                    f"--state {state.address}: the shared crawl of {spider} under way starts "
                    f"from {named}; give the same --start-url, or use another Redis database"
                )
            if depth is not None:
                client.hsetnx(crawl, f"depth:{spider}", depth)
                theirs = text(client.hget(crawl, f"depth:{spider}"))
                if theirs != str(depth):
                    raise StateRefusedError(
                        f"--state {state.address}: the shared crawl of {spider} under way "
                        f"follows links to depth {theirs}; give the same --depth, or use "
                        "another Redis database"
                    )
        client.hsetnx(crawl, "run", run_id)
        shared = text(client.hget(crawl, "run")) or run_id
        # Resumed: started (seeded, or being seeded) and served by no live worker; a crawl
        # merely named by a worker starting at the same instant is not.
        seeded = any(text(k).startswith("seeding:") for k in client.hkeys(crawl))
        resumed = shared != run_id and seeded and not alive
    return shared, resumed


def _encode_follows(follows: list[Any]) -> str:
    return json.dumps([[f.url, f.hops, f.kind] for f in follows])


def _decode_follows(raw: bytes) -> list[Any]:
    from .linkpolicy import FollowRequest

    return [FollowRequest(u, h, k) for u, h, k in json.loads(raw)]
