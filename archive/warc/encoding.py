"""Undoing an archived payload's ``Content-Encoding`` within a size limit, as the live crawl does.

The live crawl decodes through Scrapy, which stops a body that inflates past
``DOWNLOAD_MAXSIZE``; the offline readers (replay, ``crawl --from-archive``) decode
archived payloads here, with the same limit, so a gzip bomb or a ``gzip, gzip`` stack
costs at most the limit in memory whichever path reads it. Failures carry the kind the
live crawl reports: ``decompression_bomb`` or ``bad_encoding``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from types import ModuleType

_fast_zlib: ModuleType | None
try:  # ISA-L's inflate: the same bytes as zlib's, in less than half the CPU
    from isal import isal_zlib as _fast_zlib
except ImportError:  # pragma: no cover - a platform without its wheel: zlib alone
    _fast_zlib = None

# The live crawl's limit (Scrapy's DOWNLOAD_MAXSIZE as crawler/settings.py sets it), for
# readers that run without the crawl's settings.
DEFAULT_MAX_SIZE = 20 * 1024 * 1024
_CHUNK = 1 << 16
_STEP = 1 << 20  # output per zlib/zstd call: the limit is never held twice
# Layers of encodings undone at most; more is no page a server sends.
MAX_LAYERS = 4


class ContentDecodingError(Exception):
    """A payload that cannot be decoded within the limit, with the report's kind."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def content_encodings(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Every ``Content-Encoding`` applied, in the order applied (``identity`` left out)."""
    return [
        part.strip().lower()
        for name, value in headers
        if name.lower() == "content-encoding"
        for part in value.split(",")
        if part.strip() and part.strip().lower() != "identity"
    ]


def decode_content(raw: bytes, headers: Iterable[tuple[str, str]], max_size: int) -> bytes:
    """`raw` with its content encodings undone, last applied first.

    Raises :class:`ContentDecodingError` when a layer would pass `max_size` bytes
    (``decompression_bomb``) or is not what it says (``bad_encoding``). An encoding this
    module does not know is left in place, as Scrapy leaves it.
    """
    encodings = content_encodings(headers)
    if len(encodings) > MAX_LAYERS:
        raise ContentDecodingError(
            "bad_encoding", f"{len(encodings)} content encodings (at most {MAX_LAYERS})"
        )
    body = raw
    while encodings:
        encoding = encodings.pop()
        decoder = _DECODERS.get(encoding)
        if decoder is None:
            break
        try:
            body = decoder(body, max_size)
        except ContentDecodingError:
            raise
        except Exception as exc:  # zlib.error, EOFError, a codec's own errors
            raise ContentDecodingError(
                "bad_encoding", f"body is not {encoding} as declared: {exc}"
            ) from None
    return body


def _bomb(max_size: int) -> ContentDecodingError:
    return ContentDecodingError(
        "decompression_bomb", f"decoded body larger than the limit of {max_size} bytes"
    )


def _zlib_stream(data: bytes, wbits: int, max_size: int, *, members: bool) -> bytes:
    """Inflate `data` (several gzip members when `members`), never past `max_size` bytes.

    A stream that ISA-L inflates cleanly (every member ends, checksums hold, within the
    limit) is taken from it; anything else (damage, a cut tail, a bomb) is inflated again
    by zlib, so what is kept and what is reported stays exactly zlib's.
    """
    if _fast_zlib is not None:
        clean = _clean_stream(_fast_zlib, data, wbits, max_size, members=members)
        if clean is not None:
            return clean
    return _zlib_stream_with(zlib, data, wbits, max_size, members=members)


def _clean_stream(
    module: ModuleType, data: bytes, wbits: int, max_size: int, *, members: bool
) -> bytes | None:
    """`data` inflated by `module` if every member ends cleanly within `max_size`, else None."""
    parts: list[bytes] = []
    size = 0
    try:
        while True:
            decompressor = module.decompressobj(wbits)
            part = decompressor.decompress(data, max_size + 1 - size)
            parts.append(part)
            size += len(part)
            if size > max_size or not decompressor.eof:
                return None
            data = decompressor.unused_data
            if not members or not data.strip(b"\0"):
                return part if len(parts) == 1 else b"".join(parts)
    except Exception:  # damage: zlib decides what of it is kept
        return None


def _zlib_stream_with(
    module: ModuleType, data: bytes, wbits: int, max_size: int, *, members: bool
) -> bytes:
    out = bytearray()
    decompressor = module.decompressobj(wbits)
    while True:
        try:
            chunk = decompressor.decompress(data, min(_STEP, max_size + 1 - len(out)))
        except zlib.error:
            if out:  # a cut tail after good data: keep what was decoded, as Scrapy does
                break
            raise
        out += chunk
        if len(out) > max_size:
            raise _bomb(max_size)
        if decompressor.eof:
            data = decompressor.unused_data
            if not members or not data.strip(b"\0"):
                break
            decompressor = module.decompressobj(wbits)
            continue
        data = decompressor.unconsumed_tail
        if not data and not chunk:  # input used up and nothing more pending
            break
    return bytes(out)


def _gunzip(data: bytes, max_size: int) -> bytes:
    return _zlib_stream(data, 16 + zlib.MAX_WBITS, max_size, members=True)


def _inflate(data: bytes, max_size: int) -> bytes:
    try:
        return _zlib_stream(data, zlib.MAX_WBITS, max_size, members=False)
    except zlib.error:  # raw deflate, as some servers send it
        return _zlib_stream(data, -zlib.MAX_WBITS, max_size, members=False)


def _unbrotli(data: bytes, max_size: int) -> bytes:
    # brotlicffi first: its name is its own, where ``brotli`` may be brotlipy (pywb pulls it
    # in, and it shadows Google's module of that name) which cannot stop at a size.
    try:
        import brotlicffi as brotli
    except ImportError:
        import brotli
    decompressor = brotli.Decompressor()
    if not hasattr(decompressor, "is_finished"):
        # Only brotlicffi and Google's brotli >= 1.2 can stop at a size; the live crawl does
        # not offer br without one, and reports a server that sends it anyway the same way.
        raise ContentDecodingError("bad_encoding", "br cannot be decoded within a limit here")
    out = bytearray(decompressor.process(data, output_buffer_limit=_CHUNK))
    while not decompressor.is_finished() and len(out) <= max_size:
        chunk = decompressor.process(b"", output_buffer_limit=_CHUNK)
        if not chunk:
            break
        out += chunk
    if len(out) > max_size:
        raise _bomb(max_size)
    return bytes(out)


def _unzstd(data: bytes, max_size: int) -> bytes:
    try:
        from compression import zstd  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        from backports import zstd
    out = bytearray()
    decompressor = zstd.ZstdDecompressor()
    while True:
        out += decompressor.decompress(data, max_length=min(_STEP, max_size + 1 - len(out)))
        data = b""
        if len(out) > max_size:
            raise _bomb(max_size)
        if decompressor.eof or decompressor.needs_input:
            break
    if decompressor.eof and decompressor.unused_data.strip(b"\0"):
        more = _unzstd(decompressor.unused_data, max_size - len(out))
        out += more
    return bytes(out)


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}
