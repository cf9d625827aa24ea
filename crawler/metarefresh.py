"""Meta-refresh redirects without decoding every page: the head's bytes rule most pages out.

Scrapy's MetaRefreshMiddleware reads ``response.text`` to look at its first 4,096
characters, which decodes the whole body (and guesses an encoding with charset_normalizer
when none is declared and the bytes are not UTF-8). Pages that redirect this way say
``refresh`` in their head: a page whose first bytes never say it is passed on untouched,
and any other page goes through Scrapy's own reading, so redirects work as before.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# Scrapy scans 4,096 characters; no encoding spends more than 4 bytes on one.
HEAD_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, decoding only pages whose head may hold one."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        # Off: every page goes through Scrapy's reading, as with its own middleware.
        self.prefilter = settings.getbool("NEWSARCHIVE_METAREFRESH_ENABLED")

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if self.prefilter and isinstance(response, TextResponse) and no_refresh(response):
            return response
        return super().process_response(request, response)


def no_refresh(response: TextResponse) -> bool:
    """True when the head cannot hold a meta refresh in any encoding that keeps ASCII."""
    head = response.body[:HEAD_BYTES]
    if b"\x00" in head or not _ascii_encoding(response):
        return False  # UTF-16/32, EBCDIC...: let Scrapy decode and read it
    return b"refresh" not in head.lower()


def _ascii_encoding(response: TextResponse) -> bool:
    """Whether the BOM, the HTTP header or a meta charset name an encoding that keeps ASCII."""
    encoding = read_bom(response.body)[0]
    if encoding is None:
        header = response.headers.get(b"Content-Type") or b""
        encoding = http_content_type_encoding(header.decode("latin-1"))
    if encoding is None:
        encoding = html_body_declared_encoding(response.body)
    if encoding is None:
        return True
    try:
        return "refresh".encode(encoding) == b"refresh"
    except (LookupError, UnicodeError):
        return False
