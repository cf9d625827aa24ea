"""A closing run sends no more pages (:mod:`crawler.closespider`), unit by unit, and cuts
the downloads under way."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

import crawler.settings as project_settings
from archive.fetchstate import FetchState
from archive.testsite import SITE_ROOT
from crawler.budget import PageLimitReached
from crawler.closespider import (
    NOT_SENT_STAT,
    LeftForNextRun,
    StopSending,
    drop_queued,
    stop_sending,
)
from crawler.keys import KIND

from .conftest import FAST, SiteServer, run_cli, start_site_server, stop_site_server


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


# -- a download under way when the run closes ---------------------------------------------


class SignalAtSlowPage:
    """Test-only extension: SIGTERM once the slow page reaches the downloader."""

    def __init__(self) -> None:
        self.sent = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> SignalAtSlowPage:
        extension = cls()
        crawler.signals.connect(extension.reached, signal=signals.request_reached_downloader)
        return extension

    def reached(self, request: Any, **_: Any) -> None:
        if not self.sent and request.url.endswith(SLOW):
            self.sent = True
            os.kill(os.getpid(), signal.SIGTERM)


SLOW = "/world/africa/"


@pytest.fixture(scope="module")
def slow_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The test site with a start page that answers after 10 minutes."""
    root = tmp_path_factory.mktemp("slow-start") / "site"
    shutil.copytree(SITE_ROOT, root)
    config_path = root / "cnn" / "_server.json"
    config = json.loads(config_path.read_text())
    config["delays"] = {SLOW: 600}
    config_path.write_text(json.dumps(config))
    server = start_site_server(root)
    yield server
    stop_site_server(server)


@pytest.mark.parametrize("how", ["SIGTERM", "--max-runtime"])
def test_a_download_under_way_is_cut_when_the_run_closes_and_left_for_the_next(
    slow_start: SiteServer, tmp_path: Path, how: str
) -> None:
    """A closing run (a SIGTERM, --max-runtime) waited for the downloads under way, up to
    DOWNLOAD_TIMEOUT (here ten minutes, past the test's own limit): they are cut at once,
    nothing of them is written, and their pages stay in the frontier, with no error."""
    start = slow_start.url("cnn", SLOW)
    extensions = {**project_settings.EXTENSIONS, f"{__name__}.SignalAtSlowPage": 900}
    closing = (
        ["-s", f"EXTENSIONS={json.dumps(extensions)}"]
        if how == "SIGTERM"
        else ["--max-runtime", "1"]
    )
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST,
        "-s", "DOWNLOAD_TIMEOUT=600", *closing, timeout=60,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    (path,) = (tmp_path / "runs").glob("*.json")
    report = json.loads(path.read_text())
    if how == "SIGTERM":
        assert result.returncode == 143 and report["status"] == "interrupted", result.stderr
    else:
        assert result.returncode == 0 and report["status"] == "limited", result.stderr
        assert report["limitedBy"] == ["--max-runtime"]
    assert report["errors"] == {} and report["pagesFetched"] == 1  # robots.txt only
    assert not list((tmp_path / "warc").glob("*.open"))
    targets = []
    for warc in (tmp_path / "warc").glob("*.warc.gz"):
        with open(warc, "rb") as handle:
            targets += [
                r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle)
            ]
    assert start not in targets  # no record of the cut download, whole or half
    state = FetchState(tmp_path / "state" / "fetch.sqlite")
    assert [e.url for e in state.frontier("cnn") if not e.done] == [start]
    state.close()
