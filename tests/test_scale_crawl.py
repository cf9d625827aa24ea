"""Crawl workers sharing one crawl through a real Redis (``--state redis://...``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request

from .conftest import REPO, cli_env, free_port, run_cli
from .scale_harness import (
    START,
    RedisServer,
    all_versions,
    comparable,
    control,
    counting_site,
    crawl_args,
    finish,
    start_worker,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.scale]

GATED = ("--gated", "--ungated", "/world/africa/", "--ungated", "/sitemaps/cnn/news.xml")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def state(redis_server: RedisServer) -> str:
    redis_server.client().flushall()
    return redis_server.address


def workers_joined(address_server: RedisServer, count: int) -> bool:
    return int(address_server.client().scard("newsarchive:cnn:workers")) >= count


def all_joined(server: RedisServer, workers: list[subprocess.Popen[str]]) -> bool:
    """Whether every worker joined the crawl; one that ended before is a failure, with why."""
    for worker in workers:
        if worker.poll() is not None:
            _out, err = worker.communicate()
            raise AssertionError(f"a worker ended before joining, exit {worker.returncode}: {err}")
    return workers_joined(server, len(workers))


def reference(site: dict[str, str], data: Path) -> Path:
    """The same crawl by one process with the embedded state."""
    result = subprocess.run(
        crawl_args(site, data), capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120
    )
    assert result.returncode == 0, result.stderr
    return data


def article_fetches(counts: dict[str, int]) -> dict[str, int]:
    return {p: n for p, n in counts.items() if p != "/robots.txt"}


# Each worker's store batch open from its first article to its end, with no wait allowed for
# the store's lock: workers on one data directory must not hold each other back.
LONG_BATCHES = (
    *("-s", "NEWSARCHIVE_STORE_BATCH_SECONDS=0", "-s", "NEWSARCHIVE_STORE_BATCH_SIZE=100000"),
    *("-s", "NEWSARCHIVE_STORE_LOCK_TIMEOUT=0"),
)


@pytest.mark.parametrize("store", [(), LONG_BATCHES], ids=["default", "long-batches"])
def test_three_workers_crawl_as_one_process_would(
    state: str, redis_server: RedisServer, tmp_path: Path, store: tuple[str, ...]
) -> None:
    with counting_site(*GATED) as site:
        data = tmp_path / "shared"
        workers = [start_worker(site, data, state, *store) for _ in range(3)]
        wait_until(lambda: all_joined(redis_server, workers), "three workers to join")
        # Held at the site's gate, all three run: none is taken for killed.
        header, row = run_cli("runs", "--data", str(data)).stdout.splitlines()
        assert "(3 workers)" in row and row[header.index("status") :].split()[0] == "running"
        control(site, "open")
        outcomes = [finish(worker) for worker in workers]
        assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
        counts = control(site, "counts")
        # No page fetched twice (robots.txt is each worker's own to obey).
        assert counts and all(n == 1 for n in article_fetches(counts).values()), counts
        assert counts["/robots.txt"] <= 3
        alone = reference(site, tmp_path / "alone")
    assert comparable(data) == comparable(alone)
    assert all_versions(data) == all_versions(alone)
    # Each worker wrote its own files; one run with three workers.
    names = sorted(p.name for p in (data / "articles").glob("*.jsonl"))
    assert names and all(len(n.split(".")) == 3 for n in names)
    # One store, in a stable order: month, then the workers' files by name, then line.
    listed = run_cli("articles", "--data", str(data), "--all-versions", "--fields", "articleId")
    assert (
        listed.returncode == 0
        and listed.stdout
        == run_cli(
            "articles", "--data", str(data), "--all-versions", "--fields", "articleId"
        ).stdout
    )
    in_files = [
        json.loads(line)["articleId"]
        for name in names
        for line in (data / "articles" / name).read_text().splitlines()
    ]
    assert [json.loads(line)["articleId"] for line in listed.stdout.splitlines()] == in_files
    runs = run_cli("runs", "--data", str(data))
    assert runs.returncode == 0 and "(3 workers)" in runs.stdout
    assert len(runs.stdout.strip().splitlines()) == 2
    assert not redis_server.client().exists("newsarchive:cnn:requests")


def test_a_killed_worker_loses_nothing(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    with counting_site(*GATED, "--delay", "0.2") as site:
        data = tmp_path / "shared"
        first, second = (start_worker(site, data, state, lease=2) for _ in range(2))
        wait_until(lambda: all_joined(redis_server, [first, second]), "two workers to join")
        control(site, "open")
        wait_until(lambda: len(article_fetches(control(site, "counts"))) >= 5, "some progress")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        code, err = finish(second)
        assert code == 0, err
        alone = reference(site, tmp_path / "alone")
    assert comparable(data) == comparable(alone)
    assert all_versions(data) == all_versions(alone)
    # One run: the crawl finished, so it is ok although one of its workers was killed.
    header, row = run_cli("runs", "--data", str(data)).stdout.splitlines()
    assert "(2 workers, 1 killed)" in row
    assert row[header.index("status") :].split()[0] == "ok" and row.split()[-1] == "0"


def test_redis_lost_mid_crawl_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis-data")
    redis.directory.mkdir()
    redis.start()
    try:
        with counting_site(*GATED, "--delay", "0.2") as site:
            data = tmp_path / "shared"
            worker = start_worker(site, data, redis.address, lease=2)
            wait_until(lambda: workers_joined(redis, 1), "the worker to join")
            control(site, "open")
            wait_until(lambda: len(article_fetches(control(site, "counts"))) >= 4, "progress")
            redis.stop(save=True)
            code, err = finish(worker)
            assert code == 75, err
            assert "lost the shared state" in err and "Traceback" not in err
            redis.start()  # the same port and directory: what was saved comes back
            again = start_worker(site, data, redis.address, lease=2)
            code, err = finish(again)
            assert code == 0, err
            alone = reference(site, tmp_path / "alone")
        reports = [json.loads(p.read_text()) for p in sorted((data / "runs").glob("*.json"))]
        assert any(r["resumed"] for r in reports)
        # The restarted worker (a new process, a new id) rejoined the same run.
        assert len({r["runId"] for r in reports}) == 1
        assert len({r["worker"] for r in reports}) == 2
        header, row = run_cli("runs", "--data", str(data)).stdout.splitlines()
        assert "(2 workers, 1 failed)" in row
        assert row[header.index("status") :].split()[0] == "ok" and row.split()[-1] == "0"
        assert comparable(data) == comparable(alone)
        assert all_versions(data) == all_versions(alone)
    finally:
        redis.stop()


def test_a_worker_stopped_by_max_pages_hands_back_what_it_took(state: str, tmp_path: Path) -> None:
    """A request refused past --max-pages had its lease ended as if done: it never went
    back to the queue, and the crawl that went on after finished without that page."""
    with counting_site() as site:
        data = tmp_path / "shared"
        code, err = finish(start_worker(site, data, state, "--max-pages", "4"))
        assert code == 0, err
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
        alone = reference(site, tmp_path / "alone")
    assert comparable(data) == comparable(alone)


def test_a_store_line_torn_in_a_shared_crawl_is_fetched_again(state: str, tmp_path: Path) -> None:
    """A power cut tore a worker's last store line: the next worker quarantines it, and the
    page's history in Redis is forgotten, so the article is fetched and stored again.
    Before, the shared history still knew the page and the article was lost for good."""
    with counting_site() as site:
        data = tmp_path / "shared"
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
        stored = all_versions(data)
        (month,) = sorted((data / "articles").glob("articles-*.jsonl"))
        raw = month.read_bytes()
        last = raw.rstrip(b"\n").rfind(b"\n") + 1
        month.write_bytes(raw[: last + 300])
        torn = json.loads(raw[last:])["articleId"]
        assert torn not in {a for a, _v in all_versions(data)}
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
    assert all_versions(data) == stored
    assert list((data / "articles" / "quarantine").glob("*.torn"))


def test_a_worker_starting_elsewhere_than_the_crawl_under_way_is_refused(
    state: str, tmp_path: Path
) -> None:
    """A worker given another --start-url took the crawl's requests for off-site pages,
    dropped them, and the crawl still ended ok without them."""
    with counting_site(*GATED) as site:
        data = tmp_path / "shared"
        first = start_worker(site, data, state)
        wait_until(lambda: bool(control(site, "counts")), "the first worker to start")
        other = run_cli(
            "crawl", "cnn", "--data", str(data), "--state", state,
            "--start-url", site["url"] + "/world/", "-q",
        )  # fmt: skip
        control(site, "open")
        code, err = finish(first)
        alone = reference(site, tmp_path / "alone")
    assert other.returncode == 2, other.stderr
    assert other.stderr.count("\n") == 1 and "starts from" in other.stderr
    assert code == 0, err
    assert comparable(data) == comparable(alone)


def _started_nowhere(data: Path, address: str) -> subprocess.CompletedProcess[str]:
    """A worker of the crawl at `address` started from a start point no server answers on,
    so that one the refusal under test let through would reach no network, the outlet's
    own site least of all."""
    nowhere = f"http://127.0.0.1:{free_port()}/"
    return run_cli("crawl", "cnn", "--data", str(data), "--state", address, "--start-url", nowhere)


def test_unreachable_redis_is_one_line_and_exit_75(tmp_path: Path) -> None:
    data = tmp_path / "data"
    address = f"redis://127.0.0.1:{free_port()}/0"
    result = _started_nowhere(data, address)
    assert result.returncode == 75
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot be reached" in result.stderr
    assert not data.exists()


def test_a_bad_state_address_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "cnn", "--data", str(tmp_path), "--state", "http://x")
    assert result.returncode == 2
    assert "redis://HOST:PORT/DB" in result.stderr


def test_a_database_the_redis_server_lacks_is_a_usage_error(tmp_path: Path, state: str) -> None:
    """Redis refuses to select DB 99 (16 by default): an internal error, exit 70, before."""
    address = state.rsplit("/", 1)[0] + "/99"
    data = tmp_path / "data"
    result = _started_nowhere(data, address)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "--state" in result.stderr
    assert "internal error" not in result.stderr and not data.exists()


@pytest.mark.parametrize("given", ["", ":wrong-secret@"], ids=["none", "wrong"])
def test_a_redis_asking_another_password_is_a_usage_error(tmp_path: Path, given: str) -> None:
    """A Redis with requirepass, given no password or a wrong one: exit 75 ("cannot be
    reached, try again later"), before, as if it were down; trying later changes nothing.
    The password given is never printed (cron mails stderr)."""
    redis = RedisServer(tmp_path / "redis-data")
    redis.directory.mkdir()
    redis.start()
    try:
        redis.client().config_set("requirepass", "right-secret")
        data = tmp_path / "data"
        address = f"redis://{given}127.0.0.1:{redis.port}/0"
        result = _started_nowhere(data, address)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "password" in result.stderr
        assert "wrong-secret" not in result.stderr and not data.exists()
    finally:
        assert redis.process is not None
        redis.process.kill()  # SHUTDOWN would need the password
        redis.process.wait()


def test_a_seeder_killed_between_noting_a_start_point_and_queueing_it_loses_nothing(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """The first worker, killed while seeding, had noted the hops of a start point but not
    yet queued its request. The worker taking over the seeding skipped every start point
    whose hops were noted, so that page, and all that only it leads to, was never fetched."""
    from crawler.pages.urls import dedup_key

    with counting_site() as site:
        client = redis_server.client()
        # What a kill -9 at that moment leaves: the crawl seeded by a worker now dead, the
        # first start point noted at hop 0, its request in no queue.
        client.hset("newsarchive:crawl", mapping={"run": "20260101T000000Z-1"})
        client.hset("newsarchive:crawl", "seeding:cnn", "gone-1")
        client.hset("newsarchive:cnn:hops", dedup_key(site["url"] + START[0]), 0)
        data = tmp_path / "shared"
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
        fetched = control(site, "counts")
        alone = reference(site, tmp_path / "alone")
    assert fetched.get(START[0]) == 1, fetched
    assert comparable(data) == comparable(alone)


def test_redis_emptied_mid_crawl_stops_the_worker_as_a_lost_state(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis restarted without its data (no persistence, an old snapshot) or emptied by
    FLUSHALL mid-crawl: the client reconnects to an empty database without a word, and the
    worker went on from nothing, its queue and history gone, and ended ok, exit 0, the
    pages that were queued never fetched. It is the shared state lost: exit 75."""
    with counting_site(*GATED) as site:
        data = tmp_path / "shared"
        worker = start_worker(site, data, state, lease=2)
        wait_until(lambda: len(article_fetches(control(site, "counts"))) >= 2, "a page held")
        redis_server.client().flushall()
        control(site, "open")
        code, err = finish(worker)
        assert code == 75, err
        assert "lost the shared state" in err and "Traceback" not in err
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
        alone = reference(site, tmp_path / "alone")
    assert comparable(data) == comparable(alone)


def test_a_crawl_whose_last_worker_was_killed_as_it_ended_is_started_afresh(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """The last worker, killed once it found the crawl done but before it cleared it, left
    the crawl seeded, its queue empty, its seen set full. The next run joined that crawl,
    found nothing to do and ended ok at once, a whole cron period lost; it starts afresh."""
    from crawler.fingerprint import CanonicalRequestFingerprinter

    with counting_site() as site:
        data = tmp_path / "shared"
        client = redis_server.client()
        client.hset(
            "newsarchive:crawl",
            mapping={"run": "20260101T000000Z-1", "seeding:cnn": "done"},
        )
        for path in START:
            seen = CanonicalRequestFingerprinter().fingerprint(Request(site["url"] + path))
            client.sadd("newsarchive:cnn:dupefilter", seen.hex())
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
        fetched = control(site, "counts")
        alone = reference(site, tmp_path / "alone")
    assert all(fetched.get(path) == 1 for path in START), fetched
    assert comparable(data) == comparable(alone)
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["runId"] != "20260101T000000Z-1" and not report["resumed"]


def test_two_workers_started_at_once_start_one_crawl_neither_resumed(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Two workers started by cron at the same instant: the second joined the crawl the
    first had just named, before the first's heartbeat, and its report said it resumed a
    crawl nobody served. What a second worker sees then: the run named, nothing seeded."""
    with counting_site() as site:
        client = redis_server.client()
        client.hset("newsarchive:crawl", "run", "20260101T000000Z-1")
        data = tmp_path / "shared"
        code, err = finish(start_worker(site, data, state))
        assert code == 0, err
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["runId"] == "20260101T000000Z-1" and not report["resumed"]


def _made_a_replica(client: Any, unusable: bool) -> str:
    """A failover (Sentinel, a managed Redis) turning the master into a read-only replica
    of a master that is not there, or back; what the refusal names."""
    if unusable:
        client.replicaof("127.0.0.1", str(free_port()))
    else:
        client.replicaof("NO", "ONE")
    return "replica"


def _filled(client: Any, unusable: bool) -> str:
    """A Redis at its maxmemory (noeviction: the fetch history of years fills it), or
    given room again; what the refusal names."""
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", "1" if unusable else "0")
    return "maxmemory"


@pytest.mark.parametrize("made", [_made_a_replica, _filled], ids=["replica", "out-of-memory"])
def test_a_redis_refusing_every_write_is_the_shared_state_unusable(
    tmp_path: Path, made: Callable[[Any, bool], str]
) -> None:
    """A Redis that refuses every write (a replica after a failover, or at its maxmemory):
    at the start that was an internal error (exit 70); mid-crawl every write failed on its
    own, request by request. The shared state is unusable there: one line, exit 75, and the
    next run, once Redis takes writes again, resumes."""
    redis = RedisServer(tmp_path / "redis-data")
    redis.directory.mkdir()
    redis.start()
    client = redis.client()
    try:
        with counting_site(*GATED) as site:
            data = tmp_path / "shared"
            named = made(client, True)
            refused = _started_nowhere(data, redis.address)
            assert refused.returncode == 75, refused.stderr
            assert refused.stderr.count("\n") == 1 and named in refused.stderr
            assert not data.exists()
            made(client, False)
            worker = start_worker(site, data, redis.address, lease=2)
            wait_until(lambda: len(article_fetches(control(site, "counts"))) >= 2, "a page held")
            made(client, True)
            control(site, "open")
            code, err = finish(worker)
            assert code == 75, err
            assert "lost the shared state" in err and "Traceback" not in err
            made(client, False)
            code, err = finish(start_worker(site, data, redis.address, lease=2))
            assert code == 0, err
            alone = reference(site, tmp_path / "alone")
        assert comparable(data) == comparable(alone)
    finally:
        redis.stop()


def test_a_worker_following_links_to_another_depth_is_refused(state: str, tmp_path: Path) -> None:
    """Every worker parses some of the crawl's pages and follows their links by its own
    --depth: a worker given another depth made what the crawl reached depend on which
    worker parsed what. It is refused as one starting elsewhere is."""
    with counting_site(*GATED) as site:
        data = tmp_path / "shared"
        first = start_worker(site, data, state)
        wait_until(lambda: bool(control(site, "counts")), "the first worker to start")
        deeper = subprocess.run(
            crawl_args(site, data, "--state", state, "--depth", "5"),
            capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120,
        )  # fmt: skip
        control(site, "open")
        code, err = finish(first)
    assert deeper.returncode == 2, deeper.stderr
    assert deeper.stderr.count("\n") == 1 and "--depth" in deeper.stderr
    assert code == 0, err


@pytest.mark.parametrize("past", [("--via", "wayback", "--at", "20200101"), ("--from-archive",)])
def test_a_shared_state_from_the_environment_names_it_when_refused(
    tmp_path: Path, past: tuple[str, ...]
) -> None:
    """NEWSARCHIVE_STATE set for a cron table's shared crawl, and a crawl of the past run
    from it: refused, as it must be, by a line naming --state, an option the command line
    never gave. The line names the variable and how to run without it."""
    data = tmp_path / "data"
    args = [*past, str(tmp_path)] if past == ("--from-archive",) else list(past)
    env = {**cli_env(), "NEWSARCHIVE_STATE": "redis://127.0.0.1:1/0"}
    result = run_cli("crawl", "cnn", "--data", str(data), *args, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "NEWSARCHIVE_STATE" in result.stderr
    assert not data.exists()


def test_a_redis_that_evicts_any_key_at_its_maxmemory_is_refused(tmp_path: Path) -> None:
    """A Redis with a maxmemory and an allkeys-* policy (a cache's setting) drops keys
    without a word once full: the crawl's queue, seen set or history, pages lost while the
    crawl ends ok. It is refused at the start, one line naming the policy, exit 2."""
    redis = RedisServer(tmp_path / "redis-data")
    redis.directory.mkdir()
    redis.start()
    try:
        client = redis.client()
        client.config_set("maxmemory", "100mb")
        client.config_set("maxmemory-policy", "allkeys-lru")
        data = tmp_path / "data"
        result = _started_nowhere(data, redis.address)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "allkeys-lru" in result.stderr
        assert not data.exists()
    finally:
        redis.stop()


@pytest.mark.parametrize("lease", ["0.0005", "0.5"])
def test_a_lease_too_short_to_be_renewed_is_a_usage_error(
    redis_server: RedisServer, tmp_path: Path, lease: str
) -> None:
    """A lease under a millisecond is an expiry Redis refuses (``px=0``): the worker ran
    with no heartbeat at all, its requests taken for a dead worker's. One under a second
    lapses between the heartbeat's renewals (every third of it). Refused as any setting
    out of its range: one line naming it, exit 2, nothing written here or in Redis."""
    client = redis_server.client()
    client.flushall()
    data = tmp_path / "data"
    nowhere = f"http://127.0.0.1:{free_port()}/"
    result = run_cli(
        "crawl", "cnn", "--data", str(data), "--state", redis_server.address,
        "--start-url", nowhere, "-s", f"NEWSARCHIVE_STATE_LEASE_SECONDS={lease}",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("newsarchive: -s NEWSARCHIVE_STATE_LEASE_SECONDS: ")
    assert not data.exists() and client.dbsize() == 0


def _worker_named(
    site: dict[str, str], data: Path, state: str, worker: str
) -> subprocess.Popen[str]:
    """A worker of the crawl at `state` under the id `worker`, as a container gives one
    (its hostname kept, its process PID 1 again after a restart)."""
    starts = [site["url"] + path for path in START]
    settings = {
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "NEWSARCHIVE_STATE_LEASE_SECONDS": "30",
        "NEWSARCHIVE_STATE_POLL_SECONDS": "0.2",
    }
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from crawler.run import CrawlOptions, run_crawl\n"
        "options = CrawlOptions(\n"
        f"    ['cnn'], Path({str(data)!r}), start_urls={{'cnn': {starts!r}}},\n"
        f"    settings={settings!r}, quiet=True, state={state!r}, worker={worker!r},\n"
        ")\n"
        "sys.exit(run_crawl(options))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env(),
    )  # fmt: skip


def test_a_worker_restarted_under_a_killed_ones_id_keeps_its_report(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker killed and restarted under the same id (a container) joins the same run and
    wrote its report under its predecessor's name, RUN-ID.WORKER.json: the killed worker's
    report was gone, and the run showed one worker where two had run."""
    with counting_site(*GATED) as site:
        data = tmp_path / "shared"
        killed = _worker_named(site, data, state, "pod-1")
        wait_until(lambda: workers_joined(redis_server, 1), "the first worker to join")
        wait_until(lambda: bool(list((data / "runs").glob("*.pod-1.json"))), "its report")
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        control(site, "open")
        code, err = finish(_worker_named(site, data, state, "pod-1"))
        assert code == 0, err
    reports = [json.loads(p.read_text()) for p in sorted((data / "runs").glob("*.json"))]
    assert len(reports) == 2 and len({r["runId"] for r in reports}) == 1
    assert sorted(r["status"] for r in reports) == ["ok", "running"]  # running: the killed one
    logs = {Path(r["logFile"]) for r in reports}
    assert len(logs) == 2 and all(log.exists() for log in logs)
    header, row = run_cli("runs", "--data", str(data)).stdout.splitlines()
    assert "(2 workers, 1 killed)" in row
    assert row[header.index("status") :].split()[0] == "ok"


def test_a_data_directory_of_another_deployment_is_refused(
    state: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Two deployments, each its data directory and Redis database; one cron line of the
    second pointed at the first's database (a copied line). It was taken for one more
    machine of the first's crawl: it shared its queue, seen set, fetch history and store
    index, its pages 304s of the other's fetches, its versions numbered after articles its
    store never held. A data directory is bound to the deployment of its first shared
    crawl, as Kafka binds a broker's log directory to its cluster id: refused, exit 2."""
    first_db, second_db = state, state.rsplit("/", 1)[0] + "/1"
    client = redis_server.client()
    with counting_site() as site:
        first, second = tmp_path / "first", tmp_path / "second"
        for data, address in ((first, first_db), (second, second_db)):
            code, err = finish(start_worker(site, data, address))
            assert code == 0, err
        before = {key: client.type(key) for key in client.scan_iter()}
        history = client.hgetall("newsarchive:fetches")
        reports = sorted(p.name for p in (second / "runs").iterdir())
        asked = control(site, "counts")
        mistaken = subprocess.run(
            crawl_args(site, second, "--state", first_db),
            capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120,
        )  # fmt: skip
        asked_since = {p: n - asked.get(p, 0) for p, n in control(site, "counts").items()}
        after = {key: client.type(key) for key in client.scan_iter()}
        history_after = client.hgetall("newsarchive:fetches")
        again = finish(start_worker(site, first, first_db))  # its own deployment: as before
    assert mistaken.returncode == 2, mistaken.stderr
    assert mistaken.stderr.count("\n") == 1 and "another deployment" in mistaken.stderr
    assert str(second) in mistaken.stderr
    assert after == before and history_after == history
    assert sorted(p.name for p in (second / "runs").iterdir()) == reports
    assert not any(asked_since.values()), asked_since  # the refused worker asked nothing
    assert again[0] == 0, again[1]
