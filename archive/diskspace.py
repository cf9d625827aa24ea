"""Telling a full disk from other write failures, so a run can stop cleanly on one.

A full disk shows as ``OSError`` with ``ENOSPC`` (or ``EDQUOT``, a quota) from a file
write, and as ``sqlite3.OperationalError`` "database or disk is full" from SQLite.
"""

from __future__ import annotations

import errno
import os
import sqlite3

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_SQLITE_FULL = 13  # SQLITE_FULL


class DiskFullError(OSError):
    """A write the disk had no room for, whatever wrote it (a file or SQLite)."""

    def __init__(self, what: str):
        super().__init__(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} ({what})")


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the disk or the quota is full."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno in NO_SPACE:
            return True
        if isinstance(exc, sqlite3.OperationalError) and (
            getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or "disk is full" in str(exc)
        ):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def reason(exc: BaseException) -> str:
    """A short reason for a one-line message: the OS's words, else the exception's.

    A full disk reads the same whichever writer met it (a file, or SQLite's "database or
    disk is full"), so people and monitors can look for one phrase.
    """
    if is_disk_full(exc):
        return os.strerror(errno.ENOSPC)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
