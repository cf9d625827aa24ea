"""The store's index in ``state/store.sqlite``: what deciding "new / unchanged / updated" needs.

Per article: its latest version, content digest, capture time and a short hash per field;
per stored line: the article, content digest and capture time it holds (so a capture
already stored is known again); per JSONL file: how many bytes of it the index reflects.
It is derived data: the JSONL files are the truth, and a lost or stale index is rebuilt
from them (``newsarchive store rebuild``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..statedb import open_state_db, versioned_tables

INDEX_NAME = "store.sqlite"
INDEX_VERSION = "2"


@dataclass(frozen=True)
class Latest:
    version: int
    content_digest: str
    hashes: dict[str, str]
    captured: str = ""


@dataclass(frozen=True)
class DeadReservation:
    """A version reserved by a writer that is gone (killed, or cut off) before its commit:
    its line may or may not have been written (into `holder`'s files)."""

    holder: str
    version: int
    captured: str
    raw: str  # the reservation as the shared index holds it
    before: Latest | None  # the latest version known besides it


class VersionIndex(Protocol):
    """What the store needs of its index: this SQLite file, or a shared one (archive.state)."""

    path: Any

    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...
    def clear(self) -> None: ...
    def latest(self, article_id: str, worker: str | None = None) -> Latest | None: ...
    def has_capture(self, article_id: str, digest: str, captured: str) -> bool: ...
    def digest_at(self, article_id: str, captured: str) -> str | None: ...
    def remember(
        self,
        article_id: str,
        version: int,
        digest: str,
        hashes: dict[str, Any],
        captured: str = "",
    ) -> None: ...
    def reserve(self, article_id: str, known: int, line: Latest, worker: str | None) -> bool: ...
    def dead_reservation(self, article_id: str) -> DeadReservation | None: ...
    def take_over(
        self, article_id: str, dead: DeadReservation, line: Latest, worker: str | None
    ) -> bool: ...
    def unreserve(self, article_id: str) -> None: ...
    def file_sizes(self) -> dict[str, int]: ...
    def set_file_size(self, name: str, size: int) -> None: ...
    def count(self) -> int: ...


class StoreIndex:
    """A SQLite file used only by the writer holding the store's lock."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / INDEX_NAME
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_state_db(self.path, _set_up_index, isolation_level=None)
        return self._db

    # -- transactions ----------------------------------------------------------------------
    def begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self._db is not None and self._db.in_transaction:
            self._db.execute("COMMIT")

    def rollback(self) -> None:
        if self._db is not None and self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def close(self) -> None:
        if self._db is not None:
            self.rollback()
            self._db.close()
            self._db = None

    # -- content ---------------------------------------------------------------------------
    def clear(self) -> None:
        self.db.execute("DELETE FROM latest")
        self.db.execute("DELETE FROM files")
        self.db.execute("DELETE FROM captures")

    def latest(self, article_id: str, worker: str | None = None) -> Latest | None:
        """The article's latest version (`worker` aside: the lock is the reservation)."""
        row = self.db.execute(
            "SELECT version, content_digest, hashes, captured FROM latest WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else Latest(row[0], row[1], json.loads(row[2]), row[3])

    def has_capture(self, article_id: str, digest: str, captured: str) -> bool:
        """Whether a line of this article with this content and capture time is stored."""
        row = self.db.execute(
            "SELECT 1 FROM captures WHERE article_id = ? AND content_digest = ? AND captured = ?",
            (article_id, digest, captured),
        ).fetchone()
        return row is not None

    def digest_at(self, article_id: str, captured: str) -> str | None:
        """The content digest of the version that was current at capture time `captured`."""
        row = self.db.execute(
            "SELECT content_digest FROM captures WHERE article_id = ? AND captured <= ?"
            " ORDER BY captured DESC LIMIT 1",
            (article_id, captured),
        ).fetchone()
        return None if row is None else str(row[0])

    def remember(
        self,
        article_id: str,
        version: int,
        digest: str,
        hashes: dict[str, Any],
        captured: str = "",
    ) -> None:
        """Note a stored line; an older version than the one known changes nothing."""
        self.db.execute(
            "INSERT INTO latest (article_id, version, content_digest, hashes, captured)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(article_id) DO UPDATE SET version = excluded.version,"
            " content_digest = excluded.content_digest, hashes = excluded.hashes,"
            " captured = excluded.captured"
            " WHERE excluded.version > latest.version",
            (article_id, version, digest, json.dumps(hashes, separators=(",", ":")), captured),
        )
        self.db.execute(
            "INSERT OR IGNORE INTO captures (article_id, content_digest, captured)"
            " VALUES (?, ?, ?)",
            (article_id, digest, captured),
        )

    def reserve(self, article_id: str, known: int, line: Latest, worker: str | None) -> bool:
        """A version is this writer's to take: it holds the store's lock."""
        return True

    def dead_reservation(self, article_id: str) -> DeadReservation | None:
        """None: one writer, no reservation."""
        return None

    def take_over(
        self, article_id: str, dead: DeadReservation, line: Latest, worker: str | None
    ) -> bool:
        """Nothing reserved: the lock is the reservation."""
        return True

    def unreserve(self, article_id: str) -> None:
        """Nothing reserved: the lock is the reservation."""

    def file_sizes(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT name, size FROM files").fetchall())

    def set_file_size(self, name: str, size: int) -> None:
        self.db.execute(
            "INSERT INTO files (name, size) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET size = excluded.size",
            (name, size),
        )

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM latest").fetchone()[0])


def _set_up_index(db: sqlite3.Connection) -> None:
    """The index's pragmas and tables; its tables dropped when made by another version."""
    versioned_tables(
        db,
        INDEX_VERSION,
        "DROP TABLE IF EXISTS latest; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS captures;",
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS latest (article_id TEXT PRIMARY KEY,"
        " version INTEGER NOT NULL, content_digest TEXT NOT NULL, hashes TEXT NOT NULL,"
        " captured TEXT NOT NULL DEFAULT '')"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS captures (article_id TEXT NOT NULL,"
        " content_digest TEXT NOT NULL, captured TEXT NOT NULL,"
        " PRIMARY KEY (article_id, content_digest, captured)) WITHOUT ROWID"
    )
    db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, size INTEGER NOT NULL)")
