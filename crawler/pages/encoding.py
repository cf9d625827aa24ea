"""Decoding a response body: HTTP charset, then the page's meta charset, then detection."""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: undecodable bytes become U+FFFD."""
    encoding, text = html_to_unicode(content_type, body)
    return text, encoding
