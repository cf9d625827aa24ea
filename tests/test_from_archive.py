"""``newsarchive crawl --from-archive``: the spiders with the archive as their only network."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from warcio.warcwriter import WARCWriter

from archive.warc.read.timestamps import parse_at

from . import test_replay_helpers as helpers
from .conftest import REPO, SiteServer, copy_data_dir, run_cli, store_lines
from .servers.pastarchive import write_response
from .test_replay_helpers import SITE_STARTS, archived_response, stores_equal

site_archive = helpers.site_archive
offline_env = helpers.offline_env

CNN_A = "/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
CNN_G = "/2013/02/01/world/africa/mali-kidal-airstrip/index.html"  # 3 hops from the section


def crawl_from(
    archive: Path, data: Path, spider: str, *starts: str, env: dict[str, str], extra: tuple = ()
) -> subprocess.CompletedProcess[str]:
    args = [arg for url in starts for arg in ("--start-url", url)]
    return run_cli(
        "crawl", spider, "--data", str(data), "--from-archive", str(archive), *args, *extra,
        env=env,
    )  # fmt: skip


def report(data: Path) -> dict:
    return json.loads(sorted((data / "runs").glob("*.json"))[-1].read_text())


def test_the_blocker_refuses_connections(site: SiteServer, offline_env: dict[str, str]) -> None:
    probe = "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=5)"
    result = subprocess.run(
        [sys.executable, "-c", probe, site.url("cnn", "/robots.txt")],
        capture_output=True,
        text=True,
        env=offline_env,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode != 0 and "offline test" in result.stderr


def test_crawl_from_archive_offline_gives_the_live_crawl_store(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    again = tmp_path / "again"
    for spider, paths in SITE_STARTS.items():
        starts = [site.url(spider, p) for p in paths]
        result = crawl_from(site_archive / "warc", again, spider, *starts, env=offline_env)
        assert result.returncode == 0, result.stderr
        assert report(again)["errors"] == {}
    assert stores_equal(site_archive, again) == []
    assert not list((again / "warc").glob("*.warc.gz")), "an archived answer is not re-archived"


def test_a_miss_is_not_archived_and_counted(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    data = tmp_path / "deeper"
    result = crawl_from(
        site_archive / "warc",
        data,
        "cnn",
        site.url("cnn", "/world/africa/"),
        env=offline_env,
        extra=("--depth", "3", "-s", "NEWSARCHIVE_RETRY_ENABLED=False"),
    )
    errors = report(data)["errors"]
    assert errors["not_archived"]["count"] >= 1, result.stderr
    assert site.url("cnn", CNN_G) in errors["not_archived"]["examples"]
    assert "Traceback" not in result.stderr


def test_at_picks_the_nearest_capture(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    url = site.url("cnn", CNN_A)
    head, body = archived_response(site_archive, url)
    assert head is not None
    archive = tmp_path / "two-days"
    archive.mkdir()
    with open(archive / "days.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for date, title in (
            ("2013-01-29T22:00:00Z", b"Day one"),
            ("2013-01-31T08:00:00Z", b"Day two"),
        ):
            write_response(writer, url, date, body.replace(b"Troops enter Timbuktu", title))

    def headline(at: str | None) -> str:
        data = tmp_path / f"at-{at}"
        extra = ("--depth", "0") + (("--at", at) if at else ())
        result = crawl_from(archive, data, "cnn", url, env=offline_env, extra=extra)
        assert result.returncode == 0, result.stderr
        return store_lines(data)[0]["headline"]

    assert headline(None).startswith("Day two")
    assert headline("20130129").startswith("Day one")
    assert headline("2013-01-30T23:00:00Z").startswith("Day two")


def test_at_parses_wayback_and_iso_timestamps() -> None:
    assert parse_at("2013").isoformat() == "2013-01-01T00:00:00+00:00"
    assert parse_at("20130129223800").isoformat() == "2013-01-29T22:38:00+00:00"
    assert parse_at("2013-01-29T23:38:00+01:00").isoformat() == "2013-01-29T22:38:00+00:00"


def test_at_without_archive_and_bad_at_are_usage_errors(tmp_path: Path) -> None:
    assert run_cli("crawl", "cnn", "--at", "2013").returncode == 2
    bad = run_cli("crawl", "cnn", "--from-archive", str(tmp_path), "--at", "yesterday")
    assert bad.returncode == 2 and "not a timestamp" in bad.stderr


def test_a_truncated_archived_capture_gives_no_article(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    """An archive's record marked ``WARC-Truncated`` (cut at its crawler's size limit) holds
    half a page: replay never makes it an article, and the crawl from the archive made one."""
    from warcio.statusandheaders import StatusAndHeaders

    url = site.url("cnn", CNN_A)
    _head, body = archived_response(site_archive, url)
    assert body
    archive = tmp_path / "cut"
    archive.mkdir()
    with open(archive / "cut.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        cut = {"WARC-Date": "2013-01-29T22:00:00Z", "WARC-Truncated": "length"}
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=cut
        )
        writer.write_record(record)
    data = tmp_path / "data"
    result = crawl_from(archive, data, "cnn", url, env=offline_env, extra=("--depth", "0"))
    assert "Traceback" not in result.stderr
    assert store_lines(data) == []
    assert report(data)["pages"]["article"] == 0, result.stderr


def test_an_archive_of_incremental_crawls_gives_the_pages_its_304s_confirm(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    """After a second crawl, each unchanged page's latest capture is a 304 revisit: it was
    handed to the spider as a bare 304 (http_304 errors, no article, exit 1). It is the page
    it confirms, read from the response record holding it, as replay reads it."""

    from .conftest import FAST

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    again = run_cli(
        "crawl", "cnn", "--data", str(data), "--recrawl", "all",
        "--start-url", site.url("cnn", "/world/africa/"), *FAST,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert report(data)["pages"].get("notModified", 0) >= 1, report(data)["pages"]
    copy = tmp_path / "copy"
    result = crawl_from(
        data / "warc", copy, "cnn", site.url("cnn", "/world/africa/"), env=offline_env
    )
    assert result.returncode == 0, result.stderr
    assert report(copy)["errors"] == {}
    cnn = [line for line in store_lines(site_archive) if line["source"] == "cnn"]
    assert stores_equal_lines(cnn, store_lines(copy))
    for line in store_lines(copy):  # each names the response record it was read from
        assert line["warc"]["recordId"] in {c["warc"]["recordId"] for c in cnn}


def stores_equal_lines(one: list[dict], other: list[dict]) -> bool:
    """The same articles with the same content (digests), whichever order."""
    return sorted((x["articleId"], x["contentDigest"]) for x in one) == sorted(
        (x["articleId"], x["contentDigest"]) for x in other
    )


def test_max_pages_bounds_a_crawl_from_the_archive(
    site_archive: Path, site: SiteServer, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    """The archive answered before --max-pages counted a request: ``--max-pages 3`` let a
    crawl from the archive answer every page it asked for."""
    data = tmp_path / "bounded"
    result = crawl_from(
        site_archive / "warc", data, "cnn", site.url("cnn", "/world/africa/"),
        env=offline_env, extra=("--max-pages", "3"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    bounded = report(data)
    assert bounded["status"] == "limited" and bounded["limitedBy"] == ["--max-pages"]
    assert bounded["pagesFetched"] <= 3 and bounded["requests"] <= 3, bounded
    rest = crawl_from(
        site_archive / "warc", data, "cnn", site.url("cnn", "/world/africa/"), env=offline_env
    )
    assert rest.returncode == 0 and report(data)["status"] == "ok", rest.stderr
    cnn = [line for line in store_lines(site_archive) if line["source"] == "cnn"]
    assert stores_equal_lines(cnn, store_lines(data))
