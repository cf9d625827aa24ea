"""The state interface: the embedded (SQLite) and shared (Redis) states answer alike."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from archive.fetchstate import FetchRecord
from archive.state import (
    EmbeddedState,
    State,
    bind_deployment,
    bound_deployment,
    check_address,
    open_state,
)
from archive.state.redis import RedisState, alive_key
from archive.store import ArticleStore
from archive.store.index import Latest
from archive.store.lines import captured_at, digest_and_hashes
from archive.store.store import StoreDecision
from archive.warc.dedup import EarlierCapture

from .scale_harness import RedisServer, wait_until
from .test_store import lines_of, make_item

pytestmark = pytest.mark.scale  # needs the redis client: `pytest -m scale`


@pytest.fixture(params=["embedded", "redis"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> State:
    if request.param == "embedded":
        return open_state(None, tmp_path)
    server: RedisServer = request.getfixturevalue("redis_server")
    server.client().flushall()
    return open_state(server.address, tmp_path)


def test_the_default_is_the_embedded_state_in_the_data_directory(tmp_path: Path) -> None:
    state = open_state(None, tmp_path)
    assert isinstance(state, EmbeddedState) and not state.shared
    state.fetch_history().close()
    assert (tmp_path / "state" / "fetch.sqlite").exists()


def test_fetch_history(state: State) -> None:
    history = state.fetch_history()
    assert history.get("k") is None
    record = FetchRecord(
        "k", "https://x/a", 10.0, 5.0, 200, '"e"', None, "sha1:1", links=[("u", "related")],
        warc_digest="sha1:W",
    )  # fmt: skip
    history.record(record)
    assert history.get("k") == record
    history.touch("k", 304, when=20.0)
    touched = history.get("k")
    assert touched is not None and (touched.fetched_at, touched.status) == (20.0, 304)
    history.set_dates("k", published="2024-01-01T00:00:00Z", modified=None)
    dated = history.get("k")
    assert dated is not None and dated.date_published == "2024-01-01T00:00:00Z"
    history.close()


def test_a_shared_history_reads_records_of_older_and_newer_releases(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A record written before ``warc_digest`` existed reads without it; one written by a
    newer release, with a field this one does not know, reads without that field (it
    raised TypeError in every worker reading it)."""
    import json

    redis_server.client().flushall()
    history = open_state(redis_server.address, tmp_path).fetch_history()
    history.record(FetchRecord("k", "https://x/a", 10.0, 5.0, 200, '"e"'))
    key = history.key  # type: ignore[attr-defined]
    stored = json.loads(redis_server.client().hget(key, "k"))
    older = {name: value for name, value in stored.items() if name != "warc_digest"}
    redis_server.client().hset(key, "old", json.dumps({**older, "key": "old"}))
    redis_server.client().hset(key, "new", json.dumps({**stored, "key": "new", "later": 1}))
    assert history.get("old") == FetchRecord("old", "https://x/a", 10.0, 5.0, 200, '"e"')
    assert history.get("new") == FetchRecord("new", "https://x/a", 10.0, 5.0, 200, '"e"')
    history.close()


def test_payload_digests(state: State) -> None:
    digests = state.payload_digests()
    first = EarlierCapture("https://x/a", "sha1:A", "<urn:1>", "2024", "f.warc.gz", 0, 10)
    later = EarlierCapture("https://x/a", "sha1:A", "<urn:2>", "2025", "g.warc.gz", 5, 10)
    digests.add(first)
    digests.add(later)
    assert digests.lookup("https://x/a", "sha1:A") == first  # the first holder of the payload
    assert digests.latest("https://x/a") == later
    assert digests.lookup("https://x/a", "sha1:B") is None
    digests.close()


def test_version_index_keeps_the_newest_version_and_commits_whole(state: State) -> None:
    index = state.version_index()
    index.begin()
    index.remember("a", 1, "d1", {"headline": "h"})
    index.set_file_size("articles-2024-01.jsonl", 10)
    index.rollback()
    assert index.latest("a") is None
    index.begin()
    index.remember("a", 2, "d2", {"headline": "h2"})
    index.remember("a", 1, "d1", {"headline": "h"})  # older: changes nothing
    index.set_file_size("articles-2024-01.jsonl", 20)
    index.commit()
    known = index.latest("a")
    assert known is not None and (known.version, known.content_digest) == (2, "d2")
    assert index.file_sizes() == {"articles-2024-01.jsonl": 20}
    assert index.count() == 1
    index.close()


def test_a_lost_redis_raises_one_error_and_tells_the_listeners(tmp_path: Path) -> None:
    from .conftest import free_port

    state = RedisState(f"redis://127.0.0.1:{free_port()}/0")
    heard: list[Exception] = []
    state.on_lost.append(heard.append)
    with pytest.raises(OSError, match="cannot be reached"):
        state.ping()
    with pytest.raises(OSError, match="was lost"):
        state.fetch_history().get("k")
    with pytest.raises(OSError, match="was lost"):
        state.payload_digests().latest("u")
    assert len(heard) == 1


@pytest.mark.parametrize(
    "address",
    [
        "http://h:1/0",
        "redis://",
        "redis://h:1/x",
        "redis://h:port/0",
        "redis://h:0/0",  # redis-py took port 0 for none: the default 6379
        "unix://",
        "unix:///run/redis.sock?db=x",
    ],
)
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValueError):
        check_address(address)


def test_a_redis_on_a_unix_socket_is_a_shared_state(tmp_path: Path) -> None:
    """``unix:///PATH?db=N``, a Redis on one machine reached by its socket: refused as
    "the database must be a number" (its path taken for the database), before."""
    import subprocess

    socket = tmp_path / "redis.sock"
    server = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        address = check_address(f"unix://{socket}?db=3")
        state = open_state(address, tmp_path)
        assert isinstance(state, RedisState)
        wait_until(socket.exists, "the server to listen on its socket")
        state.ping()
        assert state.fetch_history().get("page") is None
        assert state.client.connection_pool.connection_kwargs["db"] == 3
    finally:
        server.kill()
        server.wait()


# -- workers of a shared crawl on one data directory ---------------------------------------------
@pytest.fixture
def shared_index(redis_server: RedisServer, tmp_path: Path) -> Any:
    """The store's version index of a shared crawl, in a real Redis."""
    redis_server.client().flushall()
    return open_state(redis_server.address, tmp_path).version_index()


def test_workers_on_one_data_dir_never_wait_for_each_others_batches(
    tmp_path: Path, shared_index: Any
) -> None:
    """Each worker writes only its own files, so one's open batch does not hold another back
    (a worker waiting for the store's lock stops its whole crawl, heartbeat included)."""
    index = shared_index
    first = ArticleStore(tmp_path, worker="vm-1", index=index, lock_timeout=0)
    second = ArticleStore(tmp_path, worker="vm-2", index=index, lock_timeout=0)
    first.add(make_item(1))  # vm-1's batch stays open
    assert second.add(make_item(2)).status == "new"
    assert second.add(make_item(1)).status == "unchanged"  # the index is one
    first.close()
    second.close()
    names = sorted(p.name for p in (tmp_path / "articles").glob("*.jsonl"))
    assert names == ["articles-2024-05.vm-1.jsonl", "articles-2024-05.vm-2.jsonl"]
    assert sorted(line["articleId"] for line in lines_of(tmp_path)) == sorted(
        make_item(n)["articleId"] for n in (1, 2)
    )


def test_a_live_workers_line_in_flight_is_left_to_it_a_dead_ones_is_quarantined(
    tmp_path: Path, shared_index: Any
) -> None:
    """The tail of another worker's file is torn while that worker writes it: quarantined
    only once no process holds that worker's lock (it died mid-line)."""
    index = shared_index
    live = ArticleStore(tmp_path, worker="vm-1", index=index, lock_timeout=0)
    other = ArticleStore(tmp_path, worker="vm-2", index=index, lock_timeout=0)
    live.add(make_item(1))
    path = tmp_path / "articles" / "articles-2024-05.vm-1.jsonl"
    whole = path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(b'{"articleId": "in fli')  # vm-1 is writing a line
    other.add(make_item(2))
    other.flush()
    assert path.stat().st_size > whole and not other.quarantined()
    # vm-1 dies mid-line: its lock is released with the process, its tail stays torn.
    live.lock.release()
    other.add(make_item(3))
    other.close()
    assert path.stat().st_size == whole and len(other.quarantined()) == 1
    assert {line["articleId"] for line in lines_of(tmp_path)} == {
        make_item(n)["articleId"] for n in (1, 2, 3)
    }


def test_two_workers_storing_one_article_in_one_batch_window_never_write_one_version_twice(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A stalled worker's lease lapsed and another fetched its pages again: both stored the
    same article while their batches were open, each seeing only the versions committed,
    and both wrote version 1 (a change of it, version 2 twice). A version is now reserved
    in Redis in one step before its line is written, so no two workers write one."""
    client = redis_server.client()
    client.flushall()
    stores = []
    for name in ("vm-1", "vm-2"):
        data = tmp_path / name  # a machine's own data directory
        state = open_state(redis_server.address, data)  # its own connection
        assert isinstance(state, RedisState)
        client.set(alive_key(name), state.incarnation)  # both workers' heartbeats
        index = state.version_index()
        stores.append(ArticleStore(data, worker=name, index=index, lock_timeout=0))
    first, second = stores
    assert first.add(make_item(1)).status == "new"  # vm-1's batch stays open
    assert second.add(make_item(1)).status == "unchanged"  # the same text: no new version
    changed = second.add(make_item(1, body="A changed story.\n\nIts second paragraph."))
    assert (changed.status, changed.version) == ("updated", 2)
    again = first.add(make_item(1, body="A third text.\n\nIts second paragraph."))
    assert (again.status, again.version) == ("updated", 3)
    first.close()
    second.close()
    written = sorted(
        (line["articleId"], line["version"])
        for name in ("vm-1", "vm-2")
        for line in lines_of(tmp_path / name)
    )
    assert written == [(make_item(1)["articleId"], version) for version in (1, 2, 3)]


def test_a_reservation_left_by_a_killed_worker_is_not_taken_for_its_restarted_successors(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker killed between reserving a version and writing its line, then restarted
    under the same id (a container's HOST-PID comes back alike), finds that reservation
    under its own live name. It was taken for a line written: the article fetched again
    with that text was "unchanged" and no line of it was ever stored."""
    client = redis_server.client()
    client.flushall()
    client.set("newsarchive:alive:vm-1", "1")  # the restarted worker's heartbeat
    killed = open_state(redis_server.address, tmp_path).version_index()
    item = make_item(1)
    store = ArticleStore(tmp_path, worker="vm-1", index=killed, lock_timeout=0)
    decided = store._decide(item, item["articleId"], *digest_and_hashes(item), captured_at(item))
    assert not isinstance(decided, StoreDecision)
    claimed = Latest(decided.version, *digest_and_hashes(item), captured_at(item))
    assert killed.reserve(item["articleId"], decided.known, claimed, "vm-1")  # then SIGKILL
    store.lock.release()
    index = open_state(redis_server.address, tmp_path).version_index()  # the restarted one
    restarted = ArticleStore(tmp_path, worker="vm-1", index=index, lock_timeout=0)
    stored = restarted.add(item)
    restarted.close()
    assert (stored.status, stored.version) == ("new", 1)  # its number never used: taken again
    assert [line["articleId"] for line in lines_of(tmp_path)] == [item["articleId"]]


def _reserved_then_killed(address: str, data: Path, worker: str, item: dict[str, Any]) -> None:
    """What a worker killed between reserving `item`'s version and writing its line leaves:
    the reservation in Redis, no line, its store lock released with the process."""
    index = open_state(address, data).version_index()
    store = ArticleStore(data, worker=worker, index=index, lock_timeout=0)
    store._begin_batch()  # its lock taken, as a writer's first line of a batch takes it
    decided = store._decide(item, item["articleId"], *digest_and_hashes(item), captured_at(item))
    assert not isinstance(decided, StoreDecision)
    claimed = Latest(decided.version, *digest_and_hashes(item), captured_at(item))
    assert index.reserve(item["articleId"], decided.known, claimed, worker)  # then SIGKILL
    store.lock.release()


def test_a_killed_workers_reservation_is_not_taken_for_live_by_others_once_its_successor_beats(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker killed between reserving a version and writing its line, restarted under
    the same id (a container): its successor's heartbeat made every other worker take the
    reservation for a line written, so the article fetched again by another with that text
    was "unchanged" and stored nowhere. A heartbeat names its process (an incarnation), and
    a reservation the process that made it: the successor's beat keeps no reservation alive."""
    client = redis_server.client()
    client.flushall()
    item = make_item(1)
    _reserved_then_killed(redis_server.address, tmp_path / "pod", "pod-1", item)
    successor = open_state(redis_server.address, tmp_path / "pod")
    assert isinstance(successor, RedisState)
    client.set(alive_key("pod-1"), successor.incarnation)  # its heartbeat
    other = open_state(redis_server.address, tmp_path / "vm").version_index()
    store = ArticleStore(tmp_path / "vm", worker="vm-2", index=other, lock_timeout=0)
    stored = store.add(item)
    store.close()
    assert stored.status != "unchanged"
    assert [line["articleId"] for line in lines_of(tmp_path / "vm")] == [item["articleId"]]


def test_workers_starting_at_once_on_a_new_data_directory_both_note_its_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers of one machine started at once on a new data directory (one cron line,
    the README's way) each note the deployment in ``state/shared-state.json``. Both wrote
    it through one temporary file: the second's rename found the first's gone, and that
    worker ended "data directory not usable", exit 2, never joining the crawl. Here the
    other worker notes it whole while this one is between its write and its rename."""
    import archive.atomicjson

    (tmp_path / "state").mkdir()
    address = "redis://127.0.0.1:6379/0"
    rename = os.replace
    others: list[Any] = []

    def other_worker_first(source: Any, target: Any) -> None:
        if not others:
            others.append(source)
            bind_deployment(tmp_path, "deployment-1", address)  # the other worker, whole
        rename(source, target)

    monkeypatch.setattr(archive.atomicjson.os, "replace", other_worker_first)
    bind_deployment(tmp_path, "deployment-1", address)
    assert others and bound_deployment(tmp_path) == "deployment-1"
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == ["shared-state.json"]


def _versions(data: Path) -> list[tuple[int, Any, list[str]]]:
    return [(line["version"], line["dateModified"], line["changes"]) for line in lines_of(data)]


def test_a_version_reserved_by_a_worker_killed_before_its_line_is_taken_again_where_provable(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker killed between reserving version 1 and writing its line, on this machine's
    data directory: no process holds its store lock and its file holds no such line, so
    the number was never used. The next writer numbered past it: version 2 as the
    article's first line, "updated", with a dateModified of a change never seen; the store
    then said two versions where one was stored. It takes the number again."""
    redis_server.client().flushall()
    item = make_item(1)
    _reserved_then_killed(redis_server.address, tmp_path, "vm-1", item)
    index = open_state(redis_server.address, tmp_path).version_index()
    store = ArticleStore(tmp_path, worker="vm-2", index=index, lock_timeout=0)
    stored = store.add(item)
    store.close()
    assert (stored.status, stored.version) == ("new", 1)
    assert _versions(tmp_path) == [(1, None, [])]
    listed = [(a["version"], a["articleId"]) for a in ArticleStore(tmp_path).iter_articles()]
    assert listed == [(1, item["articleId"])]


def test_a_line_written_by_a_worker_killed_before_its_batch_was_committed_is_decided_against(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """A worker killed after writing its line, before its batch was committed, while
    another worker of the data directory had its batch open (its catch-up of the files
    done): that line was taken for one never written, and the same text was stored again
    as version 2, a version of no change."""
    redis_server.client().flushall()
    address = redis_server.address
    other = ArticleStore(
        tmp_path, worker="vm-2", index=open_state(address, tmp_path).version_index(), lock_timeout=0
    )
    assert other.add(make_item(2)).status == "new"  # its batch open
    killed = ArticleStore(
        tmp_path, worker="vm-1", index=open_state(address, tmp_path).version_index(), lock_timeout=0
    )
    assert killed.add(make_item(1)).status == "new"  # its line written, then SIGKILL
    killed.lock.release()
    again = other.add(make_item(1))
    other.close()
    assert (again.status, again.version) == ("unchanged", 1)
    changed = ArticleStore(
        tmp_path, worker="vm-2", index=open_state(address, tmp_path).version_index(), lock_timeout=0
    )
    assert changed.add(make_item(1, body="A changed story.\n\nIts second part.")).version == 2
    changed.close()
    ids = sorted((line["articleId"], line["version"]) for line in lines_of(tmp_path))
    assert ids == sorted([(make_item(1)["articleId"], 1), (make_item(1)["articleId"], 2),
                          (make_item(2)["articleId"], 1)])  # fmt: skip


def test_a_version_reserved_by_a_worker_killed_on_another_machine_is_numbered_past_quietly(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Its line, if written, is in another machine's data directory: the number is skipped,
    as two lines of one version would be worse than a gap. The line past it claims nothing
    it did not see: the article's first line here is "new", with no dateModified of the
    store's own (no change was seen) and no changes."""
    redis_server.client().flushall()
    item = make_item(1)
    _reserved_then_killed(redis_server.address, tmp_path / "pod", "pod-1", item)
    index = open_state(redis_server.address, tmp_path / "vm").version_index()
    store = ArticleStore(tmp_path / "vm", worker="vm-2", index=index, lock_timeout=0)
    stored = store.add(item)
    store.close()
    assert (stored.status, stored.version) == ("new", 2)
    assert _versions(tmp_path / "vm") == [(2, None, [])]


def test_a_batch_committed_after_redis_came_back_empty_is_refused_and_the_files_indexed_again(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis restarted without its data mid-crawl: the client reconnects without a word,
    and the worker's next batch was committed into the empty database before its
    heartbeat found the crawl gone. That commit set its file's indexed size to the whole
    file while the index held only that batch's articles: the next worker, taking the
    file for indexed, never read its earlier lines, and stored those articles again as
    version 1. The commit is refused (the shared state lost), and the next writer indexes
    every line of the files again."""
    client = redis_server.client()
    client.flushall()
    address = redis_server.address
    index = open_state(address, tmp_path).version_index()
    store = ArticleStore(tmp_path, worker="vm-1", index=index, lock_timeout=0)
    store.add(make_item(1))
    store.flush()
    store.add(make_item(2))  # its batch open
    waiting = open_state(address, tmp_path).version_index()  # another worker's, between batches
    waiting.begin()
    waiting.rollback()
    client.flushall()  # Redis restarted empty
    with pytest.raises(OSError, match="restarted empty"):
        store.flush()
    with pytest.raises(OSError, match="restarted empty"):
        waiting.begin()
    assert not client.hgetall("newsarchive:store:files")
    later = ArticleStore(
        tmp_path, worker="vm-2", index=open_state(address, tmp_path).version_index()
    )
    assert [later.add(make_item(n)).status for n in (1, 2)] == ["unchanged", "unchanged"]
    later.close()
    assert sorted(line["version"] for line in lines_of(tmp_path)) == [1, 1]
