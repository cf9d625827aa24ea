"""The article store: append-only JSONL under ``articles/``, one line per article version.

Writing happens in batches. A batch takes the store's lock (waiting at most
``lock_timeout`` seconds, else :class:`StoreLockedError`), brings the index up to date with
the files (quarantining a torn last line a crashed writer left), then writes each line in
one ``write`` as soon as it is added, once the WARC record it names is fsynced.
:meth:`ArticleStore.flush` ends the batch: files fsynced, index committed, lock released;
it runs every ``batch_size`` lines and at close.

What a kill can lose: a killed process (even ``SIGKILL``) loses nothing it handed to
:meth:`~ArticleStore.add`, since each line is already in the kernel; the next writer
indexes those lines from the files. A power cut or OS crash can lose the lines of the
batch not yet flushed, and can leave a torn last line, which the next writer moves to
``articles/quarantine/``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..validate import line_problems
from . import reading
from .files import (
    QUARANTINE_DIR,
    StoreLock,
    StoreLockedError,
    append_whole,
    complete_lines,
    ends_torn,
    lock_name,
    month_files,
    open_append,
    quarantine_tail,
    sync_dir,
    whole_size,
)
from .index import DeadReservation, Latest, StoreIndex, VersionIndex
from .lines import (
    captured_at,
    changed_fields,
    digest_and_hashes,
    encode_line,
    field_hashes,
    file_name,
    month_of,
    versioned_line,
    worker_of,
)

log = logging.getLogger("archive.store")

DEFAULT_LOCK_TIMEOUT = 60.0
DEFAULT_BATCH_SIZE = 100


class InvalidLineError(ValueError):
    """An item that would make a line breaking the store's contract: a bug, never stored."""


@dataclass(frozen=True)
class StoreDecision:
    status: str  # "new", "updated", "unchanged" or "older" (captured before the latest version)
    article_id: str
    version: int
    changes: tuple[str, ...] = ()


@dataclass
class WriteStats:
    """What this store object did, for a run report."""

    lines: int = 0
    bytes: int = 0
    batches: int = 0
    quarantined: list[str] = field(default_factory=list)
    skipped_lines: int = 0


class ArticleStore:
    """Append and read articles under a data directory (``articles/`` and ``state/``).

    >>> store = ArticleStore("data")                       # doctest: +SKIP
    >>> for article in store.iter_articles(source="cnn", since="2024-05-01"):  # doctest: +SKIP
    ...     print(article["headline"])
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        batch_size: int = DEFAULT_BATCH_SIZE,
        sources: Collection[str] = (),
        index: VersionIndex | None = None,
        worker: str | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.articles_dir = self.data_dir / "articles"
        self.state_dir = self.data_dir / "state"
        self.batch_size = max(1, batch_size)
        self.sources = tuple(sources)  # when given, a line's source must be one of these
        # A shared index (several workers, each writing its own files) or state/store.sqlite.
        self.index: VersionIndex = index if index is not None else StoreIndex(self.state_dir)
        self.worker = worker
        # A worker's own lock: it appends to its own files only, and waiting for another
        # worker's batch would stall its crawl (its heartbeat included).
        self.lock = StoreLock(self.articles_dir, lock_timeout, lock_name(worker))
        self.stats = WriteStats()
        self._handles: dict[Path, int] = {}
        self._in_batch = 0
        self._warcs = _WarcSync(self.data_dir / "warc")

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    def add(self, item: dict[str, Any]) -> StoreDecision:
        """Store an item unless its content is unchanged; never rewrites an earlier line."""
        self._begin_batch()
        decision = self._add(item)
        if self._in_batch >= self.batch_size:
            self.flush()
        return decision

    def add_many(self, items: Iterable[dict[str, Any]]) -> list[StoreDecision]:
        """Store several items as one batch (flushed before returning)."""
        try:
            return [self.add(item) for item in items]
        finally:
            self.flush()

    def _add(self, item: dict[str, Any]) -> StoreDecision:
        article_id = item.get("articleId")
        if not isinstance(article_id, str):
            raise InvalidLineError(f"item has no articleId: {item.get('url')!r}")
        if not reading.fields_well_shaped(item):  # before its digest is taken from those
            raise InvalidLineError(
                f"{item.get('url')}: the item breaks the store's contract: a field of another "
                "JSON type than the schema gives it"
            )
        digest, hashes = digest_and_hashes(item)
        captured = captured_at(item)
        while True:
            decided = self._decide(item, article_id, digest, hashes, captured)
            if isinstance(decided, StoreDecision):
                return decided
            plan = decided
            claimed = Latest(plan.version, digest, hashes, captured)
            # A shared index: another worker may have taken this version since; then decide
            # again against its line.
            if plan.reused is not None:
                if self.index.take_over(article_id, plan.reused, claimed, self.worker):
                    break
            elif self.index.reserve(article_id, plan.known, claimed, self.worker):
                break
        path, data = plan.path, plan.data
        try:
            handle = self._handles.get(path)
            if handle is None:
                handle = self._handles[path] = open_append(path)
            self._warcs.before_line(str((plan.line.get("warc") or {}).get("filename") or ""))
            append_whole(handle, data)
        except BaseException:
            with contextlib.suppress(OSError):  # the state lost too: the run stops anyway
                self.index.unreserve(article_id)
            raise
        self.index.remember(article_id, plan.version, digest, hashes, captured)
        self.index.set_file_size(path.name, os.fstat(handle).st_size)
        self._in_batch += 1
        self.stats.lines += 1
        self.stats.bytes += len(data)
        status = "new" if plan.first else "updated"
        return StoreDecision(status, article_id, plan.version, tuple(plan.changes))

    def _decide(
        self,
        item: dict[str, Any],
        article_id: str,
        digest: str,
        hashes: dict[str, str],
        captured: str,
    ) -> StoreDecision | _Plan:
        """What the store does with `item`: its decision when nothing is written, else the
        line to write."""
        known = self.index.latest(article_id, self.worker)
        first = known is None
        reused = None
        dead = self.index.dead_reservation(article_id)
        if dead is not None:  # numbered past a version its writer, gone, may not have written
            written, theirs = self._reserved_line(article_id, dead)
            before = dead.before.version if dead.before is not None else 0
            if theirs is not None:  # written: decided against it
                self.index.remember(
                    article_id,
                    theirs.version,
                    theirs.content_digest,
                    theirs.hashes,
                    theirs.captured,
                )
                known = theirs
            elif written and dead.version == before + 1:  # never written: its number is free
                known, first, reused = dead.before, dead.before is None, dead
            else:  # its line may be on another machine: a gap, never two lines of one version
                first = dead.before is None
        if known is not None and (
            known.content_digest == digest or self.index.has_capture(article_id, digest, captured)
        ):
            return StoreDecision("unchanged", article_id, known.version)
        if known is not None and captured and captured == known.captured and _copied(item):
            # A web archive's capture at the latest version's capture time: that memento
            # fetched again, in other bytes (the archive's replay changed), one capture. The
            # copy stored first is kept, as for an unchanged page.
            return StoreDecision("unchanged", article_id, known.version)
        if known is not None and captured and captured < known.captured:
            # Captured before the latest version: versions follow capture time, so it
            # cannot become a newer one (a replay of older files, a clock that went back).
            if self.index.digest_at(article_id, captured) == digest:
                return StoreDecision("unchanged", article_id, known.version)
            return StoreDecision("older", article_id, known.version)
        version = 1 if known is None else known.version + 1
        # The first line of the article known (past a number a dead writer may have left
        # unused on another machine) names no change and no dateModified of a change seen.
        changes = [] if first or known is None else changed_fields(known.hashes, hashes)
        line = versioned_line(item, version, digest, changes, first=first)
        found = line_problems(line, self.sources)
        if found:
            raise InvalidLineError(
                f"{item.get('url')}: the line breaks the store's contract: {'; '.join(found[:3])}"
            )
        try:
            path = self.articles_dir / file_name(month_of(line), self.worker)
        except ValueError as exc:
            raise InvalidLineError(f"{item.get('url')}: {exc}") from None
        known_version = 0 if known is None else known.version
        return _Plan(known_version, version, changes, line, path, encode_line(line), first, reused)

    def _reserved_line(self, article_id: str, dead: DeadReservation) -> tuple[bool, Latest | None]:
        """Whether this data directory tells if a writer now gone wrote the line of the
        version it reserved, and that line (None: not written, or not known here). Known
        only where it wrote here (its lock is here) and no process holds its lock: none
        can be writing that line any more."""
        name = lock_name(dead.holder)
        if not dead.holder or not (self.articles_dir / name).exists():
            return False, None  # it wrote on another machine, into its own data directory
        if len(dead.captured) < len("YYYY-MM"):  # no month: no file to look in
            return False, None
        path = self.articles_dir / file_name(dead.captured[:7], dead.holder)
        theirs = None if name == self.lock.name else StoreLock(self.articles_dir, 0, name)
        if theirs is not None:
            try:
                theirs.acquire()
            except StoreLockedError:  # a process of that name still writes (stalled)
                return False, None
        try:
            if not path.exists():
                return True, None
            needle = f'"articleId":{json.dumps(article_id)}'.encode()
            for offset, raw in complete_lines(path, 0, whole_size(path)):
                if needle not in raw:
                    continue
                line = reading.parse(raw, path, offset)
                if line and line["articleId"] == article_id and line["version"] == dead.version:
                    return True, Latest(
                        dead.version, line["contentDigest"], field_hashes(line), captured_at(line)
                    )
            return True, None
        finally:
            if theirs is not None:
                theirs.release()

    def _begin_batch(self) -> None:
        if self.lock.held:
            return
        self.lock.acquire()
        try:
            self.index.begin()
            self._catch_up()
        except BaseException:
            self.index.rollback()
            self.lock.release()
            raise

    def flush(self) -> None:
        """End the batch: fsync the files written, commit the index, release the lock."""
        if not self.lock.held:
            return
        try:
            for handle in self._handles.values():
                os.fsync(handle)
            self.index.commit()
        finally:
            for handle in self._handles.values():
                os.close(handle)
            self._handles.clear()
            self.index.rollback()  # only if the commit failed: the files stay the truth
            if self._in_batch:
                self.stats.batches += 1
            self._in_batch = 0
            self.lock.release()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.index.close()

    # -- the index ---------------------------------------------------------------------------
    def _catch_up(self) -> None:
        """Index what other writers (or a killed one) appended; quarantine torn last lines."""
        known = self.index.file_sizes()
        files = self.files()
        # A shared index also knows other machines' files, which need not be here.
        missing = (
            set() if getattr(self.index, "shared", False) else set(known) - {p.name for p in files}
        )
        if any(known.get(p.name, 0) > p.stat().st_size for p in files) or missing:
            log.warning("the store index is ahead of the files; rebuilding it")
            self.index.clear()
            known = {}
        for path in files:
            indexed = known.get(path.name, 0)
            if path.stat().st_size == indexed:
                continue
            whole = whole_size(path)
            if whole < path.stat().st_size:
                whole = self._quarantine_torn_tail(path, whole)
            for offset, raw in complete_lines(path, indexed, whole):
                line = reading.parse(raw, path, offset)
                if line is None:
                    self.stats.skipped_lines += 1
                    continue
                self.index.remember(
                    line["articleId"],
                    line["version"],
                    line["contentDigest"],
                    field_hashes(line),
                    captured_at(line),
                )
            self.index.set_file_size(path.name, whole)

    def _quarantine_torn_tail(self, path: Path, whole: int) -> int:
        """Move the torn last line of `path` (its whole lines end at `whole`) to quarantine,
        unless its writer is alive: then it is a line in flight, read next time. The size
        of the whole lines to index."""
        name = lock_name(worker_of(path.name))
        writer = None if name == self.lock.name else StoreLock(self.articles_dir, 0, name)
        if writer is not None:
            try:
                writer.acquire()
            except StoreLockedError:
                return whole
            whole = whole_size(path)  # again, under its lock: the writer may have finished
        try:
            if whole < path.stat().st_size:
                target = quarantine_tail(path, whole)
                self.stats.quarantined.append(str(target))
                log.warning(
                    "torn last line in %s (a writer died mid-line): moved %s bytes to %s",
                    path,
                    target.stat().st_size,
                    target,
                )
            return whole
        finally:
            if writer is not None:
                writer.release()

    def mend_torn(self) -> list[Path]:
        """Quarantine now the torn last lines the files hold (a power cut, a writer killed
        mid-line), where the first batch of a run would; the quarantined files made. A run
        that stores nothing still does it, so that its caller can learn what was lost."""
        if not any(ends_torn(path) for path in self.files()):
            return []
        before = len(self.stats.quarantined)
        self._begin_batch()
        self.flush()
        return [Path(p) for p in self.stats.quarantined[before:]]

    def rebuild_index(self) -> int:
        """Recreate the index from the JSONL files under the lock; returns the articles known."""
        self.flush()
        self.lock.acquire()
        try:
            self.index.begin()
            self.index.clear()
            self._catch_up()
            self.index.commit()
            return self.index.count()
        finally:
            self.index.rollback()
            self.lock.release()

    # -- reading -----------------------------------------------------------------------------
    def files(self) -> list[Path]:
        """The month files, oldest first; a month's worker files side by side, by name."""
        return month_files(self.articles_dir)

    def quarantined(self) -> list[Path]:
        return sorted((self.articles_dir / QUARANTINE_DIR).glob("*.torn"))

    def iter_lines(self) -> Iterator[dict[str, Any]]:
        """Every whole, valid line of every month file, in file then line order."""
        for _position, line in reading.snapshot_lines(self.articles_dir, self.files()):
            yield line

    def iter_articles(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        all_versions: bool = False,
        fields: Iterable[str] | None = None,
        published_since: str | None = None,
        published_until: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stored articles in a stable order (month file, then line); see :mod:`.reading`."""
        return reading.iter_articles(
            self.articles_dir,
            self.files(),
            source=source,
            since=since,
            until=until,
            all_versions=all_versions,
            fields=fields,
            published_since=published_since,
            published_until=published_until,
        )


class _WarcSync:
    """Make the WARC record a line names durable before the line is written: a line handed
    to the kernel may reach the disk at any moment, and a power cut must not leave a line
    naming a record that never did (the WARC writer fsyncs a file only when it closes it).
    A file is fsynced when it grew since its last fsync here, its folder the first time."""

    def __init__(self, warc_dir: Path):
        self.warc_dir = warc_dir
        self._synced: dict[str, tuple[int, int]] = {}  # name: (inode, size) fsynced

    def before_line(self, name: str) -> None:
        """fsync the WARC file `name` if it holds bytes not fsynced yet. A file not in the
        folder (a replay of WARC files elsewhere into this store) is not this store's."""
        if not name or "/" in name:
            return
        for path in (self.warc_dir / f"{name}.open", self.warc_dir / name):
            try:
                fd = os.open(path, os.O_RDONLY)
            except (FileNotFoundError, PermissionError, IsADirectoryError):
                continue  # not a WARC file this process may sync: the lines go on
            try:
                done = os.fstat(fd)
                if self._synced.get(name) == (done.st_ino, done.st_size):
                    return
                os.fsync(fd)
            finally:
                os.close(fd)
            if name not in self._synced:
                sync_dir(self.warc_dir)  # the new file's name, as its bytes
            self._synced[name] = (done.st_ino, done.st_size)
            return


@dataclass(frozen=True)
class _Plan:
    """A line to write: the latest version it was decided against (0: none), its version,
    changes, line, file and bytes; whether it is the article's first line known, and the
    dead writer's reservation whose number it takes again."""

    known: int
    version: int
    changes: list[str]
    line: dict[str, Any]
    path: Path
    data: bytes
    first: bool
    reused: DeadReservation | None


def _copied(item: dict[str, Any]) -> bool:
    """Whether an item is a capture copied from a web archive (``crawl --via``)."""
    metadata = item.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get("retrievedFrom"))
