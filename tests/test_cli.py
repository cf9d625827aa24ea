"""The command line's contract: help, version, usage errors, the extract command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive import __version__
from archive.cli import main
from crawler.settingscheck import check_overrides

from .conftest import NOWHERE, REPO, cli_env, run_cli


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", ["crawl", "articles", "extract", "demo"])
def test_every_subcommand_explains_itself(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: newsarchive " + command in capsys.readouterr().out


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes" in out and "75" in out


def test_unknown_spider_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "bbc", "--data", "unused"]) == 2
    assert "unknown spider 'bbc'" in capsys.readouterr().err


def test_start_url_needs_one_spider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--start-url", "http://127.0.0.1:1/"]) == 2
    assert "exactly one SPIDER" in capsys.readouterr().err


def test_bad_setting_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "cnn", "-s", "NOEQUALS"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_unwritable_data_dir_fails_before_any_fetch(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_cli(
        "crawl", "cnn", "--data", str(blocker / "data"), "--start-url", "http://127.0.0.1:9/"
    )
    assert result.returncode == 2
    assert "not usable" in result.stderr and "Traceback" not in result.stderr


def test_extract_prints_the_item(capsys: pytest.CaptureFixture[str]) -> None:
    page = REPO / "archive/testsite/site/cnn/2023/05/01/africa/mali-gao-patrol-intl/index.html"
    url = "https://www.cnn.com/2023/05/01/africa/mali-gao-patrol-intl/index.html"
    assert main(["extract", str(page), "--url", url]) == 0
    item = json.loads(capsys.readouterr().out)
    assert item["headline"] == "Gao patrols resume along the river"
    assert item["source"] == "cnn"


def test_extract_of_a_non_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "section.html"
    page.write_text("<html><body><nav><a href='/x'>x</a></nav></body></html>")
    assert main(["extract", str(page), "--url", "https://www.cnn.com/world"]) == 1
    assert "not an article" in capsys.readouterr().err


def test_scrapy_list_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cnn", "reuters"]


def test_unreachable_site_is_one_line_and_exit_1(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    result = run_cli(
        "crawl",
        "cnn",
        "--data",
        str(tmp_path),
        "--start-url",
        "http://127.0.0.1:9/world/africa/",
        "-s",
        "RETRY_TIMES=0",
    )
    assert result.returncode == 1
    assert "no site could be reached" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_dns_failure_is_one_line_and_exit_1(tmp_path: Path) -> None:
    # ".invalid" never resolves (RFC 2606), so no packet leaves the machine for it.
    result = run_cli(
        "crawl",
        "cnn",
        "--data",
        str(tmp_path),
        "--start-url",
        "http://nonexistent.invalid/",
        "-s",
        "RETRY_TIMES=0",
    )
    assert result.returncode == 1
    assert "no site could be reached (dns for http://nonexistent.invalid/)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_demo_runs_offline(tmp_path: Path) -> None:
    result = run_cli("demo", "--data", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "WARC files:" in result.stdout
    assert list((tmp_path / "demo" / "warc").glob("*.warc.gz"))
    assert list((tmp_path / "demo" / "articles").glob("*.jsonl"))


@pytest.mark.parametrize(
    "url", ["https://www.cnn.com/world/africa/", "http://www.reuters.com/article/x-idUSKBN1ZC1DA"]
)
def test_a_real_outlet_url_never_leaves_the_machine(url: str) -> None:
    """The suite's proxy settings (conftest) send every non-loopback request to a closed
    loopback port, for every client the tests start: the crawl's downloader and urllib (its
    proxies read from the same variables wget and Chromium read) route an outlet's own URL
    there. Checked without a request: a test that sent one would reach the outlet were the
    guard broken."""
    import urllib.request

    from scrapy import Request
    from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
    from scrapy.utils.test import get_crawler

    request = Request(url)
    HttpProxyMiddleware.from_crawler(get_crawler()).process_request(request)
    assert request.meta["proxy"] == NOWHERE
    scheme = url.split(":", 1)[0]
    assert urllib.request.getproxies()[scheme] == NOWHERE
    assert not urllib.request.proxy_bypass(url.split("/")[2])


def test_a_command_imports_its_own_module_only(tmp_path: Path) -> None:
    """Running replay (one job) loads neither the other commands, nor multiprocessing, nor
    Scrapy (for its defaults in crawler/settings.py): start-up is part of every run's cost."""
    code = (
        "import sys; from archive.cli import main; "
        f"main(['replay', {str(tmp_path / 'none')!r}]); "
        "print(sorted(m for m in sys.modules if m.startswith('archive.commands.') "
        "or m in ('concurrent.futures.process', 'scrapy')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), cwd=REPO
    )
    assert done.stdout.strip() == "['archive.commands.replay']"
    assert "no such file or folder" in done.stderr


def test_demo_that_cannot_run_prints_only_why(tmp_path: Path) -> None:
    """`demo --data FILE` exited 2 and still printed where its WARCs and articles went."""
    data = tmp_path / "a-file"
    data.write_text("not a folder")
    result = run_cli("demo", "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert result.stdout == "", result.stdout  # not even where its test sites were served
    assert result.stderr.count("\n") == 1, result.stderr


def test_the_test_site_on_a_port_whose_next_is_past_the_last_is_one_line() -> None:
    # `--port 65535` puts the second site on 65536: an OverflowError traceback, exit 1.
    result = subprocess.run(
        [sys.executable, "-m", "archive.testsite", "--port", "65535"],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "--port takes a number" in result.stderr


@pytest.mark.parametrize(
    "setting",
    [
        "CONCURRENT_REQUESTS_PER_DOMAIN=0",  # nothing was ever sent: the run hung for good
        "CONCURRENT_REQUESTS=0",
        "DOWNLOAD_TIMEOUT=0",  # every download failed at once, as a timeout
        "DOWNLOAD_TIMEOUT=-1",
        "DOWNLOAD_DELAY=-1",
        "DOWNLOAD_DELAY=nan",
        "RETRY_TIMES=-1",
        "NEWSARCHIVE_WARC_MAX_SIZE=0",
        "NEWSARCHIVE_STORE_LOCK_TIMEOUT=inf",
        "NEWSARCHIVE_VIA_CDX_LIMIT=0",  # an index asked for no rows: every page not archived
    ],
)
def test_a_setting_out_of_its_range_is_a_usage_error(
    setting: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value of the right type outside what its setting can take started the run: it
    failed every request, or hung without sending one (a cron run that never ends)."""
    data = tmp_path / "data"
    args = ["crawl", "cnn", "--data", str(data), "--start-url", "http://127.0.0.1:9/"]
    assert main([*args, "-s", setting]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsarchive: -s {setting.split('=')[0]}: ") and err.count("\n") == 1
    assert not data.exists()


def test_settings_in_range_and_negative_priorities_are_taken() -> None:
    assert (
        check_overrides({"DOWNLOAD_DELAY": "0", "DEPTH_PRIORITY": "-1", "RETRY_TIMES": "0"}) == []
    )


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "cnn", "--start-url", "http://127.0.0.1:9/", "--data", ""],
        ["demo", "--data", ""],
        ["runs", "--data", ""],
        ["articles", "--data", ""],
        ["store", "rebuild", "--data", ""],
        ["index", "--data", ""],
        ["replay", "nowhere.warc.gz", "--store", ""],
    ],
    ids=lambda args: args[0],
)
def test_an_empty_data_directory_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    """``--data ""`` (a cron line's unset variable, quoted) was the current folder: a crawl
    wrote its archive and store wherever cron happened to run it."""
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "an empty path names no folder" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("setting", ["DOWNLOAD_TIMEOUT=7.5", "DNS_TIMEOUT=2.5"])
def test_a_timeout_in_fractions_of_a_second_is_taken(setting: str) -> None:
    """Scrapy reads these seconds as numbers with a fraction, though their defaults are
    whole: a timeout of 7.5 seconds is one a run takes."""
    name, value = setting.split("=")
    assert check_overrides({name: value}) == []


def test_a_fractional_timeout_below_its_range_is_still_refused() -> None:
    with pytest.raises(ValueError, match="DOWNLOAD_TIMEOUT"):
        check_overrides({"DOWNLOAD_TIMEOUT": "0.0"})


def test_an_empty_path_to_replay_is_a_usage_error(tmp_path: Path) -> None:
    """``newsarchive replay "$WARCS"`` with the variable never set replayed the current
    folder, every archive under it (a data directory's own warc/ among them)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(tmp_path / "here.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "http://example.org/", "response", payload=io.BytesIO(b"<p>x</p>"),
                http_headers=http,
            )
        )  # fmt: skip
    result = run_cli("replay", "", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "an empty path names no file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
