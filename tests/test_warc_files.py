"""WARC files: names, rotation, crash safety and recovery, the CDXJ index, `verify`."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.cdxj import INDEX_NAME
from archive.warc.recovery import complete_length, recover_directory
from archive.warc.verify import verify_file
from archive.warc.writer import gzip_member

from .conftest import FAST, REPO, SiteServer, cli_env, run_cli
from .servers.harness import crawl, read_records, warc_paths

NAME = re.compile(r"^newsarchive-cnn-(\d{14})-(\d{5})-([\w-]+)\.warc\.gz$")


def _capture(n: int, size: int = 300) -> Capture:
    body = os.urandom(size)
    return Capture(
        url=f"http://example.org/{n}",
        date=datetime.now(timezone.utc),
        request=HttpMessage(f"GET /{n} HTTP/1.1", [("Host", "example.org")]),
        response=HttpMessage("HTTP/1.1 200 OK", [("Content-Length", str(size))], body),
    )


def test_rotation_gives_well_formed_files_with_increasing_serials(
    site: SiteServer, tmp_path: Path
) -> None:
    crawl(
        tmp_path,
        "cnn",
        site.url("cnn", "/world/africa/"),
        extra=("-s", "NEWSARCHIVE_WARC_MAX_SIZE=4000"),
    )
    paths = warc_paths(tmp_path)
    assert len(paths) >= 3
    serials = [int(NAME.match(p.name).group(2)) for p in paths]  # type: ignore[union-attr]
    assert serials == sorted(serials) and len(set(serials)) == len(serials)
    for path in paths:
        records = read_records([path])
        assert records[0].type == "warcinfo"
        assert records[0].get("WARC-Filename") == path.name
        assert verify_file(path).sound
    assert not list((tmp_path / "warc").glob("*.open"))


def test_open_while_written_renamed_when_closed(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    writer.write_capture(_capture(1))
    assert [p.name for p in tmp_path.iterdir()] == [f"{writer.filename}.open"]
    writer.close()
    assert [p.name for p in tmp_path.iterdir()] == [writer.files_written[0]]
    assert NAME.match(writer.files_written[0])


def _members(path: Path) -> list[bytes]:
    """The gzip members of a WARC file, each as its compressed bytes."""
    data, members, start = path.read_bytes(), [], 0
    while start < len(data):
        unpack = zlib.decompressobj(31)
        unpack.decompress(data[start:])
        end = len(data) - len(unpack.unused_data)
        members.append(data[start:end])
        start = end
    return members


def test_content_coded_body_stored_in_its_member_not_deflated_again(tmp_path: Path) -> None:
    """A gzip-coded body is incompressible: its member keeps it as is (stored blocks) behind
    a deflated head, and reads back to the same record, digests right; plain bodies still
    deflate as before."""
    words = base64.b64encode(os.urandom(200_000)).replace(b"+", b" ")
    html = b"<html><body>" + b"<p>A paragraph of our own.</p>" * 2000 + words + b"</body></html>"
    coded = gzip.compress(html, mtime=0)
    assert len(coded) > 2 * 0xFFFF  # over several stored blocks
    encoded = Capture(
        url="http://example.org/coded",
        date=datetime.now(timezone.utc),
        request=HttpMessage("GET /coded HTTP/1.1", [("Host", "example.org")]),
        response=HttpMessage(
            "HTTP/1.1 200 OK",
            [("Content-Encoding", "gzip"), ("Content-Length", str(len(coded)))],
            coded,
        ),
    )
    plain = Capture(
        url="http://example.org/plain",
        date=encoded.date,
        request=encoded.request,
        response=HttpMessage("HTTP/1.1 200 OK", [("Content-Length", str(len(html)))], html),
    )
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    coded_at = writer.write_capture(encoded)
    plain_at = writer.write_capture(plain)
    writer.close()
    path = tmp_path / writer.files_written[0]
    assert verify_file(path).sound
    members = {len(m): m for m in _members(path)}
    coded_member, plain_member = members[coded_at.length], members[plain_at.length]
    pieces = [coded[i : i + 0xFFFF] for i in range(0, len(coded), 0xFFFF)]
    assert all(piece in coded_member for piece in pieces)  # verbatim: not deflated again
    assert len(coded_member) < len(coded) + 1000
    record = gzip.decompress(coded_member)
    assert record.startswith(b"WARC/1.1\r\n") and record.endswith(coded + b"\r\n\r\n")
    assert plain_member == gzip_member(gzip.decompress(plain_member), 6)  # level 6 as before
    assert len(plain_member) < len(html) * 0.8
    payloads = {r.url: r.payload for r in read_records([path]) if r.type == "response"}
    assert payloads == {"http://example.org/coded": coded, "http://example.org/plain": html}


def test_names_unique_across_writers(tmp_path: Path) -> None:
    writers = [WarcWriter(tmp_path, prefix="newsarchive-cnn") for _ in range(3)]
    for writer in writers:
        writer.write_capture(_capture(1))
    for writer in writers:
        writer.close()
    names = [w.files_written[0] for w in writers]
    assert len(set(names)) == 3


def test_recovery_cuts_the_truncated_last_record(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    for n in range(5):
        writer.write_capture(_capture(n))
    open_path = tmp_path / f"{writer.filename}.open"
    writer._file.flush()
    whole = open_path.read_bytes()
    os.close(os.dup(0))  # (keep the writer's descriptor open: a "live" file is locked)
    assert [r.action for r in recover_directory(tmp_path)] == ["busy"]
    writer._file.close()  # the writer dies without closing the file properly
    open_path.write_bytes(whole[:-25])  # the kill hit in the middle of the last member
    results = recover_directory(tmp_path)
    assert [r.action for r in results] == ["closed"]
    closed = results[0].path
    assert closed.name == writer.filename and results[0].cut > 0
    assert complete_length(closed) == closed.stat().st_size
    report = verify_file(closed)
    assert report.sound, report.problems
    assert report.records == 1 + 5 * 2 - 1  # warcinfo, 5 responses and 4 requests


def test_recovery_removes_a_file_with_nothing_complete(tmp_path: Path) -> None:
    leftover = tmp_path / "newsarchive-cnn-20240101000000-00000-host.warc.gz.open"
    leftover.write_bytes(gzip.compress(b"WARC/1.1\r\n" * 50)[:20])
    assert [r.action for r in recover_directory(tmp_path)] == ["removed"]
    assert not list(tmp_path.iterdir())


def test_kill_9_mid_crawl_then_next_run_closes_the_open_file(
    site: SiteServer, tmp_path: Path
) -> None:
    command = [
        sys.executable, "-m", "archive", "crawl", "cnn", "--data", str(tmp_path),
        "--start-url", site.url("cnn", "/world/africa/"),
        "--start-url", site.url("cnn", "/sitemaps/cnn/news.xml"),
        *FAST, "-s", "DOWNLOAD_DELAY=0.2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    warc = tmp_path / "warc"
    deadline = time.monotonic() + 60
    grown = None
    while time.monotonic() < deadline and process.poll() is None:
        opened = list(warc.glob("*.open")) if warc.exists() else []
        if opened and opened[0].stat().st_size > 6000:
            grown = opened[0]
            break
        time.sleep(0.02)  # polling a file's growth, bounded by the deadline
    assert grown is not None, "the crawl never had a growing .open file"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    size = grown.stat().st_size
    kept = complete_length(grown)
    assert kept > 0 and kept <= size
    # every record written before the kill reads back
    prefix = tmp_path / "prefix.warc.gz"
    prefix.write_bytes(grown.read_bytes()[:kept])
    assert verify_file(prefix).sound
    assert len(read_records([prefix])) > 3
    prefix.unlink()
    result = run_cli("crawl", "cnn", "--data", str(tmp_path),
                     "--start-url", site.url("cnn", "/world/africa/"), *FAST)  # fmt: skip
    assert result.returncode == 0, result.stderr
    logs = sorted((tmp_path / "runs").glob("*.log"), key=lambda p: p.stat().st_mtime)
    assert f"closed leftover WARC file {grown.name[: -len('.open')]}" in logs[-1].read_text()
    assert not list(warc.glob("*.open"))
    closed = warc / grown.name[: -len(".open")]
    assert closed.exists() and verify_file(closed).sound


def test_cdxj_index_kept_current_and_rebuilt(site: SiteServer, tmp_path: Path) -> None:
    crawl(tmp_path, "cnn", site.url("cnn", "/world/africa/"))
    index = tmp_path / "warc" / INDEX_NAME
    lines = index.read_text().splitlines()
    assert lines == sorted(lines)
    key, stamp, fields = lines[0].split(" ", 2)
    record = json.loads(fields)
    assert key.startswith("1,0,0,127:") and re.fullmatch(r"\d{14}", stamp)
    for name in ("url", "mime", "status", "digest", "length", "offset", "filename"):
        assert name in record
    crawl(tmp_path, "cnn", site.url("cnn", "/world/africa/"))
    after = index.read_text().splitlines()
    assert after == sorted(after) and len(after) > len(lines)
    named = {json.loads(line.split(" ", 2)[2])["filename"] for line in after}
    assert named == {p.name for p in warc_paths(tmp_path)}
    index.write_text("")  # damaged or lost: `newsarchive index` rebuilds it
    result = run_cli("index", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert index.read_text().splitlines() == after


def test_verify_command(tmp_path: Path) -> None:
    # Our writer's files, as a crawl leaves them (a crawl's own are verified in the rotation test).
    for _ in range(2):
        writer = WarcWriter(tmp_path / "warc", prefix="newsarchive-cnn")
        for n in range(3):
            writer.write_capture(_capture(n))
        writer.close()
    ours = warc_paths(tmp_path)
    assert len(ours) == 2
    theirs = tmp_path / "theirs.warc"
    with open(theirs, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        from io import BytesIO

        record = writer.create_warc_record(
            "http://example.org/", "resource", payload=BytesIO(b"hello world"),
            warc_content_type="text/plain",
        )  # fmt: skip
        writer.write_record(record)
    good = run_cli("verify", *map(str, ours), str(theirs))
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("ok ") == len(ours) + 1
    tampered = tmp_path / "tampered.warc"
    tampered.write_bytes(theirs.read_bytes().replace(b"hello world", b"hello World"))
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(ours[0].read_bytes()[:-30])
    bad = run_cli("verify", str(tampered), str(cut), str(theirs))
    assert bad.returncode == 1
    assert "BAD " + str(tampered) in bad.stderr and "digest" in bad.stderr.lower()
    assert "BAD " + str(cut) in bad.stderr
    assert "ok " + str(theirs) in bad.stdout
    assert "1 of 3 WARC files sound" in bad.stdout
    folder = run_cli("verify", str(tmp_path / "warc"))
    assert folder.returncode == 0 and f"{len(ours)} of {len(ours)}" in folder.stdout


def _hand_record(rec_type: str, block: bytes, *, declared: int | None = None, http: bool) -> bytes:
    """One uncompressed WARC record written by hand, its digests right, its Content-Length
    `declared` (default: the block's length)."""
    import hashlib

    def sha1(data: bytes) -> str:
        return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()

    head = [
        "WARC/1.1",
        f"WARC-Type: {rec_type}",
        "WARC-Record-ID: <urn:uuid:" + hashlib.md5(block).hexdigest() + ">",
        "WARC-Date: 2024-05-01T10:00:00Z",
        "WARC-Target-URI: http://www.cnn.com/a.html",
        f"WARC-Block-Digest: {sha1(block)}",
    ]
    if http:
        payload = block.split(b"\r\n\r\n", 1)[1]
        head.append(f"WARC-Payload-Digest: {sha1(payload)}")
        head.append("Content-Type: application/http; msgtype=response")
    else:
        head.append("Content-Type: text/plain")
    head.append(f"Content-Length: {len(block) if declared is None else declared}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def test_verify_reads_header_bytes_as_they_are_not_as_warcio_rewrites_them(
    tmp_path: Path,
) -> None:
    """A server's header with spaces around its value (wget keeps them), a folded header:
    the block was measured by warcio's re-serialised headers, and a sound file was BAD."""
    for name, headers in (
        ("padded", b"X-Padded:   spaced  value  \r\n"),
        ("folded", b"X-Folded: one\r\n  two\r\n"),
    ):
        block = b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Type: text/html\r\n\r\n<p>x</p>"
        path = tmp_path / f"{name}.warc"
        path.write_bytes(_hand_record("response", block, http=True))
        report = verify_file(path)
        assert report.sound, (name, report.problems)


def test_verify_finds_a_content_length_shorter_than_the_block(tmp_path: Path) -> None:
    """Content-Length counting characters, not UTF-8 bytes (a writer's classic bug): every
    reader gets the block cut short. verify said ok, and warcio's warning leaked out."""
    block = "spider: cnn\r\nnote: déjà vu, déjà lu\r\n".encode()
    good = _hand_record("metadata", b"software: a\r\n", http=False)
    bad = _hand_record("metadata", block, declared=len(block.decode()), http=False)
    path = tmp_path / "short.warc"
    path.write_bytes(good + bad + good)
    report = verify_file(path)
    assert not report.sound
    assert any("Content-Length" in problem for problem in report.problems), report.problems
    result = run_cli("verify", str(path))
    assert result.returncode == 1
    assert result.stderr.count("\n") <= 1 and "WARNING" not in result.stderr, result.stderr


def test_index_leaves_out_a_record_longer_than_its_content_length_in_one_line(
    tmp_path: Path,
) -> None:
    """Its block cut short for every reader: index said nothing of it but warcio's warning
    block on stderr (into a crawl's cron log too), indexed it, and exited 0."""
    block = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>déjà vu</p>".encode()
    good = gzip.compress(_hand_record("response", block, http=True), mtime=0)
    bad = gzip.compress(
        _hand_record("response", block, declared=len(block.decode()), http=True), mtime=0
    )
    result, offsets = _indexed_between(tmp_path, "long.warc.gz", good, bad)
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"newsarchive: not indexed: long.warc.gz: the record of http://www.cnn.com/a.html at "
        f"offset {len(good)} left out: it is not followed by the blank lines that end a "
        "record: its block is longer than its Content-Length says\n"
    )
    assert offsets == ["0", str(len(good + bad))]


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_verify_names_a_content_length_that_is_no_number_of_bytes(
    tmp_path: Path, length: str
) -> None:
    """Python's ``invalid literal for int()``, or a payload digest failing, was all it said."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    good = gzip.compress(_hand_record("response", block, http=True), mtime=0)
    bad = _hand_record("response", block, http=True)
    bad = bad.replace(
        f"Content-Length: {len(block)}".encode(), f"Content-Length: {length}".encode()
    )
    path = tmp_path / "x.warc.gz"
    path.write_bytes(good + gzip.compress(bad, mtime=0) + good)
    result = run_cli("verify", str(path))
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"BAD {path}: 2 records, record at offset {len(good)}: Content-Length {length!r} is "
        "not a number of bytes (the file is not checked past it)\n"
    )


@pytest.mark.parametrize("length", ["abc", "-5", "1e3"])
def test_index_names_a_record_whose_content_length_is_no_number_and_indexes_the_rest(
    tmp_path: Path, length: str
) -> None:
    """Its own gzip member: the file was left out whole with warcio's "Unknown archive
    format" and the first header line of the record's HTTP head, naming nothing wrong."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    good = gzip.compress(_hand_record("response", block, http=True), mtime=0)
    bad = _hand_record("response", block, http=True).replace(
        f"Content-Length: {len(block)}".encode(), f"Content-Length: {length}".encode()
    )
    bad = gzip.compress(bad, mtime=0)
    result, offsets = _indexed_between(tmp_path, "x.warc.gz", good, bad)
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"newsarchive: not indexed: x.warc.gz: the record of http://www.cnn.com/a.html at "
        f"offset {len(good)} left out: its Content-Length {length!r} is not a number of bytes\n"
    )
    assert offsets == ["0", str(len(good + bad))]


def _indexed_between(
    data: Path, name: str, good: bytes, bad: bytes
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``index`` of a WARC file `name` holding `bad` between two `good` records: the run,
    and the offsets its index lines give, in order."""
    (data / "warc").mkdir()
    (data / "warc" / name).write_bytes(good + bad + good)
    result = run_cli("index", "--data", str(data))
    lines = (data / "warc" / INDEX_NAME).read_text().splitlines()
    return result, sorted(json.loads(line.split(" ", 2)[2])["offset"] for line in lines)


def test_index_names_the_record_of_a_plain_warc_whose_content_length_is_no_number(
    tmp_path: Path,
) -> None:
    """Uncompressed, its Content-Length cannot say where its block ends and the next record
    begins; its WARC-Block-Digest can: the block is the bytes up to the record start whose
    blank line it is the digest of. The record is left out and named, as in a gzip member,
    and the records before and after it are indexed (warcio stops at it: pywb reads a
    record at its offset); the whole file was left out."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    good = _hand_record("response", block, http=True)
    bad = good.replace(f"Content-Length: {len(block)}".encode(), b"Content-Length: abc")
    result, offsets = _indexed_between(tmp_path, "x.warc", good, bad)
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"newsarchive: not indexed: x.warc: the record of http://www.cnn.com/a.html at "
        f"offset {len(good)} left out: its Content-Length 'abc' is not a number of bytes\n"
    )
    assert offsets == ["0", str(len(good + bad))]


def _plain_unmeasured(block: bytes, *, digest: bool) -> bytes:
    """An uncompressed response record of `block` whose Content-Length is ``abc``, with or
    without its WARC-Block-Digest."""
    record = _hand_record("response", block, http=True)
    record = record.replace(f"Content-Length: {len(block)}".encode(), b"Content-Length: abc")
    if not digest:
        record = re.sub(rb"WARC-Block-Digest: [^\r]*\r\n", b"", record)
    return record


@pytest.mark.parametrize("digest", ["none", "another block's"])
def test_index_of_a_plain_warc_stops_at_a_record_of_no_length_whose_end_nothing_proves(
    tmp_path: Path, digest: str
) -> None:
    """No block digest, or one no stretch of the file has: no record start after it can be
    told from bytes of its block. The records before it are indexed (the README said so,
    but the whole file was left out), those after it are not."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    good = _hand_record("response", block, http=True)
    if digest == "none":
        bad = _plain_unmeasured(block, digest=False)
    else:
        bad = _plain_unmeasured(block + b"<p>y</p>", digest=True).replace(b"<p>y</p>", b"")
    result, offsets = _indexed_between(tmp_path, "x.warc", good, bad)
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"newsarchive: not indexed: x.warc: the record at offset {len(good)}: its "
        "Content-Length 'abc' is not a number of bytes (the file is not indexed past it)\n"
    )
    assert offsets == ["0"]


def test_index_of_a_plain_warc_takes_no_record_start_inside_a_block_of_no_length(
    tmp_path: Path,
) -> None:
    """A payload holding a WARC record of its own (an archived ``.warc`` download, a page
    quoting one), after a blank line: the first ``WARC/1.`` line past the damaged record
    is inside its block. Only the start its block digest proves is taken, so the
    record the payload holds is never indexed as a capture of this archive."""
    inner = _hand_record(
        "response", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>fake</p>", http=True
    ).replace(b"http://www.cnn.com/a.html", b"http://www.cnn.com/fake.html")
    block = b"HTTP/1.1 200 OK\r\nContent-Type: application/warc\r\n\r\n" + inner + b"tail"
    good = _hand_record("response", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>", http=True)
    bad = _plain_unmeasured(block, digest=True)
    result, offsets = _indexed_between(tmp_path, "x.warc", good, bad)
    assert result.returncode == 1, result.stdout
    assert "fake" not in (tmp_path / "warc" / INDEX_NAME).read_text()
    assert offsets == ["0", str(len(good + bad))]
    assert f"at offset {len(good)} left out: its Content-Length 'abc'" in result.stderr


@pytest.mark.parametrize("ending", [b"", b"\r\n", b"\n\n"], ids=["none", "one-crlf", "lf-lf"])
@pytest.mark.parametrize("gzipped", [True, False], ids=["gz", "plain"])
def test_verify_names_a_record_without_the_two_crlfs_that_end_it(
    tmp_path: Path, ending: bytes, gzipped: bool
) -> None:
    """The WARC spec ends every record with two CRLFs; warcio reads a record without them
    (the end of its gzip member, or of the file, is end enough), and verify said ok."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    good = _hand_record("response", block, http=True)
    bad = good[: -len(b"\r\n\r\n")] + ending
    if gzipped:
        good, bad = gzip.compress(good, mtime=0), gzip.compress(bad, mtime=0)
        data, where = good + bad + good, len(good)
    else:
        data, where = good + good + bad, 2 * len(good)  # plain: only the last can lack them
    (tmp_path / "warc").mkdir()
    path = tmp_path / "warc" / ("unended.warc.gz" if gzipped else "unended.warc")
    path.write_bytes(data)
    result = run_cli("verify", str(path))
    assert result.returncode == 1, result.stdout
    assert result.stderr == (
        f"BAD {path}: 3 records, record at offset {where}: not ended by the two CRLFs the "
        "WARC spec requires after a block\n"
    )
    indexed = run_cli("index", "--data", str(tmp_path))  # the readers read it as before
    assert indexed.returncode == 0, indexed.stderr
    assert len((tmp_path / "warc" / INDEX_NAME).read_text().splitlines()) == 3


@pytest.mark.parametrize("into", [12, 150, -1], ids=["head-line", "head-lines", "block"])
def test_an_uncompressed_warc_cut_short_is_named_by_verify_and_index(
    tmp_path: Path, into: int
) -> None:
    """A copy of a ``.warc`` (wget --no-warc-compression) that stopped early: cut inside a
    header block, verify said ok and index exited 0; cut inside a block, index listed the
    record cut as whole. A ``.warc.gz`` cut short was named by both."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"<p>x</p>" * 40
    record = _hand_record("response", block, http=True)
    assert record.index(b"\r\n\r\n") > 150
    into = into if into > 0 else record.index(b"\r\n\r\n") + 100  # inside the block
    (tmp_path / "warc").mkdir()
    path = tmp_path / "warc" / "cut.warc"
    path.write_bytes(record + record[:into])
    checked = run_cli("verify", str(path))
    assert checked.returncode == 1, checked.stdout
    assert f"record at offset {len(record)}" in checked.stderr, checked.stderr
    indexed = run_cli("index", "--data", str(tmp_path))
    assert indexed.returncode == 1, indexed.stdout
    assert indexed.stderr == (
        f"newsarchive: not indexed: cut.warc: its records from byte {len(record)} on are left"
        " out: the file is cut short there (an incomplete record)\n"
    )
    lines = (tmp_path / "warc" / INDEX_NAME).read_text().splitlines()
    assert [json.loads(line.split(" ", 2)[2])["offset"] for line in lines] == ["0"]


@pytest.mark.parametrize("into", [12, 150], ids=["head-line", "head-lines"])
def test_replay_names_an_uncompressed_warc_cut_inside_a_header_block(
    tmp_path: Path, into: int
) -> None:
    """The record cut was lost without a word: 0 problems, and --strict exited 0."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"<p>x</p>" * 40
    record = _hand_record("response", block, http=True)
    path = tmp_path / "cut.warc"
    path.write_bytes(record + record[:into])
    result = run_cli("replay", str(path), "--out", str(tmp_path / "items.jsonl"), "--strict")
    assert result.returncode == 1, result.stderr
    assert f"newsarchive: {path}:{len(record)}: record cut short" in result.stderr, result.stderr
    assert "1 damaged record or file" in result.stderr.splitlines()[-1]


def test_verify_of_an_uncompressed_warc_named_gz_agrees_with_the_readers(tmp_path: Path) -> None:
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    path = tmp_path / "plain.warc.gz"
    path.write_bytes(_hand_record("response", block, http=True))
    report = verify_file(path)
    assert report.sound, report.problems


def test_index_takes_the_files_of_warc_whatever_the_case_of_their_names(tmp_path: Path) -> None:
    """``CAPTURE.WARC.GZ`` in ``warc/``: verify and replay read it, index passed over it
    without a word (indexed 0 records, exit 0), so pywb and browse showed none of it."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "CAPTURE.WARC.GZ").write_bytes(
        gzip.compress(_hand_record("response", block, http=True), mtime=0)
    )
    (tmp_path / "warc" / "PLAIN.WARC").write_bytes(_hand_record("response", block, http=True))
    result = run_cli("index", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "indexed 2 records" in result.stdout, result.stdout
    index = (tmp_path / "warc" / INDEX_NAME).read_text()
    assert '"filename": "CAPTURE.WARC.GZ"' in index and '"filename": "PLAIN.WARC"' in index


def test_verify_of_a_folder_takes_its_files_whatever_the_case_of_their_names(
    tmp_path: Path,
) -> None:
    """``CAPTURE.WARC.GZ`` (copied off a system that upper-cases names) was skipped by the
    folder's walk, which replay and index read."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
    (tmp_path / "CAPTURE.WARC").write_bytes(_hand_record("response", block, http=True))
    result = run_cli("verify", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok " in result.stdout and "CAPTURE.WARC: 1 records" in result.stdout
