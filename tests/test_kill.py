"""A crawl killed at random moments, several times in a row, ends as one clean crawl would.

The kill comes from inside the crawl: :class:`KillSwitch` (enabled only here, through
``-s EXTENSIONS``) sends its own process SIGKILL at the N-th occurrence of a Scrapy signal,
N and the signal drawn from a seeded random generator. So the moments are random but
reproducible, and driven by the crawl's progress, never by a clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from warcio.archiveiterator import ArchiveIterator

from .conftest import FAST, REPO, SiteServer, cli_env, run_cli, store_lines

STARTS = ("/world/africa/", "/sitemaps/cnn/news.xml")
# Moments to die at: a response just written to the WARC, an item just stored (before the
# fetch history records it), a request just queued, a response about to be parsed.
MOMENTS = ("response_downloaded", "item_scraped", "request_scheduled", "response_received")


class KillSwitch:
    """Test-only extension: signals its own process at the N-th `KILL_AT_SIGNAL`."""

    def __init__(self, name: str, count: int, signum: int, url_part: str = ""):
        self.count = count
        self.signum = signum
        self.url_part = url_part  # only moments of a URL holding it count (KILL_AT_URL)

    @classmethod
    def from_crawler(cls, crawler: Any) -> KillSwitch:
        settings = crawler.settings
        switch = cls(
            settings.get("KILL_AT_SIGNAL"),
            settings.getint("KILL_AT_COUNT"),
            settings.getint("KILL_WITH", signal.SIGKILL),
            settings.get("KILL_AT_URL", ""),
        )
        moment = getattr(signals, settings.get("KILL_AT_SIGNAL"))
        crawler.signals.connect(switch.tick, signal=moment)
        return switch

    def tick(self, **moment: Any) -> None:
        of = moment.get("response") or moment.get("request")
        if self.url_part not in str(getattr(of, "url", "")):
            return
        self.count -= 1
        if self.count == 0:
            os.kill(os.getpid(), self.signum)


def switch_settings(moment: str, count: int, signum: int = signal.SIGKILL) -> tuple[str, ...]:
    from crawler import settings as project

    extensions = {**project.EXTENSIONS, f"{__name__}.KillSwitch": 900}
    return (
        "-s", f"EXTENSIONS={json.dumps(extensions)}",
        "-s", f"KILL_AT_SIGNAL={moment}",
        "-s", f"KILL_AT_COUNT={count}",
        "-s", f"KILL_WITH={int(signum)}",
    )  # fmt: skip


def crawl(site: SiteServer, data: Path, *extra: str) -> Any:
    starts = [arg for path in STARTS for arg in ("--start-url", site.url("cnn", path))]
    return run_cli("crawl", "cnn", "-q", "--data", str(data), *starts, *FAST, *extra)


def versions(data: Path) -> list[tuple[str, int, str]]:
    return [(x["articleId"], x["version"], x["contentDigest"]) for x in store_lines(data)]


def assert_no_half_line(data: Path) -> None:
    for path in (data / "articles").glob("articles-*.jsonl"):
        text = path.read_text("utf-8")
        assert not text or text.endswith("\n"), f"half a line in {path.name}"


def warc_records(data: Path) -> int:
    """Every record of every WARC file, read to the end by warcio (a torn record raises)."""
    count = 0
    for path in sorted((data / "warc").glob("*.warc.gz")):
        if ".warc" not in path.name:
            continue
        with open(path, "rb") as handle:
            count += sum(1 for _ in ArchiveIterator(handle))
    return count


@pytest.fixture(scope="module")
def clean(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("clean")
    result = crawl(site, data)
    assert result.returncode == 0, result.stderr
    return data


@pytest.mark.parametrize("seed", [6, 1917])
def test_killed_again_and_again_then_resumed_equals_clean_crawl(
    site: SiteServer, clean: Path, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    kills = 0
    for _ in range(8):
        moment, count = rng.choice(MOMENTS), rng.randint(1, 3)
        result = crawl(site, tmp_path, *switch_settings(moment, count))
        assert "Traceback" not in result.stderr
        assert_no_half_line(tmp_path)
        if result.returncode != -signal.SIGKILL:
            assert result.returncode == 0, result.stderr  # finished before its kill point
            break
        kills += 1
        if kills == 4:
            break
    assert kills >= 3, f"seed {seed} killed only {kills} runs"
    final = crawl(site, tmp_path)
    assert final.returncode == 0, final.stderr
    found, expected = versions(tmp_path), versions(clean)
    assert Counter(found) == Counter(set(found)), "duplicate store lines"
    assert set(found) == set(expected)
    assert warc_records(tmp_path) > 0  # .open files left by the kills included


def test_resumed_run_says_so_and_does_only_what_was_left(
    site: SiteServer, clean: Path, tmp_path: Path
) -> None:
    killed = crawl(site, tmp_path, *switch_settings("item_scraped", 2))
    assert killed.returncode == -signal.SIGKILL
    stored = len(store_lines(tmp_path))
    assert stored >= 1
    final = crawl(site, tmp_path)
    assert final.returncode == 0, final.stderr
    report = json.loads(sorted((tmp_path / "runs").glob("*.json"))[-1].read_text())
    assert report["resumed"] is True
    clean_report = json.loads(next((clean / "runs").glob("*.json")).read_text())
    # Pages finished before the kill are not fetched again.
    assert report["pagesFetched"] < clean_report["pagesFetched"]
    assert report["articles"]["new"] == len(versions(clean)) - stored
    # The section page was parsed before the kill; the resumed crawl reads it again (start
    # points are read on every run, or stories added since would wait for a run that is
    # not resumed), and fetches again none of the articles done before the kill.
    assert fetches(tmp_path).count(site.url("cnn", "/world/africa/")) == 2


def fetches(data: Path) -> list[str]:
    urls = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type in ("response", "revisit"):
                    urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_gracefully(
    site: SiteServer, clean: Path, tmp_path: Path, signum: int
) -> None:
    stopped = crawl(site, tmp_path, *switch_settings("response_downloaded", 3, signum))
    assert stopped.returncode == 128 + signum, stopped.stderr
    assert "the next run resumes" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert report["finishReasons"] == {"cnn": "shutdown"}
    assert report["exitCode"] == 128 + signum
    assert not list((tmp_path / "warc").glob("*.open"))  # the WARC was closed
    assert warc_records(tmp_path) >= 3 * 2
    final = crawl(site, tmp_path)
    assert final.returncode == 0, final.stderr
    assert set(versions(tmp_path)) == set(versions(clean))


def written(data: Path) -> int:
    """Bytes in the WARC files and the store so far: the crawl's observable progress."""
    total = 0
    for folder in ("warc", "articles"):
        for path in (data / folder).glob("*"):
            with contextlib.suppress(FileNotFoundError):  # renamed from .open meanwhile
                total += path.stat().st_size
    return total


def test_killed_from_outside_as_the_archive_grows(
    site: SiteServer, clean: Path, tmp_path: Path
) -> None:
    """SIGKILL from another process at seeded byte counts: anywhere, even mid-record."""
    rng = random.Random(2026)
    starts = [arg for path in STARTS for arg in ("--start-url", site.url("cnn", path))]
    command = [sys.executable, "-m", "archive", "crawl", "cnn", "-q", "--data", str(tmp_path)]
    kills = 0
    for _ in range(4):
        (tmp_path / "warc").mkdir(parents=True, exist_ok=True)
        (tmp_path / "articles").mkdir(parents=True, exist_ok=True)
        threshold = written(tmp_path) + rng.randint(500, 9000)
        process = subprocess.Popen(
            [*command, *starts, *FAST],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=cli_env(),
        )
        while process.poll() is None and written(tmp_path) < threshold:
            time.sleep(0.001)  # polling the files: the kill follows the bytes, not a clock
        if process.poll() is None:
            process.kill()
            kills += 1
        process.wait()
        assert_no_half_line(tmp_path)
    assert kills >= 2
    final = crawl(site, tmp_path)
    assert final.returncode == 0, final.stderr
    found = versions(tmp_path)
    assert Counter(found) == Counter(set(found)), "duplicate store lines"
    assert set(found) == set(versions(clean))


def test_a_page_archived_by_a_killed_run_is_stored_as_replay_gives_it(
    site: SiteServer, tmp_path: Path
) -> None:
    """A run killed after archiving a page, before storing its article: the next run fetched
    it again (the same payload, a revisit record) and stored the article as of that revisit,
    where replaying the WARC files gives it as of the capture first archived."""
    data = tmp_path / "data"
    # At the first article page archived: the third response was one only when it came
    # before the sitemap's, so the killed run had archived no article page in other runs.
    at_article = ("-s", "KILL_AT_URL=/index.html")
    killed = crawl(site, data, *switch_settings("response_downloaded", 1), *at_article)
    assert killed.returncode == -signal.SIGKILL
    assert store_lines(data) == []
    first_files = {p.name.removesuffix(".open") for p in (data / "warc").glob("*.warc.gz*")}
    final = crawl(site, data)
    assert final.returncode == 0, final.stderr
    out = tmp_path / "replayed.jsonl"
    replayed = run_cli("replay", str(data / "warc"), "--out", str(out), "--jobs", "1")
    assert replayed.returncode == 0, replayed.stderr
    stored = {line["articleId"]: line for line in store_lines(data)}
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {item["articleId"] for item in items} == set(stored)
    for item in items:
        line = stored[item["articleId"]]
        assert (line["warc"], line["metadata"]) == (item["warc"], item["metadata"]), item["url"]
    # The page the killed run archived is stored from its record there.
    assert any(line["warc"]["filename"] in first_files for line in stored.values())


def _crawl_script(script: str, data: Path, site: SiteServer) -> subprocess.CompletedProcess[str]:
    """`script` run as its own process, given the data directory and the CNN start point of
    `site`: a crawl with a part of the run replaced to break it at one moment."""
    return subprocess.run(
        [sys.executable, "-c", script, str(data), site.url("cnn", "/world/africa/")],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120,
    )  # fmt: skip


EARLY_SIGNAL = """
import os, signal, sys
from pathlib import Path
import crawler.run as run

prepare = run.prepare

def signalled_then_prepare(data_dir):
    os.kill(os.getpid(), signal.SIGTERM)  # cron or systemd stopping the run as it starts
    return prepare(data_dir)

run.prepare = signalled_then_prepare
options = run.CrawlOptions(
    spiders=["cnn"], data_dir=Path(sys.argv[1]), start_urls={"cnn": [sys.argv[2]]}, quiet=True
)
sys.exit(run.run_crawl(options))
"""


def test_a_sigterm_as_the_run_starts_ends_it_with_a_report_and_143(
    site: SiteServer, tmp_path: Path
) -> None:
    """A SIGTERM before Scrapy's own handlers were in place killed the run outright: no
    summary line, no report (or one left "running"), exit -15 rather than 143."""
    data = tmp_path / "data"
    result = _crawl_script(EARLY_SIGNAL, data, site)
    assert result.returncode == 143, result.stderr
    assert "interrupted by SIGTERM" in result.stdout and "Traceback" not in result.stderr
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["status"] == "interrupted" and report["exitCode"] == 143
    assert report["pagesFetched"] == 0
    assert store_lines(data) == []


CRASH_AT_THE_END = """
import sys
import crawler.run as run

store_bytes = run.store_bytes
calls = []

def crashing_the_second_time(data_dir):
    calls.append(data_dir)
    if len(calls) == 2:  # as the crawl ends: a bug in what builds its report
        raise RuntimeError("a bug")
    return store_bytes(data_dir)

run.store_bytes = crashing_the_second_time
from archive.cli import main
fast = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
sys.exit(main(["crawl", "cnn", "-q", "--data", sys.argv[1], "--start-url", sys.argv[2], *fast]))
"""


def test_a_crash_as_the_run_ends_leaves_a_failed_report_not_a_killed_one(
    site: SiteServer, tmp_path: Path
) -> None:
    """An exception after the crawl (building its report) left the report written at the
    start, "running": `runs` called the run killed, though it ended, with 70."""
    data = tmp_path / "data"
    result = _crawl_script(CRASH_AT_THE_END, data, site)
    assert result.returncode == 70, result.stderr
    assert result.stderr.count("\n") == 1 and "RuntimeError: a bug" in result.stderr
    assert " FAILED in " in result.stdout  # its summary line, as every run ends with
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["status"] == "failed" and report["exitCode"] == 70
    assert "RuntimeError: a bug" in report["message"]
    table = run_cli("runs", "--data", str(data)).stdout.splitlines()
    assert table[1].split()[1] == "failed"


LATE_START_SIGNAL = """
import os, signal, sys
from pathlib import Path
import crawler.run as run

write_running_report = run._write_running_report

def signalled_then_report(*args):
    os.kill(os.getpid(), signal.SIGTERM)  # the crawlers made, the reactor not yet running
    return write_running_report(*args)

run._write_running_report = signalled_then_report
options = run.CrawlOptions(
    spiders=["cnn"], data_dir=Path(sys.argv[1]), start_urls={"cnn": [sys.argv[2]]}, quiet=True
)
sys.exit(run.run_crawl(options))
"""


def test_a_sigterm_after_the_crawlers_are_made_still_stops_the_run(
    site: SiteServer, tmp_path: Path
) -> None:
    """Scrapy takes the signals only once its reactor runs: a SIGTERM while the run made its
    crawlers (opening the frontier, the store) was noted and forgotten, and the run crawled
    the whole site and ended 'ok'."""
    data = tmp_path / "data"
    result = _crawl_script(LATE_START_SIGNAL, data, site)
    assert result.returncode == 143, result.stdout + result.stderr
    assert "interrupted by SIGTERM" in result.stdout and "Traceback" not in result.stderr
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["status"] == "interrupted" and report["exitCode"] == 143
    assert store_lines(data) == []


ONE_SPIDER_FAILS_TO_START = """
import os, signal, sys
from pathlib import Path
import crawler.run as run
import crawler.pipelines as pipelines

open_spider = pipelines.StorePipeline.open_spider

def broken_for_reuters(self, spider=None):
    if self.crawler.spider.name == "reuters":
        raise RuntimeError("a spider that cannot start")
    return open_spider(self, spider)

pipelines.StorePipeline.open_spider = broken_for_reuters
write_running_report = run._write_running_report

def signalled_then_report(*args):
    os.kill(os.getpid(), signal.SIGTERM)  # the crawlers made, the reactor not yet running
    return write_running_report(*args)

run._write_running_report = signalled_then_report
options = run.CrawlOptions(
    spiders=["cnn", "reuters"],
    data_dir=Path(sys.argv[1]),
    start_urls={"cnn": [sys.argv[2]], "reuters": [sys.argv[3]]},
    quiet=True,
)
sys.exit(run.run_crawl(options))
"""


def test_a_sigterm_as_the_run_starts_stops_the_spiders_when_another_fails_to_start(
    site: SiteServer, tmp_path: Path
) -> None:
    """A SIGTERM noted while the crawlers were made is handed to Scrapy once every engine
    runs: with one spider failing before its engine started, that moment never came, and
    the other spider crawled the whole site past the signal."""
    data = tmp_path / "data"
    urls = [site.url("cnn", "/world/africa/"), site.url("reuters", "/world/africa/")]
    result = subprocess.run(
        [sys.executable, "-c", ONE_SPIDER_FAILS_TO_START, str(data), *urls],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120,
    )  # fmt: skip
    assert result.returncode == 70, result.stdout + result.stderr
    assert "reuters crashed: RuntimeError: a spider that cannot start" in result.stderr
    assert store_lines(data) == []
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert sum(report["pages"].values()) == 0, report["pages"]


ONE_SPIDER_NOT_MADE = """
import sys
from pathlib import Path
import crawler.run as run
import crawler.spiders.outlets as spiders

def broken(cls, crawler, *args, **kwargs):
    raise RuntimeError("a spider that cannot be made")

spiders.ReutersSpider.from_crawler = classmethod(broken)
options = run.CrawlOptions(
    spiders=["cnn", "reuters"],
    data_dir=Path(sys.argv[1]),
    start_urls={"cnn": [sys.argv[2]], "reuters": [sys.argv[3]]},
    quiet=True,
)
sys.exit(run.run_crawl(options))
"""


def test_a_spider_that_cannot_be_made_is_named_and_the_others_counted(
    site: SiteServer, tmp_path: Path
) -> None:
    """A spider whose making raised (before Scrapy gives its crawler stats): the report's
    builder read its stats, which Scrapy 2.13+ refuses with a RuntimeError, so the run
    ended 'internal error: Crawler.stats is not set yet', its report counting nothing of
    the spiders that crawled."""
    data = tmp_path / "data"
    urls = [site.url("cnn", "/world/africa/"), site.url("reuters", "/world/africa/")]
    result = subprocess.run(
        [sys.executable, "-c", ONE_SPIDER_NOT_MADE, str(data), *urls],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=120,
    )  # fmt: skip
    assert result.returncode == 70, result.stdout + result.stderr
    assert result.stderr == (
        "newsarchive: reuters crashed: RuntimeError: a spider that cannot be made\n"
    )
    (report,) = [json.loads(p.read_text()) for p in (data / "runs").glob("*.json")]
    assert report["status"] == "failed" and report["spiders"] == ["cnn", "reuters"]
    assert report["articles"]["new"] == len(store_lines(data)) > 0


def test_a_resumed_crawl_requests_a_page_under_the_form_its_frontier_holds(
    site: SiteServer, tmp_path: Path
) -> None:
    """A page is requested under the first of its URL forms the crawl meets (``.../slug/``,
    ``.../slug/index.html``). That memory was not in the frontier a killed run leaves: the
    resumed run requested the page under the form the frontier held, and again under the
    form its start page links, two fetches and two records of one page."""
    from archive.fetchstate import FetchState
    from crawler.linkpolicy import dedup_key
    from crawler.pages.urls import same_page_form

    data = tmp_path / "data"
    (data / "state").mkdir(parents=True)
    article = "/2013/01/29/world/africa/mali-timbuktu-retaken/"  # linked as .../index.html
    planned = site.url("cnn", article)
    state = FetchState(data / "state" / "fetch.sqlite")
    state.enqueue("cnn", [(dedup_key(planned), planned, 0, "article", None)])  # as a kill left it
    state.close()
    start = site.url("cnn", "/world/africa/")
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(data), "--start-url", start, "--depth", "0", *FAST
    )
    assert result.returncode == 0, result.stderr
    fetched = []
    for path in (data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and "mali-timbuktu-retaken" in url:
                    fetched.append(url)
    assert [same_page_form(dedup_key(url)) for url in fetched] == [
        same_page_form(dedup_key(planned))
    ], fetched
    assert fetched == [planned]
