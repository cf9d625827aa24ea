"""The HTTP download handler, noting the moment each fetch begins (the capture's WARC-Date)."""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response

FETCH_START = "newsarchive_fetch_start"


class TimedHTTPDownloadHandler(HTTP11DownloadHandler):
    async def download_request(self, request: Request) -> Response:
        request.meta[FETCH_START] = time.time()
        return await super().download_request(request)
