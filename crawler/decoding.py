"""Content decoding that names its failures: a bomb, or a body that lies about its encoding.

Scrapy's HttpCompressionMiddleware already stops a body that inflates past
``DOWNLOAD_MAXSIZE`` (so memory stays bounded) and raises whatever the codec raised for a
body that is not what its ``Content-Encoding`` says. This subclass turns both into
failures the run report counts by kind. The WARC keeps the bytes as received either way:
the recorder writes them before any decoding.
"""

from __future__ import annotations

import zlib
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse

from .keys import UNDECODABLE


class DecodingFailed(IgnoreRequest):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.newsarchive_kind = kind


def brotli_decodes() -> bool:
    """Whether Scrapy can inflate ``br`` here: it needs Google's ``brotli`` >= 1.2 API, which
    another package of the same import name (``brotlipy``, pulled in by pywb) may shadow."""
    try:
        import brotli
    except ImportError:
        return False
    return hasattr(brotli.Decompressor(), "process")


def accepted_encodings() -> bytes:
    """The ``Accept-Encoding`` to send: only what can be decoded."""
    names = [b"gzip", b"deflate", b"br", b"zstd"]
    if not brotli_decodes():
        names.remove(b"br")
    return b", ".join(names)


class NamedDecodingMiddleware(HttpCompressionMiddleware):
    """Scrapy's decoding, advertising only codecs that work, failures named for the report."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NamedDecodingMiddleware:
        if not crawler.settings.getbool("NEWSARCHIVE_DECODING_ENABLED"):
            raise NotConfigured
        return cls(crawler=crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        request.headers.setdefault("Accept-Encoding", self.accept)
        return None

    @property
    def accept(self) -> bytes:
        if not hasattr(self, "_accept"):
            self._accept = accepted_encodings()
        return self._accept

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        failed = request.meta.get(UNDECODABLE)
        if failed:  # an archived body crawler.fromarchive could not decode within the limit
            raise DecodingFailed(*failed)
        try:
            return super().process_response(request, _untyped(request, response))
        except IgnoreRequest as exc:
            raise DecodingFailed("decompression_bomb", str(exc)) from exc
        except (OSError, EOFError, ValueError, zlib.error, Exception) as exc:
            encoding = b",".join(response.headers.getlist("Content-Encoding")).decode("latin-1")
            raise DecodingFailed(
                "bad_encoding", f"body is not {encoding or 'encoded'} as declared: {exc}"
            ) from exc


def _untyped(request: Request, response: Response) -> Response:
    """A still-encoded text response as a plain :class:`Response` (same attributes).

    Scrapy's decoder copies the encoded response with ``replace()``, which reads
    ``TextResponse.encoding`` on the gzip bytes: no charset is declared there, so Scrapy
    guessed one with charset_normalizer on every page (~10 ms each) and threw it away.
    """
    if (
        request.method == "HEAD"
        or not isinstance(response, TextResponse)
        or not response.headers.getlist("Content-Encoding")
    ):
        return response
    return Response(**{name: getattr(response, name) for name in Response.attributes})
