"""Decoding a response body: HTTP charset, then the page's meta charset, then detection."""

from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

# Single-byte encodings that read ASCII bytes as ASCII: an ASCII body is its own UTF-8.
_ASCII_SUPERSETS = ("cp125", "iso8859-", "latin-1", "ascii", "koi8-", "mac-")


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: undecodable bytes become U+FFFD.

    A byte-order mark, then the HTTP charset, then the page's meta charset (w3lib's
    order), then :func:`undeclared_encoding`; UTF-16 labels as the WHATWG reads them.
    """
    bom_encoding, _ = read_bom(body)
    if bom_encoding is None:
        stated = stated_encoding(body, content_type)
        if stated is not None:
            encoding = declared_encoding(body, content_type)
            return to_unicode(body, encoding), encoding
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=undeclared_encoding)
    return text, encoding


def undeclared_encoding(body: bytes) -> str | None:
    """The encoding of a page that states none and is no valid UTF-8: Windows-1252 (what
    browsers read such pages as) unless most of its non-ASCII characters read as UTF-8 (a
    UTF-8 page with a stray byte); None: UTF-8. The five bytes Windows-1252 leaves
    undefined (browsers show control characters) become U+FFFD alone.
    """
    text = body.decode("utf-8", "replace")
    broken = text.count("\ufffd") - body.count("\ufffd".encode())
    if not broken:
        return None
    read = len(text) - len(text.encode("ascii", "ignore")) - broken
    return None if read > broken else "cp1252"


def utf8_html(body: bytes, content_type: str | None) -> tuple[bytes, str]:
    """The page as UTF-8 bytes for the parser, and the encoding :func:`decode_html` names.

    A body that already is valid UTF-8 in the encoding the page states (most pages) is
    returned as it is, without the decode and re-encode of a copy of every page.
    """
    bom_encoding, _ = read_bom(body)
    if bom_encoding is None:
        encoding = declared_encoding(body, content_type)
        if encoding in ("utf8", "utf-8"):
            if body.isascii():
                return body, encoding
            if is_utf8(body):
                return body, encoding
        elif body.isascii() and _ascii_superset(encoding):
            return body, encoding
    text, encoding = decode_html(body, content_type)
    return text.encode("utf-8", "surrogatepass"), encoding


def read_as_utf8(body: bytes, content_type: str | None) -> tuple[str, bool] | None:
    """The encoding name :func:`utf8_html` gives a `body` it reads as UTF-8 by what the page
    states (no byte-order mark; a UTF-8 charset, or none and all of it UTF-8), and whether
    all of `body` was found UTF-8 on the way (so no part of it needs the check again); else
    None.

    A page that states nothing and is no valid UTF-8 is read as :func:`undeclared_encoding`
    finds from all its bytes, those of its scripts too.
    """
    if read_bom(body)[0] is not None:
        return None
    stated = stated_encoding(body, content_type)
    if stated is None:
        return ("utf8", True) if is_utf8(body) else None
    return (stated, False) if stated in ("utf8", "utf-8") else None


def is_utf8(body: bytes, chunk: int = 1 << 14) -> bool:
    """Whether `body` is valid UTF-8, checked in chunks.

    Decoding a multi-megabyte page in one piece builds a string of up to four bytes per
    character only to drop it; chunks of 16 KiB (with the string of each) stay in the CPU's
    cache and cost a twentieth of that, half of what chunks of 64 KiB cost. A chunk all
    ASCII, with no sequence left open before it, is valid as it is: most of a large page's
    chunks are, and telling one costs a tenth of decoding it.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    open_sequence = False  # the decoder holds the first bytes of a character
    try:
        for start in range(0, len(body), chunk):
            piece = body[start : start + chunk]
            if open_sequence or not piece.isascii():
                decoder.decode(piece)
                open_sequence = bool(decoder.getstate()[0])
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def stated_encoding(body: bytes, content_type: str | None) -> str | None:
    """The charset of the HTTP header, else of the page's meta tags (None: neither states one).

    A meta tag stating UTF-16 or UTF-32 was read from bytes in an ASCII-compatible
    encoding, so it is wrong about them: UTF-8, as the WHATWG prescan takes it.
    """
    header = http_content_type_encoding(content_type)
    if header is not None:
        return header
    meta = html_body_declared_encoding(body)
    if meta is not None and meta.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return meta


def declared_encoding(body: bytes, content_type: str | None) -> str:
    """The encoding :func:`decode_html` picks for a body without a byte-order mark that
    states one, or is valid UTF-8 ("utf8" for one that states none). "utf-16" without a
    byte-order mark is little-endian (the WHATWG label), "utf-32" big-endian (w3lib's)."""
    encoding = stated_encoding(body, content_type)
    if encoding is None:
        return "utf8"
    if encoding == "utf-16":
        return "utf-16-le"
    if encoding == "utf-32":
        return "utf-32-be"
    return encoding


def _ascii_superset(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(_ASCII_SUPERSETS)
