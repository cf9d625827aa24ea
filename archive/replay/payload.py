"""Reading one record's payload by offset, digests checked, and decoding it as Scrapy does.

The live spider sees the body after Scrapy's HttpCompressionMiddleware: transfer chunking
removed, then each ``Content-Encoding`` undone from the last one applied. :func:`decode_body`
does exactly that, so replayed pages are the bytes the spider analysed.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from gzip import GzipFile
from typing import IO

from warcio.bufferedreaders import ChunkedDataReader

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


def read_payload(files: OpenFiles, source: Source, offset: int, *, check: bool = True) -> Payload:
    """The HTTP message of the record at `offset`; RecordError if unreadable or corrupt."""
    handle = files.get(source)
    handle.seek(offset)
    iterator = QuietArchiveIterator(handle, check_digests=check)
    try:
        record = next(iter(iterator))
        block_rest = record.raw_stream.read()
        missing = getattr(record.raw_stream, "limit", 0)
    except StopIteration:
        raise RecordError("no record at this offset") from None
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


def decode_body(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """Undo ``Content-Encoding`` as Scrapy's HttpCompressionMiddleware does."""
    encodings = [
        part.strip().lower()
        for name, value in headers
        if name.lower() == "content-encoding"
        for part in value.split(",")
    ]
    body = raw
    while encodings:
        encoding = encodings.pop()
        decoder = _DECODERS.get(encoding)
        if decoder is None:
            break
        body = decoder(body)
    return body


def _gunzip(data: bytes) -> bytes:
    stream = GzipFile(fileobj=io.BytesIO(data))
    out = io.BytesIO()
    while True:
        try:
            chunk = stream.read1(65536)
        except (OSError, EOFError, struct.error):
            if out.getbuffer().nbytes > 0:
                break
            raise
        if not chunk:
            break
        out.write(chunk)
    return out.getvalue()


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data)
    except zlib.error:
        return zlib.decompressobj(wbits=-15).decompress(data)


def _unbrotli(data: bytes) -> bytes:
    try:
        import brotli
    except ImportError:
        import brotlicffi as brotli
    decompressed: bytes = brotli.Decompressor().process(data)
    return decompressed


def _unzstd(data: bytes) -> bytes:
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    out = io.BytesIO()
    reader = zstd.ZstdFile(io.BytesIO(data))
    while True:
        try:
            chunk = reader.read(65536)
        except EOFError:
            break
        if not chunk:
            break
        out.write(chunk)
    return out.getvalue()


_DECODERS = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}
