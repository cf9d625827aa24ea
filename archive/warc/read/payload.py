"""Reading one record's payload by offset, digests checked, and decoding it as Scrapy does.

The live spider sees the body after Scrapy's HttpCompressionMiddleware: transfer chunking
removed, then each ``Content-Encoding`` undone from the last one applied. :func:`decode_body`
does exactly that, so replayed pages are the bytes the spider analysed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from warcio.bufferedreaders import ChunkedDataReader

from archive.warc.bounded import MissingTargetURI, bounded
from archive.warc.encoding import DEFAULT_MAX_SIZE as DOWNLOAD_MAXSIZE
from archive.warc.encoding import decode_content

from .reader import QuietArchiveIterator, last_header
from .sources import Source


class RecordError(Exception):
    """A record that cannot be used: unreadable at its offset, or failing its digests."""


@dataclass
class Payload:
    """An HTTP message read from a record: headers and the payload as transferred."""

    headers: list[tuple[str, str]]
    raw: bytes  # de-chunked, content encodings intact (what Scrapy's downloader returns)
    status: int | None
    protocol: str


class OpenFiles:
    """Open sources, kept open between records (a worker reads many from each file)."""

    def __init__(self, limit: int = 8):
        self.limit = limit
        self.handles: dict[Source, IO[bytes]] = {}

    def get(self, source: Source) -> IO[bytes]:
        handle = self.handles.get(source)
        if handle is None:
            if len(self.handles) >= self.limit:
                self.close()
            handle = source.open()
            self.handles[source] = handle
        return handle

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


def read_payload(
    files: OpenFiles,
    source: Source,
    offset: int,
    *,
    check: bool = True,
    max_size: int = DOWNLOAD_MAXSIZE,
) -> Payload:
    """The HTTP message of the record at `offset`; RecordError if unreadable or corrupt.

    A payload longer than `max_size` (the live crawl's limit) is refused, not read whole.
    """
    handle = files.get(source)
    handle.seek(offset)
    iterator = bounded(QuietArchiveIterator(handle, check_digests=check))
    try:
        record = next(iter(iterator))
        block_rest = record.raw_stream.read(max_size + 1)
        if len(block_rest) > max_size:
            raise RecordError(f"too_large: payload longer than the limit of {max_size} bytes")
        missing = getattr(record.raw_stream, "limit", 0)
    except StopIteration:
        raise RecordError("no record at this offset") from None
    except RecordError:
        raise
    except MissingTargetURI as exc:
        raise RecordError(str(exc)) from None
    except Exception as exc:  # damage of any kind: one line for the report
        raise RecordError(f"unreadable record ({type(exc).__name__}: {exc})") from None
    if missing:
        raise RecordError(f"record truncated: {missing} bytes of its block missing")
    checker = getattr(record, "digest_checker", None)
    if check and checker is not None and checker.passed is False:
        raise RecordError("; ".join(checker.problems) or "digest mismatch")
    http = record.http_headers
    if http is None:
        return Payload(headers=[], raw=block_rest, status=None, protocol="")
    headers = list(http.headers)
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        status = None
    raw = block_rest
    if (last_header(headers, "transfer-encoding") or "").lower() == "chunked":
        raw = dechunk(raw)
    return Payload(headers=headers, raw=raw, status=status, protocol=http.protocol)


def dechunk(data: bytes) -> bytes:
    """Remove HTTP chunking (tools like wget store the body as it crossed the wire)."""
    try:
        return ChunkedDataReader(io.BytesIO(data)).read()
    except Exception:
        return data


def decode_body(
    raw: bytes, headers: list[tuple[str, str]], max_size: int = DOWNLOAD_MAXSIZE
) -> bytes:
    """Undo ``Content-Encoding`` as the live crawl does, never past `max_size` bytes.

    Raises :class:`~archive.warc.encoding.ContentDecodingError` (a bomb, or a body that
    is not encoded as declared).
    """
    return decode_content(raw, headers, max_size)
