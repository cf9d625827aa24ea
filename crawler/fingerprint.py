"""Request fingerprints by canonical URL, so each page is fetched once per run.

``?utm_source=x``, ``#comments``, ``http:`` vs ``https:`` and ``edition.`` vs ``www.``
all name one page; Scrapy's duplicate filter sees them as one request.
"""

from __future__ import annotations

import hashlib

from scrapy import Request
from scrapy.crawler import Crawler

from .linkpolicy import dedup_key


class CanonicalRequestFingerprinter:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalRequestFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        hasher = hashlib.sha1()
        hasher.update(request.method.encode("ascii"))
        hasher.update(b"\0")
        hasher.update(dedup_key(request.url).encode("utf-8"))
        hasher.update(b"\0")
        hasher.update(request.body or b"")
        return hasher.digest()
