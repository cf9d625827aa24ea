"""Archive index lookups remembered across runs (``state/archive-lookups.sqlite``).

A lookup is keyed by the archive and the exact lookup URL (which holds the URL and the
time window), so a second run over the same story asks the archive's index nothing again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from archive.statedb import open_state_db

from .archives import Snapshot


class LookupCache:
    def __init__(self, path: str | Path):
        self.db = open_state_db(Path(path), _set_up, isolation_level=None)

    def get(self, archive: str, lookup: str) -> list[Snapshot] | None:
        row = self.db.execute(
            "SELECT snapshots FROM lookups WHERE archive = ? AND lookup = ?", (archive, lookup)
        ).fetchone()
        if row is None:
            return None
        return [Snapshot(**entry) for entry in json.loads(row[0])]

    def put(self, archive: str, lookup: str, snapshots: list[Snapshot]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO lookups VALUES (?, ?, ?, ?)",
            (archive, lookup, time.time(), json.dumps([s.as_json() for s in snapshots])),
        )

    def forget(self, archive: str, lookup: str) -> None:
        """Drop a remembered answer, so the next run asks again."""
        self.db.execute("DELETE FROM lookups WHERE archive = ? AND lookup = ?", (archive, lookup))

    def close(self) -> None:
        self.db.close()


def _set_up(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS lookups (archive TEXT, lookup TEXT, asked REAL,"
        " snapshots TEXT, PRIMARY KEY (archive, lookup))"
    )
