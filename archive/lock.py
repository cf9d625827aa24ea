"""The run lock: one crawl at a time per data directory, no ``flock(1)`` needed in crontabs.

``DATA/newsarchive.lock`` is held with ``flock`` for the whole run and names its holder
(PID, run id, start time). The kernel drops the lock when its holder dies, so a crash never
blocks the next run; a file still naming a holder when we get the lock is a stale lock
from a dead process, which we take over with a warning.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

LOCK_NAME = "newsarchive.lock"


class LockedError(Exception):
    """Another live process holds the data directory; the message says which."""


class RunLock:
    """``with RunLock(data_dir, run_id) as lock:``; ``lock.stale`` names a dead holder, if any."""

    def __init__(self, data_dir: Path, run_id: str):
        self.path = Path(data_dir) / LOCK_NAME
        self.run_id = run_id
        self.stale: dict[str, Any] | None = None
        self._handle: IO[str] | None = None
        self._shared = False

    def acquire(self, *, shared: bool = False) -> RunLock:
        """Take the lock; `shared`: as one of several workers of a shared crawl, which may
        hold it together (a lone run then finds the directory busy, and they find it so)."""
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the run)
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(handle)
            handle.close()
            raise LockedError(
                f"another run holds {self.path.parent} (PID {holder.get('pid', '?')}, "
                f"run {holder.get('runId', '?')}, started {holder.get('started', '?')}); "
                "not starting"
            ) from None
        if shared:
            self._handle = handle
            self._shared = True
            return self
        previous = _read(handle)
        if previous.get("pid"):
            # A holder named but the lock free: it died without releasing. (A live PID here
            # is a reused one: the lock itself says its holder is gone.)
            self.stale = {**previous, "alive": pid_alive(_pid(previous["pid"]))}
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps({"pid": os.getpid(), "runId": self.run_id, "started": _now()}) + "\n"
        )
        handle.flush()
        os.fsync(handle.fileno())
        self._handle = handle
        return self

    def release(self) -> None:
        """Empty the file (a clean end leaves no holder named), then drop the lock."""
        if self._handle is None:
            return
        if self._shared:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
            return
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.flush()
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def held_by(data_dir: Path) -> str | None:
    """The run id of the run holding `data_dir` now, or None (no run, or a dead one's file)."""
    try:
        handle = open(Path(data_dir) / LOCK_NAME, encoding="utf-8")  # noqa: SIM115
    except OSError:
        return None
    with handle:
        return str(_read(handle).get("runId") or "?") if _locked(handle) else None


@contextmanager
def hold(path: Path) -> Iterator[None]:
    """Hold `path` (created if missing) with ``flock`` while the block runs: one worker of a
    shared crawl holds its log, as the data directory's lock, shared, cannot name it."""
    try:
        handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError:  # a full disk: the run goes on, and meets it in its writers
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a reader's `held` holds it only for a moment
        yield


def held(path: Path) -> bool:
    """True when a live process holds `path` with `hold` (the kernel drops it at death)."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        return _locked(handle)


def _locked(handle: IO[str]) -> bool:
    """Whether another process holds `handle`'s file exclusively (probed, not waited on)."""
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def pid_alive(pid: int) -> bool:
    """True when a process with this PID exists (ours to signal or not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid(value: Any) -> int:
    """The PID a lock file names; 0 for what no process can have (a damaged file's text, a
    list, true, a number past any PID)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1 << 31:
        return value
    return 0


def _read(handle: IO[str]) -> dict[str, Any]:
    handle.seek(0)
    try:
        data = json.loads(handle.read() or "{}")
    except ValueError:
        return {"pid": 0}
    return data if isinstance(data, dict) else {"pid": 0}


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
