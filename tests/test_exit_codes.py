"""Exit codes for cron and monitors: 0, 1, 2, 70, 75 (see test_lock), 128+N (see test_kill)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import exitcodes
from archive.cli import main
from archive.testsite import SITE_ROOT

from .conftest import FAST, SiteServer, run_cli, start_site_server, stop_site_server


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """A copy of the test site with a broken page (500) and a slow section page."""
    root = tmp_path_factory.mktemp("odd") / "site"
    shutil.copytree(SITE_ROOT, root)
    config_path = root / "cnn" / "_server.json"
    config = json.loads(config_path.read_text())
    config["statuses"] = {"/2013/01/28/world/africa/mali-gao-airport/index.html": 500}
    config["delays"] = {"/slow/": 2}
    config["redirects"] = {**config.get("redirects", {}), "/slow/": ["/world/africa/", 302]}
    config_path.write_text(json.dumps(config))
    server = start_site_server(root)
    yield server
    stop_site_server(server)


def crawl(server: SiteServer, data: Path, *extra: str, start: str = "/world/africa/"):
    return run_cli(
        "crawl", "cnn", "-q", "--data", str(data), "--start-url", server.url("cnn", start),
        *FAST, "-s", "RETRY_TIMES=0", *extra,
    )  # fmt: skip


def report(data: Path) -> dict:
    return json.loads(sorted((data / "runs").glob("*.json"))[-1].read_text())


def test_0_completed(site: SiteServer, tmp_path: Path) -> None:
    result = crawl(site, tmp_path)
    assert result.returncode == exitcodes.OK == 0
    assert report(tmp_path)["exitCode"] == 0 and report(tmp_path)["completed"] is True
    assert report(tmp_path)["status"] == "ok" and " ok " in result.stdout
    assert result.stderr == "" and result.stdout.count("\n") == 1  # -q: the summary line only


def test_1_errors_above_the_threshold(odd_site: SiteServer, tmp_path: Path) -> None:
    result = crawl(odd_site, tmp_path)
    assert result.returncode == exitcodes.ERRORS == 1
    assert "above 10%" in result.stderr and "Traceback" not in result.stderr
    found = report(tmp_path)
    assert found["exitCode"] == 1 and found["errors"]["http_500"]["count"] == 1
    (example,) = found["errors"]["http_500"]["examples"]
    assert example.startswith(odd_site.url("cnn", "/2013/01/28/world/africa/mali-gao-airport/"))
    assert found["errorRate"] > 0.10


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "cnn", "--recrawl", "sometimes"],
        ["crawl", "cnn", "--max-runtime", "-1"],
        ["crawl", "cnn", "--max-error-rate", "1.5"],
        ["crawl", "cnn", "--max-pages", "-2"],
        ["runs", "--last", "-1"],
    ],
)
def test_2_usage(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([*args, "--data", str(tmp_path / "unused")])
    except SystemExit as exit_info:  # argparse's own usage errors
        code = int(exit_info.code or 0)
    assert code == exitcodes.USAGE == 2
    assert not (tmp_path / "unused").exists()


def test_70_crash_is_one_line(site: SiteServer, tmp_path: Path) -> None:
    # A component that raises as the crawl starts (tests/servers/crashing.py).
    breaks = '{"tests.servers.crashing.Breaks": 0}'
    result = crawl(site, tmp_path, "-s", f"EXTENSIONS={breaks}")
    assert result.returncode == exitcodes.CRASH == 70, result.stderr
    assert "cnn crashed: RuntimeError" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert report(tmp_path)["exitCode"] == 70


@pytest.mark.parametrize("name", ["fetch.sqlite", "store.sqlite", "warc-digests.sqlite3"])
def test_a_folder_where_a_state_database_goes_is_a_usage_error(
    site: SiteServer, tmp_path: Path, name: str
) -> None:
    # SQLite cannot open a folder: before, the crawl started and crashed (exit 70). A file
    # that is no database is set aside and started afresh (tests/test_damaged_state.py).
    (tmp_path / "state" / name).mkdir(parents=True)
    result = crawl(site, tmp_path)
    assert result.returncode == exitcodes.USAGE, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{tmp_path / 'state' / name} is a folder" in result.stderr, result.stderr
    assert not list((tmp_path / "warc").glob("*.warc*"))
    assert not list((tmp_path / "runs").glob("*.json"))


def test_a_folder_where_the_store_index_goes_stops_store_rebuild(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "state" / "store.sqlite").mkdir(parents=True)
    result = run_cli("store", "rebuild", "--data", str(tmp_path))
    assert result.returncode == exitcodes.USAGE, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "store.sqlite is a folder" in result.stderr, result.stderr


def test_max_pages_ends_cleanly_and_the_next_run_goes_on(site: SiteServer, tmp_path: Path) -> None:
    first = crawl(site, tmp_path, "--max-pages", "3")
    assert first.returncode == 0, first.stderr
    bounded = report(tmp_path)
    assert bounded["finishReasons"] == {"cnn": "closespider_pagecount"}
    assert bounded["completed"] is True
    # Cut short is not "ok": a status of its own, in the report and the summary line.
    assert bounded["status"] == "limited" and bounded["limitedBy"] == ["--max-pages"]
    assert " cut short by --max-pages " in first.stdout and " ok " not in first.stdout
    assert not list((tmp_path / "warc").glob("*.open"))  # WARC closed
    second = crawl(site, tmp_path)
    assert second.returncode == 0, second.stderr
    assert report(tmp_path)["resumed"] is True
    assert report(tmp_path)["articles"]["new"] > 0


def test_max_runtime_ends_cleanly(odd_site: SiteServer, tmp_path: Path) -> None:
    # The start page takes 2 s to answer: a 0.5 s limit always ends the run first.
    result = crawl(odd_site, tmp_path, "--max-runtime", "0.5", start="/slow/")
    assert result.returncode == 0, result.stderr
    found = report(tmp_path)
    assert found["finishReasons"] == {"cnn": "closespider_timeout"}
    assert found["completed"] is True and found["exitCode"] == 0
    assert found["status"] == "limited" and found["limitedBy"] == ["--max-runtime"]
    assert " cut short by --max-runtime " in result.stdout
    assert not list((tmp_path / "warc").glob("*.open"))


def test_exit_codes_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["crawl", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for code in ("0 completed", "1 completed with errors", "2 usage", "70 internal", "75 another"):
        assert code in text
    assert "130/143" in text
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    for row in ("| 0 |", "| 1 |", "| 2 |", "| 70 |", "| 75 |", "| 130, 143 |"):
        assert row in readme


def test_75_when_the_store_stays_locked_and_nothing_is_lost(
    site: SiteServer, tmp_path: Path
) -> None:
    from archive.store.files import StoreLock

    lock = StoreLock(tmp_path / "articles", timeout=0)
    lock.acquire()
    try:
        result = crawl(site, tmp_path, "-s", "NEWSARCHIVE_STORE_LOCK_TIMEOUT=0.2")
    finally:
        lock.release()
    assert result.returncode == exitcodes.LOCKED == 75
    assert "being written by another process" in result.stderr
    assert report(tmp_path)["exitCode"] == 75
    # The history claims none of the articles the store did not take: the next run stores them.
    again = crawl(site, tmp_path)
    assert again.returncode == 0, again.stderr
    assert report(tmp_path)["articles"]["new"] > 0


def test_a_spider_that_raises_on_its_pages_is_no_ok_run(site: SiteServer, tmp_path: Path) -> None:
    """A bug that makes the spider raise on every page (an outlet declaration's slip): the
    tracebacks were in the run log only, and the report said ok, 0 errors, exit 0."""
    raises = '{"tests.servers.crashing.RaisesOnPages": 1}'
    result = crawl(site, tmp_path, "-s", f"SPIDER_MIDDLEWARES={raises}")
    assert result.returncode == exitcodes.CRASH, result.stdout + result.stderr
    found = report(tmp_path)
    assert found["status"] == "failed" and found["exitCode"] == exitcodes.CRASH
    assert found["errors"]["spider_exception"]["count"] >= 1
    assert "(TypeError " in found["message"] and "count" not in found["message"]
    assert "run log" in found["message"]
    assert result.stderr.count("\n") == 1, result.stderr
