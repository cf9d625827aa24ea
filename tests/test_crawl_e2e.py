"""End to end: `newsarchive crawl` against the loopback test site, checked in WARC and store."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.schema import article_schema

from .conftest import (
    FAST,
    SiteServer,
    run_cli,
    start_site_server,
    stop_site_server,
    store_lines,
)

CNN_A = "/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
CNN_F = "/2013/01/31/world/africa/mali-kidal-talks/index.html"
CNN_G = "/2013/02/01/world/africa/mali-kidal-airstrip/index.html"
CNN_E = "/2023/05/01/africa/mali-gao-patrol-intl/index.html"
REUTERS_BLOCKED = "/article/2013/01/20/us-mali-blocked-idUSBRE90J0ZZ20130120"


def records(data: Path) -> list:
    """Every record of every WARC file as (record type, url, headers, http headers, raw payload)."""
    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                found.append(
                    (
                        record.rec_type,
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.rec_headers,
                        record.http_headers,
                        record.raw_stream.read(),
                    )
                )
    return found


def crawl(site: SiteServer, data: Path, spider: str, *paths: str, extra: tuple[str, ...] = ()):
    starts = [arg for path in paths for arg in ("--start-url", site.url(spider, path))]
    return run_cli("crawl", spider, "--data", str(data), *starts, *FAST, *extra)


@pytest.fixture(scope="module")
def cnn_crawl(site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cnn")
    result = crawl(site, data, "cnn", "/world/africa/", "/sitemaps/cnn/news.xml")
    assert result.returncode == 0, result.stderr
    assert "newsarchive: run" in result.stdout
    return data


def fetched_paths(data: Path, site: SiteServer, name: str) -> list[str]:
    base = site.url(name, "")
    return [url[len(base) :] for kind, url, *_ in records(data) if kind == "response"]


def test_crawl_writes_warc_and_store(cnn_crawl: Path) -> None:
    assert list((cnn_crawl / "warc").glob("*.warc.gz"))
    assert not list((cnn_crawl / "warc").glob("*.open"))
    lines = store_lines(cnn_crawl)
    headlines = {line["headline"] for line in lines}
    assert "Troops enter Timbuktu as fighters melt into the desert" in headlines
    assert "Gao patrols resume along the river" in headlines
    for line in lines:
        jsonschema.validate(line, article_schema())
        assert line["source"] == "cnn"
        assert line["version"] == 1


def test_every_response_has_its_request_and_metadata(cnn_crawl: Path) -> None:
    found = records(cnn_crawl)
    responses = {h.get_header("WARC-Record-ID") for k, _, h, *_ in found if k == "response"}
    requests = [h.get_header("WARC-Concurrent-To") for k, _, h, *_ in found if k == "request"]
    metadata = [h.get_header("WARC-Concurrent-To") for k, _, h, *_ in found if k == "metadata"]
    assert responses and set(requests) == responses and set(metadata) == responses
    assert found[0][0] == "warcinfo"


def test_follows_related_coverage_up_to_depth(cnn_crawl: Path, site: SiteServer) -> None:
    paths = fetched_paths(cnn_crawl, site, "cnn")
    assert any(p.startswith(CNN_A) for p in paths)
    assert CNN_F in paths  # start article A -> B (hop 1) -> F (hop 2)
    assert CNN_G not in paths  # hop 3
    meta = {
        url: body.decode() for kind, url, _h, _hh, body in records(cnn_crawl) if kind == "metadata"
    }
    f_meta = meta[site.url("cnn", CNN_F)]
    assert "hops: 2" in f_meta and "via: " in f_meta


def test_never_follows_navigation_footer_ads_or_video(cnn_crawl: Path, site: SiteServer) -> None:
    paths = fetched_paths(cnn_crawl, site, "cnn")
    assert not [p for p in paths if "trap" in p or p.startswith("/video")], paths


def test_each_canonical_url_fetched_once(cnn_crawl: Path, site: SiteServer) -> None:
    paths = [p.split("?")[0] for p in fetched_paths(cnn_crawl, site, "cnn")]
    assert len(paths) == len(set(paths)), paths
    assert paths.count(CNN_E) == 1  # linked with utm_source, listed in the sitemap on www.cnn.com


def test_gzip_payload_stored_as_received(cnn_crawl: Path, site: SiteServer) -> None:
    for kind, url, _headers, http, payload in records(cnn_crawl):
        if kind == "response" and url == site.url("cnn", CNN_A):
            assert http.get_header("Content-Encoding") == "gzip"
            assert payload[:2] == b"\x1f\x8b"
            assert b"Timbuktu" in gzip.decompress(payload)
            assert http.get_header("Content-Length") == str(len(payload))
            return
    pytest.fail("no response record for the start article")


def test_chunked_body_not_labelled_chunked(cnn_crawl: Path, site: SiteServer) -> None:
    chunked = site.url("cnn", "/2013/01/28/world/africa/mali-gao-airport/index.html")
    for kind, url, _h, http, payload in records(cnn_crawl):
        if kind == "response" and url.startswith(chunked):
            assert http.get_header("Transfer-Encoding") is None
            assert http.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
            assert http.get_header("Content-Length") == str(len(payload))
            return
    pytest.fail("no response record for the chunked page")


def test_run_report(cnn_crawl: Path) -> None:
    reports = list((cnn_crawl / "runs").glob("*.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    assert report["exitCode"] == 0
    assert report["pagesFetched"] > 5
    assert report["articles"]["new"] == len(store_lines(cnn_crawl))
    assert report["durationSeconds"] > 0
    assert report["warc"]["files"]


def test_second_identical_run_stores_nothing_new(site: SiteServer, tmp_path: Path) -> None:
    first = crawl(site, tmp_path, "cnn", "/world/africa/")
    assert first.returncode == 0, first.stderr
    before = store_lines(tmp_path)
    second = crawl(site, tmp_path, "cnn", "/world/africa/")
    assert second.returncode == 0, second.stderr
    assert store_lines(tmp_path) == before
    reports = sorted((tmp_path / "runs").glob("*.json"))
    # Known articles years old are not due again (incremental crawling): none re-extracted.
    second_report = json.loads(reports[-1].read_text())
    assert second_report["pages"]["skipped"] == len(before)
    assert second_report["articles"] == {"new": 0, "updated": 0, "unchanged": 0, "older": 0}


def test_depth_option_limits_hops(site: SiteServer, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, "cnn", CNN_A, extra=("--depth", "1"))
    assert result.returncode == 0, result.stderr
    paths = fetched_paths(tmp_path, site, "cnn")
    assert CNN_F not in paths
    assert any(p.startswith("/2013/01/28/") for p in paths)


def test_blocked_page_counted_not_stored(site: SiteServer, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, "reuters", "/world/africa/", REUTERS_BLOCKED)
    assert result.returncode == 0, result.stderr
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert report["pages"]["blocked"] == 1
    assert all("blocked" not in line["url"] for line in store_lines(tmp_path))
    statuses = [
        h.get_header("WARC-Target-URI")
        for k, _, h, http, _ in records(tmp_path)
        if k == "response" and http.get_statuscode() == "403"
    ]
    assert statuses == [site.url("reuters", REUTERS_BLOCKED)]


def test_reuters_related_news_followed_across_templates(site: SiteServer, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, "reuters", "/world/africa/")
    assert result.returncode == 0, result.stderr
    lines = store_lines(tmp_path)
    extractors = {line["metadata"]["extractor"] for line in lines}
    assert {"reuters/2013", "reuters/2021"} <= extractors
    by_headline = {line["headline"]: line for line in lines}
    # Reached only through "Related News" (once with a feedType tracking parameter).
    assert "Algeria closes its southern border" in by_headline
    assert "Segou braces for more displaced families" in by_headline
    rebels = by_headline["French troops push north as rebels withdraw"]
    assert rebels["dateline"] == "SEGOU/BAMAKO, Mali"
    assert [c["role"] for c in rebels["credits"]] == ["additional reporting", "writing", "editing"]
    report = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert report["pages"]["blocked"] == 1  # the related link to a DataDome challenge page
    for line in lines:
        jsonschema.validate(line, article_schema())


PAGES = Path(__file__).parent / "data" / "pages" / "cnn_2013"
OLD_CNN = "/2011/WORLD/africa/04/06/seed.closed/index.html"
OLD_CNN_READ = "/2011/WORLD/africa/04/06/seed.port.near/index.html"
OLD_ARABIC = "/2013/flour_crowd/8/3/teacher.year/index.html"
OLD_SECTIONS = ["/2011/WORLD/africa/", "/2010/POLITICS/", "/WORLD/"]
OLD_FRONT = """<!DOCTYPE html><html lang="en"><head><title>World - CNN.com</title></head><body>
<div id="cnn_hdr"><a href="/WORLD/">World</a></div>
<div class="cnn_sectbin"><h2>Latest news</h2><ul>
<li><a href="/2011/WORLD/africa/04/06/seed.closed/index.html">Djeneba basin reopens</a></li>
<li><a href="/2013/flour_crowd/8/3/teacher.year/index.html">Teacher of the year</a></li>
<li><a href="/2011/WORLD/africa/">More from Africa</a></li>
<li><a href="/2010/POLITICS/">Politics</a></li>
</ul></div></body></html>
"""


def test_a_listing_of_2010_2013_shapes_leads_to_their_capture(tmp_path: Path) -> None:
    """A section page of 2011 links stories of the shapes CNN used then (the section before
    the date; CNN Arabic's month and day without zeros): each is captured and stored, and
    the related coverage of the 2011 story is followed one hop; its section links are not."""
    root = tmp_path / "site" / "cnn"
    pages = {
        "/world/index.html": OLD_FRONT.encode(),
        OLD_CNN: (PAGES / "script_stamp_wire_staff_video_tease.html").read_bytes(),
        OLD_CNN_READ: (PAGES / "script_stamp_banner_topic.html").read_bytes(),
        OLD_ARABIC: (PAGES / "arabic_rtl_columns.html").read_bytes(),
        **{f"{section}index.html": OLD_FRONT.encode() for section in OLD_SECTIONS},
    }
    for path, body in pages.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_bytes(body)
    server = start_site_server(root.parent)
    try:
        data = tmp_path / "data"
        start = server.url("cnn", "/world/")
        # The story's other related links are not on this site: their 404s are no failure.
        result = run_cli(
            "crawl", "cnn", "--data", str(data), "--start-url", start, "--depth", "1",
            "--max-error-rate", "1", *FAST,
        )  # fmt: skip
        requested = [url for kind, url, *_ in records(data) if kind == "request"]
    finally:
        stop_site_server(server)
    assert result.returncode == 0, result.stderr
    base = server.url("cnn", "")
    paths = [url[len(base) :] for url in requested]
    assert {OLD_CNN, OLD_CNN_READ, OLD_ARABIC} <= set(paths)
    assert not set(OLD_SECTIONS) & set(paths)
    assert "/2011/WORLD/journey/04/12/stove.aid/index.html" in paths  # hop 1, not on the site
    headlines = {line["headline"] for line in store_lines(data)}
    for fixture in (
        "script_stamp_wire_staff_video_tease",
        "script_stamp_banner_topic",
        "arabic_rtl_columns",
    ):
        expected = json.loads((PAGES / f"{fixture}.json").read_text("utf-8"))
        assert expected["headline"] in headlines, fixture
