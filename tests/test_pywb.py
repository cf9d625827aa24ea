"""Our WARC files replay in a real pywb: status, headers and body bytes as the server sent."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import SiteServer
from .servers.harness import Rec, crawl, read_records, warc_paths
from .servers.pywb import pywb_serving

pytestmark = pytest.mark.pywb

NO_INCREMENTAL = ("-s", "NEWSARCHIVE_INCREMENTAL_ENABLED=False")
CHUNKED = "/2013/01/28/world/africa/mali-gao-airport/index.html"
IDENTITY = "/2013/01/31/world/africa/mali-kidal-talks/index.html"
REDIRECT = "/2013/01/27/world/africa/mali-refugees-niger/index.html"


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET without redirects or decompression (http.client undoes only the chunking)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        target = url[len(f"{parts.scheme}://{parts.netloc}") :]
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def archive(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Rec]]:
    """Two crawls of the test site: the second, unchanged, is written as revisits."""
    data = tmp_path_factory.mktemp("pywb-data")
    starts = (site.url("cnn", "/world/africa/"), site.url("cnn", REDIRECT))
    crawl(data, "cnn", *starts, extra=NO_INCREMENTAL)
    crawl(data, "cnn", *starts, extra=NO_INCREMENTAL)
    return data, read_records(warc_paths(data))


@pytest.fixture(scope="module")
def pywb(
    archive: tuple[Path, list[Rec]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    files = warc_paths(archive[0])
    with pywb_serving(tmp_path_factory.mktemp("pywb"), "news", files) as base:
        yield base


def timestamp(record: Rec) -> str:
    date = record.get("WARC-Date") or ""
    return "".join(ch for ch in date[:19] if ch.isdigit())


def test_every_capture_replays_as_sent(
    archive: tuple[Path, list[Rec]], pywb: str, site: SiteServer
) -> None:
    _data, records = archive
    captures = [r for r in records if r.type in ("response", "revisit")]
    kinds = {"revisit": 0, "gzip": 0, "chunked": 0, "identity": 0, "redirect": 0}
    for record in captures:
        accept = {"Accept-Encoding": "gzip"}
        status, headers, body = get(f"{pywb}/{timestamp(record)}id_/{record.url}", accept)
        sent_status, sent_headers, sent_body = get(record.url, accept)  # the live server
        assert status == sent_status == int(record.http.get_statuscode()), record.url
        assert body == sent_body, record.url  # byte-identical, gzip bytes included
        for name in ("content-type", "content-encoding", "location"):
            assert headers.get(name) == sent_headers.get(name), (record.url, name)
        if record.type == "revisit":
            kinds["revisit"] += 1
            assert headers["memento-datetime"]
        if sent_headers.get("content-encoding") == "gzip":
            kinds["gzip"] += 1
        if CHUNKED in record.url:
            kinds["chunked"] += 1
            assert headers.get("x-archive-orig-transfer-encoding") == "chunked"
        if IDENTITY in record.url:
            kinds["identity"] += 1
        if 300 <= status < 400:
            kinds["redirect"] += 1
    assert all(kinds.values()), kinds
