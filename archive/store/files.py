"""The store's files on disk: the writers' lock, whole-line appends and reads, torn tails.

A line is only ever read up to its newline, so a reader never sees half a line; a line
is appended with one ``write`` of its full bytes, undone if that write fails part way.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

LOCK_NAME = ".lock"  # the single writer's; a crawl worker's is ".lock.WORKER" (lock_name)
QUARANTINE_DIR = "quarantine"
_CHUNK = 1 << 20


def month_files(articles_dir: Path) -> list[Path]:
    """The store's month files, oldest first; a month's worker files side by side, by name."""
    return sorted(Path(articles_dir).glob("articles-*.jsonl"))


def lock_name(worker: str | None) -> str:
    """The lock of the writer of a store's files: the single writer's, or one crawl worker's
    (each worker appends to its own files only, so workers never wait for each other)."""
    return f"{LOCK_NAME}.{worker}" if worker else LOCK_NAME


class StoreLockedError(RuntimeError):
    """Another writer held the store for longer than we were willing to wait."""


class StoreLock:
    """An exclusive ``flock`` on ``articles/.lock`` (or a worker's ``.lock.WORKER``), waited
    for at most ``timeout`` seconds."""

    def __init__(self, directory: Path, timeout: float, name: str = LOCK_NAME):
        self.name = name
        self.path = directory / name
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(self.timeout, 0.0)
        pause = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                raise StoreLockedError(
                    f"the article store {self.path.parent} is being written by another process"
                    f"{f' ({holder})' if holder else ''}; gave up after {self.timeout:g}s,"
                    " try again later"
                )
            time.sleep(pause)  # polling: flock has no timed wait
            pause = min(pause * 2, 0.2)
        try:
            os.ftruncate(fd, 0)
            holder = f"pid {os.getpid()}: {' '.join(sys.argv)[:200]}\n"
            # An argument the file system gave as bytes that are not UTF-8 (a file name)
            # is written escaped: a holder line that cannot be written must not keep the lock.
            os.pwrite(fd, holder.encode("utf-8", "backslashreplace"), 0)
        except BaseException:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def writer_active(directory: Path, name: str = LOCK_NAME) -> bool:
    """Whether the writer of lock `name` holds it now (a reader's hint that a short tail of
    its file is a line in flight)."""
    try:
        fd = os.open(directory / name, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def complete_lines(
    path: Path, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """``(offset, line)`` for each newline-terminated line in ``[start, end)``; no partial tail.

    Lines are yielded without their newline. Bytes after the last newline before ``end``
    are not a line (yet): a writer is writing it, or died writing it.
    """
    with open(path, "rb") as handle:
        handle.seek(start)
        limit = end if end is not None else os.fstat(handle.fileno()).st_size
        read = offset = start  # bytes read so far; where the pending bytes begin
        pending = b""
        while read < limit:
            chunk = handle.read(min(_CHUNK, limit - read))
            if not chunk:
                break
            read += len(chunk)
            data = pending + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                pending = data
                continue
            for raw in data[:cut].split(b"\n"):
                yield offset, raw
                offset += len(raw) + 1
            pending = data[cut + 1 :]


def whole_size(path: Path) -> int:
    """Bytes up to and including the last newline: the part of the file made of whole lines."""
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb") as handle:
        position = size
        while position > 0:
            step = min(_CHUNK, position)
            handle.seek(position - step)
            data = handle.read(step)
            cut = data.rfind(b"\n")
            if cut >= 0:
                return position - step + cut + 1
            position -= step
    return 0


def quarantine_tail(path: Path, whole: int) -> Path:
    """Move the bytes after ``whole`` (a torn last line) to ``quarantine/`` and cut them off.

    The torn bytes are written and synced aside before the file is truncated, so nothing is
    lost even if this is interrupted; only the writer holding the lock may call it.
    """
    quarantine = path.parent / QUARANTINE_DIR
    quarantine.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = quarantine / f"{path.name}.{whole}.{stamp}.torn"
    with open(path, "rb") as source:
        source.seek(whole)
        torn = source.read()
    with open(target, "xb") as handle:
        handle.write(torn)
        handle.flush()
        os.fsync(handle.fileno())
    sync_dir(quarantine)
    with open(path, "r+b") as handle:
        handle.truncate(whole)
        handle.flush()
        os.fsync(handle.fileno())
    return target


# A JSON string field of a store line, as the store writes it (ASCII, escapes as JSON's).
_URL_FIELD = re.compile(rb'"(?:url|canonicalUrl)":("(?:[^"\\]|\\.)*")')


def torn_urls(path: Path) -> set[str]:
    """The page URLs a torn line (a quarantined ``.torn`` file) still names: its ``url`` and
    ``canonicalUrl`` where they were written whole before the tear."""
    found = set()
    for match in _URL_FIELD.finditer(path.read_bytes()):
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(value, str) and value:
            found.add(value)
    return found


def ends_torn(path: Path) -> bool:
    """Whether a store file's last line lacks its newline (a writer died mid-line)."""
    with open(path, "rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def open_append(path: Path) -> int:
    """An ``O_APPEND`` descriptor; a new file's directory entry is synced at once."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if created:
        sync_dir(path.parent)
    return fd


def append_whole(fd: int, data: bytes) -> None:
    """Append ``data`` in one ``write``; if the write fails part way, take the bytes back."""
    start = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
        while written < len(data):  # a short write (a signal, a full disk): finish or undo
            more = os.write(fd, data[written:])
            if more == 0:
                raise OSError(errno.ENOSPC, "short write")
            written += more
    except BaseException:
        os.ftruncate(fd, start)
        raise


def sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
