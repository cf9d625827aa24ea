"""Byte-level shortcuts taken before a page is parsed agree with the plain way on every input."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.pages.encoding import is_utf8

# Multi-byte characters, a stray continuation byte, a cut sequence, an overlong form, a
# surrogate: each placed anywhere, chunk boundaries included.
_PIECES = [
    b"a",
    b"<p>",
    "é".encode(),
    "€".encode(),
    "😀".encode(),
    b"\x80",
    b"\xe2\x82",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
]


def _valid(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=0, max_value=20),
)
@example([b"\xe2\x82", b"\xac"], 1, 0)
@example(["😀".encode()], 3, 2)
def test_chunked_utf8_check_agrees_with_a_decode(pieces: list[bytes], chunk: int, pad: int) -> None:
    body = b"x" * pad + b"".join(pieces)
    assert is_utf8(body, chunk) == _valid(body)


def test_chunked_utf8_check_at_the_default_chunk_boundary() -> None:
    for offset in range((1 << 14) - 4, (1 << 14) + 1):
        body = b"x" * offset + "😀".encode() + b"y"
        assert is_utf8(body)
        assert not is_utf8(body[:-2] + b"y")
