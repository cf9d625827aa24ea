"""Test only: a disk with ``FAULTS_DISK_FREE_BYTES`` free for ``FAULTS_DISK_WRITERS``.

``FAULTS_DISK_WRITERS`` is ``warc`` (the WARC files), ``store`` (the store's lines) or
``both`` (sharing the free space).

Loaded into the crawl under test with ``-s EXTENSIONS=...``. Writes beyond the budget
behave as on a full disk: the write that crosses it is short (part of the bytes land),
the next one raises ``OSError(ENOSPC)``. Production code is not told about the test.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

import archive.store.files
from archive.warc.writer import WarcWriter


class Disk:
    """What is left of the free space; it only ever shrinks (a full disk stays full)."""

    def __init__(self, free: int):
        self.free = free

    def allow(self, wanted: int) -> int:
        if self.free <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        granted = min(wanted, self.free)
        self.free -= granted
        return granted


class FillingFile:
    """A WARC writer's file whose writes draw on the disk's free space."""

    def __init__(self, inner: Any, disk: Disk):
        self._inner = inner
        self._disk = disk

    def write(self, data: Any) -> int:
        granted = self._disk.allow(len(data))
        return int(self._inner.write(memoryview(data)[:granted]))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class FillingOs:
    """``os`` as the store's file functions see it: ``write`` draws on the free space."""

    def __init__(self, disk: Disk):
        self._disk = disk

    def write(self, fd: int, data: Any) -> int:
        return os.write(fd, memoryview(data)[: self._disk.allow(len(data))])

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


class FillingDisk:
    """Installs the budget when the crawl starts (once per process)."""

    installed: Disk | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FillingDisk:
        free = crawler.settings.getint("FAULTS_DISK_FREE_BYTES", -1)
        if free < 0:
            raise NotConfigured
        writers = crawler.settings.get("FAULTS_DISK_WRITERS", "both")
        if FillingDisk.installed is None:
            disk = FillingDisk.installed = Disk(free)
            if writers in ("warc", "both"):
                create = WarcWriter._create

                def filling_create(self: WarcWriter, path: Any) -> Any:
                    return FillingFile(create(self, path), disk)

                WarcWriter._create = filling_create  # type: ignore[method-assign]
            if writers in ("store", "both"):
                archive.store.files.os = FillingOs(disk)  # type: ignore[assignment]
        return cls()
