"""``newsarchive export wacz|sqlite``: a WACZ the wacz package validates and pywb replays; a
SQLite file with the store's tables and full-text search."""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import struct
import subprocess
import sys
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from . import test_replay_helpers as helpers
from .conftest import REPO, SiteServer, copy_data_dir, run_cli, store_lines
from .servers.pywb import pywb_serving
from .test_replay_helpers import read_items

site_archive = helpers.site_archive
TOOLS = Path(sys.executable).parent


def validate(wacz: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TOOLS / "wacz"), "validate", "-f", str(wacz)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def wacz(site_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wacz") / "site.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(site_archive))
    assert result.returncode == 0, result.stderr
    return out


def test_the_wacz_holds_every_stored_capture_and_validates(wacz: Path, site_archive: Path) -> None:
    result = validate(wacz)
    assert result.returncode == 0 and "is valid" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(wacz) as archive:
        names = set(archive.namelist())
        assert names == {
            "archive/data.warc.gz",
            "indexes/index.cdx",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        }
        assert archive.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package = json.loads(archive.read("datapackage.json"))
        pages = [json.loads(x) for x in archive.read("pages/pages.jsonl").splitlines()]
        index = archive.read("indexes/index.cdx").decode().splitlines()
    assert package["wacz_version"] == "1.1.1" and package["profile"] == "data-package"
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])
    assert pages[0]["format"] == "json-pages-1.0"
    lines = store_lines(site_archive)
    assert sorted(p["title"] for p in pages[1:]) == sorted(line["headline"] for line in lines)
    assert all(p["ts"].endswith("Z") for p in pages[1:])
    assert index == sorted(index) and len(index) >= len(lines)


def test_a_tampered_wacz_fails_validation(wacz: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(wacz) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"Gao", b"Goa", 1)
            target.writestr(info, data)
    assert validate(tampered).returncode == 1
    # newsarchive verify checks the package's digests too (it said ok: only its WARC).
    checked = run_cli("verify", str(tampered))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"BAD {tampered}#datapackage.json: pages/pages.jsonl" in checked.stderr


@pytest.fixture(scope="module")
def pywb_of_wacz(wacz: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb serving a collection made with `wb-manager add --unpack-wacz`."""
    root = tmp_path_factory.mktemp("pywb-wacz")
    with pywb_serving(root, "export", [wacz], unpack_wacz=True) as base:
        yield base


@pytest.mark.pywb
def test_every_page_of_the_wacz_replays_in_pywb(wacz: Path, pywb_of_wacz: str) -> None:
    with zipfile.ZipFile(wacz) as archive:
        pages = [json.loads(x) for x in archive.read("pages/pages.jsonl").splitlines()][1:]
    for page in pages:
        stamp = "".join(ch for ch in page["ts"] if ch.isdigit())
        url = f"{pywb_of_wacz}/{stamp}id_/{page['url']}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            body = response.read().decode("utf-8", "replace")
        assert page["title"].split(" ")[0] in body, url


def test_export_sqlite_has_the_tables_and_search(site_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "news.db"
    result = run_cli("export", "sqlite", str(out), "--data", str(site_archive), "--source", "cnn")
    assert result.returncode == 0, result.stderr
    lines = [line for line in store_lines(site_archive) if line["source"] == "cnn"]
    with sqlite3.connect(out) as db:
        for table in ("articles", "versions", "authors", "related_links", "captures"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
        ids = {row[0] for row in db.execute("SELECT article_id FROM articles")}
        assert ids == {line["articleId"] for line in lines}
        word = lines[0]["headline"].split()[-1]
        hits = db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (f'"{word}"',)
        ).fetchone()[0]
        assert hits >= 1
    assert not list(tmp_path.glob("*.part*"))


def test_export_of_nothing_is_one_line_and_exit_1(site_archive: Path, tmp_path: Path) -> None:
    result = run_cli(
        "export", "wacz", str(tmp_path / "x.wacz"), "--data", str(site_archive),
        "--since", "2999-01-01",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == "newsarchive: no stored capture matches: nothing to export"
    assert not (tmp_path / "x.wacz").exists()
    # The same for sqlite: an empty database written with exit 0 read as "exported".
    (tmp_path / "x.db").write_bytes(b"an older export, kept")
    result = run_cli(
        "export", "sqlite", str(tmp_path / "x.db"), "--data", str(site_archive),
        "--since", "2999-01-01",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == "newsarchive: no stored article matches: nothing to export"
    assert (tmp_path / "x.db").read_bytes() == b"an older export, kept"
    assert not list(tmp_path.glob("x.db.part*"))
    bad = run_cli("export", "sqlite", str(tmp_path / "x.db"), "--data", str(tmp_path / "none"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["wacz", "sqlite"])
def test_export_to_a_folder_or_a_device_is_a_usage_error(
    site_archive: Path, tmp_path: Path, fmt: str
) -> None:
    pipe = tmp_path / "pipe"  # not a regular file, as a device is: never renamed over
    os.mkfifo(pipe)
    for out in (tmp_path, pipe):
        result = run_cli("export", fmt, str(out), "--data", str(site_archive))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and str(out) in result.stderr
    assert pipe.is_fifo()
    assert not list(tmp_path.parent.glob(f"{tmp_path.name}.part*"))
    assert not list(tmp_path.glob("*.part*"))


def _is_response(data: Path, where: dict[str, Any]) -> bool:
    """Whether the record a store line's provenance names is a response (it holds a page)."""
    with open(data / "warc" / where["filename"], "rb") as handle:
        handle.seek(where["offset"])
        return gzip.decompress(handle.read(where["length"])).find(b"WARC-Type: response") >= 0


def _payload_changed(member: bytes) -> bytes:
    """`member` (one record's gzip member) with one byte of its payload changed, its CRC-32
    made right again: a whole member, the same length, whose record's digests are wrong.

    A compressed payload (the test site's are gzip) is written as stored deflate blocks,
    so a byte of it changes in place.
    """
    changed = bytearray(member)
    changed[-8 - 10] ^= 0xFF  # a byte of the payload, before the record's closing CRLFs
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    block = inflate.decompress(bytes(changed[10:-8]))  # after the 10-byte header
    assert inflate.eof and len(block) == struct.unpack("<I", member[-4:])[0]
    changed[-8:-4] = struct.pack("<I", zlib.crc32(block))
    assert gzip.decompress(bytes(changed)) == block != gzip.decompress(member)
    return bytes(changed)


@pytest.mark.parametrize("damage", ["deflate", "checksum", "digests"])
def test_a_damaged_record_of_an_exported_capture_is_one_line_and_exit_1(
    site_archive: Path, tmp_path: Path, damage: str
) -> None:
    """Zeroed bytes inside a record's compressed data may still inflate, to garbage that
    warcio reads as a record (its checksum, which it never checks, says otherwise): the
    export copied it and failed later, an internal error (70). A member whose checksum is
    wrong is damaged as surely, and so is a whole member holding a record whose digests
    are not of its bytes."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    line = next(line for line in store_lines(data) if _is_response(data, line["warc"]))
    warc = data / "warc" / line["warc"]["filename"]
    raw = bytearray(warc.read_bytes())
    if damage == "deflate":
        at = line["warc"]["offset"] + 20  # inside the record's gzip member, past its header
        raw[at : at + 16] = bytes(16)
    elif damage == "checksum":  # the member's CRC-32, the trailer's first four bytes
        at = line["warc"]["offset"] + line["warc"]["length"] - 8
        raw[at : at + 4] = bytes(b ^ 0xFF for b in raw[at : at + 4])
    else:
        start, end = line["warc"]["offset"], line["warc"]["offset"] + line["warc"]["length"]
        raw[start:end] = _payload_changed(bytes(raw[start:end]))
    warc.write_bytes(bytes(raw))
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "is damaged" in result.stderr, result.stderr
    assert f"{warc}: the record at {line['warc']['offset']}" in result.stderr
    assert not out.exists() and not (tmp_path / "x.wacz.part").exists()


def test_a_missing_warc_file_of_an_exported_capture_is_named_in_one_line(
    site_archive: Path, tmp_path: Path
) -> None:
    # Old WARC files moved to other storage: the export says which file it lacks and how
    # many chosen versions it holds, in our words, and writes nothing.
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    lines = store_lines(data)
    name = lines[0]["warc"]["filename"]
    (data / "warc" / name).unlink()
    naming = sum(1 for line in lines if line["warc"]["filename"] == name)
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Errno" not in result.stderr, result.stderr
    assert f"{data / 'warc' / name} is missing" in result.stderr, result.stderr
    assert f"{naming} chosen version" in result.stderr, result.stderr
    assert not out.exists() and not list(tmp_path.glob("x.wacz*"))


def test_a_store_line_naming_a_warc_file_outside_warc_is_refused(
    site_archive: Path, tmp_path: Path
) -> None:
    """A line edited by hand, or by another tool, naming ``../../x.warc.gz``: the export
    copied that file's record into the WACZ, whatever file of the machine it was."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    month = sorted((data / "articles").glob("articles-*.jsonl"))[0]
    lines = [json.loads(raw) for raw in month.read_text("utf-8").splitlines()]
    outside = tmp_path / "outside.warc.gz"
    outside.write_bytes((data / "warc" / lines[0]["warc"]["filename"]).read_bytes())
    lines[0]["warc"]["filename"] = "../../outside.warc.gz"
    month.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"newsarchive: the store names '../../outside.warc.gz' for a capture of "
        f"{lines[0]['url']}: a WARC file is named by its name in {data / 'warc'}, "
        "never by a path; nothing written\n"
    )
    assert not out.exists() and not list(tmp_path.glob("x.wacz*"))


def test_a_store_line_naming_another_record_than_its_own_is_refused(
    site_archive: Path, tmp_path: Path
) -> None:
    """A WARC file rewritten under its name since (recompressed, repacked) holds another
    record at a line's offset: the export copied it as that version's page, its headline
    in pages.jsonl over another page."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    month = sorted((data / "articles").glob("articles-*.jsonl"))[0]
    lines = [json.loads(raw) for raw in month.read_text("utf-8").splitlines()]
    first, other = (
        lines[0],
        next(
            line for line in lines[1:] if line["warc"]["filename"] == lines[0]["warc"]["filename"]
        ),
    )
    first["warc"]["offset"], first["warc"]["length"] = (
        other["warc"]["offset"], other["warc"]["length"],
    )  # fmt: skip
    month.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 1, result.stderr
    warc = data / "warc" / first["warc"]["filename"]
    assert result.stderr == (
        f"newsarchive: {warc}: the record at {other['warc']['offset']} is not the one the store"
        f" names ({first['warc']['recordId']}): the file was rewritten since; nothing written\n"
    )
    assert not out.exists() and not list(tmp_path.glob("x.wacz*"))


def test_verify_checks_the_warc_a_wacz_holds(wacz: Path, tmp_path: Path) -> None:
    sound = run_cli("verify", str(wacz))
    assert sound.returncode == 0, sound.stderr
    assert sound.stdout.splitlines() == [
        f"ok {wacz}#archive/data.warc.gz: {len(_records(wacz))} records",
        "newsarchive: 1 of 1 WARC files sound",
    ]
    # One payload byte of the held WARC changed: its digest no longer holds.
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(wacz) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "archive/data.warc.gz":
                data = _changed_payload_byte(data)
            target.writestr(item, data)
    bad = run_cli("verify", str(tampered))
    assert bad.returncode == 1, bad.stderr
    assert bad.stderr.startswith(f"BAD {tampered}#archive/data.warc.gz: ")
    assert "digest" in bad.stderr
    not_zip = tmp_path / "x.wacz"
    not_zip.write_bytes(b"not a zip")
    assert run_cli("verify", str(not_zip)).returncode == 1


def _records(wacz: Path) -> list[str]:
    with zipfile.ZipFile(wacz) as package, package.open("archive/data.warc.gz") as stream:
        return [record.rec_type for record in ArchiveIterator(stream)]


def _changed_payload_byte(warc: bytes) -> bytes:
    """The WARC with the last payload byte of its last record flipped (each record its own
    gzip member, re-compressed)."""
    members = []
    iterator = ArchiveIterator(io.BytesIO(warc))
    for _record in iterator:
        iterator.read_to_end()
        members.append((iterator.get_record_offset(), iterator.get_record_length()))
    offset, length = members[-1]
    record = gzip.decompress(warc[offset : offset + length])
    at = len(record) - 5  # the payload's last byte, before the record's two CRLFs
    changed = record[:at] + bytes([record[at] ^ 0xFF]) + record[at + 1 :]
    return warc[:offset] + gzip.compress(changed) + warc[offset + length :]


def test_a_version_captured_as_a_revisit_is_exported_with_its_original(tmp_path: Path) -> None:
    """A stored version whose capture is a revisit (the page came back to a payload the
    archive already held: a revert, or a version stored again after a full disk): the WACZ
    held the revisit alone, so its page replayed from nothing."""
    from archive.export.wacz import write_wacz

    page = (REPO / "tests/data/pages/cnn_2013/script_stamp_banner_topic.html").read_bytes()
    warc_dir, line, _original = _revisit_capture(tmp_path, page, apart=False)
    out = tmp_path / "out.wacz"
    write_wacz(out, warc_dir, [line], "a revisit")
    with zipfile.ZipFile(out) as package:
        held = package.read("archive/data.warc.gz")
    kinds = [
        (r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"))
        for r in ArchiveIterator(io.BytesIO(held))
    ]
    assert ("revisit", line["warc"]["payloadDigest"]) in kinds
    assert ("response", line["warc"]["payloadDigest"]) in kinds
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    replayed = run_cli("replay", str(out), "--out", str(tmp_path / "items.jsonl"))
    assert replayed.returncode == 0, replayed.stderr
    assert "1/1 revisits resolved" in replayed.stderr or "revisit" not in replayed.stderr
    assert len((tmp_path / "items.jsonl").read_text().splitlines()) == 1


def test_a_revisits_original_is_the_response_of_its_own_url(tmp_path: Path) -> None:
    """The same payload archived under two URLs (``.../slug`` and ``.../slug/index.html``,
    one page to the crawl): the export took the first response of that digest the index
    lists, another URL's, with which pywb cannot replay the revisit."""
    from archive.export.wacz import write_wacz

    page = b"<html><head><title>A page</title></head><body><p>Words.</p></body></html>"
    # Listed first in the index: "slug " < "slug/".
    warc_dir, line, _ = _revisit_capture(tmp_path, page, apart=False, before=_SLUG)
    out = tmp_path / "out.wacz"
    write_wacz(out, warc_dir, [line], "a revisit")
    with zipfile.ZipFile(out) as package:
        held = package.read("archive/data.warc.gz")
    responses = [
        r.rec_headers.get_header("WARC-Target-URI")
        for r in ArchiveIterator(io.BytesIO(held))
        if r.rec_type == "response"
    ]
    assert responses == [line["url"]]


def test_a_capture_in_a_warc_file_still_being_written_is_exported(
    site_archive: Path, tmp_path: Path
) -> None:
    # A crawl running (or killed before the next run recovered its file): the store names
    # NAME.warc.gz, whose records lie in NAME.warc.gz.open, whole, as replay reads them.
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    name = store_lines(data)[0]["warc"]["filename"]
    warc = data / "warc" / name
    warc.rename(warc.with_name(name + ".open"))
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 0, result.stderr
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


_SLUG = "http://www.cnn.com/2010/POLITICS/08/13/stock.waited.river"


def _revisit_capture(
    tmp_path: Path, page: bytes, *, apart: bool, before: str | None = None
) -> tuple[Path, dict[str, Any], Path]:
    """A WARC folder (indexed) holding a capture of a page and, a day later, a revisit of
    its payload: in the same file, or (`apart`) in a newer one; with `before`, after a
    capture of that other URL with the same payload. The folder, the store line of the
    revisit and the file of the original."""
    from datetime import datetime, timezone

    from archive.warc import Capture, HttpMessage, WarcWriter
    from archive.warc.cdxj import update_index
    from archive.warc.records import IDENTICAL_PAYLOAD, Revisit

    url = f"{_SLUG}/index.html"
    warc_dir = tmp_path / "warc"

    def capture(day: int, address: str = url) -> Capture:
        return Capture(
            url=address,
            date=datetime(2024, 1, day, tzinfo=timezone.utc),
            request=HttpMessage("GET / HTTP/1.1", [("Host", "www.cnn.com")]),
            response=HttpMessage(
                "HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8")], page
            ),
        )

    writer = WarcWriter(warc_dir, prefix="newsarchive-old")
    day = 1
    if before is not None:
        writer.write_capture(capture(day, before))
        day += 1
    first = writer.write_capture(capture(day))
    if apart:
        writer.close()
        writer = WarcWriter(warc_dir, prefix="newsarchive-new")
    again = writer.write_capture(
        capture(day + 1),
        Revisit(IDENTICAL_PAYLOAD, url, first.date, first.record_id, first.payload_digest),
    )
    writer.close()
    update_index(warc_dir)
    line = {
        "articleId": "cnn-x", "version": 2, "url": url, "headline": "A story",
        "metadata": {"dateDownloaded": f"2024-01-{day + 1:02}T00:00:00Z"},
        "warc": again.as_provenance(),
    }  # fmt: skip
    return warc_dir, line, warc_dir / first.as_provenance()["filename"]


def _revisit_of_an_older_file(tmp_path: Path) -> tuple[Path, dict[str, Any], Path]:
    page = b"<html><head><title>A page</title></head><body><p>Words.</p></body></html>"
    return _revisit_capture(tmp_path, page, apart=True)


def test_a_missing_file_holding_a_revisits_original_is_named(tmp_path: Path) -> None:
    """The original of an exported revisit lies in a WARC file moved away since the index
    was built: the export names that file; before, it wrote the revisit alone, a page that
    replays from nothing."""
    from archive.export.wacz import MissingWarcError, write_wacz

    warc_dir, line, older = _revisit_of_an_older_file(tmp_path)
    older.unlink()
    with pytest.raises(MissingWarcError) as raised:
        write_wacz(tmp_path / "out.wacz", warc_dir, [line], "a revisit")
    assert raised.value.path == older
    assert not list(tmp_path.glob("out.wacz*"))


def test_a_revisit_whose_original_no_index_lists_stops_the_export(tmp_path: Path) -> None:
    from archive.export.wacz import ExportError, write_wacz

    warc_dir, line, _older = _revisit_of_an_older_file(tmp_path)
    (warc_dir / "index.cdxj").unlink()
    with pytest.raises(ExportError, match="run newsarchive index"):
        write_wacz(tmp_path / "out.wacz", warc_dir, [line], "a revisit")
    assert not list(tmp_path.glob("out.wacz*"))


def test_captures_of_an_uncompressed_warc_are_exported_gzipped(
    site_archive: Path, site: SiteServer, tmp_path: Path
) -> None:
    """A data directory whose WARC is uncompressed (``wget --no-warc-compression``, replayed
    into it with --store): the WACZ's data.warc.gz must be gzip throughout. Before, the
    raw record was copied as it was: a crash (exit 70), or an invalid WACZ and exit 0."""
    from .test_replay_foreign import mirror_sites, rewrite_with_warcio

    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    rewrite_with_warcio(
        site_archive / "warc", data / "warc" / "plain.warc", version="1.1", gzip=False,
        requests=False,
    )  # fmt: skip
    stored = run_cli("replay", str(data / "warc"), "--store", str(data), *mirror_sites(site))
    assert stored.returncode == 0, stored.stderr
    assert store_lines(data)
    out = tmp_path / "x.wacz"
    result = run_cli("export", "wacz", str(out), "--data", str(data))
    assert result.returncode == 0, result.stderr
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    replayed = run_cli("replay", str(out), "--out", str(tmp_path / "items.jsonl"))
    assert replayed.returncode == 0, replayed.stderr
    assert len(read_items(tmp_path / "items.jsonl")) == len(store_lines(data))


def test_each_record_copied_names_a_warcinfo_record_the_wacz_holds(wacz: Path) -> None:
    """Records are copied byte for byte, their WARC-Warcinfo-ID included: it named the
    warcinfo record of the crawl's file, which the WACZ did not hold."""
    with zipfile.ZipFile(wacz) as package, package.open("archive/data.warc.gz") as stream:
        records = [record.rec_headers for record in ArchiveIterator(stream)]
    infos = {head.get_header("WARC-Record-ID") for head in records if head.get_header(
        "WARC-Type") == "warcinfo"}  # fmt: skip
    named = {head.get_header("WARC-Warcinfo-ID") for head in records} - {None}
    assert named and named <= infos, named - infos


def test_a_record_kept_as_another_archive_wrote_it_is_exported(tmp_path: Path) -> None:
    """A record copied byte for byte from another archive (``--via commoncrawl``), whose
    WARC-Payload-Digest is not of its payload as this reader computes it (some of Common
    Crawl's 2018 files name the block's digest there; a record cut at a size limit may name
    the whole payload's): the crawl stored its page, and the export refused the store as
    damaged. Its bytes are whole (the block digest holds), so it is copied as it is."""
    import base64
    import hashlib

    from archive.export.wacz import write_wacz

    url = "http://www.cnn.com/2018/08/14/world/invented-river-story/index.html"
    body = b"<html><head><title>A river story</title></head><body><p>Words.</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
    http += body
    block = "sha1:" + base64.b32encode(hashlib.sha1(http).digest()).decode()
    fields = [
        "WARC-Type: response",
        "WARC-Record-ID: <urn:uuid:6d1c2f0e-0000-4000-8000-000000000001>",
        "WARC-Date: 2018-08-14T06:22:51Z",
        f"WARC-Target-URI: {url}",
        "Content-Type: application/http; msgtype=response",
        f"WARC-Block-Digest: {block}",
        f"WARC-Payload-Digest: {block}",  # the block's, as the other archive wrote it
        f"Content-Length: {len(http)}",
    ]
    head = ("WARC/1.0\r\n" + "\r\n".join(fields) + "\r\n\r\n").encode()
    member = gzip.compress(head + http + b"\r\n\r\n", mtime=0)
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    (warc_dir / "copied.warc.gz").write_bytes(member)
    line = {
        "articleId": "cnn-x", "version": 1, "url": url, "headline": "A river story",
        "metadata": {"dateDownloaded": "2018-08-14T06:22:51Z"},
        "warc": {"filename": "copied.warc.gz", "offset": 0, "length": len(member),
                 "payloadDigest": block},
    }  # fmt: skip
    out = tmp_path / "out.wacz"
    write_wacz(out, warc_dir, [line], "a copied record")
    with zipfile.ZipFile(out) as package:
        assert member in package.read("archive/data.warc.gz")
