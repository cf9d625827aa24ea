"""The data directory: ``warc/``, ``articles/``, ``runs/``, ``state/``, checked before a run."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from .exitcodes import REFUSED

SUBDIRS = ("warc", "articles", "runs", "state")
# The SQLite files of state/ (with their WAL and shared-memory files).
_STATE_DB = re.compile(r"\.sqlite3?(-wal|-shm)?$")


class DataDirError(Exception):
    """The data directory cannot be used; the message says why in one line."""


class DataDirRefused(DataDirError):
    """The system refuses us the data directory: a read-only disk, another user's folder."""


def check_parent(data_dir: Path) -> None:
    """A missing data directory is created, but never its missing parents.

    A parent that is not there is most often a disk that is not mounted or a mistyped
    ``--data``: creating the path would fill the wrong disk, from cron, unnoticed.
    """
    if not data_dir.exists() and not data_dir.parent.exists():
        raise DataDirError(
            f"data directory {data_dir} is not usable: its parent folder {data_dir.parent} "
            "does not exist (a disk not mounted? a typo?); create it first"
        )


def prepare(data_dir: Path) -> Path:
    """Create the layout if needed and prove it is writable, before anything is fetched."""
    try:
        for name in SUBDIRS:
            (data_dir / name).mkdir(parents=True, exist_ok=True)
        probe = data_dir / "state" / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
        for entry in os.scandir(data_dir / "state"):
            if _STATE_DB.search(entry.name):
                check_state_file(Path(entry.path))
    except OSError as exc:
        refused = DataDirRefused if exc.errno in REFUSED else DataDirError
        raise refused(not_usable(data_dir, exc)) from exc
    return data_dir


def not_usable(data_dir: Path, exc: OSError) -> str:
    """The one line for a data directory the system refuses us, naming the path that failed
    when it is not the directory itself (a file where its ``warc/`` folder goes)."""
    reason = exc.strerror or str(exc)
    where = str(exc.filename) if exc.filename is not None else ""
    in_the_way = exc.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR)
    if in_the_way and where and Path(where) != Path(data_dir):
        reason = f"{where}: {reason}"
    return f"data directory {data_dir} is not usable: {reason}"


def check_state_file(path: Path) -> None:
    """Refuse a state database that is a folder (or a device, a pipe): SQLite cannot open
    it, and setting it aside as damaged would move someone's folder."""
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise DataDirError(f"{path} is {kind}, where a database file goes: move it away")
