"""The offline readers' bounded payload decoder (``archive.warc.encoding``)."""

from __future__ import annotations

import gzip
import zlib

import pytest

from archive.warc.encoding import ContentDecodingError, decode_content

TEXT = b"<html><body>" + b"a fine page " * 1000 + b"</body></html>"


def _enc(value: str) -> list[tuple[str, str]]:
    return [("Content-Type", "text/html"), ("Content-Encoding", value)]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (gzip.compress(TEXT), "gzip"),
        (gzip.compress(TEXT[:500]) + gzip.compress(TEXT[500:]), "gzip"),  # two members
        (zlib.compress(TEXT), "deflate"),
        (zlib.compress(TEXT, wbits=-15), "deflate"),  # raw deflate
        (gzip.compress(gzip.compress(TEXT)), "gzip, gzip"),
        (TEXT, "identity"),
    ],
    ids=["gzip", "two-members", "zlib", "raw-deflate", "gzip-gzip", "identity"],
)
def test_decodes_what_a_server_sends(encoded: bytes, encoding: str) -> None:
    assert decode_content(encoded, _enc(encoding), 1 << 20) == TEXT


def test_zstd_decodes_and_stops_at_the_limit() -> None:
    try:
        from compression import zstd  # type: ignore[import-not-found]
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
