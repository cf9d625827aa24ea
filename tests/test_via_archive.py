"""``newsarchive crawl --via``: the spiders through a public web archive, as of a date.

The archive is real software on loopback: pywb (CDX API, ``id_`` replay, Memento) and a
Common Crawl stand-in (index API, byte ranges), both over WARCs of the bundled test site
dated January 2013 and March 2016 (:mod:`tests.servers.pastarchive`). Nothing reaches a
public archive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archive.validate import line_problems

from .conftest import FAST, line_server, run_cli, store_lines
from .servers.pastarchive import (
    BLOCKED,
    CAMPS,
    GAO,
    KIDAL,
    LOGIN,
    MANUSCRIPTS,
    REFUGEES,
    START,
    TIMBUKTU,
    page,
    write_response,
    write_warcs,
)
from .servers.pywb import pywb_serving
from .test_pywb import get
from .test_replay_helpers import stores_equal

pytestmark = pytest.mark.pywb


@pytest.fixture(scope="session")
def past_warcs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_warcs(tmp_path_factory.mktemp("past-warcs"))


@pytest.fixture(scope="session")
def past_pywb(past_warcs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pywb_serving(tmp_path_factory.mktemp("past-pywb"), "news", past_warcs) as base:
        yield base


def crawl_via(data: Path, via: str, at: str, *extra: str, start: str = TIMBUKTU):
    return run_cli(
        "crawl", "cnn", "--data", str(data), "--via", via, "--at", at, "--start-url", start,
        *FAST, *extra, timeout=180,
    )  # fmt: skip


def report(data: Path) -> dict:
    """The last run's report: the one written last (two runs may start in one second)."""
    newest = max((data / "runs").glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    return json.loads(newest.read_text())


def by_url(data: Path) -> dict[str, dict]:
    return {line["url"]: line for line in store_lines(data)}


def records(data: Path) -> list:
    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                body = record.content_stream().read() if record.rec_type == "response" else b""
                found.append((record.rec_type, record.rec_headers, record.http_headers, body))
    return found


@pytest.fixture(scope="module")
def crawled(past_pywb: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Timbuktu story and its related coverage as of 29 January 2013, via pywb."""
    data = tmp_path_factory.mktemp("via-pywb")
    result = crawl_via(data, past_pywb, "20130129")
    assert "Traceback" not in result.stderr, result.stderr
    return data


def test_at_picks_each_pages_own_nearest_capture(crawled: Path, past_pywb: str) -> None:
    lines = by_url(crawled)
    assert set(lines) == {TIMBUKTU, GAO, CAMPS, KIDAL}
    # 29 January 2013, not the revised page of 2016.
    assert lines[TIMBUKTU]["headline"].startswith("Troops enter Timbuktu")
    assert lines[TIMBUKTU]["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    # A related page's own capture nearest 29 January (1 February), not its referrer's date.
    assert lines[GAO]["headline"].startswith("Late: ")
    assert lines[GAO]["metadata"]["dateDownloaded"] == "2013-02-01T08:00:00Z"
    # Reached through an archived 301, resolved to the target's own capture.
    assert lines[CAMPS]["metadata"]["dateDownloaded"] == "2013-01-27T12:00:00Z"
    for url, line in lines.items():
        assert line_problems(line) == [], url
        source = line["metadata"]["retrievedFrom"]
        assert source["archive"] == past_pywb
        stamp = line["metadata"]["dateDownloaded"]
        digits = "".join(ch for ch in stamp if ch.isdigit())
        assert source["mementoUrl"] == f"{past_pywb}/{digits}id_/{url}"
        assert source["retrieved"] > "2020"


def test_the_default_start_points_through_a_local_pywb(past_pywb: str, tmp_path: Path) -> None:
    """``crawl cnn --via PYWB --at 20130129``: the 2013 story and its related coverage."""
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path), "--via", past_pywb, "--at", "20130129", *FAST
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert set(by_url(tmp_path)) == {TIMBUKTU, GAO, CAMPS, KIDAL}
    missing = report(tmp_path)["errors"]["not_archived"]["examples"]
    assert f"{START.rsplit('/world', 1)[0]}/sitemaps/cnn/news.xml" in missing


def test_a_capture_outside_the_window_is_not_archived(crawled: Path) -> None:
    found = report(crawled)
    assert found["errors"]["not_archived"]["examples"] == [MANUSCRIPTS]
    assert set(found["errors"]) == {"not_archived"}
    # The archive's own requests are reported apart, not as pages.
    assert found["pagesFetched"] == 5  # 4 articles and the archived redirect
    assert found["archive"]["captures"] == 5
    # One index lookup per URL asked: Timbuktu, Gao, the redirect, its target, Kidal,
    # the manuscripts.
    assert found["archive"]["lookups"] == 6


def test_a_later_at_gets_the_later_captures(past_pywb: str, tmp_path: Path) -> None:
    result = crawl_via(tmp_path, past_pywb, "2016-03-02", "--depth", "0")
    assert result.returncode == 0, result.stderr
    (line,) = store_lines(tmp_path)
    assert line["headline"].startswith("Revised: ")
    assert line["metadata"]["dateDownloaded"] == "2016-03-01T09:00:00Z"


def test_records_say_the_archive_served_them(crawled: Path, past_pywb: str) -> None:
    found = records(crawled)
    kinds = [kind for kind, *_ in found]
    assert "request" not in kinds, "we sent the outlet no request"
    warcinfo = next(head for kind, head, *_ in found if kind == "warcinfo")
    assert warcinfo.get_header("WARC-Date") > "2020", "the file is written now, not in 2013"
    responses = [(head, http) for kind, head, http, _ in found if kind == "response"]
    assert len(responses) == 5
    for head, http in responses:
        assert head.get_header("WARC-Date").startswith("2013-"), head
        source = head.get_header("WARC-Source-URI")
        assert source.startswith(f"{past_pywb}/2013") and source.endswith(
            head.get_header("WARC-Target-URI")
        )
        assert head.get_header("WARC-Creation-Date") > "2020"
        names = {name.lower() for name, _ in http.headers}
        assert not names & {"memento-datetime", "link", "content-location"}
        # pywb's Date of today is not the original server's; the original's, where the
        # capture had one (the redirect's), is kept.
        assert all("2013" in value for name, value in http.headers if name.lower() == "date")
        if http.get_statuscode() == "301":
            assert {"date", "server", "location"} <= names
    metadata = [
        head
        for kind, head, *_ in found
        if kind == "metadata" and head.get_header("WARC-Target-URI") == GAO
    ]
    assert len(metadata) == 1
    verify = run_cli("verify", *map(str, (crawled / "warc").glob("*.warc.gz")))
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_our_warc_replays_the_original_urls_at_their_dates(
    crawled: Path, tmp_path: Path, past_warcs: list[Path]
) -> None:
    ours = sorted((crawled / "warc").glob("*.warc.gz"))
    with pywb_serving(tmp_path / "pywb", "ours", ours) as base:
        status, headers, body = get(f"{base}/20130201080000id_/{GAO}", {})
        assert status == 200
        assert headers["memento-datetime"] == "Fri, 01 Feb 2013 08:00:00 GMT"
        assert b"<h1>Late: Gao airport" in body
        status, headers, _ = get(f"{base}/20130129id_/{REFUGEES}", {})
        assert status == 301 and headers["location"] == CAMPS


def test_replaying_our_warc_gives_the_crawls_items(crawled: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = run_cli("replay", str(crawled / "warc"), "--store", str(again))
    assert result.returncode == 0, result.stderr
    assert stores_equal(crawled, again) == []


def test_crawling_our_warc_from_the_archive_keeps_where_each_page_came_from(
    crawled: Path, tmp_path: Path
) -> None:
    """``crawl --from-archive`` of a --via crawl's WARC dropped ``retrievedFrom``, where
    ``replay`` of the same WARC keeps it (from the metadata record)."""
    again = tmp_path / "again"
    result = run_cli(
        "crawl", "cnn", "--data", str(again), "--from-archive", str(crawled / "warc"),
        "--start-url", TIMBUKTU, *FAST,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    ours = {url: line["metadata"].get("retrievedFrom") for url, line in by_url(again).items()}
    theirs = {url: line["metadata"].get("retrievedFrom") for url, line in by_url(crawled).items()}
    assert ours and ours == {url: theirs[url] for url in ours}


def test_a_second_run_asks_the_index_nothing(crawled: Path, past_pywb: str, tmp_path: Path) -> None:
    data = tmp_path / "twice"
    first = crawl_via(data, past_pywb, "20130129", "--depth", "0")
    # Each run is checked on its own, so that a failure says which run did not do its part.
    assert first.returncode == 0, first.stderr
    assert report(data)["archive"]["lookups"] == 1, report(data)
    again = crawl_via(data, past_pywb, "20130129", "--depth", "0", "--recrawl", "all")
    assert again.returncode == 0, again.stderr
    second = report(data)["archive"]
    assert second["lookups"] == 0 and second["lookupsCached"] == 1, report(data)


def test_bad_via_options_are_usage_errors(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert run_cli("crawl", "cnn", "--data", data, "--window", "3").returncode == 2
    bad = run_cli("crawl", "cnn", "--data", data, "--via", "ftp://x", "--at", "2013")
    assert bad.returncode == 2 and "--via takes" in bad.stderr
    bad = run_cli("crawl", "cnn", "--data", data, "--via", "timemap:", "--at", "2013")
    assert bad.returncode == 2 and "timemap:URL" in bad.stderr
    assert (
        run_cli("crawl", "cnn", "--data", data, "--via", "wayback", "--at", "soon").returncode == 2
    )


# -- Common Crawl ---------------------------------------------------------------------
def cc_settings(base: str) -> tuple[str, ...]:
    return (
        "-s",
        f"NEWSARCHIVE_VIA_COMMONCRAWL_INDEX_URL={base}",
        "-s",
        f"NEWSARCHIVE_VIA_COMMONCRAWL_DATA_URL={base}/data",
    )


def test_commoncrawl_records_are_kept_as_written(past_warcs: list[Path], tmp_path: Path) -> None:
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory) as server:
        result = crawl_via(tmp_path, "commoncrawl", "20130129", *cc_settings(server["url"]))
        asked = Path(server["log"]).read_text().splitlines()
    assert "Traceback" not in result.stderr, result.stderr
    lines = by_url(tmp_path)
    assert set(lines) == {TIMBUKTU, GAO, CAMPS, KIDAL}
    assert lines[GAO]["headline"].startswith("Late: ")
    assert lines[GAO]["metadata"]["dateDownloaded"] == "2013-02-01T08:00:00Z"
    assert lines[GAO]["metadata"]["retrievedFrom"]["archive"] == "commoncrawl"
    assert report(tmp_path)["errors"]["not_archived"]["examples"] == [MANUSCRIPTS]
    # The crawl near --at was chosen from collinfo.json; data came as byte ranges.
    assert any(line.startswith("GET /collinfo.json 200") for line in asked)
    assert any("/CC-MAIN-2013-05-index?" in line for line in asked)
    assert not any("CC-MAIN-2016-10" in line for line in asked)
    ranges = [line for line in asked if line.startswith("GET /data/")]
    assert ranges and all(" 206 " in line for line in ranges)
    assert all("newsarchive/" in line for line in asked), "the project's User-Agent"
    # Each record byte for byte as in Common Crawl's file, with our metadata beside it.
    theirs = {}
    for path in past_warcs:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                theirs[record.rec_headers.get_header("WARC-Record-ID")] = path
    found = records(tmp_path)
    ids = [head.get_header("WARC-Record-ID") for kind, head, *_ in found if kind == "response"]
    assert len(ids) == 5 and all(record_id in theirs for record_id in ids)
    notes = [head for kind, head, *_ in found if kind == "metadata"]
    assert {head.get_header("WARC-Concurrent-To") for head in notes} >= set(ids)
    verify = run_cli("verify", *map(str, (tmp_path / "warc").glob("*.warc.gz")))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    again = tmp_path / "again"
    assert run_cli("replay", str(tmp_path / "warc"), "--store", str(again)).returncode == 0
    assert stores_equal(tmp_path, again) == []


def test_too_many_requests_is_waited_out(past_warcs: list[Path], tmp_path: Path) -> None:
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory, "--throttle", "1") as server:
        result = crawl_via(
            tmp_path,
            "commoncrawl:CC-MAIN-2013-05",
            "20130129",
            "--depth",
            "0",
            *cc_settings(server["url"]),
        )
        asked = Path(server["log"]).read_text().splitlines()
    assert result.returncode == 0, result.stderr
    assert [line.split()[2] for line in asked[:2]] == ["429", "200"]
    assert asked[0].split()[1] == asked[1].split()[1], "the same lookup, asked again"
    assert len(store_lines(tmp_path)) == 1
    log = next((tmp_path / "runs").glob("*.log")).read_text()
    assert "(Retry-After 1s" in log


# -- the archive's failures -----------------------------------------------------------
def test_archive_failures_are_counted_by_kind_never_stored(past_pywb: str, tmp_path: Path) -> None:
    data = tmp_path / "failures"
    starts = [arg for url in (BLOCKED, LOGIN) for arg in ("--start-url", url)]
    result = run_cli(
        "crawl",
        "reuters",
        "--data",
        str(data),
        "--via",
        past_pywb,
        "--at",
        "20130120",
        *starts[2:],
        *FAST,
        "--start-url",
        BLOCKED,
    )
    assert "Traceback" not in result.stderr, result.stderr
    errors = report(data)["errors"]
    assert errors["archive_block_page"]["examples"] == [BLOCKED]
    assert errors["archive_login_redirect"]["examples"] == [LOGIN]
    assert store_lines(data) == []
    down = tmp_path / "down"
    result = crawl_via(
        down, "http://127.0.0.1:9/news", "20130129", "--depth", "0", "-s", "RETRY_TIMES=0"
    )
    found = report(down)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert found["errors"]["archive_down"]["examples"] == [TIMBUKTU]


def test_any_memento_timegate_serves(past_pywb: str, tmp_path: Path) -> None:
    result = crawl_via(tmp_path, f"timegate:{past_pywb}", "20130129", "--depth", "1")
    assert "Traceback" not in result.stderr, result.stderr
    lines = by_url(tmp_path)
    assert lines[TIMBUKTU]["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert lines[GAO]["headline"].startswith("Late: ")
    source = lines[GAO]["metadata"]["retrievedFrom"]
    assert source["archive"] == f"timegate:{past_pywb}"
    assert source["mementoUrl"] == f"{past_pywb}/20130201080000id_/{GAO}"
    assert report(tmp_path)["errors"]["not_archived"]["examples"] == [MANUSCRIPTS]


def test_a_memento_archives_timemaps_serve(past_pywb: str, tmp_path: Path) -> None:
    """pywb's TimeMaps (``BASE/timemap/link/URL``) as the only way in: the same pages and
    captures as through its TimeGate."""
    via = f"timemap:{past_pywb}/timemap/link"
    result = crawl_via(tmp_path, via, "20130129", "--depth", "1")
    assert "Traceback" not in result.stderr, result.stderr
    lines = by_url(tmp_path)
    assert lines[TIMBUKTU]["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert lines[GAO]["headline"].startswith("Late: ")
    source = lines[GAO]["metadata"]["retrievedFrom"]
    assert source["archive"] == via
    assert source["mementoUrl"] == f"{past_pywb}/20130201080000id_/{GAO}"
    assert report(tmp_path)["errors"]["not_archived"]["examples"] == [MANUSCRIPTS]


def test_an_archive_answer_that_is_no_capture_is_never_archived(
    past_warcs: list[Path], tmp_path: Path
) -> None:
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory, "--ignore-range") as server:
        result = crawl_via(
            tmp_path, "commoncrawl", "20130129", "--depth", "0", *cc_settings(server["url"])
        )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert report(tmp_path)["errors"]["archive_down"]["examples"] == [TIMBUKTU]
    assert store_lines(tmp_path) == []
    assert [kind for kind, *_ in records(tmp_path)] == ["warcinfo"] or not records(tmp_path)


def test_a_capture_of_another_url_is_refused(past_warcs: list[Path], tmp_path: Path) -> None:
    directory = str(past_warcs[0].parent)
    alias = f"{KIDAL}={GAO}"
    with line_server("-m", "tests.servers.commoncrawl", directory, "--alias", alias) as server:
        result = crawl_via(
            tmp_path,
            "commoncrawl:CC-MAIN-2013-05",
            "20130129",
            "--depth",
            "0",
            *cc_settings(server["url"]),
            start=KIDAL,
        )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert report(tmp_path)["errors"]["archive_other_url"]["examples"] == [KIDAL]
    assert store_lines(tmp_path) == []


def test_a_byte_range_holding_another_urls_record_is_refused(
    past_warcs: list[Path], tmp_path: Path
) -> None:
    """The index names the URL, the range holds another page's record: that page was
    stored under the URL asked for, where replaying our WARC gives it under its own. The
    record is kept as fetched, and our metadata record beside it named the URL asked for,
    not the record's own."""
    directory = str(past_warcs[0].parent)
    misplaced = f"{KIDAL}={GAO}"
    with line_server("-m", "tests.servers.commoncrawl", directory, "--misplace", misplaced) as cc:
        result = crawl_via(
            tmp_path, "commoncrawl:CC-MAIN-2013-05", "20130129", "--depth", "0",
            *cc_settings(cc["url"]), start=KIDAL,
        )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert report(tmp_path)["errors"]["archive_other_url"]["examples"] == [KIDAL]
    assert store_lines(tmp_path) == []
    written = records(tmp_path)
    targets = {head.get_header("WARC-Record-ID"): head.get_header("WARC-Target-URI")
               for kind, head, *_ in written if kind == "response"}  # fmt: skip
    assert list(targets.values()) == [GAO]
    notes = [head for kind, head, *_ in written if kind == "metadata"]
    assert notes and all(
        head.get_header("WARC-Target-URI") == targets[head.get_header("WARC-Concurrent-To")]
        for head in notes
    )


def test_a_byte_range_holding_no_response_record_is_never_written(tmp_path: Path) -> None:
    """A damaged index places the page at its file's first record, a warcinfo (or request)
    record: that record of Common Crawl's was appended to our WARC, with our metadata
    record beside it saying it was the page's capture, and the page dated by its WARC-Date
    (here today's: "outside the window")."""
    from .servers.pastarchive import page, write_response

    directory = tmp_path / "cc"
    directory.mkdir()
    with open(directory / "cnn-2013.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "x"}))
        write_response(writer, TIMBUKTU, "2013-01-29T10:00:00Z", page(TIMBUKTU, ""))
    data = tmp_path / "data"
    with line_server("-m", "tests.servers.commoncrawl", str(directory), "--at-start") as cc:
        result = crawl_via(
            data, "commoncrawl:CC-MAIN-2013-05", "20130129", "--depth", "0",
            *cc_settings(cc["url"]),
        )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert report(data)["errors"]["archive_down"]["examples"] == [TIMBUKTU]
    assert store_lines(data) == []
    # Nothing of Common Crawl's (its warcinfo), nor a metadata record of ours beside it.
    assert [kind for kind, *_ in records(data)] in ([], ["warcinfo"])


@pytest.mark.parametrize("cut", [40, 1200])
def test_a_byte_range_cut_short_is_never_written_nor_stored(
    past_warcs: list[Path], tmp_path: Path, cut: int
) -> None:
    """The archive's connection lost mid-range: the cut gzip member was appended to our
    WARC as the record it had begun, so the file no longer read past it."""
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory, "--cut-ranges", str(cut)) as cc:
        result = crawl_via(
            tmp_path, "commoncrawl:CC-MAIN-2013-05", "20130129", "--depth", "0",
            *cc_settings(cc["url"]),
        )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert report(tmp_path)["errors"]["dataloss"]["examples"] == [TIMBUKTU]
    assert store_lines(tmp_path) == []
    assert {kind for kind, *_ in records(tmp_path)} <= {"warcinfo"}


@pytest.mark.parametrize(
    "collinfo",
    ["<html><body>Back soon</body></html>", '["CC-MAIN-2013-05"]', '{"id": "CC-MAIN-2013-05"}'],
    ids=["html", "names", "object"],
)
def test_a_collinfo_that_lists_no_crawls_is_the_archive_down(
    past_warcs: list[Path], tmp_path: Path, collinfo: str
) -> None:
    """Common Crawl's list of crawls answered with an error page (or JSON of another
    shape): every page failed as a Python exception's name (``jsondecode``, ``type``)."""
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory, "--collinfo", collinfo) as cc:
        result = crawl_via(tmp_path, "commoncrawl", "20130129", *cc_settings(cc["url"]))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert set(report(tmp_path)["errors"]) == {"archive_down"}
    assert store_lines(tmp_path) == []


@pytest.mark.parametrize("off", [300, -300], ids=["past-the-record", "inside-the-record"])
def test_a_byte_range_the_index_measured_wrong_writes_only_a_whole_record(
    past_warcs: list[Path], tmp_path: Path, off: int
) -> None:
    """The index's length for a record is off: the range, appended to our WARC as it came,
    held the record and the start of the next (or part of the record), and no reader got
    past it. Only a whole record is written (and read): the record itself, or nothing."""
    directory = str(past_warcs[0].parent)
    with line_server("-m", "tests.servers.commoncrawl", directory, "--length-off", str(off)) as cc:
        result = crawl_via(
            tmp_path, "commoncrawl:CC-MAIN-2013-05", "20130129", "--depth", "0",
            *cc_settings(cc["url"]),
        )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    found = records(tmp_path)
    responses = [
        head.get_header("WARC-Target-URI") for kind, head, *_ in found if kind == "response"
    ]
    # The report counts a page a capture answered: none where no record was written.
    assert report(tmp_path)["archive"]["captures"] == len(responses)
    if off > 0:  # the record whole, then nothing of the next
        assert result.returncode == 0, result.stderr
        assert responses == [TIMBUKTU]
        assert len(store_lines(tmp_path)) == 1
        verify = run_cli("verify", *map(str, (tmp_path / "warc").glob("*.warc.gz")))
        assert verify.returncode == 0, verify.stdout + verify.stderr
    else:
        assert result.returncode == 1
        assert set(report(tmp_path)["errors"]) == {"archive_down"}
        assert responses == [] and store_lines(tmp_path) == []


def test_a_record_with_a_malformed_warc_date_is_kept_and_dated_by_the_index(
    tmp_path: Path,
) -> None:
    """A foreign record's WARC-Date that names no moment: the record is still appended as
    written, and the capture time is the archive index's timestamp for it (never our
    fetch time), said once in the log and counted in the run report. The CDXJ index
    leaves that one record out, by name, and indexes the rest of the file."""
    served = tmp_path / "commoncrawl"
    served.mkdir()
    malformed = "2013-01-29T10:00:00 GMT"
    with open(served / "cc.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, date in ((TIMBUKTU, malformed), (GAO, "2013-02-01T08:00:00Z")):
            write_response(writer, url, date, page(url, ""))
    whole = (served / "cc.warc.gz").read_bytes()
    theirs = []  # each record's gzip member, as the archive serves it by byte range
    with open(served / "cc.warc.gz", "rb") as handle:
        stream = ArchiveIterator(handle)
        for record in stream:
            record.content_stream().read()
            start = stream.get_record_offset()
            theirs.append(whole[start : start + stream.get_record_length()])
    data = tmp_path / "data"
    with line_server("-m", "tests.servers.commoncrawl", str(served)) as server:
        result = crawl_via(
            data,
            "commoncrawl",
            "20130129",
            "--depth",
            "0",
            "--start-url",
            GAO,
            *cc_settings(server["url"]),
        )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    # Kept byte for byte, its WARC-Date as Common Crawl wrote it.
    ours = b"".join(path.read_bytes() for path in sorted((data / "warc").glob("*.warc.gz")))
    assert len(theirs) == 2 and all(member in ours for member in theirs)
    found = records(data)
    kept = {
        head.get_header("WARC-Target-URI"): head for kind, head, *_ in found if kind == "response"
    }
    assert kept[TIMBUKTU].get_header("WARC-Date") == malformed
    notes = {
        head.get_header("WARC-Target-URI"): head for kind, head, *_ in found if kind == "metadata"
    }
    assert notes[TIMBUKTU].get_header("WARC-Date") == "2013-01-29T10:00:00Z"
    # The capture time is the index's (2013-01-29 10:00), not the time we fetched it.
    lines = by_url(data)
    assert lines[TIMBUKTU]["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert lines[TIMBUKTU]["warc"]["recordId"] == kept[TIMBUKTU].get_header("WARC-Record-ID")
    assert lines[GAO]["metadata"]["dateDownloaded"] == "2013-02-01T08:00:00Z"
    assert [line_problems(line) for line in lines.values()] == [[], []]
    log = next((data / "runs").glob("*.log")).read_text()
    warnings = [row for row in log.splitlines() if "WARNING" in row and malformed in row]
    assert len(warnings) == 1, log
    assert "the archive's index timestamp, 2013-01-29T10:00:00Z" in warnings[0]
    found_report = report(data)
    assert found_report["archive"]["datedByIndex"] == 1
    # The index has Gao; Timbuktu's record, with no date to index it under, is named.
    index = (data / "warc" / "index.cdxj").read_text()
    assert GAO in index and TIMBUKTU not in index
    (left_out,) = found_report["warc"]["notIndexed"]
    assert TIMBUKTU in left_out and "names no moment" in left_out
    # Replaying our WARC gives the crawl's items, the one dated by the index included: the
    # metadata record beside it says the capture time the crawl used.
    again = tmp_path / "again"
    replayed = run_cli("replay", str(data / "warc"), "--store", str(again))
    assert replayed.returncode == 0, replayed.stderr
    assert stores_equal(data, again) == []


def test_pywbs_json_timemap(past_pywb: str, tmp_path: Path) -> None:
    """pywb's ``timemap/json`` (one CDX object a line, no memento URLs: they are the
    collection's ``TIMESTAMP/URL``) was no TimeMap: every page ``archive_down``."""
    result = crawl_via(tmp_path, f"timemap:{past_pywb}/timemap/json", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = by_url(tmp_path)[TIMBUKTU]
    assert line["headline"].startswith("Troops enter Timbuktu")
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == (
        f"{past_pywb}/20130129100000id_/{TIMBUKTU}"
    )


def test_a_copy_killed_before_its_metadata_record_is_replayed_as_the_crawl_stored_it(
    past_pywb: str, tmp_path: Path
) -> None:
    """``kill -9`` between a copied capture's response record and its metadata record (the
    spider reads the page between them): the response names no archive. The next run
    fetched the memento again and stored the article from its revisit, whose metadata
    record says where it came from; replay took the first record of the same capture
    time and gave the article as a live capture, with no ``retrievedFrom``."""
    from .test_kill import switch_settings

    data = tmp_path / "data"
    at_memento = ("-s", "KILL_AT_URL=id_/https")  # the first memento, not an index lookup
    killed = crawl_via(
        data, past_pywb, "20130129", "--depth", "0",
        *switch_settings("response_downloaded", 1), *at_memento,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert store_lines(data) == []
    final = crawl_via(data, past_pywb, "20130129", "--depth", "0")
    assert final.returncode == 0, final.stderr
    (line,) = store_lines(data)
    assert line["metadata"]["retrievedFrom"]["archive"] == past_pywb
    again = tmp_path / "again"
    replayed = run_cli("replay", str(data / "warc"), "--store", str(again))
    assert replayed.returncode == 0, replayed.stderr
    assert stores_equal(data, again) == []
