"""A Scrapy extension that breaks as the crawl starts: an internal error (exit 70) on cue,
for the tests of exit codes (``-s EXTENSIONS='{"tests.servers.crashing.Breaks": 0}'``)."""

from __future__ import annotations

from typing import Any


class Breaks:
    """Raises where a component of ours could: in ``from_crawler``, before any request."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Breaks:
        raise RuntimeError("a component broke as the crawl started")
