"""Damaged archives: each problem reported by file and offset, the rest replayed, --strict."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from . import test_replay_helpers as helpers
from .conftest import run_cli, store_lines
from .test_replay_helpers import read_items

site_archive = helpers.site_archive


def members(path: Path) -> list[tuple[int, int, str, str]]:
    """(offset, length, record type, target URI) of every record of a per-record gzip WARC."""
    found = []
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            kind = record.rec_type
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            iterator.read_to_end()
            found.append((iterator.get_record_offset(), iterator.get_record_length(), kind, url))
    return found


def article_response(path: Path, data: Path) -> tuple[int, int]:
    """Offset and length of a response record whose page is a stored article."""
    stored = {line["warc"]["offset"] for line in store_lines(data)
              if line["warc"]["filename"] == path.name}  # fmt: skip
    for offset, length, kind, _url in members(path):
        if kind == "response" and offset in stored:
            return offset, length
    raise AssertionError("no article response")


def damaged_folder(site_archive: Path, folder: Path) -> dict[str, object]:
    """One good copy and four damaged files; returns what each damaged one is."""
    folder.mkdir()
    warcs = sorted((site_archive / "warc").glob("*.warc.gz"))
    good, other = warcs[0], warcs[-1]
    shutil.copy(good, folder / "a-good.warc.gz")

    data = other.read_bytes()
    offset, length = article_response(other, site_archive)
    # The member of one article's response cut in half: the records after it survive.
    truncated = data[: offset + length // 2] + data[offset + length :]
    (folder / "b-truncated.warc.gz").write_bytes(truncated)

    # A payload byte changed and the member re-compressed: the digest no longer holds.
    record = gzip.decompress(data[offset : offset + length])
    at = len(record) - 6  # the payload's last byte (before the record's two CRLFs)
    changed = record[:at] + bytes([record[at] ^ 0xFF]) + record[at + 1 :]
    assert changed != record
    (folder / "c-digest.warc.gz").write_bytes(
        data[:offset] + gzip.compress(changed) + data[offset + length :]
    )
    (folder / "d-not-a-warc.warc.gz").write_bytes(b"<html>this is not an archive</html>\n" * 40)
    (folder / "e-empty.warc").write_bytes(b"")
    return {"offset": offset, "other": other}


def test_damage_is_reported_by_file_and_offset_and_the_rest_replayed(
    site_archive: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "damaged"
    facts = damaged_folder(site_archive, folder)
    offset = facts["offset"]
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(folder), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()

    def reported(name: str) -> list[str]:
        return [line for line in lines if f"{folder / name}:" in line]

    assert any(f":{offset}: " in line for line in reported("b-truncated.warc.gz")), lines
    assert any(f":{offset}: " in line and "digest" in line for line in reported("c-digest.warc.gz"))
    assert re.search(r"d-not-a-warc\.warc\.gz:0: not a WARC file", result.stderr)
    assert re.search(r"e-empty\.warc:0: empty file", result.stderr)

    items = read_items(out)
    good = [i for i in items if i["warc"]["filename"] == "a-good.warc.gz"]
    cut = [i for i in items if i["warc"]["filename"] == "b-truncated.warc.gz"]
    other_articles = [
        line for line in store_lines(site_archive)
        if line["warc"]["filename"] == facts["other"].name  # type: ignore[attr-defined]
    ]  # fmt: skip
    assert good, "the sound file was not replayed"
    # Every article of the damaged file but the one whose record was cut.
    assert len(cut) == len(other_articles) - 1
    assert all(i["warc"]["offset"] != offset for i in cut)


def test_strict_exits_non_zero_on_damage(site_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    damaged_folder(site_archive, folder)
    result = run_cli("replay", str(folder), "--out", str(tmp_path / "x.jsonl"), "--strict")
    assert result.returncode == 1
    assert "--strict" in result.stderr and "Traceback" not in result.stderr
    sound = run_cli("replay", str(folder / "a-good.warc.gz"), "--out", str(tmp_path / "y.jsonl"),
                    "--strict")  # fmt: skip
    assert sound.returncode == 0, sound.stderr


def test_a_damaged_record_holding_a_gzip_body_is_one_problem(
    site_archive: Path, tmp_path: Path
) -> None:
    """The writer stores a gzip-encoded body as it came, magic bytes and all: after a record
    is found damaged, the search for the next one must not stop inside it."""
    warc = sorted((site_archive / "warc").glob("*.warc.gz"))[-1]
    data = warc.read_bytes()
    for offset, length, kind, _url in members(warc):
        if kind == "response" and b"\x1f\x8b\x08" in data[offset + 3 : offset + length]:
            break
    else:
        raise AssertionError("no response holding a gzip body as it came")
    damaged = bytearray(data)
    damaged[offset + 40 : offset + 56] = bytes(16)  # in the record's head, before its body
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / warc.name).write_bytes(bytes(damaged))
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(folder), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    problems = [line for line in result.stderr.splitlines() if f"{folder / warc.name}:" in line]
    assert len(problems) == 1 and f":{offset}: " in problems[0], problems


def _plain_around_unmeasured(tmp_path: Path, *, digest: bool) -> tuple[Path, int]:
    """An uncompressed WARC: a record, one whose Content-Length is ``abc`` holding in its
    block a whole WARC record of a CNN story (an archived ``.warc``), and a record after
    it. The file and the damaged record's offset."""
    from .test_pages_fixtures import PAGES, load_fixture
    from .test_warc_files import _hand_record, _plain_unmeasured

    story = PAGES / "cnn_2013" / "gallery_two_authors_no_place.html"
    expected, _headers, body = load_fixture(story)
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    inner = _hand_record("response", page, http=True).replace(
        b"http://www.cnn.com/a.html", expected["url"].encode()
    )
    block = b"HTTP/1.1 200 OK\r\nContent-Type: application/warc\r\n\r\n" + inner + b"tail"
    good = _hand_record("response", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>", http=True)
    bad = _plain_unmeasured(block, digest=digest)
    path = tmp_path / "x.warc"
    path.write_bytes(good + bad + good)
    return path, len(good)


def _replay_no_items(
    path: Path, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``replay --all-captures`` of `path`, which must exit 0 and give no item: its run and
    the problem lines naming the file."""
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(path), "--out", str(out), "--all-captures", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert out.read_text() == ""
    problems = [
        line for line in result.stderr.splitlines() if line.startswith(f"newsarchive: {path}:")
    ]
    return result, problems


def test_replay_refuses_a_plain_record_of_no_length_and_reads_on_where_its_digest_ends_it(
    tmp_path: Path,
) -> None:
    """A record of an uncompressed file whose Content-Length is no number: warcio reads it
    as empty and its block as what follows. Replay named the first line of its block as
    "not a WARC record", then searched on for a ``WARC/1.`` line and found the record its
    payload holds: a story that was never captured came out as an article of this archive.
    Now the record is refused by name, and the scan goes on where its block digest says
    the block ends, as ``index`` does."""
    path, bad = _plain_around_unmeasured(tmp_path, digest=True)
    result, problems = _replay_no_items(path, tmp_path)
    assert problems == [
        f"newsarchive: {path}:{bad}: record refused: its Content-Length 'abc' is not a number "
        "of bytes"
    ]
    assert "2 records" in result.stderr and "1 problem" in result.stderr  # both around it


def test_replay_stops_at_a_plain_record_of_no_length_that_nothing_ends(tmp_path: Path) -> None:
    """Without a block digest nothing tells a record start after it from a line of its
    block: the rest of the file is not read (and said so), as ``index`` leaves it out."""
    path, bad = _plain_around_unmeasured(tmp_path, digest=False)
    _result, problems = _replay_no_items(path, tmp_path)
    assert problems == [
        f"newsarchive: {path}:{bad}: record refused: its Content-Length 'abc' is not a number "
        "of bytes; the file is not read past it (nothing proves where its block ends)"
    ]
