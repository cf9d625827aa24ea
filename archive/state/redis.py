"""The shared state in Redis: what several crawl workers on several machines must agree on.

Keys live under ``newsarchive:``. The fetch history is one hash (canonical key -> record),
the payload-digest index two (the first capture of each URL and digest, and each URL's
latest), the store's version index four (each article's latest version, its captures, the
versions reserved by lines not yet committed, and how much of each worker's JSONL file it
reflects). The frontier is not here: a shared crawl's frontier is scrapy-redis's request
queue and the hop counts kept with it (:mod:`crawler.scale`).

A lost connection raises :class:`StateUnavailableError` at once and tells the ``on_lost``
listeners, so a worker stops cleanly instead of failing request by request.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from typing import Any

import redis

from ..fetchstate import FetchRecord, FrontierEntry, Links, Planned
from ..store.index import DeadReservation, Latest
from ..warc.dedup import EarlierCapture
from . import StateRefusedError, StateUnavailableError, shown

PREFIX = "newsarchive"
# What makes the shared state unusable: Redis down or cut off, made a read-only replica by
# a failover, or at its maxmemory (noeviction): every write refused.
LOST = (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError, redis.OutOfMemoryError)
CONNECT_TIMEOUT = 5.0
SOCKET_TIMEOUT = 30.0

# Set each article's latest version only if it is newer than the one known; a reservation
# (KEYS[2]) of a version now committed is done with.
_REMEMBER = """
for i = 1, #ARGV, 3 do
  local version = tonumber(ARGV[i + 1])
  local known = redis.call('HGET', KEYS[1], ARGV[i])
  if (not known) or (cjson.decode(known)[1] < version) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  end
  local reserved = redis.call('HGET', KEYS[2], ARGV[i])
  if reserved and cjson.decode(reserved)[1] <= version then
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
return 1
"""

# Reserve version ARGV[3]'s line (ARGV[4]) of article ARGV[1] if the article's latest version,
# committed (KEYS[1]) or reserved (KEYS[2]), is still ARGV[2] (0: none): one writer a version.
_RESERVE = """
local function version(raw)
  if raw then return tonumber(cjson.decode(raw)[1]) end
  return 0
end
local known = math.max(version(redis.call('HGET', KEYS[1], ARGV[1])),
                       version(redis.call('HGET', KEYS[2], ARGV[1])))
if known ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
"""

# Take over the reservation ARGV[2] of article ARGV[1] (a dead writer's) as ARGV[3], if it
# is still that one (no other writer took it over, no commit of its version ended it).
_TAKE_OVER = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""

# Give back the reservation ARGV[2] of article ARGV[1] if it is still that one.
_UNRESERVE = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
"""


def alive_key(worker: str) -> str:
    """The key a worker of a shared crawl keeps while it runs (its heartbeat renews it)."""
    return f"{PREFIX}:alive:{worker}"


class RedisState:
    """One Redis database as the state of a shared crawl."""

    shared = True

    def __init__(self, address: str):
        self.address = shown(address)  # as messages name it: never its password
        self.client = redis.Redis.from_url(
            address, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
        )
        self.lost = False
        self.on_lost: list[Callable[[Exception], None]] = []
        # This process, as its heartbeat and its reservations name it: a worker restarted
        # under the same id (a container's HOST-PID) is another incarnation.
        self.incarnation = uuid.uuid4().hex

    def key(self, *parts: str) -> str:
        return ":".join((PREFIX, *parts))

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn a lost connection into StateUnavailableError, telling the listeners once."""
        if self.lost:
            raise StateUnavailableError(f"the shared state at {self.address} was lost")
        try:
            yield
        except LOST as exc:
            raise self.fail(exc) from exc

    def fail(self, exc: Exception) -> StateUnavailableError:
        """Note the connection lost (telling the listeners once); the error to raise."""
        if not self.lost:
            self.lost = True
            for listener in list(self.on_lost):
                listener(exc)
        return StateUnavailableError(f"the shared state at {self.address} was lost ({exc})")

    def ping(self) -> None:
        """Raise StateUnavailableError unless Redis answers."""
        try:
            self.client.ping()
        except redis.AuthenticationError as exc:  # a ConnectionError, but no later try helps
            raise StateRefusedError(f"--state {self.address}: {_password_refused(exc)}") from exc
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise StateUnavailableError(
                f"the shared state at {self.address} cannot be reached ({_reason(exc)})"
            ) from exc
        except redis.ResponseError as exc:  # "DB index is out of range", a password asked
            raise StateRefusedError(f"--state {self.address}: Redis refuses it ({exc})") from exc
        if self._role() not in ("master", ""):  # a failover: the master is elsewhere now
            raise StateUnavailableError(
                f"the shared state at {self.address} is a read-only replica, not the master"
            )
        policy = self._eviction()
        if policy.startswith("allkeys-"):
            raise StateRefusedError(
                f"--state {self.address}: Redis evicts any key at its maxmemory "
                f"(maxmemory-policy {policy}), the crawl's queue and history too; "
                "set maxmemory-policy noeviction, or use another Redis"
            )

    def _role(self) -> str:
        """``master`` or ``slave`` (a replica); "" where ROLE is not allowed (some managed
        Redis services): a replica's first refused write then says it."""
        try:
            return text(self.client.role()[0])
        except (redis.ResponseError, *LOST):  # a connection lost now is met by the next call
            return ""

    def _eviction(self) -> str:
        """The policy by which Redis drops keys once full; "" when it has no maxmemory
        (never full) or CONFIG is not allowed (some managed Redis services)."""
        try:
            config = self.client.config_get("maxmemory*")
        except (redis.ResponseError, *LOST):
            return ""
        if not int(config.get("maxmemory") or 0):
            return ""
        return text(config.get("maxmemory-policy"))

    def deployment(self, data_dir: str, bound: str) -> str:
        """The deployment this database holds the shared state of, made `bound` (or a new
        id) if it holds none yet: a new database, or one restarted empty. StateRefusedError
        when `data_dir`'s crawls (bound to `bound`) were shared through another one."""
        key = self.key("deployment")
        with self.guard():
            self.client.setnx(key, bound or uuid.uuid4().hex)
            theirs = text(self.client.get(key))
        if bound and theirs != bound:
            raise StateRefusedError(
                f"--state {self.address} holds the shared state of another deployment than "
                f"{data_dir}'s (deployment {theirs}; its crawls were shared in deployment "
                f"{bound}): give the Redis database of its crawls, or another --data"
            )
        return theirs

    def fetch_history(self, context: str = "") -> RedisFetchHistory:
        return RedisFetchHistory(self, context)

    def payload_digests(self) -> RedisDigests:
        return RedisDigests(self)

    def version_index(self) -> RedisVersionIndex:
        return RedisVersionIndex(self)


def text(value: bytes | str | None) -> str:
    """A Redis reply as text (the client gives bytes)."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _password_refused(exc: BaseException) -> str:
    """Redis's refusal of the password given (or of none) as one line saying what to do."""
    if any(word in str(exc) for word in ("HELLO", "NOAUTH")):  # none given, one asked
        return "Redis asks for a password: give it as redis://:PASSWORD@HOST:PORT/DB"
    return f"Redis refuses the password given ({_reason(exc)})"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


_RECORD_FIELDS = frozenset(field.name for field in fields(FetchRecord))


class RedisFetchHistory:
    """The fetch history in one hash; the frontier is the shared queue's (no-ops here)."""

    def __init__(self, state: RedisState, context: str = ""):
        self.state = state
        self.client = state.client
        self.key = state.key("fetches", context) if context else state.key("fetches")

    def get(self, key: str) -> FetchRecord | None:
        with self.state.guard():
            raw = self.client.hget(self.key, key)
        if raw is None:
            return None
        data = json.loads(raw)
        links = data.pop("links", None)
        # A field of a newer release is left out; one a record predates takes its default.
        known = {name: value for name, value in data.items() if name in _RECORD_FIELDS}
        return FetchRecord(**known, links=None if links is None else [tuple(p) for p in links])

    def __len__(self) -> int:
        with self.state.guard():
            return int(self.client.hlen(self.key))

    def record(self, record: FetchRecord, *, spider: str | None = None) -> None:
        with self.state.guard():
            self.client.hset(self.key, record.key, json.dumps(asdict(record)))

    def pages(self) -> list[tuple[str, str, bool]]:
        """``(key, final URL, is an article)`` of every page in the history, as
        :meth:`archive.fetchstate.FetchState.pages`."""
        found = []
        with self.state.guard():
            for key, raw in self.client.hscan_iter(self.key, count=1000):
                data = json.loads(raw)
                article = data.get("date_published") or data.get("date_modified")
                found.append((text(key), str(data.get("url") or ""), bool(article)))
        return found

    def forget(self, keys: Iterable[str]) -> int:
        """Drop the history of these pages: the next crawl fetches them as new."""
        wanted = list(keys)
        if not wanted:
            return 0
        with self.state.guard():
            return int(self.client.hdel(self.key, *wanted))

    def _update(self, key: str, **changes: Any) -> None:
        record = self.get(key)
        if record is None:
            return
        data = {**asdict(record), **changes}
        with self.state.guard():
            self.client.hset(self.key, key, json.dumps(data))

    def touch(self, key: str, status: int, *, when: float | None = None) -> None:
        self._update(key, fetched_at=time.time() if when is None else when, status=status)

    def set_dates(self, key: str, *, published: str | None, modified: str | None) -> None:
        self._update(key, date_published=published, date_modified=modified)

    def enqueue(self, spider: str, entries: list[Planned]) -> None:
        """Planned pages are in the shared request queue already."""

    def done(self, spider: str, key: str, links: Links | None = None) -> None:
        """A page is done when its lease is released (crawler.coordinator)."""

    def frontier(self, spider: str) -> list[FrontierEntry]:
        """Nothing to replay into the spider: the shared queue resumes by itself."""
        return []

    def finish(self, spider: str) -> None:
        """The shared crawl's keys are cleared by the worker that sees it end."""

    def close(self) -> None:
        """The connection is the state's, shared by every component of the worker."""


class RedisDigests:
    """The first capture of each (URL, payload digest), and each URL's latest capture."""

    def __init__(self, state: RedisState):
        self.state = state
        self.client = state.client
        self.first = state.key("digests")
        self.last = state.key("digests", "latest")

    def lookup(self, url: str, digest: str) -> EarlierCapture | None:
        with self.state.guard():
            raw = self.client.hget(self.first, f"{digest} {url}")
        return EarlierCapture(**json.loads(raw)) if raw else None

    def latest(self, url: str) -> EarlierCapture | None:
        with self.state.guard():
            raw = self.client.hget(self.last, url)
        return EarlierCapture(**json.loads(raw)) if raw else None

    def add(self, capture: EarlierCapture) -> None:
        data = json.dumps(asdict(capture))
        with self.state.guard():
            pipe = self.client.pipeline()
            pipe.hsetnx(self.first, f"{capture.digest} {capture.url}", data)
            pipe.hset(self.last, capture.url, data)
            pipe.execute()

    def add_many(self, captures: list[EarlierCapture]) -> None:
        for capture in captures:
            self.add(capture)

    def close(self) -> None:
        """Shared connection: nothing to close."""


class RedisVersionIndex:
    """The store's index shared by every worker; a batch is sent to Redis at commit.

    Each line's version is reserved in Redis, in one step, before the line is written
    (:meth:`reserve`): two workers storing one article in one batch window (a stalled
    worker's pages fetched again by another) never write one version twice, and the second
    decides against the first's line. A reservation's text counts only while its worker
    lives (a line reserved by one killed before its line was written may not exist); its
    number always does. A reservation names its writer's incarnation, which its heartbeat
    holds: a successor restarted under the writer's id keeps no predecessor's reservation
    alive. The commit of the version ends its reservation.
    """

    shared = True

    def __init__(self, state: RedisState):
        self.state = state
        self.client = state.client
        self.incarnation = state.incarnation
        self.path = f"{state.address} ({state.key('store')})"
        self.latest_key = state.key("store", "latest")
        self.files_key = state.key("store", "files")
        self.captures_key = state.key("store", "captures")  # article -> [[captured, digest]]
        # article -> [version, digest, hashes, captured, worker, incarnation] of a line not
        # yet committed
        self.reserved_key = state.key("store", "reserved")
        # Named by the first writer of the index; gone with Redis's data (see begin()).
        self.epoch_key = state.key("store", "epoch")
        self._epoch: str | None = None
        self._remember = self.client.register_script(_REMEMBER)
        self._reserve = self.client.register_script(_RESERVE)
        self._unreserve = self.client.register_script(_UNRESERVE)
        self._take_over = self.client.register_script(_TAKE_OVER)
        self._reservations: dict[str, str] = {}  # this writer's, until committed
        self._dead: dict[str, DeadReservation] = {}  # what latest() numbered past
        self._latest: dict[str, Latest] = {}
        self._sizes: dict[str, int] = {}
        self._captures: dict[str, list[list[str]]] = {}

    def begin(self) -> None:
        """Changes wait in memory until commit. The first batch learns the index's epoch
        (naming it, in a database that has none); from then on an index without it is one
        Redis lost (restarted without its data, or emptied): the shared state lost."""
        with self.state.guard():
            self.client.setnx(self.epoch_key, uuid.uuid4().hex)
            current = text(self.client.get(self.epoch_key))
        if self._epoch is None:
            self._epoch = current
        elif current != self._epoch:
            raise self._gone()

    def _gone(self) -> StateUnavailableError:
        return self.state.fail(
            StateUnavailableError("the store's index is gone: Redis restarted empty, or emptied")
        )

    def commit(self) -> None:
        """Send the batch to Redis in one transaction, only into the index this writer
        read (its epoch watched): never sizes of files into an index that lacks their lines."""
        if not (self._latest or self._sizes or self._captures):
            return
        if self._epoch is None:
            self.begin()
        args: list[Any] = []
        for article_id, known in self._latest.items():
            value = json.dumps([known.version, known.content_digest, known.hashes, known.captured])
            args += [article_id, known.version, value]
        captures = {a: json.dumps(self._all_captures(a)) for a in self._captures}
        with self.state.guard(), self.client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self.epoch_key)
                if text(pipe.get(self.epoch_key)) != self._epoch:
                    raise self._gone()
                pipe.multi()
                if args:
                    keys = [self.latest_key, self.reserved_key]
                    self._remember(keys=keys, args=args, client=pipe)
                if self._sizes:
                    pipe.hset(self.files_key, mapping=dict(self._sizes.items()))
                if captures:
                    pipe.hset(self.captures_key, mapping=captures)  # type: ignore[arg-type, unused-ignore]
                pipe.execute()
            except redis.WatchError:  # emptied as the batch was sent
                raise self._gone() from None
        self.rollback()

    def rollback(self) -> None:
        self._latest.clear()
        self._sizes.clear()
        self._captures.clear()
        self._reservations.clear()

    def close(self) -> None:
        self.rollback()

    def clear(self) -> None:
        self.rollback()
        with self.state.guard():
            self.client.delete(
                self.latest_key, self.files_key, self.captures_key, self.reserved_key
            )

    def _known(self, article_id: str) -> tuple[Latest | None, Any]:
        """The article's latest version, of this batch or committed (by any writer), and the
        reservation Redis holds for it (raw, or None)."""
        with self.state.guard():
            pipe = self.client.pipeline(transaction=False)
            pipe.hget(self.latest_key, article_id)
            pipe.hget(self.reserved_key, article_id)
            raw, reserved = pipe.execute()
        known = self._latest.get(article_id)
        if raw is not None:
            version, digest, hashes, *captured = json.loads(raw)
            if known is None or version > known.version:
                known = Latest(version, digest, hashes, captured[0] if captured else "")
        return known, reserved

    def latest(self, article_id: str, worker: str | None = None) -> Latest | None:
        """The latest version: this batch's, committed, or reserved by another writer.
        A reservation counts while its writer's heartbeat names the process that made it:
        one made by a process killed and restarted under the same id (a container's
        HOST-PID) is a dead writer's, to every writer. `worker`, the writer asking, is for a
        reservation of a release that named no process: one under the asker's own name that
        this object did not make is a predecessor's."""
        self._dead.pop(article_id, None)
        known, reserved = self._known(article_id)
        if reserved is None:
            return known
        version, digest, hashes, captured, holder, *incarnation = json.loads(reserved)
        if known is not None and known.version >= version:
            return known
        with self.state.guard():
            beat = text(self.client.get(alive_key(holder))) if holder else ""
        if incarnation:
            alive = bool(beat) and beat == incarnation[0]
        else:  # a reservation of a release whose heartbeat named no process
            predecessor = holder == worker and self._reservations.get(article_id) != reserved
            alive = bool(beat) and not predecessor
        if alive:  # its line is written, or about to be: decide against it
            return Latest(version, digest, hashes, captured)
        # Its writer is gone: its line may never have been written. Numbered past it,
        # decided against what is committed (the store may learn more: dead_reservation).
        self._dead[article_id] = DeadReservation(holder, version, captured, text(reserved), known)
        if known is None:
            return Latest(version, "", {}, "")
        return Latest(version, known.content_digest, known.hashes, known.captured)

    def dead_reservation(self, article_id: str) -> DeadReservation | None:
        """The reservation of a writer now gone that the last :meth:`latest` of the article
        numbered past, if it did."""
        return self._dead.pop(article_id, None)

    def reserve(self, article_id: str, known: int, line: Latest, worker: str | None) -> bool:
        """Reserve `line`'s version of the article for `worker` if the latest version known,
        committed or reserved, is still `known` (0: none); False if another writer's came
        first (decide again, against it)."""
        made = [line.version, line.content_digest, line.hashes, line.captured, worker or ""]
        value = json.dumps([*made, self.incarnation])
        with self.state.guard():
            taken = self._reserve(
                keys=[self.latest_key, self.reserved_key],
                args=[article_id, known, line.version, value],
            )
        if taken:
            self._reservations[article_id] = value
        return bool(taken)

    def take_over(
        self, article_id: str, dead: DeadReservation, line: Latest, worker: str | None
    ) -> bool:
        """Reserve `line`'s version (the dead writer's, its line known never written) for
        `worker` in place of `dead`, if that reservation still stands."""
        made = [line.version, line.content_digest, line.hashes, line.captured, worker or ""]
        value = json.dumps([*made, self.incarnation])
        with self.state.guard():
            taken = self._take_over(keys=[self.reserved_key], args=[article_id, dead.raw, value])
        if taken:
            self._reservations[article_id] = value
        return bool(taken)

    def unreserve(self, article_id: str) -> None:
        """Give back this writer's reservation of the article: its line was not written."""
        value = self._reservations.pop(article_id, None)
        if value is not None:
            with self.state.guard():
                self._unreserve(keys=[self.reserved_key], args=[article_id, value])

    def _all_captures(self, article_id: str) -> list[list[str]]:
        """[[captured, digest], ...] of an article's stored lines, the batch's included."""
        pending = self._captures.get(article_id, [])
        with self.state.guard():
            raw = self.client.hget(self.captures_key, article_id)
        stored: list[list[str]] = json.loads(raw) if raw else []
        unique = {(str(c), str(d)) for c, d in [*stored, *pending]}
        return [[c, d] for c, d in sorted(unique)]

    def has_capture(self, article_id: str, digest: str, captured: str) -> bool:
        return (captured, digest) in {tuple(p) for p in self._all_captures(article_id)}

    def digest_at(self, article_id: str, captured: str) -> str | None:
        earlier = [d for c, d in self._all_captures(article_id) if c <= captured]
        return earlier[-1] if earlier else None

    def remember(
        self,
        article_id: str,
        version: int,
        digest: str,
        hashes: dict[str, Any],
        captured: str = "",
    ) -> None:
        known, _reserved = self._known(article_id)  # a reservation may be this line's
        if known is None or version > known.version:
            self._latest[article_id] = Latest(version, digest, dict(hashes), captured)
        self._captures.setdefault(article_id, []).append([captured, digest])

    def file_sizes(self) -> dict[str, int]:
        with self.state.guard():
            stored = self.client.hgetall(self.files_key)
        sizes = {text(k): int(v) for k, v in stored.items()}
        return {**sizes, **self._sizes}

    def set_file_size(self, name: str, size: int) -> None:
        self._sizes[name] = size

    def count(self) -> int:
        with self.state.guard():
            return int(self.client.hlen(self.latest_key))
