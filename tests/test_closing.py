"""A closing run sends no more pages (:mod:`crawler.closespider`), unit by unit."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.budget import PageLimitReached
from crawler.closespider import (
    NOT_SENT_STAT,
    LeftForNextRun,
    StopSending,
    drop_queued,
    stop_sending,
)
from crawler.keys import KIND


def test_pages_pass_until_the_run_stops_sending_then_are_left_for_the_next() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    guard = StopSending.from_crawler(crawler)
    page = Request("http://127.0.0.1:9/a", meta={KIND: "article"})
    robots = Request("http://127.0.0.1:9/robots.txt")
    guard.process_request(page)  # passes: no exception
    assert stop_sending(crawler) == 0  # the engine never started: nothing was queued
    with pytest.raises(LeftForNextRun):
        guard.process_request(page)
    guard.process_request(robots)  # the fetches of a page on its way pass
    assert crawler.stats.get_value(NOT_SENT_STAT) == 1
    other = get_crawler()  # another crawl in the same process is not stopped
    StopSending.from_crawler(other).process_request(page)


def test_a_page_past_max_pages_is_left_for_the_next_run_too() -> None:
    assert issubclass(PageLimitReached, LeftForNextRun)
    assert drop_queued(get_crawler()) == 0
