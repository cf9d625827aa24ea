"""Reading WARC records with bounded header lines, for every reader of archives.

warcio reads a record's WARC and HTTP header lines with an unbounded ``readline``: a file
of data without newlines (64 MiB of zeros in a 65 KB ``.warc.gz``) makes one line of all
of it, and each reader held it, copied it and printed it. Here a header line longer than
:data:`MAX_LINE`, or a header block longer than :data:`MAX_HEADER_BLOCK`, is damage:
:class:`LineTooLong` names it, and the reader reports the record and goes on.
"""

from __future__ import annotations

from typing import Any, TypeVar

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

# A header line, WARC or HTTP (the live crawl's HTTP client allows 16 KiB per line).
MAX_LINE = 64 * 1024
# All header lines of one block together.
MAX_HEADER_BLOCK = 1024 * 1024


class LineTooLong(ValueError):
    """A header line or header block over its bound: damage, not a record."""


class MissingTargetURI(ValueError):
    """A request, response or revisit with no ``WARC-Target-URI``: nothing says what it
    captured (warcio itself fails on it with a Python error of its own)."""

    def __init__(self, rec_type: str, offset: int):
        super().__init__(f"a {rec_type} record with no WARC-Target-URI")
        self.offset = offset  # where the record starts

    def line(self) -> str:
        """The one line a reader prints: which record, and what it lacks."""
        return f"record at offset {self.offset}: {self}"


class BoundedReader(DecompressingBufferedReader):
    """warcio's reader whose ``readline`` stops at :data:`MAX_LINE` bytes.

    Consecutive lines (a header block) are also counted: a blank line or a block read
    (``read``) starts a new count.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._block = 0

    def readline(self, length: int | None = None) -> bytes:
        bound = MAX_LINE + 1 if length is None or length > MAX_LINE + 1 else length
        buff = self.buff
        if bound > 0 and buff is not None and buff.tell() < self.buff_size:
            line = self._buffered_line(buff, bound)
        else:
            line = super().readline(bound)
        if len(line) > MAX_LINE:
            raise LineTooLong(f"a header line longer than {MAX_LINE} bytes")
        if line.strip():
            self._block += len(line)
            if self._block > MAX_HEADER_BLOCK:
                raise LineTooLong(f"a header block longer than {MAX_HEADER_BLOCK} bytes")
        else:
            self._block = 0
        return line

    def _buffered_line(self, buff: Any, length: int) -> bytes:
        """warcio's ``readline`` for a buffer holding data, without its per-line checks
        (the line, and any part of it in the next buffers, exactly as warcio reads them)."""
        linebuff: bytes = buff.readline(length)
        while not linebuff.endswith(b"\n"):
            length -= len(linebuff)
            if length <= 0:
                break
            self._fillbuff()
            if self.empty():
                break
            linebuff += self.buff.readline(length)
        return linebuff

    def read(self, length: int | None = None) -> bytes:
        self._block = 0
        data: bytes = super().read(length)
        return data


Iterator = TypeVar("Iterator", bound=ArchiveIterator)


def bounded(iterator: Iterator) -> Iterator:
    """`iterator` (an ArchiveIterator just made) reading through a :class:`BoundedReader`,
    a record with no ``WARC-Target-URI`` named by :class:`MissingTargetURI`."""
    old = iterator.reader
    iterator.reader = BoundedReader(iterator.fh, block_size=old.block_size)
    loader = iterator.loader
    read_http_headers = loader.load_http_headers

    def load_http_headers(rec_type: str, uri: str | None, stream: Any, length: int) -> Any:
        # warcio calls uri.startswith() here for the record types with HTTP headers.
        if uri is None and length != 0 and rec_type in loader.HTTP_RECORDS:
            raise MissingTargetURI(rec_type, iterator.offset)
        return read_http_headers(rec_type, uri, stream, length)

    loader.load_http_headers = load_http_headers
    return iterator
