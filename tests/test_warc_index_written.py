"""The CDXJ lines a writer makes as it writes are cdxj-indexer's lines of the same files.

A crawl indexes its own WARC files from what its writer knew at write time instead of
reading them back; here each file a writer vouches for is read by cdxj-indexer too, and the
two must agree byte for byte. A file holding a record the writer cannot vouch for is left
to cdxj-indexer.
"""

from __future__ import annotations

import gzip
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.cdxj import INDEX_NAME, index_lines, update_index
from archive.warc.records import (
    IDENTICAL_PAYLOAD,
    SERVER_NOT_MODIFIED,
    Revisit,
    sha1_digest,
    warc_date,
)

WHEN = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def _capture(
    url: str,
    start_line: str,
    headers: list[tuple[str, str]],
    body: bytes = b"",
    *,
    n: int = 0,
    request: bool = True,
    **extra: object,
) -> Capture:
    return Capture(
        url=url,
        date=WHEN + timedelta(seconds=n, microseconds=1234 * n),
        request=HttpMessage("GET / HTTP/1.1", [("Host", "example.org")]) if request else None,
        response=HttpMessage(start_line, headers, body),
        **extra,  # type: ignore[arg-type]
    )


def _ordinary(writer: WarcWriter) -> None:
    """Responses and revisits of every shape a crawl writes, into the file being written."""
    page = b"<html><p>one page</p></html>"
    packed = gzip.compress(b"<html><p>packed page</p></html>" * 50)
    first = writer.write_capture(
        _capture(
            "http://example.org/a/page.html?b=2&a=1",
            "HTTP/1.1 200 OK",
            [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(page)))],
            page,
            ip_address="127.0.0.1",
        )
    )
    writer.write_capture(
        _capture(
            "https://www.example.org:8443/caf\u00e9/",
            "HTTP/1.1 200 OK",
            [("content-encoding", "gzip"), ("CONTENT-TYPE", "Text/HTML ;charset=latin-1")],
            packed,
            n=1,
        )
    )
    writer.write_capture(
        _capture(
            "http://example.org/gone", "HTTP/1.1 404 Not Found", [("X-Note", "caf\u00e9")], n=2
        )
    )
    writer.write_capture(
        _capture("http://example.org/bare", "HTTP/1.0 200", [("Content-Type", "")], b"x", n=3)
    )
    writer.write_capture(
        _capture(
            "http://example.org/moved",
            "HTTP/1.1 301 Moved Permanently",
            [("Location", "/a/page.html"), ("Content-Type", "  text/plain\tx")],
            n=4,
            truncated="length",
        )
    )
    writer.write_capture(
        _capture("ftp://example.org/file.txt", "HTTP/1.1 200 OK", [], b"plain", n=5)
    )
    writer.write_capture(
        _capture(
            "http://example.org/a/page.html?b=2&a=1",
            "HTTP/1.1 200 OK",
            [("Content-Type", "text/html; charset=UTF-8")],
            page,
            n=6,
        ),
        Revisit(
            IDENTICAL_PAYLOAD,
            refers_to_uri="http://example.org/a/page.html?b=2&a=1",
            refers_to_date=first.date,
            refers_to=first.record_id,
            payload_digest=sha1_digest(page),
        ),
        body_digest=sha1_digest(page),
    )
    writer.write_capture(
        _capture("http://example.org/a/", "HTTP/1.1 304 Not Modified", [], n=7),
        Revisit(SERVER_NOT_MODIFIED, payload_digest=sha1_digest(page), refers_to=first.record_id),
    )
    writer.write_capture(
        _capture(
            "http://example.org/archived",
            "HTTP/1.1 200 OK",
            [("Content-Type", "text/html")],
            page,
            n=8,
            request=False,
            warc_headers=[("WARC-Source-URI", "http://archive.example/web/2024id_/x")],
        )
    )
    writer.write_metadata(
        "http://example.org/a/", warc_date(WHEN, "1.1"), first.record_id, [("hops", 0)]
    )


def test_the_writers_lines_are_cdxj_indexers(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn", index=True)
    _ordinary(writer)
    writer.close()
    # a second file: rolled over into as a long crawl does
    writer.max_size = 1
    _ordinary(writer)
    _ordinary(writer)
    writer.close()
    assert len(writer.files_written) >= 3
    ours = writer.index_lines()
    assert set(ours) == set(writer.files_written)
    indexed = 0
    for name in writer.files_written:
        theirs = index_lines([tmp_path / name])
        assert sorted(ours[name]) == theirs, name
        indexed += len(theirs)
    assert indexed == 3 * 9  # every response and revisit; no request, metadata or warcinfo


def test_files_it_cannot_vouch_for_are_left_to_cdxj_indexer(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn", index=True)
    _ordinary(writer)
    writer.close()
    # a 304 with no earlier capture has no payload digest: cdxj-indexer computes one
    writer.write_capture(
        _capture("http://example.org/new", "HTTP/1.1 304 Not Modified", [], n=9),
        Revisit(SERVER_NOT_MODIFIED),
    )
    writer.close()
    # another archive's record, kept as it was written
    _ordinary(writer)
    writer.write_verbatim(
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://example.org/r\r\n"
        b"WARC-Date: 2013-01-29T22:38:00Z\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 2\r\n\r\nhi\r\n\r\n"
    )
    writer.close()
    # a URL warcio would rewrite
    writer.write_capture(_capture("http://example.org/a b", "HTTP/1.1 200 OK", [], b"x"))
    writer.close()
    vouched, *others = writer.files_written
    assert set(writer.index_lines()) == {vouched}
    assert len(others) == 3

    update_index(tmp_path, known=writer.index_lines())
    index = (tmp_path / INDEX_NAME).read_text("utf-8")
    assert index == "".join(index_lines([tmp_path / n for n in writer.files_written]))


def test_a_writer_without_index_keeps_no_lines(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    _ordinary(writer)
    writer.close()
    assert writer.index_lines() == {}


def test_the_entries_kept_are_bounded_and_the_rest_left_to_cdxj_indexer(tmp_path: Path) -> None:
    """A long crawl keeps at most `index_entries` entries in memory; the files written once
    they are spent are read back by cdxj-indexer, and the index is the same."""
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn", index=True, index_entries=12)
    writer.max_size = 1  # a new file for each record, as a long crawl rolls over
    for _ in range(3):
        _ordinary(writer)  # nine entries each
    writer.close()
    kept = writer.index_lines()
    assert 0 < sum(map(len, kept.values())) <= 12
    assert set(kept) < set(writer.files_written)
    update_index(tmp_path, known=kept)
    index = (tmp_path / INDEX_NAME).read_text("utf-8")
    assert index == "".join(index_lines([tmp_path / n for n in writer.files_written]))


def test_a_record_dated_in_the_14_digit_form_is_left_out_and_the_rest_indexed(
    tmp_path: Path,
) -> None:
    """``WARC-Date: 20230502120000`` (as WARCs converted from ARC files carry) made warcio
    raise OverflowError, and the whole file was left out of the index."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "mixed.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        dates = ("2023-05-01T12:00:00Z", "20230502120000", "2023-05-03T12:00:00Z")
        for n, date in enumerate(dates):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"http://www.cnn.com/{n}.html", "response", payload=io.BytesIO(b"<p>x</p>"),
                http_headers=http, warc_headers_dict={"WARC-Date": date},
            )  # fmt: skip
            writer.write_record(record)
    skipped: list[str] = []
    lines = index_lines([path], skipped)
    assert len(lines) == 2, skipped
    assert len(skipped) == 1 and "1.html" in skipped[0] and "names no moment" in skipped[0]


def test_a_warc_file_cut_short_is_named_and_its_whole_records_indexed(tmp_path: Path) -> None:
    """A copy or a restore that stopped early: cdxj-indexer stopped quietly at the cut, the
    record it cut listed as whole, and `index` exited 0 while `verify` called the file BAD."""
    import io

    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    whole = tmp_path / "whole.warc.gz"
    with open(whole, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(3):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = io.BytesIO(os.urandom(4000))  # incompressible: the cut falls inside it
            record = writer.create_warc_record(
                f"http://www.cnn.com/{n}.html", "response", payload=body, http_headers=http,
                warc_headers_dict={"WARC-Date": f"2023-05-0{n + 1}T12:00:00Z"},
            )  # fmt: skip
            writer.write_record(record)
    with open(whole, "rb") as handle:
        iterator = ArchiveIterator(handle)
        starts = [iterator.get_record_offset() for _ in iterator]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[: starts[2] + 2000])
    skipped: list[str] = []
    lines = index_lines([cut], skipped)
    assert len(lines) == 2, lines
    assert len(skipped) == 1 and skipped[0].startswith("cut.warc.gz: its records from byte")
    assert "cut short" in skipped[0]
