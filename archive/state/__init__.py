"""Where a crawl keeps what must outlive it: embedded SQLite files, or one shared Redis.

Five things make up the state: the frontier, the seen set, the fetch history, the WARC
payload-digest index and the store's version index. By default they are SQLite files in
``DATA/state/`` (nothing to start); ``--state redis://HOST:PORT/DB`` puts them in one Redis
that several crawl workers share (the frontier and the seen set as scrapy-redis's queue and
dupe filter, see :mod:`crawler.scale`). Both give the same small interface.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from ..atomicjson import write_json
from ..fetchstate import FetchRecord, FetchState, FrontierEntry, Links, Planned
from ..store.index import StoreIndex, VersionIndex
from ..warc.dedup import DigestIndex, EarlierCapture

ENV = "NEWSARCHIVE_STATE"  # the environment variable that names a shared state
# In a data directory: the deployment whose shared state (one Redis database) its crawls use.
DEPLOYMENT_FILE = "shared-state.json"


class StateUnavailableError(OSError):
    """The shared state cannot be reached (down, refused, wrong address): try again later."""


class StateRefusedError(ValueError):
    """The shared state answers but refuses what ``--state`` asks (a database it lacks):
    trying later changes nothing."""


class FetchHistory(Protocol):
    """Fetch history and frontier (:class:`archive.fetchstate.FetchState` is the embedded one)."""

    def get(self, key: str) -> FetchRecord | None: ...
    def pages(self) -> list[tuple[str, str, bool]]: ...
    def forget(self, keys: Iterable[str]) -> int: ...
    def record(self, record: FetchRecord, *, spider: str | None = None) -> None: ...
    def touch(self, key: str, status: int, *, when: float | None = None) -> None: ...
    def set_dates(self, key: str, *, published: str | None, modified: str | None) -> None: ...
    def enqueue(self, spider: str, entries: list[Planned]) -> None: ...
    def done(self, spider: str, key: str, links: Links | None = None) -> None: ...
    def frontier(self, spider: str) -> list[FrontierEntry]: ...
    def finish(self, spider: str) -> None: ...
    def close(self) -> None: ...


class PayloadDigests(Protocol):
    """Earlier captures by URL and payload digest (:class:`archive.warc.dedup.DigestIndex`)."""

    def lookup(self, url: str, digest: str) -> EarlierCapture | None: ...
    def latest(self, url: str) -> EarlierCapture | None: ...
    def add(self, capture: EarlierCapture) -> None: ...
    def close(self) -> None: ...


class State(Protocol):
    """Opens the three stores of the state; ``shared`` says whether other workers see them."""

    shared: bool
    address: str

    def fetch_history(self, context: str = "") -> FetchHistory: ...
    def payload_digests(self) -> PayloadDigests: ...
    def version_index(self) -> VersionIndex: ...


def history_file(context: str = "") -> str:
    """The file of a fetch history: ``fetch.sqlite`` for the live web, one of its own for
    each past a crawl reads through an archive (``fetch-CONTEXT.sqlite``, see
    :func:`crawler.state.history_context`)."""
    return f"fetch-{context}.sqlite" if context else "fetch.sqlite"


class EmbeddedState:
    """SQLite files in ``DATA/state/``: the default, as it always was."""

    shared = False

    def __init__(self, data_dir: str | Path, digest_index: str | Path | None = None):
        self.state_dir = Path(data_dir) / "state"
        self.address = str(self.state_dir)
        self._digest_index = digest_index

    def fetch_history(self, context: str = "") -> FetchState:
        return FetchState(self.state_dir / history_file(context))

    def payload_digests(self) -> DigestIndex:
        return DigestIndex(self._digest_index or self.state_dir / "warc-digests.sqlite3")

    def version_index(self) -> StoreIndex:
        return StoreIndex(self.state_dir)


def shown(address: str) -> str:
    """`address` as it may be printed or logged: a password in it is ``***``."""
    parts = urlsplit(address)
    if parts.password is None:
        return address
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def check_address(address: str) -> str:
    """``redis://HOST:PORT/DB`` as given, or ValueError saying what is wrong with it."""
    parts = urlsplit(address)
    named = shown(address)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"--state takes redis://HOST:PORT/DB, not {named!r}")
    if parts.scheme == "unix":  # unix:///PATH/redis.sock?db=N: the path is the socket's
        if not parts.path.strip("/"):
            raise ValueError(f"--state {named!r} names no socket (unix:///PATH?db=N)")
        db = ",".join(parse_qs(parts.query).get("db", []))
    else:
        if not parts.hostname:
            raise ValueError(f"--state {named!r} names no host")
        db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ValueError(f"--state {named!r}: the database must be a number")
    try:
        port = parts.port  # None when not given
    except ValueError:  # not a number, or past 65535
        port = 0
    if port == 0:  # redis-py takes 0 for none given: 6379, another Redis
        raise ValueError(f"--state {named!r} has a bad port")
    return address


def bound_deployment(data_dir: str | Path) -> str:
    """The deployment (the id its Redis database holds) whose shared crawls `data_dir` took
    part in; "" for one never shared (or whose note is unreadable: bound anew)."""
    try:
        note = json.loads((Path(data_dir) / "state" / DEPLOYMENT_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return ""
    deployment = note.get("deployment") if isinstance(note, dict) else None
    return deployment if isinstance(deployment, str) else ""


def bind_deployment(data_dir: str | Path, deployment: str, address: str) -> None:
    """Note in `data_dir` the deployment its shared crawls use (and where, for people).
    Workers started at once on a new data directory each write the note through a
    temporary file of their own: the last rename wins, every one whole."""
    path = Path(data_dir) / "state" / DEPLOYMENT_FILE
    if bound_deployment(data_dir) == deployment:
        return
    write_json(path, {"deployment": deployment, "state": shown(address)})


def open_state(
    address: str | None, data_dir: str | Path, *, digest_index: str | Path | None = None
) -> State:
    """The embedded state of `data_dir`, or the shared one at `address` (``redis://...``)."""
    if not address:
        return EmbeddedState(data_dir, digest_index)
    from .redis import RedisState

    return RedisState(check_address(address))
