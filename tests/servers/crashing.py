"""A Scrapy extension that breaks as the crawl starts: an internal error (exit 70) on cue,
for the tests of exit codes (``-s EXTENSIONS='{"tests.servers.crashing.Breaks": 0}'``)."""

from __future__ import annotations

from typing import Any


class Breaks:
    """Raises where a component of ours could: in ``from_crawler``, before any request."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Breaks:
        raise RuntimeError("a component broke as the crawl started")


class RaisesOnPages:
    """A spider middleware that raises as the spider reads each page, as a bug in a callback
    would (``-s SPIDER_MIDDLEWARES='{"tests.servers.crashing.RaisesOnPages": 1}'``)."""

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        raise TypeError("a callback broke on this page")
        yield  # an async generator, as Scrapy asks of this method

    def process_spider_output(self, response: Any, result: Any) -> Any:
        raise TypeError("a callback broke on this page")
        yield
