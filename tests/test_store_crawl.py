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
    # README (exit 75): the next run stores them, its page fetched again.
    again = crawl(site, tmp_path, "cnn", CAMPS, extra=("--depth", "0"))
    assert again.returncode == 0, again.stderr
    assert len(store_lines(tmp_path)) == 1


def test_an_article_whose_line_a_power_cut_tore_is_stored_again(
    site: SiteServer, tmp_path: Path
) -> None:
    """The torn last line goes to quarantine; its page's history kept the ETag, so every
    later run got a 304 and the article was never stored again (``store rebuild`` and
    ``--recrawl all`` did not help)."""
    first = crawl(site, tmp_path, "cnn", "/world/africa/")
    assert first.returncode == 0, first.stderr
    before = store_lines(tmp_path)
    (month,) = sorted((tmp_path / "articles").glob("articles-*.jsonl"))
    raw = month.read_bytes()
    last = raw.rstrip(b"\n").rfind(b"\n") + 1
    month.write_bytes(raw[: last + 300])  # what a power cut leaves: part of the last line
    torn = json.loads(raw[last:])
    second = crawl(site, tmp_path, "cnn", "/world/africa/")
    assert second.returncode == 0, second.stderr
    assert list((tmp_path / "articles" / "quarantine").glob("*.torn"))
    after = store_lines(tmp_path)
    assert {line["articleId"] for line in after} == {line["articleId"] for line in before}
    again = [line for line in after if line["articleId"] == torn["articleId"]]
    assert len(again) == 1 and again[0]["contentDigest"] == torn["contentDigest"]


def test_store_rebuild_forgets_the_pages_of_torn_lines(site: SiteServer, tmp_path: Path) -> None:
    """``store rebuild`` forgot the history of damaged lines' pages, not of torn ones."""
    from archive.fetchstate import FetchState
    from crawler.linkpolicy import dedup_key

    assert crawl(site, tmp_path, "cnn", "/world/africa/").returncode == 0
    (month,) = sorted((tmp_path / "articles").glob("articles-*.jsonl"))
    raw = month.read_bytes()
    last = raw.rstrip(b"\n").rfind(b"\n") + 1
    month.write_bytes(raw[: last + 300])
    torn = json.loads(raw[last:])
    rebuilt = run_cli("store", "rebuild", "--data", str(tmp_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    history = FetchState(tmp_path / "state" / "fetch.sqlite")
    try:
        known = {dedup_key(url) for _key, url, _article in history.pages()}
    finally:
        history.close()
    assert dedup_key(torn["url"]) not in known
    assert list((tmp_path / "articles" / "quarantine").glob("*.torn"))
