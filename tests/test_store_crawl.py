"""The store as a crawl of the test site writes it: provenance, schema, identity, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.schema import store_line_validator
from archive.store import content_digest
from archive.store.files import StoreLock
from crawler.pages import analyse

from .conftest import FAST, SiteServer, run_cli, store_lines

MOVED = "/2013/01/27/world/africa/mali-refugees-niger/index.html"  # 301 to the -camps page
CAMPS = "/2013/01/27/world/africa/mali-refugees-niger-camps/index.html"


def crawl(site: SiteServer, data: Path, spider: str, *paths: str, extra: tuple[str, ...] = ()):
    starts = [arg for path in paths for arg in ("--start-url", site.url(spider, path))]
    return run_cli("crawl", spider, "--data", str(data), *starts, *FAST, *extra)


@pytest.fixture(scope="module")
def crawled(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("store-crawl")
    for spider, start in (("cnn", "/world/africa/"), ("reuters", "/world/africa/")):
        result = crawl(site, data, spider, start)
        assert result.returncode == 0, result.stderr
    return data


def test_every_line_opens_its_warc_record(crawled: Path) -> None:
    lines = store_lines(crawled)
    assert {line["source"] for line in lines} == {"cnn", "reuters"}
    for line in lines:
        warc = line["warc"]
        with open(crawled / "warc" / warc["filename"], "rb") as handle:
            handle.seek(warc["offset"])
            raw = handle.read(warc["length"])
            handle.seek(warc["offset"])
            record = next(iter(ArchiveIterator(handle)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Record-ID") == warc["recordId"]
            assert record.rec_headers.get_header("WARC-Target-URI") == line["url"]
            assert record.rec_headers.get_header("WARC-Payload-Digest") == warc["payloadDigest"]
            date = record.rec_headers.get_header("WARC-Date")
            assert date[:19] + "Z" == line["metadata"]["dateDownloaded"]
            body = record.content_stream().read()
            headers = dict(record.http_headers.headers)
        assert raw[:2] == b"\x1f\x8b" and len(raw) == warc["length"]  # exactly one gzip member
        again = analyse(line["url"], headers, body, source=line["source"]).article
        assert again is not None
        assert content_digest(again) == line["contentDigest"]  # that page is this article


def test_every_line_of_a_crawl_passes_the_schema(crawled: Path) -> None:
    validator = store_line_validator()
    lines = store_lines(crawled)
    assert lines
    for line in lines:
        errors = [e.message for e in validator.iter_errors(line)]
        assert not errors, (line["url"], errors)
    for report in (crawled / "runs").glob("*.json"):
        assert "invalid_item" not in json.loads(report.read_text())["errors"]


def test_the_same_story_through_a_redirect_and_tracking_url_is_one_article(
    site: SiteServer, tmp_path: Path
) -> None:
    first = crawl(site, tmp_path, "cnn", MOVED, extra=("--depth", "0"))
    assert first.returncode == 0, first.stderr
    (line,) = store_lines(tmp_path)
    assert line["url"] == site.url("cnn", CAMPS)
    second = crawl(site, tmp_path, "cnn", CAMPS + "?utm_source=feed&iid=x", extra=("--depth", "0"))
    assert second.returncode == 0, second.stderr
    assert store_lines(tmp_path) == [line]  # same articleId, same content: nothing written


def test_a_crawl_that_cannot_get_the_store_stops_and_says_so(
    site: SiteServer, tmp_path: Path
) -> None:
    lock = StoreLock(tmp_path / "articles", timeout=0)
    lock.acquire()
    try:
        result = crawl(
            site,
            tmp_path,
            "cnn",
            CAMPS,
            extra=("--depth", "0", "-s", "NEWSARCHIVE_STORE_LOCK_TIMEOUT=0.2"),
        )
    finally:
        lock.release()
    assert "Traceback" not in result.stderr
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert report["finishReasons"] == {"cnn": "store_locked"}
    log = next((tmp_path / "runs").glob("*.log")).read_text()
    assert "is being written by another process" in log
    assert "1 articles not stored" in log and "replay --store" in log
    assert store_lines(tmp_path) == []
