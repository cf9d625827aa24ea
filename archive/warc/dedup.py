"""The digest index: earlier captures by URL and payload digest, for revisit records.

An indexed SQLite table on disk (``DATA/state/warc-digests.sqlite3``), so a lookup costs
one B-tree search however many millions of captures the archive holds, and no WARC is
scanned. A capture is added only after its record reached the file, so the index never
points at a record that is not there.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..statedb import open_state_db

SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    url TEXT NOT NULL,
    digest TEXT NOT NULL,
    record_id TEXT NOT NULL,
    date TEXT NOT NULL,
    filename TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_url_digest ON captures (url, digest);
"""


@dataclass(frozen=True)
class EarlierCapture:
    """The original a revisit record refers to."""

    url: str
    digest: str
    record_id: str
    date: str
    filename: str
    offset: int
    length: int


class DigestIndex:
    """Remembers (url, payload digest) -> the first record that holds that payload."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._db = open_state_db(self.path, _set_up, timeout=30, isolation_level=None)

    def lookup(self, url: str, digest: str) -> EarlierCapture | None:
        """The earliest capture of `url` with this payload digest, if any."""
        row = self._db.execute(
            "SELECT url, digest, record_id, date, filename, offset, length FROM captures"
            " WHERE url = ? AND digest = ? ORDER BY rowid LIMIT 1",
            (url, digest),
        ).fetchone()
        return EarlierCapture(*row) if row else None

    def latest(self, url: str) -> EarlierCapture | None:
        """The most recent full capture of `url` (what a 304 answer confirms)."""
        row = self._db.execute(
            "SELECT url, digest, record_id, date, filename, offset, length FROM captures"
            " WHERE url = ? ORDER BY rowid DESC LIMIT 1",
            (url,),
        ).fetchone()
        return EarlierCapture(*row) if row else None

    def add(self, capture: EarlierCapture) -> None:
        self.add_many([capture])

    def add_many(self, captures: list[EarlierCapture]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.url, c.digest, c.record_id, c.date, c.filename, c.offset, c.length)
                    for c in captures
                ],
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM captures").fetchone()[0])

    def close(self) -> None:
        self._db.close()


def _set_up(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
