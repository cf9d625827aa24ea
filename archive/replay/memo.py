"""What ``analyse`` said of the responses extracted here, for the revisits of their payloads.

A revisit's page is its original's payload: with the same URL, status, content type and
outlet, ``analyse`` says of it what it said of the original. A replay in one process
extracts captures in archive order, so the original of a revisit in a later file (a
recrawl of unchanged pages) was analysed already; its analysis is read back instead of
reading, decoding and analysing the original again. The analyses wait in a temporary
file, in ``marshal``'s format (as the spool's items), memory holding a small entry for each;
past :data:`LIMIT` bytes the file starts afresh, so disk and memory stay bounded whatever
the archive's size (a revisit of an analysis let go is analysed again).
"""

from __future__ import annotations

import marshal
import os
import tempfile
from typing import IO, Any, NamedTuple

from archive.warc.read.payload import same_digest
from archive.warc.read.reader import RecordFacts
from archive.warc.read.sources import Source

LIMIT = 256 * 1024 * 1024  # bytes of analyses held (those of about 40,000 articles)


class Page(NamedTuple):
    """What ``analyse`` was given besides the payload, and the payload's stated digest."""

    url: str
    content_type: str
    status: int | None
    source: str | None
    payload_digest: str | None

    def same_page(
        self, revisit: RecordFacts, content_type: str, status: int | None, source: str | None
    ) -> bool:
        """Whether `revisit`, with the content type, status and outlet it is analysed with,
        gives ``analyse`` this page, and names the payload digest the original states (where
        either states none, reading the original checks its payload against the revisit's)."""
        stated, named = self.payload_digest, revisit.payload_digest
        return (revisit.url, content_type, status, source) == tuple(self[:4]) and bool(
            stated and named and same_digest(stated, named)
        )


class Said(NamedTuple):
    """What ``analyse`` said: the page's kind, why it is no article, the article."""

    kind: str
    reason: str
    article: dict[str, Any] | None


class Analyses:
    """:meth:`keep` each response's analysis; :meth:`page` and :meth:`said` read it back
    for a revisit of the payload at the same place."""

    def __init__(self, limit: int = LIMIT):
        self._file: IO[bytes] | None = None  # made at the first analysis kept
        self._index: dict[tuple[Source, int], tuple[Page, int, int]] = {}
        self._end = 0
        self._limit = limit

    def keep(self, where: tuple[Source, int], page: Page, said: Said) -> None:
        if self._limit <= 0:  # none to be kept, or the temporary file failed
            return
        try:
            data = marshal.dumps(tuple(said))
        except ValueError:  # a value of a subclass: analysed again if a revisit needs it
            return
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="newsarchive-analyses-")  # noqa: SIM115
            if self._end + len(data) > self._limit:
                self._index.clear()
                self._file.seek(0)
                self._file.truncate()
                self._end = 0
            self._file.write(data)
        except OSError:  # no temporary directory, or it is full: each page analysed itself
            self._index.clear()
            self._limit = 0
            return
        self._index[where] = (page, self._end, len(data))
        self._end += len(data)

    def page(self, where: tuple[Source, int]) -> Page | None:
        """What the response at `where` was analysed as, if it is held."""
        entry = self._index.get(where)
        return None if entry is None else entry[0]

    def said(self, where: tuple[Source, int]) -> Said:
        _page, offset, length = self._index[where]
        assert self._file is not None  # it holds what the index names
        self._file.flush()
        return Said(*marshal.loads(os.pread(self._file.fileno(), length, offset)))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
