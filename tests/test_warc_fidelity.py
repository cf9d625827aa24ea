"""Header fidelity: a crawl of a scripted raw-socket server, checked record by record."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import line_server
from .servers.fidelity import RESPONSES
from .servers.harness import Rec, crawl, read_records, warc_paths

TARGETS = ["/headers?a=1&b=two%20words", "/moved-1", "/missing", "/gzip", "/chunked", "/short"]
TARGETS += ["/no-phrase"]


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("fidelity")
    with line_server("-m", "tests.servers.fidelity") as info:
        base = info["url"]
        crawl(
            data,
            "cnn",
            *(base + t for t in TARGETS),
            # Every scripted answer is a start point, a 404 among them: an error of the run
            # (start_gone), which this crawl of oddities is not judged by.
            extra=("-s", "DOWNLOAD_FAIL_ON_DATALOSS=False", "--max-error-rate", "1"),
        )
        yield base, data


@pytest.fixture(scope="module")
def records(fidelity: tuple[str, Path]) -> list[Rec]:
    return read_records(warc_paths(fidelity[1]))


def response(records: list[Rec], base: str, target: str) -> Rec:
    found = [r for r in records if r.type == "response" and r.url == base + target]
    assert len(found) == 1, [r.url for r in records if r.type == "response"]
    return found[0]


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_headers_kept_as_sent(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    rec = response(records, fidelity[0], "/headers?a=1&b=two%20words")
    sent = RESPONSES["/headers?a=1&b=two%20words"]
    assert rec.http.protocol + " " + rec.http.statusline == sent.status_line.decode()
    expected = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in sent.headers]
    assert rec.http.headers == expected  # repeated Set-Cookie, casing, order, latin-1 bytes
    assert rec.payload == sent.body


def test_status_line_without_phrase_gets_the_standard_one(
    fidelity: tuple[str, Path], records: list[Rec]
) -> None:
    rec = response(records, fidelity[0], "/no-phrase")
    assert rec.http.statusline == "200 OK"


def test_request_record_carries_query_host_and_headers_sent(
    fidelity: tuple[str, Path], records: list[Rec]
) -> None:
    base = fidelity[0]
    rec = response(records, base, "/headers?a=1&b=two%20words")
    requests = [r for r in records if r.type == "request" and r.url == rec.url]
    assert len(requests) == 1
    request = requests[0]
    assert request.get("WARC-Concurrent-To") == rec.get("WARC-Record-ID")
    assert request.get("WARC-Date") == rec.get("WARC-Date")
    assert request.http.protocol == "GET"
    assert request.http.statusline == "/headers?a=1&b=two%20words HTTP/1.1"
    assert request.http.get_header("Host") == base.split("//", 1)[1]
    assert "gzip" in (request.http.get_header("Accept-Encoding") or "")
    assert request.http.get_header("User-Agent", "").startswith("newsarchive/")
    assert rec.get("WARC-IP-Address") == "127.0.0.1"


def test_redirect_chain_and_404_archived(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    base = fidelity[0]
    for target, status in (("/moved-1", "301"), ("/moved-2", "301"), ("/landed", "200")):
        rec = response(records, base, target)
        assert rec.http.get_statuscode() == status
    assert response(records, base, "/moved-1").http.get_header("Location") == "/moved-2"
    missing = response(records, base, "/missing")
    assert missing.http.statusline == "404 Not Found"
    assert missing.payload == RESPONSES["/missing"].body


def test_gzip_body_stored_as_received(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    rec = response(records, fidelity[0], "/gzip")
    assert rec.http.get_header("Content-Encoding") == "gzip"
    assert rec.payload == RESPONSES["/gzip"].body
    assert rec.get("WARC-Payload-Digest") == sha1_b32(RESPONSES["/gzip"].body)


def test_chunked_body_described_as_stored(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    rec = response(records, fidelity[0], "/chunked")
    assert rec.http.get_header("Transfer-Encoding") is None
    assert rec.http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert rec.http.get_header("Content-Length") == str(len(RESPONSES["/chunked"].body))
    assert rec.payload == RESPONSES["/chunked"].body
    # the payload digest covers the body after transfer-decoding
    assert rec.get("WARC-Payload-Digest") == sha1_b32(RESPONSES["/chunked"].body)


def test_body_cut_short_is_marked_truncated(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    rec = response(records, fidelity[0], "/short")
    sent = RESPONSES["/short"]
    assert rec.get("WARC-Truncated") == "disconnect"
    assert rec.payload == sent.body[: sent.cut_at]
    assert rec.http.get_header("X-Archive-Orig-Content-Length") == str(len(sent.body))
    assert rec.http.get_header("Content-Length") == str(sent.cut_at)


def test_block_and_payload_digests_per_spec(fidelity: tuple[str, Path]) -> None:
    from warcio.archiveiterator import ArchiveIterator

    checked = 0
    for path in warc_paths(fidelity[1]):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, no_record_parse=True):
                block = record.raw_stream.read()
                assert record.rec_headers.get_header("WARC-Block-Digest") == sha1_b32(block)
                if record.rec_type == "response":
                    payload = block.split(b"\r\n\r\n", 1)[1]
                    assert record.rec_headers.get_header("WARC-Payload-Digest") == sha1_b32(payload)
                checked += 1
    assert checked > 20


def test_metadata_record_per_response(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    responses = {r.get("WARC-Record-ID"): r for r in records if r.type == "response"}
    metadata = [r for r in records if r.type == "metadata"]
    assert {m.get("WARC-Concurrent-To") for m in metadata} == set(responses)
    for meta in metadata:
        assert meta.get("WARC-Date") == responses[meta.get("WARC-Concurrent-To")].get("WARC-Date")
        assert b"spider: cnn" in meta.payload and b"hops: " in meta.payload


def test_warcinfo_opens_the_file(fidelity: tuple[str, Path], records: list[Rec]) -> None:
    info = records[0]
    assert info.type == "warcinfo"
    fields = info.payload.decode()
    for name in (
        "software: newsarchive/",
        "format: WARC File Format 1.1",
        "conformsTo: ",
        "isPartOf: ",
        "hostname: ",
        "robots: obey",
        "http-header-user-agent: ",
    ):
        assert name in fields, fields
    assert info.get("WARC-Filename") == records[0].filename


def test_archival_tools_read_our_files(fidelity: tuple[str, Path]) -> None:
    paths = [str(p) for p in warc_paths(fidelity[1])]
    tools = Path(sys.executable).parent
    check = subprocess.run(
        [str(tools / "warcio"), "check", "-v", *paths], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    index = subprocess.run(
        [str(tools / "warcio"), "index", *paths], capture_output=True, text=True, check=True
    )
    assert index.stdout.count("\n") >= 30
    cdxj = subprocess.run(
        [str(tools / "cdxj-indexer"), *paths], capture_output=True, text=True, check=True
    )
    lines = cdxj.stdout.splitlines()
    assert any('"status": "404"' in line for line in lines)
    assert any("headers?a=1&b=two%20words" in line for line in lines)
