"""``newsarchive export wacz``: the WARC records of chosen captures as a WACZ 1.1.1 file.

Layout (WACZ 1.1.1): ``archive/data.warc.gz`` (a ``warcinfo`` record, then the response
record of each stored article version chosen, copied byte for byte from our WARC files,
each file's own ``warcinfo`` record before the first record copied from it),
``indexes/index.cdx`` (its CDXJ index, sorted, as pywb and cdxj-indexer write it),
``pages/pages.jsonl`` (one page per capture: URL, ISO time and the article's headline),
``datapackage.json`` (every file with its size and sha256) and ``datapackage-digest.json``
(the sha256 of ``datapackage.json``). A version whose capture is a revisit brings the
response record holding its payload along (found through ``warc/index.cdxj``), so every
page listed replays from the WACZ alone. WARCs are stored in the ZIP uncompressed, as the
spec asks, so a reader can seek into them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..warc.cdxj import INDEX_NAME, index_lines
from ..warc.read.cdxj import originals_by_digest
from ..warc.read.reader import GZIP_MAGIC
from ..warc.read.sources import OPEN_SUFFIX
from ..wording import counted

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
SOFTWARE = f"newsarchive {__version__}"


class ExportError(Exception):
    """A WACZ cannot be written as asked (nothing to export, a record missing)."""


class MissingWarcError(ExportError):
    """A WARC file the store names for a chosen version is not in the WARC folder."""

    def __init__(self, path: Path):
        super().__init__(f"{path} is missing")
        self.path = path


@dataclass
class Exported:
    captures: int
    pages: int
    bytes: int


def _warcinfo(out: Any) -> None:
    writer = WARCWriter(out, gzip=True)
    record = writer.create_warcinfo_record(
        WARC_NAME, {"software": SOFTWARE, "format": "WARC File Format 1.1"}
    )
    writer.write_record(record)


@dataclass
class _Held:
    """One record copied: its bytes (a whole gzip member) and the headers the export reads."""

    raw: bytes
    uri: str
    date: str
    rec_type: str
    payload_digest: str
    refers_to_uri: str  # a revisit's: the URL of the response holding its payload


class _Sources:
    """The WARC files records are copied from, each opened once for the whole export and
    its ``warcinfo`` record copied before its first record: the records copied name it
    (``WARC-Warcinfo-ID``)."""

    def __init__(self, warc_dir: Path, out: BinaryIO, stack: ExitStack):
        self.warc_dir = warc_dir
        self.out = out
        self.stack = stack
        self.handles: dict[str, BinaryIO] = {}

    def handle(self, name: str) -> BinaryIO:
        handle = self.handles.get(name)
        if handle is None:
            handle = self.handles[name] = self.stack.enter_context(_open_warc(self.warc_dir / name))
            info = _warcinfo_of(handle)
            if info is not None:
                self.out.write(info)
        return handle


def _warcinfo_of(handle: BinaryIO) -> bytes | None:
    """The file's first record, as a gzip member, if it is a ``warcinfo`` record."""
    handle.seek(0)
    records = ArchiveIterator(handle)
    try:
        first = next(records)
        if first.rec_type != "warcinfo":
            return None
        records.read_to_end(first)
        offset, length = records.get_record_offset(), records.get_record_length()
    except Exception:  # a file that does not open with a record: its records say the rest
        return None
    handle.seek(offset)
    raw = handle.read(length)
    return raw if raw.startswith(GZIP_MAGIC) else gzip.compress(raw, mtime=0)


# What warcio says of a record whose block digest is wrong (or names no known algorithm):
# its bytes are not the ones written. A payload digest is not held to: a record copied as
# another archive wrote it (Common Crawl's) may give one computed otherwise (over the block,
# or over the whole payload of a record cut at a size limit), its bytes all the same whole.
_BLOCK_PROBLEM = "block digest"


def _record(sources: _Sources, provenance: dict[str, Any]) -> _Held:
    """One record by its provenance (file, offset, length)."""
    name = str(provenance["filename"])
    path = sources.warc_dir / name
    handle = sources.handle(name)
    handle.seek(int(provenance["offset"]))
    raw = handle.read(int(provenance["length"]))
    if len(raw) != int(provenance["length"]):
        raise ExportError(f"{path}: the record at {provenance['offset']} is cut short")
    if not raw.startswith(GZIP_MAGIC):
        # From an uncompressed WARC (wget --no-warc-compression): a member of its own, as
        # data.warc.gz must be gzip throughout; mtime 0, so an export is the same each time.
        raw = gzip.compress(raw, mtime=0)
    try:
        # Inflated whole, its CRC-32 checked, and read to its end, its block digest checked:
        # a damaged member may still inflate, to bytes warcio would read as a record.
        records = ArchiveIterator(io.BytesIO(gzip.decompress(raw)), check_digests=True)
        for record in records:
            head = record.rec_headers
            records.read_to_end(record)
            if any(_BLOCK_PROBLEM in problem for problem in record.digest_checker.problems):
                raise ArchiveLoadFailed("its block digest is not of its bytes")
            named = provenance.get("recordId")
            if named and head.get_header("WARC-Record-ID") != named:
                raise ExportError(
                    f"{path}: the record at {provenance['offset']} is not the one the store"
                    f" names ({named}): the file was rewritten since; nothing written"
                )
            return _Held(
                raw,
                head.get_header("WARC-Target-URI") or "",
                head.get_header("WARC-Date") or "",
                record.rec_type,
                head.get_header("WARC-Payload-Digest") or "",
                head.get_header("WARC-Refers-To-Target-URI") or "",
            )
    except ExportError:
        raise
    except Exception as exc:  # a damaged member: ArchiveLoadFailed, zlib.error, EOFError
        raise ExportError(
            f"{path}: the record at {provenance['offset']} is damaged ({type(exc).__name__}); "
            "newsarchive verify names what is wrong with the file"
        ) from None
    raise ExportError(f"{path}: no WARC record at {provenance['offset']}")


def _bare_name(name: str) -> bool:
    """Whether a store line's ``warc.filename`` names a file of the WARC folder itself."""
    return bool(name) and not {"/", "\\", "\0"} & set(name) and name not in (".", "..")


def _open_warc(path: Path) -> BinaryIO:
    """The WARC file a store line names, or the ``.open`` file it still is while its crawl
    runs (or until the run after a killed one recovers it): its records are whole."""
    for candidate in (path, path.with_name(path.name + OPEN_SUFFIX)):
        try:
            return open(candidate, "rb")
        except FileNotFoundError:
            continue
    raise MissingWarcError(path)


def _originals(
    warc_dir: Path, revisited: dict[str, str], seen: set[tuple[str, int]]
) -> list[dict[str, Any]]:
    """Where the payloads of the revisits copied lie (file, offset, length), those not copied
    already: found in ``warc/index.cdxj``, so that the WACZ replays every capture it lists;
    `revisited` gives each payload digest its revisit's URL, whose response is taken.

    A payload the index places in no file there stops the export: a WACZ holding a revisit
    without its payload would list a page that replays from nothing.
    """
    if not revisited:
        return []
    digests = set(revisited)
    index = warc_dir / INDEX_NAME
    entries = [(None, index)] if index.is_file() else []
    located = originals_by_digest(entries, digests, urls=revisited)
    lost = digests - located.keys()
    if lost:
        for source, _offset in originals_by_digest(entries, lost, existing=False).values():
            raise MissingWarcError(Path(source.path))
        raise ExportError(
            f"the payload of {counted(len(lost), 'revisit')} to copy is in no record that"
            f" {index} lists: run newsarchive index; nothing written"
        )
    found = []
    for source, offset in located.values():
        name = Path(source.path).name
        if (name, offset) in seen:
            continue
        seen.add((name, offset))
        found.append({"filename": name, "offset": offset, "length": _length(source.path, offset)})
    return sorted(found, key=lambda p: (p["filename"], p["offset"]))


def _length(path: str | Path, offset: int) -> int:
    """The length of the record at `offset` (its whole gzip member in a ``.warc.gz``)."""
    with _open_warc(Path(path)) as handle:
        handle.seek(offset)
        records = ArchiveIterator(handle)
        for _record_read in records:
            return int(records.get_record_length())
    raise ExportError(f"{path}: no WARC record at {offset}")


def _iso(warc_date: str, fallback: str) -> str:
    value = warc_date or fallback
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, "sha256:" + digest.hexdigest()


def write_wacz(out: Path, warc_dir: Path, lines: Iterable[dict[str, Any]], title: str) -> Exported:
    """Write ``out`` from store lines (each version's ``warc`` provenance); streams the
    records through a temporary WARC, so memory holds only the index."""
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        folder = Path(scratch)
        (folder / "archive").mkdir()
        (folder / "indexes").mkdir()
        (folder / "pages").mkdir()
        warc = folder / "archive" / WARC_NAME
        pages = folder / "pages" / "pages.jsonl"
        seen: set[tuple[str, int]] = set()
        revisited: dict[str, str] = {}  # payload digests of the revisits copied: their URL
        captures = 0
        with (
            ExitStack() as stack,
            open(warc, "wb") as warc_out,
            open(pages, "w", encoding="utf-8") as pages_out,
        ):
            _warcinfo(warc_out)
            sources = _Sources(warc_dir, warc_out, stack)
            header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
            pages_out.write(json.dumps(header) + "\n")
            for line in lines:
                provenance = line.get("warc")
                if not provenance:
                    continue
                key = (str(provenance["filename"]), int(provenance["offset"]))
                if key in seen:
                    continue
                if not _bare_name(key[0]):  # a line edited: never a file elsewhere
                    raise ExportError(
                        f"the store names {key[0]!r} for a capture of {line.get('url')}: a"
                        f" WARC file is named by its name in {warc_dir}, never by a path;"
                        " nothing written"
                    )
                seen.add(key)
                held = _record(sources, provenance)
                warc_out.write(held.raw)
                captures += 1
                if held.rec_type == "revisit" and held.payload_digest:
                    revisited.setdefault(held.payload_digest, held.refers_to_uri or held.uri)
                downloaded = str((line.get("metadata") or {}).get("dateDownloaded") or "")
                page = {
                    "id": f"{line['articleId']}-v{line['version']}",
                    "url": held.uri or line["url"],
                    "ts": _iso(held.date, downloaded),
                    "title": line.get("headline") or "",
                }
                pages_out.write(json.dumps(page, ensure_ascii=False) + "\n")
            if not captures:
                raise ExportError("no stored capture matches: nothing to export")
            for provenance in _originals(warc_dir, revisited, seen):
                warc_out.write(_record(sources, provenance).raw)
        index = folder / "indexes" / "index.cdx"
        index.write_text("".join(index_lines([warc])), "utf-8")
        files = [warc, index, pages]
        resources = []
        for path in files:
            size, digest = _sha256(path)
            relative = path.relative_to(folder).as_posix()
            resources.append(
                {"name": path.name.lower(), "path": relative, "hash": digest, "bytes": size}
            )
        package = {
            "profile": "data-package",
            "resources": resources,
            "title": title,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software": SOFTWARE,
            "wacz_version": WACZ_VERSION,
        }
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        package_digest = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        partial = out.with_name(out.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as wacz:
            wacz.write(warc, f"archive/{WARC_NAME}", compress_type=zipfile.ZIP_STORED)
            wacz.write(index, "indexes/index.cdx")
            wacz.write(pages, "pages/pages.jsonl")
            wacz.writestr("datapackage.json", package_bytes)
            wacz.writestr("datapackage-digest.json", json.dumps(package_digest, indent=2))
        os.replace(partial, out)
    return Exported(captures, captures, out.stat().st_size)
