"""Defects found by trying to break the crawl and its command line, each a regression test."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import html as lxml_html
from scrapy import Request, signals
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

import crawler.settings as project_settings
from archive.fetchstate import FetchState
from archive.replay.run import ReplayReport
from archive.testsite import SITE_ROOT
from archive.wording import counted
from crawler.guards import RedirectGuard, Refused, RequestGuard
from crawler.linkpolicy import is_article_url
from crawler.pages import analyse
from crawler.pages.base import Analysis, Link
from crawler.pages.urls import resolve_link
from crawler.run import CrawlOptions, build_report, run_status, summary_line
from crawler.settingscheck import check_overrides
from crawler.spiders.outlets import CnnSpider

from . import test_replay_helpers as helpers
from .conftest import (
    FAST,
    REPO,
    SiteServer,
    cli_env,
    free_port,
    free_ports,
    run_cli,
    start_site_server,
    stop_site_server,
    store_lines,
)
from .test_replay_helpers import stores_equal

site_archive = helpers.site_archive
offline_env = helpers.offline_env

ARTICLE = "/2013/01/28/world/africa/mali-gao-airport/index.html"


def spider(*start_urls: str) -> Any:
    """A CNN spider as a crawl builds it, started at `start_urls` (none: its defaults)."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TWISTED_REACTOR_ENABLED", False)  # no crawl, no reactor
    crawler = get_crawler(CnnSpider, settings.copy_to_dict())
    made = CnnSpider.from_crawler(crawler, start_url=list(start_urls) or None)
    crawler.spider = made
    return made


# -- 2: another port of the site's host is another site ---------------------------------


@pytest.mark.parametrize(
    ("start", "link", "expected"),
    [
        # A start URL without a port means its scheme's default; 80 and 443 are one host.
        ("http://127.0.0.1/world/africa/", f"http://127.0.0.1:18301{ARTICLE}", None),
        ("http://127.0.0.1/world/africa/", f"https://127.0.0.1:8443{ARTICLE}", None),
        ("http://127.0.0.1/world/africa/", f"http://127.0.0.1{ARTICLE}", f"http://127.0.0.1{ARTICLE}"),
        ("http://127.0.0.1/world/africa/", f"http://127.0.0.1:80{ARTICLE}", f"http://127.0.0.1:80{ARTICLE}"),
        ("http://127.0.0.1/world/africa/", f"https://127.0.0.1{ARTICLE}", f"https://127.0.0.1{ARTICLE}"),
        ("https://127.0.0.1:443/world/", f"http://127.0.0.1{ARTICLE}", f"http://127.0.0.1{ARTICLE}"),
        # The outlet's own hosts map onto the mirror only on their default ports.
        ("http://127.0.0.1/world/africa/", f"https://www.cnn.com{ARTICLE}", f"http://127.0.0.1{ARTICLE}"),
        ("http://127.0.0.1/world/africa/", f"https://www.cnn.com:18301{ARTICLE}", None),
        ("http://127.0.0.1:8000/world/", f"http://127.0.0.1{ARTICLE}", None),
        ("http://127.0.0.1:8000/world/", f"http://127.0.0.1:8000{ARTICLE}", f"http://127.0.0.1:8000{ARTICLE}"),
        # Without start URLs: the outlet's hosts, on their default ports only.
        (None, f"https://www.cnn.com:18301{ARTICLE}", None),
        (None, f"http://edition.cnn.com:8080{ARTICLE}", None),
        (None, f"http://edition.cnn.com{ARTICLE}", f"http://edition.cnn.com{ARTICLE}"),
        (None, f"https://www.cnn.com:443{ARTICLE}", f"https://www.cnn.com:443{ARTICLE}"),
    ],
)  # fmt: skip
def test_another_port_is_off_site(start: str | None, link: str, expected: str | None) -> None:
    policy = (spider(start) if start else spider()).policy
    assert policy.on_site(link) == expected


def test_protocol_relative_links_and_sitemap_entries_to_another_port_not_followed() -> None:
    crawl = spider("http://127.0.0.1/world/africa/")
    base = "http://127.0.0.1/world/africa/"
    relative = resolve_link(f"//127.0.0.1:18301{ARTICLE}", base)
    assert relative == f"http://127.0.0.1:18301{ARTICLE}"
    listing = Analysis(
        kind="listing",
        source="cnn",
        links=[
            Link(relative, "listing"),
            Link("http://127.0.0.1:18301/sitemaps/cnn/news-2.xml", "listing"),
            Link("https://www.cnn.com:18301/sitemaps/cnn/news-3.xml", "listing"),
            Link(f"http://127.0.0.1{ARTICLE.replace('gao', 'kidal')}", "listing"),
        ],
    )
    follows = crawl.policy.follow(listing, 0, is_start=True)
    assert [f.url for f in follows] == [f"http://127.0.0.1{ARTICLE.replace('gao', 'kidal')}"]
    related = Analysis(kind="article", source="cnn", links=[Link(relative, "related")])
    assert crawl.policy.follow(related, 0, is_start=False) == []


def redirect(url: str, location: str) -> Response:
    return HtmlResponse(url, status=301, headers={"Location": location}, body=b"")


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:18301/2013/01/29/world/africa/x/index.html", "//127.0.0.1:18301/a"]
)
def test_redirect_or_meta_refresh_to_another_port_refused(target: str) -> None:
    crawl = spider("http://127.0.0.1/world/africa/")
    start = "http://127.0.0.1/world/africa/"
    guard = RedirectGuard.from_crawler(crawl.crawler)
    with pytest.raises(Refused) as refused:
        guard.process_response(Request(start), redirect(start, target))
    assert refused.value.newsarchive_kind == "redirect_offsite"
    # A meta refresh becomes a new request: the request guard refuses it before robots.txt.
    with pytest.raises(Refused) as refused:
        RequestGuard.from_crawler(crawl.crawler).process_request(
            Request(resolve_link(target, start) or target)
        )
    assert refused.value.newsarchive_kind == "offsite"
    same_host = redirect(start, "https://127.0.0.1/2013/01/29/world/africa/x/index.html")
    assert guard.process_response(Request(start), same_host) is same_host


# -- 11: a malformed --start-url is refused before anything is written ------------------


@pytest.mark.parametrize(
    "url",
    [
        "cnn.com/world",
        "http://127.0.0.1:99999/world/",
        "ftp://127.0.0.1/world/",
        "file:///etc/passwd",
        "http:///world/",
        "http://127.0.0.1:port/",
    ],
)
def test_malformed_start_url_refused_before_anything_is_written(url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run_cli("crawl", "cnn", "-q", "--data", str(data), "--start-url", url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("newsarchive: --start-url") and repr(url) in line
    assert not data.exists()


def test_scheme_missing_suggests_one(tmp_path: Path) -> None:
    result = run_cli("crawl", "cnn", "--data", str(tmp_path / "d"), "--start-url", "cnn.com/world")
    assert result.returncode == 2 and "did you mean https://cnn.com/world" in result.stderr


def test_a_frontier_poisoned_by_a_malformed_url_is_dropped_and_reported(
    site: SiteServer, tmp_path: Path
) -> None:
    """An earlier version kept such URLs in the frontier: every later run resumed them and
    ended "ok" having done nothing. Now the run drops them, says so, and is not "ok"."""
    (tmp_path / "state").mkdir(parents=True)
    state = FetchState(tmp_path / "state" / "fetch.sqlite")
    state.enqueue("cnn", [("cnn.com/world", "cnn.com/world", 0, "start", None)])
    state.close()
    start = site.url("cnn", "/world/africa/")
    args = ("crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST)
    first = run_cli(*args)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "cnn.com/world" in first.stderr and "Traceback" not in first.stderr
    found = report(tmp_path)
    assert found["errors"]["bad_url"]["examples"] == ["cnn.com/world"]
    assert found["pagesFetched"] > 5 and found["articles"]["new"] > 0  # the crawl went on
    state = FetchState(tmp_path / "state" / "fetch.sqlite")
    assert all(entry.url != "cnn.com/world" for entry in state.frontier("cnn"))
    state.close()
    second = run_cli(*args)
    assert second.returncode == 0 and " ok " in second.stdout, second.stdout + second.stderr


def report(data: Path) -> dict[str, Any]:
    return json.loads(sorted((data / "runs").glob("*.json"))[-1].read_text())


# -- 12: a bad -s value is a configuration error naming its setting ----------------------


@pytest.mark.parametrize(
    ("pair", "name"),
    [
        ("DOWNLOAD_DELAY=abc", "DOWNLOAD_DELAY"),
        ("LOG_LEVEL=NOPE", "LOG_LEVEL"),
        ("NEWSARCHIVE_REFETCH_SCHEDULE={86400: 0", "NEWSARCHIVE_REFETCH_SCHEDULE"),
        ('NEWSARCHIVE_REFETCH_SCHEDULE={"day": 0}', "NEWSARCHIVE_REFETCH_SCHEDULE"),
        ('NEWSARCHIVE_REFETCH_SCHEDULE={"86400": -1}', "NEWSARCHIVE_REFETCH_SCHEDULE"),
        ("CONCURRENT_REQUESTS=many", "CONCURRENT_REQUESTS"),
        ("ROBOTSTXT_OBEY=perhaps", "ROBOTSTXT_OBEY"),
        ("NEWSARCHIVE_RECRAWL=sometimes", "NEWSARCHIVE_RECRAWL"),
    ],
)
def test_bad_setting_value_is_a_configuration_error(pair: str, name: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = "http://127.0.0.1:9/world/africa/"  # refused before any request: nothing listens
    result = run_cli("crawl", "cnn", "-q", "--data", str(data), "--start-url", url, "-s", pair)
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"newsarchive: -s {name}:"), line
    assert not data.exists()


def test_unknown_newsarchive_setting_warned_known_and_scrapy_ones_not() -> None:
    warnings = check_overrides(
        {"NEWSARCHIVE_WARC_MAXSIZE": "5", "NEWSARCHIVE_WARC_MAX_SIZE": "5", "DOWNLOAD_DELAY": "0"}
    )
    assert warnings == ["unknown setting NEWSARCHIVE_WARC_MAXSIZE (a typo?): ignored"]


def test_data_option_wins_over_the_data_dir_setting_and_says_so(
    site: SiteServer, tmp_path: Path
) -> None:
    data, other = tmp_path / "data", tmp_path / "other"
    start = site.url("cnn", "/world/africa/")
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(data), "--start-url", start, *FAST,
        "-s", f"NEWSARCHIVE_DATA_DIR={other}", "-s", "CLOSESPIDER_PAGECOUNT=3",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"--data {data} wins over -s NEWSARCHIVE_DATA_DIR={other}" in result.stderr
    assert not other.exists()
    assert list((data / "warc").glob("*.warc.gz")) and list((data / "state").iterdir())
    # Given alone, the setting is the data directory.
    alone = run_cli(
        "crawl", "cnn", "-q", "--start-url", start, *FAST,
        "-s", f"NEWSARCHIVE_DATA_DIR={other}", "-s", "CLOSESPIDER_PAGECOUNT=3",
    )  # fmt: skip
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert list((other / "warc").glob("*.warc.gz")) and list((other / "runs").glob("*.json"))


# -- 21: reports say what happened -------------------------------------------------------


def test_max_pages_2_fetches_at_most_2_pages_and_leaves_the_rest(
    site: SiteServer, tmp_path: Path
) -> None:
    start = site.url("cnn", "/world/africa/")
    args = ("crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST)
    result = run_cli(*args, "--max-pages", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    found = report(tmp_path)
    assert found["requests"] <= 2 and found["pagesFetched"] <= 2
    assert found["status"] == "limited" and "errors" in found and found["errors"] == {}
    responses = [
        record
        for path in (tmp_path / "warc").glob("*.warc.gz")
        for record in ArchiveIterator(path.open("rb"))
        if record.rec_type == "response"
    ]
    assert len(responses) <= 2
    table = run_cli("runs", "--data", str(tmp_path)).stdout.splitlines()
    assert table[-1].split()[1] == "limited"
    rest = run_cli(*args)
    assert rest.returncode == 0 and report(tmp_path)["status"] == "ok", rest.stdout
    assert report(tmp_path)["resumed"] is True and report(tmp_path)["articles"]["new"] > 0


def test_each_count_appears_once_in_the_report(site: SiteServer, tmp_path: Path) -> None:
    start = site.url("cnn", "/world/africa/")
    result = run_cli("crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    found = report(tmp_path)
    assert not {"notModified", "blocked", "notArticle"} & set(found)  # in "pages" only
    assert "bytesWritten" not in found["warc"]  # in "bytesWritten" only
    validate_report(found)


def test_a_failed_run_prints_its_summary_on_stdout_and_the_reason_on_stderr(
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{free_port()}/world/africa/"  # a port nothing listens on
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", url, *FAST,
        "-s", "RETRY_TIMES=0",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.startswith("newsarchive: run ") and " FAILED " in result.stdout
    assert "1 error;" in result.stdout  # not "1 errors"
    assert "no site could be reached" in result.stderr and "newsarchive: run" not in result.stderr


def fake_report(**changes: Any) -> dict[str, Any]:
    options = CrawlOptions(spiders=["cnn"], data_dir=Path("data"))
    found = build_report("20261130T000000Z-1", options, [], datetime.now(timezone.utc), 1.0)
    return {**found, **changes}


@pytest.mark.parametrize(
    ("code", "words"), [(130, "interrupted by SIGINT"), (143, "interrupted by SIGTERM")]
)
def test_a_signalled_run_is_interrupted_not_failed(code: int, words: str) -> None:
    found = fake_report(exitCode=code)
    found["status"] = run_status(found)
    assert found["status"] == "interrupted"
    line = summary_line(found, "r.json")
    assert f" {words} in " in line and "FAILED" not in line


def test_counts_in_words() -> None:
    assert counted(1, "error") == "1 error" and counted(0, "error") == "0 errors"
    assert counted(1, "file") == "1 file" and counted(3, "file") == "3 files"
    one = ReplayReport(files=1, records=1, articles=1).summary()
    assert "1 file, 1 record, 0 pages, 1 article," in one and one.endswith("0 problems")
    found = fake_report(errors={"http_500": {"count": 1, "examples": []}}, pagesFetched=1)
    assert "1 page, " in summary_line(found, "r.json")
    assert "1 error;" in summary_line(found, "r.json")


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The test site with a section page that takes 10 minutes to answer."""
    root = tmp_path_factory.mktemp("slow") / "site"
    shutil.copytree(SITE_ROOT, root)
    config_path = root / "cnn" / "_server.json"
    config = json.loads(config_path.read_text())
    config["delays"] = {"/world/africa/": 600}
    config_path.write_text(json.dumps(config))
    server = start_site_server(root)
    yield server
    stop_site_server(server)


def test_a_running_then_killed_run_shows_in_runs(slow_site: SiteServer, tmp_path: Path) -> None:
    start = slow_site.url("cnn", "/world/africa/")
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "crawl", "cnn", "-q", "--data", str(tmp_path),
         "--start-url", start, *FAST],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO, env=cli_env(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        table: list[str] = []
        while time.monotonic() < deadline:  # polling a file another process writes
            table = run_cli("runs", "--data", str(tmp_path)).stdout.splitlines()
            if len(table) > 1:
                break
        assert len(table) == 2 and table[1].split()[1] == "running", table
        assert table[1].split()[-1] == "-"  # no exit code yet
        validate_report(report(tmp_path))
    finally:
        process.kill()
        process.wait()
    killed = run_cli("runs", "--data", str(tmp_path)).stdout.splitlines()
    assert killed[1].split()[1] == "killed"


def validate_report(found: dict[str, Any]) -> None:
    schema = json.loads((REPO / "archive" / "schema" / "run-report.schema.json").read_text())
    jsonschema.validate(found, schema)


def test_articles_by_publication_date_as_well_as_capture_time(
    site: SiteServer, tmp_path: Path
) -> None:
    start = site.url("cnn", "/world/africa/")
    run_cli("crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST)
    every = [
        json.loads(line)
        for line in run_cli("articles", "--data", str(tmp_path)).stdout.splitlines()
    ]
    published = sorted(a["datePublished"] for a in every if a["datePublished"])
    assert len(published) >= 3
    middle = published[len(published) // 2]
    result = run_cli(
        "articles", "--data", str(tmp_path), "--published-since", middle,
        "--published-until", "2030-01-01", "--fields", "datePublished",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = sorted(json.loads(line)["datePublished"] for line in result.stdout.splitlines())
    assert found == [p for p in published if p >= middle]
    # --since bounds the capture time: every article was captured just now.
    assert run_cli("articles", "--data", str(tmp_path), "--since", "2013-01-01").stdout
    bad = run_cli("articles", "--data", str(tmp_path), "--published-since", "yesterday")
    assert bad.returncode == 2 and "'yesterday'" in bad.stderr


# -- 13: a second Ctrl-C still stops cleanly; output to a full disk is 74 ---------------


class SignalTwice:
    """Test-only extension: SIGINT twice in a row when the slow page (10 minutes) reaches
    the downloader: the second comes while the graceful stop the first began is under way."""

    def __init__(self) -> None:
        self.sent = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> SignalTwice:
        extension = cls()
        crawler.signals.connect(extension.reached, signal=signals.request_reached_downloader)
        return extension

    def reached(self, request: Any, **_: Any) -> None:
        if self.sent or not request.url.endswith("/world/africa/"):
            return
        self.sent = True
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_twice_stops_cleanly_with_130(slow_site: SiteServer, tmp_path: Path) -> None:
    extensions = {**project_settings.EXTENSIONS, f"{__name__}.SignalTwice": 900}
    start = slow_site.url("cnn", "/world/africa/")
    # Waiting for the slow page would outlast run_cli's timeout (120 s): the test would fail.
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST,
        "-s", f"EXTENSIONS={json.dumps(extensions)}",
    )  # fmt: skip
    assert result.returncode == 130, result.stdout + result.stderr
    assert "interrupted by SIGINT" in result.stdout and "Traceback" not in result.stderr
    assert "stopped by SIGINT twice" in result.stderr
    assert not list((tmp_path / "warc").glob("*.open"))  # the WARC file was closed
    found = report(tmp_path)
    assert found["exitCode"] == 130 and found["status"] == "interrupted"
    assert found["finishReasons"] == {"cnn": "shutdown"}
    # The page cut off is still to do: the frontier keeps it for the next run.
    state = FetchState(tmp_path / "state" / "fetch.sqlite")
    assert [e.url for e in state.frontier("cnn") if not e.done] == [start]
    state.close()


@pytest.mark.parametrize("command", [["articles"], ["runs"], ["store", "stats"]])
def test_output_to_a_full_disk_is_74(command: list[str], site: SiteServer, tmp_path: Path) -> None:
    start = site.url("cnn", "/world/africa/")
    run_cli("crawl", "cnn", "-q", "--data", str(tmp_path), "--start-url", start, *FAST)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "archive", *command, "--data", str(tmp_path)],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env(), timeout=60,
        )  # fmt: skip
    assert result.returncode == 74, result.stderr
    assert result.stderr == "newsarchive: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("free_kb", [6, 10, 30, 120])
def test_a_nearly_full_disk_is_74_whichever_writer_meets_it(
    site: SiteServer, tmp_path: Path, free_kb: int
) -> None:
    """With a few KB free, the run log, SQLite opening its journal, or the report meet the
    full disk first (a real tmpfs, root only): each is 74 with one line, never 70."""
    from .faults.test_local_faults import mounted_tmpfs

    start = site.url("cnn", "/world/africa/")
    with mounted_tmpfs(tmp_path / "disk", "1m") as disk:
        data = disk / "data"
        run_cli("crawl", "cnn", "-q", "--data", str(data), "--start-url", start, *FAST,
                "--max-pages", "1")  # fmt: skip
        for folder in ("runs", "warc", "state", "articles"):
            shutil.rmtree(data / folder)
            (data / folder).mkdir()
        free = shutil.disk_usage(disk).free // 1024
        (disk / "filler").write_bytes(b"\0" * ((free - free_kb) * 1024))
        result = run_cli("crawl", "cnn", "-q", "--data", str(data), "--start-url", start, *FAST)
    assert result.returncode == 74, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "No space left on device" in result.stderr


# -- 20: crawling from an archive starts where the archive started ----------------------


def test_from_archive_without_start_urls_starts_from_the_archived_start_points(
    site_archive: Path, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    again = tmp_path / "again"
    for spider in ("cnn", "reuters"):
        result = run_cli(
            "crawl", spider, "-q", "--data", str(again),
            "--from-archive", str(site_archive / "warc"), env=offline_env,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert report(again)["errors"] == {}
    assert stores_equal(site_archive, again) == []


def test_from_archive_folds_a_missing_trailing_slash(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    data = tmp_path / "folded"
    section = site.url("cnn", "/world/africa")  # archived as .../world/africa/
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(data),
        "--from-archive", str(site_archive / "warc"), "--start-url", section, env=offline_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    found = report(data)
    assert found["errors"] == {} and found["articles"]["new"] > 3


# -- 18: the demo's first impression -----------------------------------------------------


def site_articles() -> list[tuple[str, Path]]:
    return [
        (site_dir.name, page)
        for site_dir in sorted(p for p in SITE_ROOT.iterdir() if p.is_dir())
        for page in sorted(site_dir.rglob("index.html"))
        if is_article_url("/" + str(page.relative_to(site_dir)), site_dir.name)
    ]


def test_the_test_site_prints_no_paragraph_twice_in_a_row() -> None:
    pages = site_articles()
    assert len(pages) >= 6
    for _site, page in pages:
        texts = [" ".join(p.text_content().split()) for p in lxml_html.parse(str(page)).iter("p")]
        texts = [t for t in texts if t]
        assert all(a != b for a, b in itertools.pairwise(texts)), page


def test_extraction_drops_a_paragraph_repeated_back_to_back() -> None:
    page = SITE_ROOT / "cnn" / ARTICLE.lstrip("/")
    body = page.read_bytes()
    url = "https://www.cnn.com" + ARTICLE
    headers = {"Content-Type": "text/html; charset=utf-8"}
    once = analyse(url, headers, body, status=200, source="cnn").article
    assert once is not None and len(once["paragraphs"]) >= 3
    lead = body.index(b'<p class="cnn_storypgraphtxt cnn_storypgraph1">')
    end = body.index(b"</p>", lead) + len(b"</p>")
    twice = body[:end] + body[lead:end] + body[end:]
    repeated = analyse(url, headers, twice, status=200, source="cnn").article
    assert repeated is not None and repeated["paragraphs"] == once["paragraphs"]
    assert repeated["articleBody"] == once["articleBody"]
    # The same paragraph again further down is the page's own choice: kept.
    last = body.rindex(b'<p class="cnn_storypgraphtxt')
    later = body[:last] + body[lead:end] + body[last:]
    kept = analyse(url, headers, later, status=200, source="cnn").article
    assert kept is not None and len(kept["paragraphs"]) == len(once["paragraphs"]) + 1


def test_demo_twice_updates_nothing_and_stores_no_tracking_or_test_port(tmp_path: Path) -> None:
    first = run_cli("demo", "--data", str(tmp_path))
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_cli("demo", "--data", str(tmp_path))
    assert second.returncode == 0, second.stdout + second.stderr
    summaries = [line for line in second.stdout.splitlines() if "newsarchive: run " in line]
    assert summaries and all(" 0 updated " in line for line in summaries), second.stdout
    lines = store_lines(tmp_path)
    assert lines
    for line in lines:
        assert "iid=" not in line["url"] and "iid=" not in line["canonicalUrl"]
        for link in line["relatedLinks"]:
            assert "127.0.0.1" not in link["url"], link  # stored under the outlet's own host
        assert all(a != b for a, b in zip(line["paragraphs"], line["paragraphs"][1:], strict=False))


def test_test_site_on_a_given_port_serves_until_stopped(tmp_path: Path) -> None:
    for _attempt in range(5):
        port = free_ports(2)  # the CNN site on it, the Reuters one on the next
        process = subprocess.Popen(
            [sys.executable, "-m", "archive.testsite", "--port", str(port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=REPO, env=cli_env(),
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        line = process.stdout.readline()
        if line:
            break
        # It could not listen: another process took a port between our probe and its bind.
        assert process.wait(timeout=10) == 2
        assert "cannot listen" in process.stderr.read()
    else:
        pytest.fail("the test site found no free pair of ports in 5 tries")
    try:
        urls = json.loads(line)
        assert urls["cnn"] == f"http://127.0.0.1:{port}"
        assert urls["reuters"] == f"http://127.0.0.1:{port + 1}"
        # stdin is at its end already: the server keeps serving until it is stopped.
        with urllib.request.urlopen(urls["cnn"] + "/robots.txt", timeout=10) as answer:
            assert answer.status == 200
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_free_ports_vouches_for_every_port_of_the_run() -> None:
    """The test above once failed: ``free_port()`` vouched for the CNN site's port only, and
    the next one, the Reuters site's, was held by a loopback client connection."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.socket() as client:
            for _attempt in range(100):  # a first port whose next one a client can hold
                taken = free_port()
                with contextlib.suppress(OSError):
                    client.bind(("127.0.0.1", taken + 1))
                    break
            else:
                pytest.fail("no free port with a free next one")
            client.connect(listener.getsockname())
            picks = itertools.chain([taken], iter(free_port, None))
            first = free_ports(2, pick=lambda: next(picks))
            assert first != taken
            for port in (first, first + 1):
                with socket.socket() as server:
                    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    server.bind(("127.0.0.1", port))
