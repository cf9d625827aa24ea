"""Reading one record's payload by offset, digests checked, and decoding it as Scrapy does.

The live spider sees the body after Scrapy's HttpCompressionMiddleware: transfer chunking
removed, then each ``Content-Encoding`` undone from the last one applied. :func:`decode_body`
does exactly that, so replayed pages are the bytes the spider analysed.
"""

from __future__ import annotations

import base64
from typing import IO

from archive.warc.bounded import MissingTargetURI, bounded
from archive.warc.encoding import DEFAULT_MAX_SIZE as DOWNLOAD_MAXSIZE
from archive.warc.encoding import decode_content

from .reader import (
    Payload,
    QuietArchiveIterator,
    RecordError,
    payload_of,
    read_block,
)
from .sources import Source

__all__ = [
    "OpenFiles",
    "Payload",
    "RecordError",
    "decode_body",
    "read_payload",
]


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
    payload_digest: str | None = None,
) -> Payload:
    """The HTTP message of the record at `offset`; RecordError if unreadable or corrupt.

    A payload longer than `max_size` (the live crawl's limit) is refused, not read whole.
    With `payload_digest` (a revisit's, whose original an index placed here), a record that
    states another payload digest is refused: a stale index names another page's record.
    """
    handle = files.get(source)
    handle.seek(offset)
    iterator = bounded(QuietArchiveIterator(handle, check_digests=check))
    try:
        record = next(iter(iterator))
        block_rest = read_block(record, max_size)
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
    stated = record.rec_headers.get_header("WARC-Payload-Digest")
    if payload_digest and stated and not same_digest(stated, payload_digest):
        raise RecordError(
            f"the record named as the original of a revisit holds another payload ({stated},"
            f" not {payload_digest}): a stale index?"
        )
    return payload_of(record, block_rest, check)


def same_digest(one: str, other: str) -> bool:
    """Whether two WARC payload digests name one payload: ``sha1:ABC``, ``ABC`` and the
    hexadecimal form of the same SHA-1 are one."""
    return _base32(one) == _base32(other)


def _base32(digest: str) -> str:
    value = digest.split(":", 1)[-1].strip()
    if len(value) == 40:  # SHA-1 in hexadecimal, as some tools write it
        try:
            return base64.b32encode(bytes.fromhex(value)).decode()
        except ValueError:
            pass
    return value.upper()


def decode_body(
    raw: bytes, headers: list[tuple[str, str]], max_size: int = DOWNLOAD_MAXSIZE
) -> bytes:
    """Undo ``Content-Encoding`` as the live crawl does, never past `max_size` bytes.

    Raises :class:`~archive.warc.encoding.ContentDecodingError` (a bomb, or a body that
    is not encoded as declared).
    """
    return decode_content(raw, headers, max_size)
