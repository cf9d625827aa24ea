"""One crawl shared by several worker processes through Redis (``--state redis://...``).

scrapy-redis gives the shared request queue and seen set; this module and
:mod:`crawler.coordinator` add what it lacks:

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

import uuid
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from archive.state.redis import LOST, PREFIX, RedisState
from archive.state.redis import alive_key as alive_key  # the coordinator's, and the store's

from .fingerprint import CanonicalRequestFingerprinter
from .keys import LEASE
from .state import crawl_state


def keys(spider: str) -> dict[str, str]:
    """The Redis keys of one spider's shared crawl."""
    base = f"{PREFIX}:{spider}"
    return {
        "queue": f"{base}:requests",
        "seen": f"{base}:dupefilter",
        "hops": f"{base}:hops",
        "follows": f"{base}:follows",
        "forms": f"{base}:forms",
        "workers": f"{base}:workers",
        "leases": f"{base}:leases",  # + ":WORKER": lease id -> score and request
        "crawl": f"{PREFIX}:crawl",
    }


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
        except LOST as exc:
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
        except LOST as exc:
            self._lost(exc)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return super().has_pending_requests()
        except LOST as exc:
            self._lost(exc)
            return False
