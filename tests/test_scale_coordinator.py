"""The coordinator of a shared crawl, two workers' coordinators against one real Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawler.coordinator import CrawlCoordinator
from crawler.keys import LEASE
from crawler.scale import LeasedQueue, alive_key, shared_settings

from .scale_harness import RedisServer

pytestmark = pytest.mark.scale  # needs the redis client: `pytest -m scale`


def worker(address: str, name: str, data: Path) -> CrawlCoordinator:
    """The coordinator of worker `name` of the crawl at `address`, its spider opened."""
    settings = {
        **shared_settings(address, name),
        "NEWSARCHIVE_DATA_DIR": str(data),
        "NEWSARCHIVE_STATE_LEASE_SECONDS": 30,
    }
    crawler = get_crawler(Spider, settings)
    coordinator = CrawlCoordinator.from_crawler(crawler)
    coordinator.spider_opened(Spider.from_crawler(crawler, name="cnn"))
    return coordinator


def queue(coordinator: CrawlCoordinator) -> LeasedQueue:
    """The shared request queue as this worker's scheduler reads it."""
    assert coordinator.spider is not None
    return LeasedQueue(coordinator.client, coordinator.spider, coordinator.keys["queue"])


def test_a_worker_taken_for_dead_while_only_slow_counts_again_once_it_beats(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker whose heartbeat lapsed (stalled longer than its lease: a swap storm, a
    stopped VM) is forgotten by the next worker that looks: its leases go back to the
    queue. Back, it took requests again under leases no other worker counted, so the
    others saw nothing in flight, ended the crawl and cleared it under it; killed then,
    what it held was never handed back."""
    client = redis_server.client()
    client.flushall()
    slow = worker(redis_server.address, "slow-1", tmp_path)
    other = worker(redis_server.address, "other-2", tmp_path)
    client.hset("newsarchive:crawl", "seeding:cnn", "done")
    client.delete(alive_key("slow-1"))  # its heartbeat lapsed
    with slow.state.guard(), other.state.guard():
        assert other.crawl_finished()  # nothing queued, nothing held: the slow one forgotten
        slow._beat_safely()  # it runs again: its heartbeat's next tick
        queue(other).push(Request("http://example.com/a"))
        taken = queue(slow).pop()
        assert taken is not None and taken.meta[LEASE]
        assert not other.crawl_finished()  # the slow worker holds a request


def test_a_worker_that_left_the_crawl_is_not_counted_again_by_its_last_beats(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """The last worker to leave clears the crawl, even when another that left before it
    beats once more before it stops."""
    client = redis_server.client()
    client.flushall()
    first = worker(redis_server.address, "first-1", tmp_path)
    last = worker(redis_server.address, "last-2", tmp_path)
    client.hset("newsarchive:crawl", "seeding:cnn", "done")
    first.leave_crawl()
    first._beat_safely()
    last.leave_crawl()
    assert not client.exists("newsarchive:crawl", "newsarchive:cnn:workers")


def test_a_worker_restarted_under_the_same_id_hands_back_what_its_predecessor_held(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker id is HOST-PID; in a container (a StatefulSet's pod: its hostname kept, its
    process PID 1) a restarted worker has the id of the one killed. Its predecessor's
    leases were its own to the others (renewed by its heartbeat, never reclaimed), and its
    first look for work ended them as if done: those pages were never fetched."""
    client = redis_server.client()
    client.flushall()
    killed = worker(redis_server.address, "pod-1", tmp_path)
    client.hset("newsarchive:crawl", "seeding:cnn", "done")
    queue(killed).push(Request("http://example.com/a"))
    assert queue(killed).pop() is not None  # taken, then killed with it
    restarted = worker(redis_server.address, "pod-1", tmp_path)
    with restarted.state.guard():
        assert not restarted.crawl_finished()
    taken = queue(restarted).pop()
    assert taken is not None and taken.url == "http://example.com/a"


def test_a_worker_restarted_under_the_same_id_takes_over_the_seeding_it_was_killed_in(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Killed while seeding and restarted under the same id (a container's), a worker
    waited for the seeding to be done by the holder, itself: for ever, every other worker
    waiting with it (the holder's heartbeat was its own)."""
    client = redis_server.client()
    client.flushall()
    killed = worker(redis_server.address, "pod-1", tmp_path)
    assert killed.claim_seeding("cnn")  # then killed before it marked the crawl seeded
    restarted = worker(redis_server.address, "pod-1", tmp_path)
    assert restarted.claim_seeding("cnn")
