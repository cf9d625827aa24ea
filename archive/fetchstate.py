"""The fetch history of incremental crawls: ``state/fetch.sqlite``, no Scrapy.

Two tables. ``fetches`` remembers each page's last fetch (time, status, ETag,
Last-Modified, payload digest, the article's dates, the links it leads to); a row is
written only once what the page gave was stored, so after a kill the history never claims
more than the store holds. ``frontier`` is the persistent queue of the crawl under way:
every page a spider means to visit, with its hop count, until it is done; a crawl that did
not finish leaves it behind, and the next run resumes from it. A write that finds the disk
full changes nothing and raises :class:`archive.diskspace.DiskFullError` (an ``OSError``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .diskspace import DiskFullError, is_disk_full
from .statedb import open_state_db

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS fetches ("
    " key TEXT PRIMARY KEY, url TEXT NOT NULL, fetched_at REAL NOT NULL,"
    " first_fetched_at REAL NOT NULL, status INTEGER NOT NULL, etag TEXT,"
    " last_modified TEXT, payload_digest TEXT, date_published TEXT, date_modified TEXT,"
    " links TEXT, warc_digest TEXT)",
    "CREATE TABLE IF NOT EXISTS frontier ("
    " spider TEXT NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL, hops INTEGER NOT NULL,"
    " kind TEXT NOT NULL, referer TEXT, done INTEGER NOT NULL DEFAULT 0, links TEXT,"
    " PRIMARY KEY (spider, key))",
)

Links = list[tuple[str, str]]  # (url, kind) of the pages a page leads to, hop-independent
Planned = tuple[str, str, int, str, "str | None"]  # key, url, hops, kind, referer


@dataclass(frozen=True)
class FetchRecord:
    """What the last fetch of one page left behind."""

    key: str
    url: str
    fetched_at: float
    first_fetched_at: float
    status: int
    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    links: Links | None = None
    # The WARC payload digest of the capture the validators (etag, last_modified) are of:
    # the capture a later 304 confirms. ``payload_digest`` is of the decoded body.
    warc_digest: str | None = None


@dataclass(frozen=True)
class FrontierEntry:
    """One page of the crawl under way: to visit (``done`` false) or visited."""

    key: str
    url: str
    hops: int
    kind: str
    referer: str | None
    done: bool
    links: Links | None


class FetchState:
    """The history and the frontier in one SQLite file; each change is one transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = open_state_db(self.path, _set_up)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction, rolled back whole on failure; a full disk raises DiskFullError."""
        try:
            with self.db:
                yield
        except sqlite3.OperationalError as exc:
            if is_disk_full(exc):
                raise DiskFullError(str(self.path)) from exc
            raise

    # -- history -------------------------------------------------------------------------
    def get(self, key: str) -> FetchRecord | None:
        row = self.db.execute(
            "SELECT key, url, fetched_at, first_fetched_at, status, etag, last_modified,"
            " payload_digest, date_published, date_modified, links, warc_digest"
            " FROM fetches WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        key, url, fetched, first, status, etag, modified, digest, published, changed = row[:10]
        return FetchRecord(
            key,
            url,
            fetched,
            first,
            status,
            etag,
            modified,
            digest,
            published,
            changed,
            _links(row[10]),
            row[11],
        )

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0])

    def pages(self) -> list[tuple[str, str, bool]]:
        """``(key, final URL, is an article)`` of every page in the history (an article's
        row keeps its dates)."""
        rows = self.db.execute(
            "SELECT key, url, date_published IS NOT NULL OR date_modified IS NOT NULL FROM fetches"
        )
        return [(row[0], row[1], bool(row[2])) for row in rows]

    def forget(self, keys: Iterable[str]) -> int:
        """Drop the history of these pages: the next crawl fetches them as new."""
        wanted = list(keys)
        with self._transaction():
            before = self.db.total_changes
            self.db.executemany("DELETE FROM fetches WHERE key = ?", [(k,) for k in wanted])
            return self.db.total_changes - before

    def record(self, record: FetchRecord, *, spider: str | None = None) -> None:
        """Remember a fetch whose outcome is stored (and mark it done in `spider`'s frontier)."""
        links = _dumps(record.links)  # once, for both rows
        with self._transaction():
            self.db.execute(
                "INSERT INTO fetches (key, url, fetched_at, first_fetched_at, status, etag,"
                " last_modified, payload_digest, date_published, date_modified, links,"
                " warc_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET url = excluded.url,"
                " fetched_at = excluded.fetched_at, status = excluded.status,"
                " etag = excluded.etag, last_modified = excluded.last_modified,"
                " payload_digest = excluded.payload_digest,"
                " date_published = excluded.date_published,"
                " date_modified = excluded.date_modified, links = excluded.links,"
                " warc_digest = excluded.warc_digest",
                (
                    record.key,
                    record.url,
                    record.fetched_at,
                    record.first_fetched_at,
                    record.status,
                    record.etag,
                    record.last_modified,
                    record.payload_digest,
                    record.date_published,
                    record.date_modified,
                    links,
                    record.warc_digest,
                ),
            )
            if spider is not None:
                self._done(spider, record.key, links)

    def touch(self, key: str, status: int, *, when: float | None = None) -> None:
        """A fetch that confirmed what is stored (a 304, an identical payload)."""
        with self._transaction():
            self.db.execute(
                "UPDATE fetches SET fetched_at = ?, status = ? WHERE key = ?",
                (time.time() if when is None else when, status, key),
            )

    def set_dates(self, key: str, *, published: str | None, modified: str | None) -> None:
        """Correct an article's dates (used by tests and by tools that know better)."""
        with self._transaction():
            self.db.execute(
                "UPDATE fetches SET date_published = ?, date_modified = ? WHERE key = ?",
                (published, modified, key),
            )

    # -- frontier ------------------------------------------------------------------------
    def enqueue(self, spider: str, entries: Iterable[Planned]) -> None:
        """Add (key, url, hops, kind, referer) to visit; a known key only ever gets fewer hops."""
        with self._transaction():
            self.db.executemany(
                "INSERT INTO frontier (spider, key, url, hops, kind, referer)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(spider, key) DO UPDATE SET hops = MIN(hops, excluded.hops)",
                [(spider, *entry) for entry in entries],
            )

    def done(self, spider: str, key: str, links: Links | None = None) -> None:
        with self._transaction():
            self._done(spider, key, _dumps(links))

    def _done(self, spider: str, key: str, links: str | None) -> None:
        """Mark `key` visited; `links` is the JSON text of its links (None: keep the known)."""
        self.db.execute(
            "UPDATE frontier SET done = 1, links = COALESCE(?, links) WHERE spider = ? AND key = ?",
            (links, spider, key),
        )

    def frontier(self, spider: str) -> list[FrontierEntry]:
        """The crawl left unfinished by `spider`'s last run, in the order it was planned."""
        rows = self.db.execute(
            "SELECT key, url, hops, kind, referer, done, links FROM frontier"
            " WHERE spider = ? ORDER BY rowid",
            (spider,),
        ).fetchall()
        return [FrontierEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5]), _links(r[6])) for r in rows]

    def finish(self, spider: str) -> None:
        """The crawl completed: the next run starts afresh from the start points."""
        with self._transaction():
            self.db.execute("DELETE FROM frontier WHERE spider = ?", (spider,))


def _dumps(links: Links | None) -> str | None:
    return None if links is None else json.dumps([list(pair) for pair in links])


def _links(text: str | None) -> Links | None:
    return None if text is None else [(str(u), str(k)) for u, k in json.loads(text)]


def _set_up(db: sqlite3.Connection) -> None:
    # WAL with NORMAL sync survives a killed process (not a power cut) and is fast.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for statement in SCHEMA:
        db.execute(statement)
    columns = {row[1] for row in db.execute("PRAGMA table_info(fetches)")}
    if "warc_digest" not in columns:  # a history kept before it was
        db.execute("ALTER TABLE fetches ADD COLUMN warc_digest TEXT")
    db.commit()
