"""Revisit records across cron runs: identical payloads, 304 answers, the digest index."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.dedup import DigestIndex, EarlierCapture
from archive.warc.records import IDENTICAL_PAYLOAD, SERVER_NOT_MODIFIED, Revisit

from .conftest import SiteServer
from .servers.harness import crawl, read_records, warc_paths

NO_INCREMENTAL = ("-s", "NEWSARCHIVE_INCREMENTAL_ENABLED=False")
ARTICLE = "/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"


def test_digest_index_at_100k_records(tmp_path: Path) -> None:
    index = DigestIndex(tmp_path / "digests.sqlite3")
    batch = [
        EarlierCapture(f"http://example.org/{n}", f"sha1:D{n % 1000}", f"<urn:{n}>", "d", "f", n, 1)
        for n in range(100_000)
    ]
    index.add_many(batch)
    index.add(EarlierCapture("http://example.org/7", "sha1:D7", "<urn:again>", "d", "f", 0, 1))
    assert len(index) == 100_001
    assert index.lookup("http://example.org/7", "sha1:D7") == batch[7]  # the earliest
    assert index.lookup("http://example.org/7", "sha1:D8") is None
    assert index.lookup("http://example.org/none", "sha1:D7") is None
    latest = index.latest("http://example.org/7")
    assert latest is not None and latest.record_id == "<urn:again>"
    plan = index._db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM captures WHERE url = ? AND digest = ?", ("a", "b")
    ).fetchall()
    assert "USING INDEX captures_url_digest" in str(plan)  # a B-tree search, not a scan
    index.close()
    reopened = DigestIndex(tmp_path / "digests.sqlite3")
    assert reopened.lookup("http://example.org/99999", "sha1:D999") == batch[99_999]
    reopened.close()


def test_second_unchanged_crawl_writes_revisits(site: SiteServer, tmp_path: Path) -> None:
    crawl(tmp_path, "cnn", site.url("cnn", "/world/africa/"), extra=NO_INCREMENTAL)
    first = warc_paths(tmp_path)
    crawl(tmp_path, "cnn", site.url("cnn", "/world/africa/"), extra=NO_INCREMENTAL)
    second = [p for p in warc_paths(tmp_path) if p not in first]
    assert len(first) == 1 and len(second) == 1
    originals = {r.get("WARC-Record-ID"): r for r in read_records(first) if r.type == "response"}
    later = read_records(second)
    revisits = [r for r in later if r.type == "revisit"]
    full_200s = [r for r in later if r.type == "response" and r.http.get_statuscode() == "200"]
    assert revisits and not full_200s
    for revisit in revisits:
        original = originals[revisit.get("WARC-Refers-To")]
        assert revisit.get("WARC-Profile") == (
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        )
        assert revisit.get("WARC-Refers-To-Target-URI") == original.url == revisit.url
        assert revisit.get("WARC-Refers-To-Date") == original.get("WARC-Date")
        assert revisit.get("WARC-Payload-Digest") == original.get("WARC-Payload-Digest")
        assert revisit.payload == b""  # the HTTP headers only, no second copy of the body
        assert revisit.http.get_header("Content-Type") == original.http.get_header("Content-Type")
    # the item provenance of an unchanged article points at its revisit record
    reports = sorted((tmp_path / "runs").glob("*.json"))
    assert json.loads(reports[-1].read_text())["warc"]["records"] > 0
    assert second[0].stat().st_size < first[0].stat().st_size


def test_304_answer_is_a_server_not_modified_revisit(site: SiteServer, tmp_path: Path) -> None:
    url = site.url("cnn", ARTICLE)
    extra = (*NO_INCREMENTAL, "--depth", "0")
    crawl(tmp_path, "cnn", url, extra=extra)
    first = read_records(warc_paths(tmp_path))
    original = next(r for r in first if r.type == "response" and r.url == url)
    etag = original.http.get_header("ETag")
    headers = json.dumps({"If-None-Match": etag})
    # (a bare 304 the spider did not ask for may count as an error in the run report)
    conditional = (*extra, "-s", f"DEFAULT_REQUEST_HEADERS={headers}")
    crawl(tmp_path, "cnn", url, extra=conditional, codes=(0, 1))
    later = [r for r in read_records(warc_paths(tmp_path)) if r.url == url and r not in first]
    revisit = next(r for r in later if r.type == "revisit" and r.filename != original.filename)
    assert revisit.http.get_statuscode() == "304"
    assert revisit.get("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    )
    assert revisit.get("WARC-Refers-To") == original.get("WARC-Record-ID")
    assert revisit.get("WARC-Refers-To-Target-URI") == url
    assert revisit.get("WARC-Refers-To-Date") == original.get("WARC-Date")
    request = next(r for r in later if r.type == "request" and r.filename == revisit.filename)
    assert request.http.get_header("If-None-Match") == etag


def _capture(body: bytes, when: datetime) -> Capture:
    return Capture(
        url="http://example.org/a?b=1",
        date=when,
        request=HttpMessage("GET /a?b=1 HTTP/1.1", [("Host", "example.org")]),
        response=HttpMessage(
            "HTTP/1.1 200 OK",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            body,
        ),
    )


def test_warc_1_0_files_use_the_1_0_profiles(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, version="1.0")
    when = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    original = writer.write_capture(_capture(b"same", when))
    for profile in (IDENTICAL_PAYLOAD, SERVER_NOT_MODIFIED):
        writer.write_capture(
            _capture(b"same", when),
            Revisit(
                profile,
                "http://example.org/a?b=1",
                original.date,
                original.record_id,
                original.payload_digest,
            ),
        )
    writer.close()
    records = read_records(warc_paths_of(tmp_path))
    assert {r.headers.protocol for r in records} == {"WARC/1.0"}
    assert records[1].get("WARC-Date") == "2024-05-01T12:00:00Z"
    profiles = [r.get("WARC-Profile") for r in records if r.type == "revisit"]
    assert profiles == [
        "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
        "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
    ]
    assert "format: WARC File Format 1.0" in records[0].payload.decode()


def warc_paths_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.warc.gz"))
