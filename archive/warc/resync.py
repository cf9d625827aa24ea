"""Where a record of an uncompressed WARC file ends when its Content-Length names no end.

warcio stops at such a record (``abc`` reads as 0, the block as the next record's head),
and a ``WARC/1.`` line after a blank line may as well be a line of its block (an archived
``.warc`` download, a page quoting one) as the next record's start. The record's
``WARC-Block-Digest`` tells them apart: the block ends where the bytes since its header
block have that digest, and the record after it starts past the two CRLFs that end it.
Without a digest, or where no such place is found, nothing says where the block ends.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import IO, Any

from .bounded import MAX_HEADER_BLOCK, MAX_LINE

_MAGIC = b"WARC/1."
_END = b"\r\n\r\n"  # what ends every record (WARC 1.1, section 4)
_CHUNK = 1 << 20


def record_after(handle: IO[bytes], at: int, size: int) -> int | None:
    """The offset of the record following the one at `at` (`size`: it was the last),
    found by that record's block digest; None when nothing proves where its block ends."""
    block_start, digest = _head(handle, at)
    if block_start is None or digest is None:
        return None
    algorithm, expected = digest
    hasher = hashlib.new(algorithm)
    hashed = block_start  # the bytes up to here are in `hasher`
    position = block_start
    while True:
        candidate = _next_start(handle, position, size)
        end = (candidate if candidate >= 0 else size) - len(_END)
        if end >= hashed and _ends_record(handle, end):
            hashed = _feed(handle, hasher, hashed, end)
            if hasher.copy().digest() == expected:
                return end + len(_END)
        if candidate < 0:
            return None
        position = candidate + 1


def _head(handle: IO[bytes], at: int) -> tuple[int | None, tuple[str, bytes] | None]:
    """Where the block of the record at `at` starts, and its block digest (algorithm, raw
    bytes); (None, None) for a header block that does not end within the readers' bound."""
    handle.seek(at)
    digest = None
    read = 0
    while read <= MAX_HEADER_BLOCK:
        line = handle.readline(MAX_LINE + 1)
        read += len(line)
        if not line or len(line) > MAX_LINE:
            return None, None
        if not line.strip():
            return at + read, digest
        name, sep, value = line.decode("latin-1").partition(":")
        if sep and digest is None and name.strip().lower() == "warc-block-digest":
            digest = _parse(value.strip())
    return None, None


def _parse(value: str) -> tuple[str, bytes] | None:
    """A digest as WARC writers state it (``sha1:BASE32``; base16 and base64 too)."""
    algorithm, sep, text = value.partition(":")
    algorithm = algorithm.strip().lower()
    if not sep or algorithm not in hashlib.algorithms_guaranteed:
        return None
    size = hashlib.new(algorithm).digest_size
    for decode in (base64.b32decode, base64.b16decode, base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(text.strip().upper() if decode is not base64.b64decode else text.strip())
        except (binascii.Error, ValueError):
            continue
        if len(raw) == size:
            return algorithm, raw
    return None


def _next_start(handle: IO[bytes], position: int, size: int) -> int:
    """The next ``WARC/1.x`` at or after `position` that follows the end of a record."""
    carry = b""
    start = position
    while start < size:
        handle.seek(start)
        chunk = handle.read(_CHUNK)
        if not chunk:
            return -1
        data = carry + chunk
        base = start - len(carry)
        found = data.find(_MAGIC)
        while found >= 0:
            at = base + found
            if _ends_record(handle, at - len(_END)):
                handle.seek(at + len(_MAGIC))
                if handle.read(1).isdigit():
                    return at
            found = data.find(_MAGIC, found + 1)
        carry = data[-(len(_MAGIC) - 1) :]
        start += len(chunk)
    return -1


def _ends_record(handle: IO[bytes], end: int) -> bool:
    """Whether the two CRLFs that end a record stand at `end`."""
    if end < 0:
        return False
    handle.seek(end)
    return handle.read(len(_END)) == _END


def _feed(handle: IO[bytes], hasher: Any, start: int, end: int) -> int:
    """Bytes `start` to `end` of the file into `hasher`; returns `end`."""
    handle.seek(start)
    left = end - start
    while left > 0:
        chunk = handle.read(min(left, _CHUNK))
        if not chunk:
            break
        hasher.update(chunk)
        left -= len(chunk)
    return end
