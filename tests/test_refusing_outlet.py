"""A live crawl of an outlet that refuses every request stops asking and names ``--via``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from .conftest import FAST, REPO, run_cli, start_site_server, stop_site_server

SITE = REPO / "archive" / "testsite" / "site" / "reuters"
ARTICLES = [
    "/article/2013/01/17/us-mali-algeria-idUSBRE90G0XY20130117",
    "/article/2013/01/18/us-mali-rebels-idUSBRE90H0AO20130118",
    "/article/2013/01/19/us-mali-segou-idUSBRE90I0QQ20130119",
    "/article/2013/01/20/us-mali-blocked-idUSBRE90J0ZZ20130120",
    "/world/africa/mali-gao-market-reopens-2021-05-25/",
]


def refused_crawl(
    tmp_path: Path, statuses: dict[str, int], *extra: str
) -> tuple[subprocess.CompletedProcess[str], dict, str]:
    """A crawl of the Reuters test site from the pages of `statuses`, which answer those
    statuses: its result, its run report and the site's host."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root / "reuters")
    (root / "reuters" / "_server.json").write_text(json.dumps({"statuses": statuses}))
    server = start_site_server(root)
    try:
        starts = [arg for path in statuses for arg in ("--start-url", server.url("reuters", path))]
        data = tmp_path / "data"
        result = run_cli("crawl", "reuters", "--data", str(data), *starts, *FAST, *extra)
    finally:
        stop_site_server(server)
    report = json.loads(next((data / "runs").glob("*.json")).read_text())
    return result, report, server.url("reuters", "")[len("http://") :]


def test_an_outlet_refusing_every_request_is_given_up(tmp_path: Path) -> None:
    # One request at a time, so the decision comes before the next request is sent.
    statuses = dict.fromkeys(ARTICLES, 401)
    result, report, host = refused_crawl(tmp_path, statuses, "-s", "CONCURRENT_REQUESTS=1")
    assert report["refusedBy"] == [host]
    assert report["pagesByStatus"]["401"] == 3
    assert report["errors"]["outlet_refuses"]["count"] == 2
    assert report["exitCode"] == 1 and "--via wayback" in report["message"]
    lines = [line for line in result.stderr.splitlines() if "refused every request" in line]
    assert len(lines) == 1 and "newsarchive crawl reuters --via" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_outlet_refusing_the_few_pages_it_was_asked_is_given_up_too(tmp_path: Path) -> None:
    """Each outlet starts from two pages (its section and its sitemap): both refused, the
    count stopped at 2 of the 3 the rule waits for, and the run said "ok", exit 0."""
    result, report, host = refused_crawl(tmp_path, dict.fromkeys(ARTICLES[:2], 403))
    assert result.returncode == 1, result.stdout + result.stderr
    assert report["refusedBy"] == [host]
    assert report["exitCode"] == 1 and "--via wayback" in report["message"]
    assert "ok" not in result.stdout.split()


def test_requests_queued_behind_the_delay_are_not_sent_once_the_outlet_is_given_up(
    tmp_path: Path,
) -> None:
    """The guard stood at the downloader's door: requests already past it, waiting out
    ``DOWNLOAD_DELAY``, were sent after the outlet was given up. (A second between
    requests: the third refusal is read long before the fourth request is due.)"""
    _result, report, _host = refused_crawl(
        tmp_path, dict.fromkeys(ARTICLES, 401),
        "-s", "DOWNLOAD_DELAY=1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False",
    )  # fmt: skip
    assert report["pagesByStatus"]["401"] == 3
    assert report["errors"]["outlet_refuses"]["count"] == 2
    assert report["requests"] == 4, "robots.txt and the three pages refused: those sent"


def test_a_host_that_answered_anything_but_refusals_is_not_given_up_at_the_end(
    tmp_path: Path,
) -> None:
    """A 404 is an answer: a host answering 404 to three pages and 403 to one was told it
    "refused every request" and the run exited 1, naming --via."""
    statuses = {ARTICLES[0]: 403, **dict.fromkeys(ARTICLES[1:4], 404)}
    result, report, _host = refused_crawl(tmp_path, statuses, "--max-error-rate", "1")
    assert report["refusedBy"] == [], report["refusedBy"]
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_host_that_answered_a_404_is_not_given_up_by_the_refusals_after_it() -> None:
    """A 404 is an answer: a host answering 404, then 403 three times, was given up in the
    middle of the run, its open pages not asked and the run exiting 1 naming --via."""
    from scrapy.http import HtmlResponse, Request

    from crawler.keys import KIND
    from crawler.refusal import RefusingOutletGuard
    from crawler.spiders.outlets import ReutersSpider

    from .test_components import project_crawler

    crawler = project_crawler(ReutersSpider)
    crawler.spider = ReutersSpider.from_crawler(crawler)
    guard = RefusingOutletGuard.from_crawler(crawler)
    for number, status in enumerate([404, 403, 403, 403, 403]):
        url = f"https://www.reuters.com/world/africa/story-{number}/"
        request = Request(url, meta={KIND: "article"})
        guard.process_response(request, HtmlResponse(url, status=status, request=request))
    assert guard.given_up == set()
