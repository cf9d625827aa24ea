"""``crawl --via`` against archives that answer oddly: each answer scripted on loopback.

:mod:`tests.servers.mementos` serves the bundled test site's pages as captures of their
real URLs, with the index, replay and TimeGate answers a test asks for. Nothing reaches a
public archive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from .conftest import FAST, cli_env, free_port, line_server, run_cli, store_lines
from .servers.pastarchive import GAO, TIMBUKTU
from .test_via_archive import crawl_via, records, report


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The scripted archive's base URL and its CONFIG file (rewritten by the test at will)."""
    config = tmp_path / "archive.json"
    config.write_text(json.dumps({"captures": []}))
    with line_server("-m", "tests.servers.mementos", str(config)) as server:
        yield server["url"], config


def holds(config: Path, *captures: dict[str, Any], **extra: Any) -> None:
    config.write_text(json.dumps({"captures": list(captures), **extra}))


def refused(result: Any, data: Path, kind: str) -> None:
    """The crawl of Timbuktu failed as `kind`, cleanly, and stored nothing."""
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert report(data)["errors"][kind]["examples"] == [TIMBUKTU]
    assert store_lines(data) == []


def one_line(data: Path) -> dict[str, Any]:
    (line,) = store_lines(data)
    return line


def test_a_timegate_is_asked_again_for_another_date(archive: tuple[str, Path], tmp_path) -> None:
    """The TimeGate's answer was remembered by URL alone: a run at a later --at got the
    first run's memento again ("unchanged"), and one years later "not archived"."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130205100000", "word": "Later"},
    )
    data = tmp_path / "data"
    for at in ("20130129", "20130205"):
        result = crawl_via(data, f"timegate:{base}/tg", at, "--depth", "0", "--recrawl", "all")
        assert result.returncode == 0, result.stderr
    latest = max(store_lines(data), key=lambda line: line["version"])
    assert latest["headline"].startswith("Later: ")
    assert latest["metadata"]["dateDownloaded"] == "2013-02-05T10:00:00Z"


def test_a_timegate_sending_to_another_pages_memento_is_refused(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """That page was stored, and recorded, under the URL asked for."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"}, timegate_other=GAO)
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130129", "--depth", "0")
    refused(result, tmp_path, "archive_other_url")


def test_a_timegate_whose_mementos_carry_no_timestamp(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """archive.today and perma.cc name a memento by an id: it was never fetched."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "id": "AbCd1"})
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130130", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == f"{base}/m/AbCd1"
    # The same memento past the window: the TimeGate's choice is dated by its capture.
    late = tmp_path / "late"
    result = crawl_via(late, f"timegate:{base}/tg", "20130601", "--depth", "0")
    refused(result, late, "not_archived")


@pytest.mark.parametrize(
    "capture",
    [
        # The archive redirects the capture its index lists to one of 2016.
        {"url": TIMBUKTU, "ts": "20130129100000", "moved_to": "20160301090000"},
        # The index lists it in the window; its replay says it was captured in 2016.
        {"url": TIMBUKTU, "ts": "20130129100000", "dated": "20160301090000", "word": "Late"},
    ],
    ids=["redirected", "dated"],
)
def test_a_capture_that_turns_out_outside_the_window_is_not_archived(
    archive: tuple[str, Path], tmp_path: Path, capture: dict[str, Any]
) -> None:
    """Only the index's timestamp was held to --window: the page was stored as of 2016."""
    base, config = archive
    holds(config, capture, {"url": TIMBUKTU, "ts": "20160301090000", "word": "Late"})
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0", "--window", "7")
    refused(result, tmp_path, "not_archived")


def test_an_index_answer_that_is_no_cdx_is_the_archive_down_and_not_remembered(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A maintenance page served with 200 was read as "no captures", and remembered: the
    archive, healthy again, was never asked again."""
    base, config = archive
    holds(config, cdx_body="<html><body>Down for maintenance</body></html>")
    data = tmp_path / "data"
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert set(report(data)["errors"]) == {"archive_down"}
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"})
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert report(data)["archive"]["lookupsCached"] == 0
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def test_an_archived_server_error_is_one_capture_of_that_status(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The outlet's own 503, replayed with Memento-Datetime, was taken for the archive
    failing: asked three times, written three times, reported as ``archive_down``."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "status": 503})
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0", "-s", "RETRY_TIMES=2")
    assert "Traceback" not in result.stderr, result.stderr
    found = report(tmp_path)
    assert "archive_down" not in found["errors"], found["errors"]
    assert found["archive"]["captures"] == 1
    assert found["pagesByStatus"] == {"503": 1}
    responses = [r for r in records(tmp_path) if r[0] == "response"]
    assert len(responses) == 1 and responses[0][2].get_statuscode() == "503"
    assert store_lines(tmp_path) == []


def test_an_earlier_capture_after_a_later_one_is_counted_not_stored_silently(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The store's versions follow capture time: a crawl of 2013 after one of 2016 into
    the same data directory cannot add 2013 as a version. The run said "0 new / 0 updated
    / 0 unchanged", as if nothing had been found."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20160301090000", "word": "Revised"},
    )
    data = tmp_path / "data"
    assert crawl_via(data, f"{base}/coll", "20160302", "--depth", "0").returncode == 0
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert report(data)["articles"]["older"] == 1
    assert "1 older than the stored version (not stored)" in result.stdout
    assert one_line(data)["headline"].startswith("Revised: ")


def test_a_via_warcinfo_says_what_was_asked(archive: tuple[str, Path], tmp_path: Path) -> None:
    """It said ``robots: obey`` of a crawl that fetched no robots.txt, and named no archive."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"})
    assert crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0").returncode == 0
    (warcinfo,) = _warcinfo_bodies(tmp_path)
    assert "robots: ignore" in warcinfo and "robots: obey" not in warcinfo
    assert f"via: {base}/coll" in warcinfo


def _warcinfo_bodies(data: Path) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "warcinfo":
                    found.append(record.content_stream().read().decode("utf-8"))
    return found


@pytest.mark.parametrize(
    "option", [["--window", "1000000"], ["--at", "99991231"], ["--at", "0001"]]
)
def test_a_date_or_window_past_the_calendar_is_a_usage_error(
    option: list[str], tmp_path: Path
) -> None:
    """Every page failed as ``overflow`` (a Python exception's name), exit 1."""
    args = ["--at", "20130129", *option] if option[0] == "--window" else option
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path / "d"), "--via", "http://127.0.0.1:9/coll",
        *args, "--start-url", TIMBUKTU,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "d").exists()
    if option == ["--at", "0001"]:  # the year as given, in four digits ("1-01-01" before)
        assert "--at 0001-01-01 " in result.stderr, result.stderr


def test_a_run_at_another_date_fetches_known_articles_as_of_that_date(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The fetch history of a run at one --at made a run at another skip every article it
    had fetched (old articles are not due again): they kept the first date's version."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130301100000", "word": "Later"},
        {"url": GAO, "ts": "20130129120000"},
        {"url": GAO, "ts": "20130301120000", "word": "Later"},
    )
    data = tmp_path / "data"
    for at in ("20130129", "20130301", "20130301"):
        # The story's other related pages are not in this archive: not_archived, not a failure.
        result = crawl_via(
            data, f"{base}/coll", at, "--depth", "1", "--window", "7", "--max-error-rate", "1"
        )
        assert result.returncode == 0, result.stderr
        assert set(report(data)["errors"]) <= {"not_archived"}
    latest = {line["url"]: line for line in sorted(store_lines(data), key=lambda x: x["version"])}
    assert latest[GAO]["headline"].startswith("Later: ")
    assert latest[GAO]["metadata"]["dateDownloaded"] == "2013-03-01T12:00:00Z"
    # The same --at again is an incremental run: nothing due, nothing fetched again.
    assert report(data)["archive"]["captures"] == 1  # the start page only


@pytest.mark.parametrize(
    ("capture", "extra", "kind", "mark"),
    [
        # The archive's connection lost mid-capture (its Content-Length never reached).
        ({"cut": 1500}, (), "dataloss", "disconnect"),
        # A capture over the size limit, cut there.
        ({}, ("-s", "NEWSARCHIVE_LIMITS_MAX_BYTES=1500"), "too_large", "length"),
    ],
    ids=["connection-lost", "too-large"],
)
def test_a_capture_cut_short_is_recorded_truncated_and_gives_no_article(
    archive: tuple[str, Path],
    tmp_path: Path,
    capture: dict[str, Any],
    extra: tuple[str, ...],
    kind: str,
    mark: str,
) -> None:
    """Half a capture was recorded as the whole response (no ``WARC-Truncated``) and
    stored as the article of --at, as a live page cut short never is."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", **capture})
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    found = report(tmp_path)
    assert found["errors"].get(kind, {}).get("examples") == [TIMBUKTU], found["errors"]
    assert store_lines(tmp_path) == []
    (response,) = [r for r in records(tmp_path) if r[0] == "response"]
    assert response[1].get_header("WARC-Truncated") == mark
    if "cut" in capture:  # the bytes received, no more
        assert len(response[3]) == capture["cut"]


def test_an_index_answer_cut_short_is_the_archive_down_and_not_remembered(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The index's connection lost after its first line: the captures it had listed were
    taken for all there are, and remembered, so the capture nearest --at (listed after)
    was never fetched, on any run."""
    base, config = archive
    far = {"url": TIMBUKTU, "ts": "20130125100000", "word": "Earlier"}
    near = {"url": TIMBUKTU, "ts": "20130129100000"}
    first_line = json.dumps(
        {"urlkey": TIMBUKTU, "timestamp": far["ts"], "url": TIMBUKTU, "status": "200",
         "mime": "text/html"}
    )  # fmt: skip
    holds(config, far, near, cdx_cut=len(first_line) + 1)
    data = tmp_path / "data"
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0", "--window", "7")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert set(report(data)["errors"]) == {"archive_down"}
    assert store_lines(data) == []
    holds(config, far, near)
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0", "--window", "7")
    assert result.returncode == 0, result.stderr
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def test_a_timegate_answer_naming_no_memento_is_the_archive_down_and_not_remembered(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A TimeGate's error page served with 200 (no ``Memento-Datetime``, no memento in a
    ``Link``) was read as "no captures", and remembered: the archive, healthy again, was
    never asked again for that page."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        timegate_body="<html><body>Our archive is resting. Come back later.</body></html>",
    )
    data = tmp_path / "data"
    result = crawl_via(data, f"timegate:{base}/tg", "20130129", "--depth", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert set(report(data)["errors"]) == {"archive_down"}
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"})
    result = crawl_via(data, f"timegate:{base}/tg", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def test_the_index_listing_another_urls_capture_nearer_still_gives_the_pages_own(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A CDX server matches URLs by their SURT key, which folds the path's case (and sorts
    the query): its answer may list another URL's capture nearer --at than the page's own.
    The nearest row was taken whatever its URL, and the page refused as another's."""
    base, config = archive
    other = TIMBUKTU.replace("/world/", "/World/")
    rows = [
        {"urlkey": "x", "timestamp": "20130129100000", "url": other, "status": "200"},
        {"urlkey": "x", "timestamp": "20130128100000", "url": TIMBUKTU, "status": "200"},
    ]
    body = "".join(json.dumps({**row, "mime": "text/html"}) + "\n" for row in rows)
    holds(config, {"url": TIMBUKTU, "ts": "20130128100000"}, cdx_body=body)
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["url"] == TIMBUKTU
    assert line["metadata"]["dateDownloaded"] == "2013-01-28T10:00:00Z"


def test_a_capture_redirecting_to_the_page_itself_gives_way_to_the_pages_next(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A CDX server lists a page's ``http://`` and ``https://`` captures together; the
    nearest, of ``http://``, is the site's redirect to ``https://``: the page asked for.
    It was taken as the page's capture (a redirect loop, an error) though the window
    held the page itself an hour later."""
    base, config = archive
    plain = TIMBUKTU.replace("https://", "http://")
    rows = [
        {"urlkey": "x", "timestamp": "20130129100000", "url": plain, "status": "301"},
        {"urlkey": "x", "timestamp": "20130129110000", "url": TIMBUKTU, "status": "200"},
    ]
    body = "".join(json.dumps({**row, "mime": "text/html"}) + "\n" for row in rows)
    holds(
        config,
        {"url": plain, "ts": "20130129100000", "status": 301, "page_of": TIMBUKTU,
         "headers": [["Location", TIMBUKTU]]},
        {"url": TIMBUKTU, "ts": "20130129110000"},
        cdx_body=body,
    )  # fmt: skip
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-29T11:00:00Z"
    # Both were fetched, and both are recorded as they were.
    fetched = [(r[1].get_header("WARC-Target-URI"), r[2].get_statuscode())
               for r in records(tmp_path) if r[0] == "response"]  # fmt: skip
    assert fetched == [(plain, "301"), (TIMBUKTU, "200")]
    # One page answered, by the second: the report's pages answered by a capture said 2.
    assert report(tmp_path)["archive"]["captures"] == 1


def test_a_capture_the_archive_redirected_to_is_dated_by_its_own_timestamp(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The archive redirected the capture its index listed to another of its timestamps
    (of the page's ``http://`` form), whose ``Memento-Datetime`` reads as no HTTP date
    (ISO 8601): the record was dated by the index's timestamp and named the URL asked, the
    capture not served, while the window was held to the one served."""
    base, config = archive
    plain = TIMBUKTU.replace("https://", "http://")
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "moved_to": "20130130120000",
         "moved_url": plain},
        {"url": plain, "ts": "20130130120000", "word": "Moved", "page_of": TIMBUKTU,
         "dated_text": "2013-01-30T12:00:00Z"},
    )  # fmt: skip
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    (response,) = [r for r in records(tmp_path) if r[0] == "response"]
    assert response[1].get_header("WARC-Date").startswith("2013-01-30T12:00:00")
    assert response[1].get_header("WARC-Source-URI").endswith(f"/20130130120000id_/{plain}")
    # The capture served is of the http:// form the archive sent on to.
    assert response[1].get_header("WARC-Target-URI") == plain
    line = one_line(tmp_path)
    assert line["headline"].startswith("Moved: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-30T12:00:00Z"


def test_a_timegate_listing_its_mementos_in_several_link_headers(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A Link header may come as several fields (RFC 8288, RFC 9110's list rule): only the
    last was read, and a memento in an earlier one, nearest --at, never taken."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130301100000", "word": "Later"},
        timegate_links=[
            f'<{TIMBUKTU}>; rel="original"',
            f'<{{BASE}}/coll/20130129100000/{TIMBUKTU}>; rel="first memento"; '
            'datetime="Tue, 29 Jan 2013 10:00:00 GMT"',
            f'<{{BASE}}/coll/20130301100000/{TIMBUKTU}>; rel="last memento"; '
            'datetime="Fri, 01 Mar 2013 10:00:00 GMT"',
        ],
    )
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130130", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def test_a_timegate_sending_to_a_page_of_its_own_is_asked_again_next_run(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The TimeGate redirected to a maintenance page (no memento URL, no Memento-Datetime):
    its answer was remembered as the page's memento, so every later run fetched that page
    again and failed, never asking the TimeGate, healthy again, for the page."""
    base, config = archive
    capture = {"url": TIMBUKTU, "ts": "20130129100000"}
    holds(config, capture, timegate_location="/maintenance")
    data = tmp_path / "data"
    result = crawl_via(data, f"timegate:{base}/tg", "20130129", "--depth", "0")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert set(report(data)["errors"]) == {"archive_down"}
    holds(config, capture)
    result = crawl_via(data, f"timegate:{base}/tg", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def test_the_wayback_machines_own_headers_are_never_the_originals(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The Wayback Machine prefixes every header of the original (``X-Archive-Orig-``).
    Where the original's were all of those pywb prefixes too (an HTTP/1.0 answer: Date,
    Server, Cache-Control, Expires), its answer was read as pywb's, and its own headers
    (Content-Security-Policy, Referrer-Policy) were recorded as the original server's."""
    base, config = archive
    headers = [
        ["X-Archive-Orig-Date", "Tue, 29 Jan 2013 10:00:00 GMT"],
        ["X-Archive-Orig-Server", "Apache"],
        ["X-Archive-Orig-Cache-Control", "max-age=60"],
        ["X-Archive-Orig-Expires", "Tue, 29 Jan 2013 10:01:00 GMT"],
        ["Content-Security-Policy", "default-src 'self' archive.example"],
        ["Referrer-Policy", "no-referrer-when-downgrade"],
        ["Permissions-Policy", "interest-cohort=()"],
        ["Cache-Control", "max-age=1800"],
    ]
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "headers": headers})
    result = crawl_via(
        tmp_path, "wayback", "20130129", "--depth", "0", "-s", f"NEWSARCHIVE_VIA_WAYBACK_URL={base}"
    )
    assert result.returncode == 0, (result.stderr, report(tmp_path)["errors"])
    (response,) = [r for r in records(tmp_path) if r[0] == "response"]
    recorded = {name.lower(): value for name, value in response[2].headers}
    assert recorded["server"] == "Apache" and recorded["cache-control"] == "max-age=60"
    assert recorded["date"] == "Tue, 29 Jan 2013 10:00:00 GMT"
    for own in ("content-security-policy", "referrer-policy", "permissions-policy"):
        assert own not in recorded, response[2].headers


def test_a_page_with_thousands_of_captures_costs_one_small_index_answer(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The index was asked for every capture in the window and its answer read whole: a
    page captured every ten minutes for three weeks cost an answer of thousands of rows."""
    base, config = archive
    start = datetime(2013, 1, 15, tzinfo=timezone.utc)
    stamps = [(start + timedelta(minutes=10 * n)).strftime("%Y%m%d%H%M%S") for n in range(3000)]
    holds(
        config,
        *(
            {
                "url": TIMBUKTU,
                "ts": stamp,
                **({"word": "Nearest"} if stamp == "20130129100000" else {}),
            }
            for stamp in stamps
        ),
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129100300", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Nearest: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    # The capture itself and an answer of the captures nearest --at, not of all 3000.
    assert report(tmp_path)["bytesReceived"] < 60_000


def test_a_memento_whose_memento_datetime_cannot_be_read_is_counted(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A capture whose ``Memento-Datetime`` reads as no HTTP date is dated by its memento
    URL's timestamp (the index's): that fallback was silent, in the run's report too."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "dated_text": "29/01/2013 10:00"})
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert report(tmp_path)["archive"]["mementoDatetimeUnread"] == 1


def test_a_timegates_memento_with_no_date_that_reads_is_not_dated_at(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A memento named by an id (no timestamp in its URL) whose ``Memento-Datetime`` reads
    as no HTTP date has no capture time we know: it was recorded and stored as captured at
    --at itself, the date asked for."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "id": "AbCd1", "dated_text": "yesterday"},
    )
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130130", "--depth", "0")
    refused(result, tmp_path, "not_archived")
    assert [r for r in records(tmp_path) if r[0] == "response"] == []
    assert report(tmp_path)["archive"]["mementoDatetimeUnread"] == 1


def test_an_archive_offering_only_a_timemap(archive: tuple[str, Path], tmp_path: Path) -> None:
    """A Memento archive that lists a page's mementos in a TimeMap (RFC 7089, section 5),
    with no CDX API or TimeGate, could not be crawled through. A TimeMap is remembered for
    its --at: a run at a later date asks again (the archive may hold newer mementos)."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130120100000", "word": "Early"},
        {"url": TIMBUKTU, "ts": "20130129100000", "word": "Nearest"},
        {"url": TIMBUKTU, "ts": "20130301100000", "word": "Later"},
    )
    data = tmp_path / "data"
    result = crawl_via(data, f"timemap:{base}/tm", "20130130", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(data)
    assert line["headline"].startswith("Nearest: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == (
        f"{base}/coll/20130129100000id_/{TIMBUKTU}"
    )
    result = crawl_via(data, f"timemap:{base}/tm", "20130302", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert report(data)["archive"]["lookups"] == 1
    latest = max(store_lines(data), key=lambda line: line["version"])
    assert latest["headline"].startswith("Later: ")
    result = crawl_via(data, f"timemap:{base}/tm", "20130302", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert report(data)["archive"]["lookupsCached"] == 1


def test_a_timemap_answer_listing_no_mementos_is_the_archive_down(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """An error page served with 200 in place of a TimeMap is never "no captures"."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"}, timemap_body="<html>Back soon</html>")
    result = crawl_via(tmp_path, f"timemap:{base}/tm", "20130129", "--depth", "0")
    refused(result, tmp_path, "archive_down")


def test_a_listed_capture_the_archive_lost_gives_way_to_the_next_nearest(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The index lists a capture whose replay the archive lost (404, no Memento-Datetime):
    the page was not_archived though the window held another capture, and every later run,
    asking the index again, got the same listing and failed the same way."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "lost": True},
        {"url": TIMBUKTU, "ts": "20130201100000", "word": "Next"},
        {"url": TIMBUKTU, "ts": "20130110100000", "lost": True},
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Next: ")
    assert line["metadata"]["dateDownloaded"] == "2013-02-01T10:00:00Z"
    assert "not_archived" not in report(tmp_path)["errors"]
    # The index's answer served the page: remembered, not asked again by the next run.
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0", "--recrawl", "all")
    assert result.returncode == 0, result.stderr
    assert report(tmp_path)["archive"]["lookupsCached"] == 1
    # All the window's captures lost: the page is not archived, said once.
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "lost": True},
        {"url": TIMBUKTU, "ts": "20130201100000", "lost": True},
    )
    lost = tmp_path / "lost"
    result = crawl_via(lost, f"{base}/coll", "20130129", "--depth", "0")
    refused(result, lost, "not_archived")


def test_a_timegates_link_to_a_memento_by_a_relative_reference(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A Link header's target may be a relative reference (RFC 8288, section 3.1): the
    memento was requested by it as it stood, which no scheme serves, and the page failed as
    ``archive_down``."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        timegate_links=[
            f'<{TIMBUKTU}>; rel="original"',
            f'</coll/20130129100000/{TIMBUKTU}>; rel="memento"; '
            'datetime="Tue, 29 Jan 2013 10:00:00 GMT"',
        ],
    )
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130130", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == (
        f"{base}/coll/20130129100000id_/{TIMBUKTU}"
    )


def test_a_timegate_listing_another_pages_memento_in_its_link_header_is_refused(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A memento URL of the Wayback shape names its original: one of another page, named
    by the TimeGate's Link header (not its redirect), was fetched and stored, and recorded,
    under the URL asked for."""
    base, config = archive
    holds(
        config,
        {"url": GAO, "ts": "20130129100000"},
        timegate_links=[
            f'<{{BASE}}/coll/20130129100000/{GAO}>; rel="memento"; '
            'datetime="Tue, 29 Jan 2013 10:00:00 GMT"',
        ],
    )
    result = crawl_via(tmp_path, f"timegate:{base}/tg", "20130130", "--depth", "0")
    refused(result, tmp_path, "archive_other_url")
    assert [r for r in records(tmp_path) if r[0] == "response"] == []


def test_a_timegate_sending_to_the_page_itself_names_no_memento(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A TimeGate that redirects to the original resource (it holds no memento for --at)
    had its Location taken for a memento named by an id: the outlet itself was asked for
    the page, which a crawl through an archive never does. (A proxy on a closed loopback
    port stands in the way here, so nothing leaves this machine.)"""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"}, timegate_location=TIMBUKTU)
    env = {**cli_env(), "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    env["no_proxy"] = "127.0.0.1,localhost"
    result = run_cli(
        "crawl", "cnn", "--data", str(tmp_path), "--via", f"timegate:{base}/tg",
        "--at", "20130129", "--start-url", TIMBUKTU, "--depth", "0", *FAST, env=env,
    )  # fmt: skip
    refused(result, tmp_path, "not_archived")
    assert report(tmp_path)["archive"]["requests"] == 1  # the TimeGate, and nothing else


def test_a_capture_served_outside_the_window_gives_way_to_the_next_listed(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The archive redirected the capture nearest --at to one of 2016 (as the Wayback
    Machine does with a capture it cannot serve): the page was not_archived, though the
    index listed another capture in the window, served as listed."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "moved_to": "20160301090000"},
        {"url": TIMBUKTU, "ts": "20160301090000", "word": "Late"},
        {"url": TIMBUKTU, "ts": "20130131100000", "word": "Second"},
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0", "--window", "7")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Second: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-31T10:00:00Z"
    # The capture of 2016 stays in the WARC, as fetched.
    dates = sorted(
        r[1].get_header("WARC-Date")[:10] for r in records(tmp_path) if r[0] == "response"
    )
    assert dates == ["2013-01-31", "2016-03-01"]
    assert report(tmp_path)["archive"]["captures"] == 1


@pytest.mark.parametrize("where", ["index", "capture"])
def test_a_page_the_wayback_machine_excludes_is_not_archived(
    archive: tuple[str, Path], tmp_path: Path, where: str
) -> None:
    """The Wayback Machine answers 403 naming the exclusion in its
    ``X-Archive-Wayback-Runtime-Error`` header (a page excluded at its owner's request, or
    blocked by robots): it was counted as the archive down."""
    base, config = archive
    capture = {"url": TIMBUKTU, "ts": "20130129100000"}
    if where == "index":
        holds(config, capture, excluded=True)
    else:
        holds(config, {**capture, "excluded": True})
    result = crawl_via(
        tmp_path, "wayback", "20130129", "--depth", "0", "-s", f"NEWSARCHIVE_VIA_WAYBACK_URL={base}"
    )
    refused(result, tmp_path, "not_archived")


def test_a_timemaps_mementos_outside_the_window_are_not_remembered(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A TimeMap lists every memento of the page (a front page's, hundreds of thousands):
    all were kept in the lookup cache, for a lookup remembered for one --at and window."""
    import sqlite3

    base, config = archive
    start = datetime(2013, 1, 15, tzinfo=timezone.utc)
    stamps = [(start + timedelta(minutes=10 * n)).strftime("%Y%m%d%H%M%S") for n in range(3000)]
    holds(config, *({"url": TIMBUKTU, "ts": stamp} for stamp in stamps))
    result = crawl_via(tmp_path, f"timemap:{base}/tm", "20130129", "--depth", "0", "--window", "1")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "state" / "archive-lookups.sqlite") as db:
        (kept,) = db.execute("SELECT snapshots FROM lookups").fetchone()
    assert 0 < len(json.loads(kept)) <= 2 * 24 * 6 + 1  # the window's two days, no more


def test_a_redirect_to_a_timestamp_no_calendar_has_is_refused_cleanly(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The archive sent the capture its index listed on to a memento URL whose 14 digits
    name no moment (a 29 February of 2013): it names no capture, as a Location that is no
    memento URL names none. The date was read unguarded, and the page's request failed
    with a ValueError in the log."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "moved_to": "20130229120000"})
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    refused(result, tmp_path, "archive_other_url")
    assert "ValueError" not in (tmp_path / "runs").joinpath(
        report(tmp_path)["runId"] + ".log"
    ).read_text("utf-8")


def test_a_lookup_the_archive_did_not_answer_is_counted_as_asked(tmp_path: Path) -> None:
    """The report counted only the lookups the archive answered well: an archive down
    (unreachable, or answering 5xx) was asked its lookups, and the report said 0."""
    down = f"http://127.0.0.1:{free_port()}/coll"
    result = crawl_via(tmp_path, down, "20130129", "--depth", "0", "-s", "RETRY_TIMES=1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = report(tmp_path)
    assert found["errors"]["archive_down"]["count"] == 1
    assert found["archive"]["lookups"] == 1 and found["archive"]["captures"] == 0
    assert found["archive"]["requests"] == 2  # the lookup and its retry


@pytest.mark.parametrize(
    ("via", "extra"),
    [
        ("timegate:{base}/tg", {"timegate_location": "/coll/20131301100000/{url}"}),
        (
            "timemap:{base}/tm",
            {
                "timemap_body": '</coll/20131301100000/{url}>; rel="memento"; '
                'datetime="Tue, 29 Jan 2013 10:00:00 GMT"\n'
            },
        ),
    ],
    ids=["timegate", "timemap"],
)
def test_a_memento_whose_timestamp_names_no_moment_is_the_archives_error(
    archive: tuple[str, Path], tmp_path: Path, via: str, extra: dict[str, str]
) -> None:
    """A TimeGate or TimeMap naming a memento of the Wayback shape whose 14 digits name no
    moment (a 13th month): its URL was taken for a memento named by an id, fetched in its
    ``id_`` form and stored, dated by whatever the archive then said."""
    base, config = archive
    bad = {"url": TIMBUKTU, "ts": "20131301100000", "dated": "20130129100000"}
    holds(config, bad, **{k: v.format(url=TIMBUKTU) for k, v in extra.items()})
    result = crawl_via(tmp_path, via.format(base=base), "20130129", "--depth", "0")
    refused(result, tmp_path, "archive_down")
    assert [r for r in records(tmp_path) if r[0] == "response"] == []
    log = (tmp_path / "runs").joinpath(report(tmp_path)["runId"] + ".log").read_text("utf-8")
    assert "20131301100000 names no moment" in log


def test_a_timemaps_memento_whose_timestamp_names_no_moment_gives_way_to_the_next(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The TimeMap's other mementos in the window still serve."""
    base, config = archive
    links = [
        f'</coll/{stamp}/{TIMBUKTU}>; rel="memento"; datetime="{dated} Jan 2013 10:00:00 GMT"'
        for stamp, dated in (("20131301100000", "Tue, 29"), ("20130125100000", "Fri, 25"))
    ]
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20131301100000", "dated": "20130129100000", "word": "Bad"},
        {"url": TIMBUKTU, "ts": "20130125100000", "word": "Good"},
        timemap_body=",\n".join(links) + "\n",
    )
    result = crawl_via(tmp_path, f"timemap:{base}/tm", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["headline"].startswith("Good: ")


@pytest.mark.parametrize("capped_by", ["our limit", "the server"])
def test_a_cdx_server_ignoring_sort_closest_still_gives_the_nearest_capture(
    archive: tuple[str, Path], tmp_path: Path, capped_by: str
) -> None:
    """A CDX server answering in time order whatever ``sort=closest`` asks: its ``limit``
    rows were the window's first, and the nearest of those was taken, days off --at. The
    same when the server caps its answers under the limit asked (its own maximum): the
    answer, shorter than the limit, was taken for all the window holds."""
    base, config = archive
    days = ("01", "05", "10", "15", "20", "22", "24")
    holds(
        config,
        *({"url": TIMBUKTU, "ts": f"201301{day}100000", "word": "Early"} for day in days),
        # One day before --at and one after: as near, the earlier is the CDX order's first.
        {"url": TIMBUKTU, "ts": "20130128120000", "word": "Nearest"},
        {"url": TIMBUKTU, "ts": "20130130120000", "word": "After"},
        {"url": TIMBUKTU, "ts": "20130210100000", "word": "Late"},
        cdx_time_order=True,
        **({"cdx_rows_most": 3} if capped_by == "the server" else {}),
    )
    extra = ("-s", "NEWSARCHIVE_VIA_CDX_LIMIT=3") if capped_by == "our limit" else ()
    result = crawl_via(tmp_path, f"{base}/coll", "20130129120000", "--depth", "0", *extra)
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Nearest: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-28T12:00:00Z"


@pytest.mark.parametrize("kind", ["tm", "tmj"], ids=["link-format", "json"])
def test_a_paged_or_json_timemap_is_read_page_after_page(
    archive: tuple[str, Path], tmp_path: Path, kind: str
) -> None:
    """A TimeMap in the JSON of Memento aggregators (``mementos.list``) was no TimeMap
    (``archive_down``), and of one cut into pages (``rel="next"``, ``pages.next``) only the
    first page was read: the page's memento nearest --at, on the third, was never seen."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130110100000", "word": "First"},
        {"url": TIMBUKTU, "ts": "20130120100000", "word": "Second"},
        {"url": TIMBUKTU, "ts": "20130129100000", "word": "Nearest"},
        timemap_page_size=1,
    )
    data = tmp_path / "data"
    result = crawl_via(data, f"timemap:{base}/{kind}", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(data)
    assert line["headline"].startswith("Nearest: ")
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == (
        f"{base}/coll/20130129100000id_/{TIMBUKTU}"
    )
    assert report(data)["archive"]["lookups"] == 3
    # Pages read at most NEWSARCHIVE_VIA_LOOKUP_PAGES: past them, the nearest of those read.
    few = tmp_path / "few"
    extra = ("--depth", "0", "-s", "NEWSARCHIVE_VIA_LOOKUP_PAGES=2")
    result = crawl_via(few, f"timemap:{base}/{kind}", "20130129", *extra)
    assert result.returncode == 0, result.stderr
    assert one_line(few)["headline"].startswith("Second: ")
    assert report(few)["archive"]["lookups"] == 2


def test_a_memento_fetched_again_keeps_the_capture_archived_first(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The same memento (URL and capture time) fetched by a later run, the archive's replay
    giving other bytes this time (a banner, a rewrite): the second retrieval became the
    article's new version, at the same capture time as the first."""
    base, config = archive
    data = tmp_path / "data"
    for word in ("", "Banner"):
        holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "word": word})
        result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0")
        assert result.returncode == 0, result.stderr
    line = one_line(data)
    assert line["version"] == 1 and line["headline"].startswith("Troops enter Timbuktu")
    assert report(data)["articles"]["unchanged"] == 1
    # Both retrievals are in the WARC as fetched, each dated by the capture, each saying
    # when it was copied; a replay of them keeps the first as well.
    copies = [r for r in records(data) if r[0] == "response"]
    assert [r[1].get_header("WARC-Date")[:19] for r in copies] == ["2013-01-29T10:00:00"] * 2
    # The store says which it read: the first record, retrieved when that one says.
    first = copies[0][1]
    assert line["warc"]["recordId"] == first.get_header("WARC-Record-ID")
    retrieved = line["metadata"]["retrievedFrom"]["retrieved"]
    assert first.get_header("WARC-Creation-Date")[:19] == retrieved[:19]
    replayed = tmp_path / "replayed"
    result = run_cli("replay", str(data / "warc"), "--store", str(replayed))
    assert result.returncode == 0, result.stderr
    assert [(r["version"], r["headline"]) for r in store_lines(replayed)] == [(1, line["headline"])]


@pytest.mark.parametrize("kind", ["tm", "tmj"], ids=["link-format", "json"])
def test_a_timemap_naming_the_live_page_never_sends_the_crawl_to_the_outlet(
    archive: tuple[str, Path], tmp_path: Path, kind: str
) -> None:
    """A TimeMap listing the page itself as a memento (an aggregator's stale entry), or
    linking its next page on the outlet's site: the crawl asked the outlet for it."""
    base, config = archive
    if kind == "tm":
        body = f'<{TIMBUKTU}>; rel="memento"; datetime="Tue, 29 Jan 2013 10:00:00 GMT",\n'
        body += f'<{TIMBUKTU}?page=2>; rel="next"; type="application/link-format"\n'
    else:
        listed = [{"datetime": "2013-01-29T10:00:00Z", "uri": TIMBUKTU}]
        pages = {"next": {"uri": f"{TIMBUKTU}?page=2"}}
        body = json.dumps({"mementos": {"list": listed}, "pages": pages})
    holds(config, timemap_body=body)
    result = crawl_via(tmp_path, f"timemap:{base}/tm", "20130129", "--depth", "0")
    refused(result, tmp_path, "not_archived")
    assert report(tmp_path)["archive"]["requests"] == 1  # the TimeMap, nothing else


@pytest.mark.parametrize("kind", ["tm", "tmj"], ids=["link-format", "json"])
def test_an_archive_on_another_port_of_the_pages_host_is_no_live_web(
    archive: tuple[str, Path], tmp_path: Path, kind: str
) -> None:
    """A page and the archive holding it served from one machine (a site and its pywb on
    loopback): the TimeMap's mementos, on the archive's port of that host, were taken for
    the page's own site and dropped, the page "not archived"."""
    base, config = archive
    page_url = "http://127.0.0.1:9/2013/01/29/world/africa/mali-timbuktu/index.html"
    holds(config, {"url": page_url, "ts": "20130129100000", "page_of": TIMBUKTU})
    result = crawl_via(
        tmp_path, f"timemap:{base}/{kind}", "20130129", "--depth", "0", start=page_url
    )
    assert result.returncode == 0, result.stderr
    assert [line["url"] for line in store_lines(tmp_path)] == [page_url]


def test_a_timegate_sending_to_another_timegate_carries_the_datetime_asked(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A Memento aggregator's TimeGate redirects to an archive's TimeGate (RFC 7089: the
    datetime negotiation goes on there): it was asked without ``Accept-Datetime``, gave
    its latest memento, years off --at, and the page was not archived."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20160301090000", "word": "Late"},
    )
    result = crawl_via(tmp_path, f"timegate:{base}/agg", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Troops enter Timbuktu")
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"


def chain(*stamps: str, last: str = "Fifth") -> list[dict[str, Any]]:
    """Captures of Timbuktu each of which the archive redirects to the next timestamp."""
    found: list[dict[str, Any]] = [
        {"url": TIMBUKTU, "ts": stamp, "moved_to": after} for stamp, after in pairwise(stamps)
    ]
    return [*found, {"url": TIMBUKTU, "ts": stamps[-1], "word": last}]


STAMPS = ("20130129100000", "20130129110000", "20130129120000", "20130129130000")


def test_a_long_chain_of_archive_redirects_is_no_loop(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """Four redirects of the archive's own, each to another timestamp, were reported as the
    archive redirecting in circles (and as another URL's capture), the page lost."""
    base, config = archive
    holds(config, *chain(*STAMPS, "20130129140000"))
    data = tmp_path / "data"
    result = crawl_via(data, f"{base}/coll", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(data)
    assert line["headline"].startswith("Fifth: ")
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T14:00:00Z"
    # A chain longer than NEWSARCHIVE_VIA_MAX_REDIRECTS is given up, and said so.
    short = tmp_path / "short"
    extra = ("--depth", "0", "-s", "NEWSARCHIVE_VIA_MAX_REDIRECTS=3")
    result = crawl_via(short, f"{base}/coll", "20130129", *extra)
    refused(result, short, "archive_redirect_limit")


def test_an_archive_redirecting_in_circles_is_a_loop(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A capture redirected to another that redirects back was followed until the count
    of redirects ran out, and reported as another URL's capture."""
    base, config = archive
    there, back = "20130129100000", "20130129110000"
    holds(
        config,
        {"url": TIMBUKTU, "ts": there, "moved_to": back},
        {"url": TIMBUKTU, "ts": back, "moved_to": there},
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129", "--depth", "0")
    refused(result, tmp_path, "archive_redirect_loop")
    assert report(tmp_path)["archive"]["requests"] == 3  # the index, there, back


def test_a_timemap_page_lost_leaves_the_mementos_read_and_says_so(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The next page of a paged TimeMap answering 404 made the whole lookup archive_down,
    though its first page held a memento in the window."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130205100000", "word": "Later"},
        timemap_page_size=1,
        timemap_lost_pages=[2],
    )
    data = tmp_path / "data"
    result = crawl_via(data, f"timemap:{base}/tm", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    found = report(data)["archive"]
    assert (found["lookups"], found["timemapsIncomplete"]) == (2, 1)
    # Not remembered: the next run reads the TimeMap again, whole once it is.
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130130100000", "word": "Later"},
        timemap_page_size=1,
    )
    result = crawl_via(data, f"timemap:{base}/tm", "20130130", "--depth", "0", "--recrawl", "all")
    assert result.returncode == 0, result.stderr
    found = report(data)["archive"]
    assert (found["lookups"], found["lookupsCached"], found["timemapsIncomplete"]) == (2, 0, 0)
    # Where the pages read hold no memento of the window, the lost page may: the archive's
    # failure, as before.
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20130205100000", "word": "Later"},
        timemap_page_size=1,
        timemap_lost_pages=[2],
    )
    lost = tmp_path / "lost"
    result = crawl_via(lost, f"timemap:{base}/tm", "20130205", "--depth", "0", "--window", "3")
    refused(result, lost, "archive_down")


def test_a_cdx_server_ignoring_sort_closest_and_listing_other_forms_of_the_url(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """A CDX server in time order that lists the URL's http:// form too (a SURT key): that
    form's capture an hour after --at, the site's redirect to the page, set how far before
    --at the page's captures were looked for; the page's own two days before was never
    seen, and the one five days after taken."""
    base, config = archive
    plain = TIMBUKTU.replace("https://", "http://")
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130101100000", "word": "Early"},
        {"url": TIMBUKTU, "ts": "20130102100000", "word": "Early"},
        {"url": TIMBUKTU, "ts": "20130127100000"},
        {"url": plain, "ts": "20130129110000", "page_of": TIMBUKTU, "status": 301}
        | {"headers": [["Location", TIMBUKTU]]},
        {"url": TIMBUKTU, "ts": "20130203100000", "word": "Later"},
        cdx_time_order=True,
        cdx_surt=True,
    )
    extra = ("--depth", "0", "-s", "NEWSARCHIVE_VIA_CDX_LIMIT=2")
    result = crawl_via(tmp_path, f"{base}/coll", "20130129100000", *extra)
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-27T10:00:00Z"


@pytest.mark.parametrize(
    ("via", "capture"),
    [
        ("timegate:{base}/agg", {"url": TIMBUKTU, "ts": "20130129100000"}),
        ("{base}/coll", {"url": TIMBUKTU, "ts": "20130129090000", "moved_to": "20130129100000"}),
    ],
    ids=["timegate-to-timegate", "moved-capture"],
)
def test_a_memento_reached_by_the_archives_redirect_is_fetched_raw(
    archive: tuple[str, Path], tmp_path: Path, via: str, capture: dict[str, Any]
) -> None:
    """The archive's redirect (a second TimeGate's choice, a capture moved to another
    timestamp) naming the memento's replay form was followed as it stood: the page as the
    archive's replay rewrites it (its banner, its links) was recorded and stored as the
    original's."""
    base, config = archive
    holds(
        config,
        {**capture, "moved_plain": True},
        {"url": TIMBUKTU, "ts": "20130129100000"},
        replay_rewrites=True,
    )
    result = crawl_via(tmp_path, via.format(base=base), "20130129090000", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["headline"].startswith("Troops enter Timbuktu")
    memento = f"{base}/coll/20130129100000id_/{TIMBUKTU}"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == memento


def test_a_memento_the_archive_keeps_no_raw_form_of_is_fetched_as_replayed(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """Asking a redirect's raw form where the archive sends that back to the replay form
    is no loop: the replay is all it gives."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129090000", "moved_to": "20130129100000", "moved_plain": 1},
        {"url": TIMBUKTU, "ts": "20130129100000", "no_raw": True},
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129090000", "--depth", "0")
    assert result.returncode == 0, result.stderr
    memento = f"{base}/coll/20130129100000/{TIMBUKTU}"
    assert one_line(tmp_path)["metadata"]["retrievedFrom"]["mementoUrl"] == memento


LOOPBACK_PAGE = "http://127.0.0.1:9/2013/01/29/world/africa/mali-timbuktu/index.html"


@pytest.mark.parametrize("via", ["timegate", "redirect"])
def test_a_memento_url_on_the_live_site_is_never_asked_for(
    archive: tuple[str, Path], tmp_path: Path, via: str
) -> None:
    """A TimeGate (or an archive's redirect) naming a memento URL of the Wayback shape on
    the page's own site (``SITE/TIMESTAMP/URL``): the crawl asked the site for it, as if
    it were an archive."""
    base, config = archive
    live = f"http://127.0.0.1:9/20130129100000/{LOOPBACK_PAGE}"
    capture = {"url": LOOPBACK_PAGE, "ts": "20130129100000", "page_of": TIMBUKTU}
    if via == "timegate":
        holds(config, capture, timegate_location=live)
        spec = f"timegate:{base}/tg"
    else:
        capture |= {"moved_to": "20130129100000", "moved_base": "http://127.0.0.1:9"}
        holds(config, capture)
        spec = f"{base}/coll"
    result = crawl_via(tmp_path, spec, "20130129", "--depth", "0", start=LOOPBACK_PAGE)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    kind = "not_archived" if via == "timegate" else "archive_other_url"
    assert report(tmp_path)["errors"][kind]["examples"] == [LOOPBACK_PAGE]
    assert report(tmp_path)["archive"]["requests"] == (1 if via == "timegate" else 2)


def test_a_timegate_sending_to_another_that_names_its_mementos_by_an_id(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """An aggregator's TimeGate sending to an archive's whose mementos are named by an id
    (archive.today, perma.cc): that TimeGate's redirect to its memento was taken for the
    archive sending the page elsewhere (archive_other_url), and nothing stored."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "id": "AbCd1"},
        {"url": TIMBUKTU, "ts": "20160301090000", "id": "Late1", "word": "Late"},
    )
    result = crawl_via(tmp_path, f"timegate:{base}/agg", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == f"{base}/m/AbCd1"


def test_a_timegate_sending_to_another_that_answers_in_place(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The TimeGate an aggregator sends to answers in place, naming its mementos in its
    Link header (pywb's framed replay does): that answer, no memento itself, was the
    archive down."""
    base, config = archive
    dated = {"20130129100000": "Tue, 29 Jan 2013 10:00:00 GMT"}
    dated["20160301090000"] = "Tue, 01 Mar 2016 09:00:00 GMT"
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000"},
        {"url": TIMBUKTU, "ts": "20160301090000", "word": "Late"},
        timegate_links=[
            f'<{{BASE}}/coll/{stamp}/{TIMBUKTU}>; rel="memento"; datetime="{when}"'
            for stamp, when in dated.items()
        ],
    )
    result = crawl_via(tmp_path, f"timegate:{base}/agg", "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    line = one_line(tmp_path)
    assert line["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
    memento = f"{base}/coll/20130129100000id_/{TIMBUKTU}"
    assert line["metadata"]["retrievedFrom"]["mementoUrl"] == memento


@pytest.mark.parametrize("status", [401, 403])
def test_a_capture_of_the_outlet_refusing_the_archive_gives_way_to_a_page_in_the_window(
    archive: tuple[str, Path], tmp_path: Path, status: int
) -> None:
    """The outlet refused the archive's crawler at the capture nearest --at (its 401 or
    403, which the index lists): that block page was taken, the page archive_block_page,
    though the window held a capture of the story a day later."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "status": status, "word": "Access denied"},
        {"url": TIMBUKTU, "ts": "20130130100000"},
    )
    result = crawl_via(tmp_path, f"{base}/coll", "20130129100000", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-30T10:00:00Z"


def test_a_capture_that_is_a_challenge_page_gives_way_to_a_page_in_the_window(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    """The capture nearest --at is the outlet's challenge page served with 200 (its bot
    block met by the archive's crawler; the index cannot tell): the page was
    archive_block_page, though the window held a capture of the story a day later."""
    base, config = archive
    holds(
        config,
        {"url": TIMBUKTU, "ts": "20130129100000", "challenge": True},
        {"url": TIMBUKTU, "ts": "20130130100000"},
    )
    data = tmp_path / "data"
    result = crawl_via(data, f"{base}/coll", "20130129100000", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(data)["metadata"]["dateDownloaded"] == "2013-01-30T10:00:00Z"
    # Both captures fetched are in the WARC, as fetched.
    dates = [r[1].get_header("WARC-Date")[:19] for r in records(data) if r[0] == "response"]
    assert dates == ["2013-01-29T10:00:00", "2013-01-30T10:00:00"]
    # With no other capture in the window, the block page is what the archive holds.
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000", "challenge": True})
    alone = tmp_path / "alone"
    result = crawl_via(alone, f"{base}/coll", "20130129100000", "--depth", "0")
    refused(result, alone, "archive_block_page")


@pytest.mark.parametrize("kind", ["coll", "tm", "tmj"], ids=["cdx", "timemap", "json-timemap"])
def test_an_index_that_redirects_is_followed(
    archive: tuple[str, Path], tmp_path: Path, kind: str
) -> None:
    """An archive whose index answers with a redirect (moved, or upgrading http to https,
    as the Wayback Machine does): every lookup was archive_down."""
    base, config = archive
    holds(config, {"url": TIMBUKTU, "ts": "20130129100000"})
    via = f"{base}/moved/coll" if kind == "coll" else f"timemap:{base}/moved/{kind}"
    result = crawl_via(tmp_path, via, "20130129", "--depth", "0")
    assert result.returncode == 0, result.stderr
    assert one_line(tmp_path)["metadata"]["dateDownloaded"] == "2013-01-29T10:00:00Z"
