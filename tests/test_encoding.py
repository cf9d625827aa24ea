"""The offline readers' bounded payload decoder (``archive.warc.encoding``)."""

from __future__ import annotations

import gzip
import zlib

import pytest

from archive.warc.encoding import ContentDecodingError, decode_content

TEXT = b"<html><body>" + b"a fine page " * 1000 + b"</body></html>"


def raw_deflate(data: bytes) -> bytes:
    """A raw deflate stream (no zlib header), as some servers send ``deflate``."""
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


def _enc(value: str) -> list[tuple[str, str]]:
    return [("Content-Type", "text/html"), ("Content-Encoding", value)]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (gzip.compress(TEXT), "gzip"),
        (gzip.compress(TEXT[:500]) + gzip.compress(TEXT[500:]), "gzip"),  # two members
        (zlib.compress(TEXT), "deflate"),
        (raw_deflate(TEXT), "deflate"),
        (gzip.compress(gzip.compress(TEXT)), "gzip, gzip"),
        (TEXT, "identity"),
    ],
    ids=["gzip", "two-members", "zlib", "raw-deflate", "gzip-gzip", "identity"],
)
def test_decodes_what_a_server_sends(encoded: bytes, encoding: str) -> None:
    assert decode_content(encoded, _enc(encoding), 1 << 20) == TEXT


def test_zstd_decodes_and_stops_at_the_limit() -> None:
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    assert decode_content(zstd.compress(TEXT), _enc("zstd"), 1 << 20) == TEXT
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(zstd.compress(bytes(4 << 20)), _enc("zstd"), 1 << 20)
    assert caught.value.kind == "decompression_bomb"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
def test_a_bomb_stops_at_the_limit(encoding: str) -> None:
    body = bytes(8 << 20)
    for layer in reversed([e.strip() for e in encoding.split(",")]):
        body = gzip.compress(body) if layer == "gzip" else zlib.compress(body)
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(body, _enc(encoding), 1 << 20)
    assert caught.value.kind == "decompression_bomb"


def test_a_lying_encoding_and_too_many_layers_are_bad_encoding() -> None:
    for body, encoding in ((TEXT, "gzip"), (TEXT, "gzip, gzip, gzip, gzip, gzip")):
        with pytest.raises(ContentDecodingError) as caught:
            decode_content(body, _enc(encoding), 1 << 20)
        assert caught.value.kind == "bad_encoding"


def test_a_cut_tail_keeps_what_was_decoded_and_unknown_encodings_stay() -> None:
    cut = gzip.compress(TEXT)[:-12]
    assert TEXT.startswith(decode_content(cut, _enc("gzip"), 1 << 20)[:100])
    assert decode_content(TEXT, _enc("compress"), 1 << 20) == TEXT


def test_the_offline_limit_is_the_live_one() -> None:
    from archive.warc.encoding import DEFAULT_MAX_SIZE
    from crawler import settings

    assert DEFAULT_MAX_SIZE == settings.DOWNLOAD_MAXSIZE


def _outcome(body: bytes, encoding: str) -> tuple[str, bytes | str]:
    try:
        return "body", decode_content(body, _enc(encoding), 1 << 20)
    except ContentDecodingError as exc:
        return exc.kind, str(exc)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


GZ = gzip.compress(TEXT)
DAMAGED = [
    (GZ, "gzip"),
    (GZ + GZ, "gzip"),
    (GZ + b"\0\0\0", "gzip"),  # zero padding after the member
    (GZ + b"trailing junk", "gzip"),  # kept: the good member, as zlib keeps it
    (GZ[:-12], "gzip"),  # a cut tail
    (GZ[:-8] + b"\0\0\0\0" + GZ[-4:], "gzip"),  # a wrong CRC
    (GZ[:-4] + b"\1\0\0\0", "gzip"),  # a wrong length
    (GZ[:10] + b"\xff" * 40, "gzip"),  # garbage after a header
    (zlib.compress(TEXT)[:-1] + b"\0", "deflate"),  # a wrong Adler-32
    (_raw_deflate(TEXT)[:-3], "deflate"),  # raw deflate cut short
    (gzip.compress(bytes(3 << 20)), "gzip"),  # a bomb
    (gzip.compress(bytes(1 << 20)), "gzip"),  # exactly the limit
    (gzip.compress(bytes((1 << 20) + 1)), "gzip"),  # one byte past it
]


@pytest.mark.parametrize(("body", "encoding"), DAMAGED, ids=range(len(DAMAGED)))
def test_isa_l_decodes_exactly_as_zlib(
    body: bytes, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast inflate is used only where it gives zlib's bytes; damage is zlib's to judge."""
    from archive.warc import encoding as module

    pytest.importorskip("isal")
    assert module._fast_zlib is not None
    fast = _outcome(body, encoding)
    monkeypatch.setattr(module, "_fast_zlib", None)
    assert fast == _outcome(body, encoding)


def test_a_clean_stream_is_inflated_by_isa_l() -> None:
    from archive.warc import encoding as module

    isal_zlib = pytest.importorskip("isal.isal_zlib")
    assert module._clean_stream(isal_zlib, GZ + GZ, 31, 1 << 20, members=True) == TEXT + TEXT
    assert module._clean_stream(isal_zlib, GZ[:-12], 31, 1 << 20, members=True) is None


def test_brotli_decodes_and_stops_at_the_limit_whatever_module_is_called_brotli() -> None:
    """pywb pulls in brotlipy, whose module of Google's name ``brotli`` cannot stop at a
    size: archived ``br`` bodies (every browser-driven crawler's WARCs hold them) were
    refused as ``bad_encoding`` wherever it was installed."""
    import brotlicffi

    assert decode_content(brotlicffi.compress(TEXT), _enc("br"), 1 << 20) == TEXT
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(brotlicffi.compress(bytes(8 << 20)), _enc("br"), 1 << 20)
    assert caught.value.kind == "decompression_bomb"
    with pytest.raises(ContentDecodingError) as caught:
        decode_content(TEXT, _enc("br"), 1 << 20)
    assert caught.value.kind == "bad_encoding"
