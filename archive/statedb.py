"""Opening the SQLite files of ``state/``: a damaged one is set aside, not a failure forever.

Each holds what can be had again: the store's index and the read model from the JSONL lines,
the payload digests and the archive lookups from the WARCs and the archive, the fetch
history from the next crawl (which then fetches every page whole once). A file that is no
database any more (a damaged disk block, a copy cut short) used to fail every run until
someone moved it; it is now renamed ``NAME.damaged`` (kept for a look), a warning names it,
and a fresh one is started.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .datadir import check_state_file

log = logging.getLogger("archive.state")

DAMAGED_SUFFIX = ".damaged"
# SQLite's primary result codes for a file that is not (or no longer) a database.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def open_state_db(
    path: Path, setup: Callable[[sqlite3.Connection], None], **connect: Any
) -> sqlite3.Connection:
    """A connection to the database at `path`, `setup` run on it (pragmas, tables); a file
    that is no database is set aside first (see the module's docstring); a folder in its
    place is a :class:`~archive.datadir.DataDirError`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    check_state_file(path)
    try:
        before = os.stat(path).st_ino
    except FileNotFoundError:
        before = None
    try:
        return _open(path, setup, connect)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        damage = exc
    aside = path.with_name(path.name + DAMAGED_SUFFIX)
    try:
        still = os.stat(path).st_ino == before
    except FileNotFoundError:
        still = False
    if still:  # not already replaced by another process that found the same damage
        os.replace(path, aside)
        for extra in ("-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        log.warning(
            "%s was not a usable database (%s): set aside as %s and started afresh",
            path,
            damage,
            aside.name,
        )
    return _open(path, setup, connect)


def _open(
    path: Path, setup: Callable[[sqlite3.Connection], None], connect: dict[str, Any]
) -> sqlite3.Connection:
    db = sqlite3.connect(path, **connect)
    try:
        setup(db)
    except BaseException:
        db.close()
        raise
    return db


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is no database or a damaged one (not locked, not full)."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11 on
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc)
    return "file is not a database" in text or "disk image is malformed" in text


def versioned_tables(db: sqlite3.Connection, version: str, drop: str) -> None:
    """WAL with NORMAL sync, and a ``meta`` table naming the version of the tables: tables
    made by another version are dropped first (`drop`, a script), to be made again."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    if row is None or row[0] != version:
        db.executescript(drop)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
