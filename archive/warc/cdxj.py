"""The CDXJ index of the archive (``warc/index.cdxj``), in the format pywb reads.

Lines come from cdxj-indexer (SURT key, 14-digit timestamp, JSON with url, mime, status,
digest, length, offset, filename) and are kept sorted. An update indexes only the WARC
files the index does not name yet and merges their lines in; a rebuild starts over.
A crawl's writer knows every line of the files it wrote as it writes them
(:func:`index_entry`): the crawl's update takes them from it rather than reading its files
back, the same lines cdxj-indexer makes; a file it cannot vouch for is indexed by
cdxj-indexer.
Both write a temporary file and rename it, so a kill never leaves a half index, and both
hold ``.index.cdxj.lock`` (``flock``) from reading the index to the rename, so workers that
share one folder update it in turn: none overwrites another's lines or adds them twice.

An update costs what it adds, not what the index holds: the old lines are copied in
stretches between the places of the new ones (each found by a binary search), and which
WARC files the index names is kept beside it (``.index.cdxj.files``), so a cron job years
old does not parse every line of its index each run to learn that. The list holds the
index's crc32, checked over the bytes an update copies (or reads through, when it adds
nothing): an index damaged in place (its
size and time kept) is read again line by line, its damaged lines dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from warcio.statusandheaders import StatusAndHeadersParser
from warcio.timeutils import iso_date_to_timestamp

from .bounded import MAX_LINE, MissingTargetURI, bounded

INDEX_NAME = "index.cdxj"
LOCK_NAME = ".index.cdxj.lock"  # hidden: pywb and cdxj-indexer read only the index
# The WARC files the index names, and which index that was (its inode, size, mtime).
NAMES_NAME = ".index.cdxj.files"
# The copies an update writes before renaming them into place.
_TEMP_PREFIX = ".index-"
# Bytes of the old index copied at a time.
_COPY_CHUNK = 1 << 20


@cache
def _bounded_indexer() -> type:
    """cdxj-indexer's indexer reading records with bounded header lines (see :mod:`.bounded`).

    Made on first use: importing cdxj-indexer (surt, tldextract, requests, pyamf) costs
    more CPU than a small crawl's WARC writing, and a crawl's own files rarely need it.
    A record whose WARC-Date names no moment (a foreign record kept as its archive wrote
    it) has no timestamp to be indexed under: it is left out and named in ``undated``,
    and the rest of its file is indexed. So is a record whose block is longer than its
    Content-Length says (every reader gets it cut short), by its offset in ``longer``,
    instead of warcio's warning block on stderr; and a record, in its own gzip member,
    whose Content-Length is no number of bytes (warcio read the rest of its block as the
    next record, and the file failed as "Unknown archive format"): the next member is read.
    """
    from cdxj_indexer.main import CDXJIndexer

    class BoundedIndexer(CDXJIndexer):
        def __init__(self, *args: Any, window: tuple[int, int | None] = (0, None), **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.undated: list[str] = []
            self.longer: set[int] = set()
            self.window = window

        def _create_record_iter(self, input_: Any) -> Any:
            records = bounded(super()._create_record_iter(_Window(input_, *self.window)))
            records.INC_RECORD = ""  # its warning: the record's offset noted instead
            consume = records._consume_blanklines
            loader = records.loader
            parse = loader.parse_record_stream

            def parse_record_stream(stream: Any, *args: Any, **kwargs: Any) -> Any:
                # Called at a record's start (`offset`); warcio reads a Content-Length that
                # is no number as 0 and the rest of the block as the next record's head.
                record = parse(stream, *args, **kwargs)
                length = record.rec_headers.get_header("Content-Length")
                if record.format == "warc" and length and not length.strip().isdigit():
                    if not records.reader.decompressor:  # no end of member to go on from
                        url = record.rec_headers.get_header("WARC-Target-URI") or "no URL"
                        raise UnmeasuredRecord(records.offset, length, url)
                    record.unmeasured = length
                return record

            def consume_blanklines() -> Any:
                # Called once a record is read to its end, `offset` still its start.
                if getattr(records.record, "unmeasured", None) is not None:
                    while records.reader.read(1 << 16):  # its block: the rest of its member
                        pass
                    return None, 0
                errors = records.err_count
                found = consume()
                if records.err_count > errors:
                    self.longer.add(records.offset)
                return found

            loader.parse_record_stream = parse_record_stream
            records._consume_blanklines = consume_blanklines
            return records

        def _write_line(self, out: Any, index: Any, record: Any, filename: str) -> None:
            unmeasured = getattr(record, "unmeasured", None)
            if unmeasured is not None:
                url = record.rec_headers.get_header("WARC-Target-URI") or "no URL"
                self.undated.append(
                    f"{Path(filename).name}: the record of {url[:200]} at offset "
                    f"{index.get('offset', '?')} left out: its Content-Length "
                    f"{unmeasured[:40]!r} is not a number of bytes"
                )
                return
            date = record.rec_headers.get_header("WARC-Date") or ""
            try:
                iso_date_to_timestamp(date)
            except (ValueError, TypeError, OverflowError):  # "20230502120000" overflows
                url = record.rec_headers.get_header("WARC-Target-URI") or "no URL"
                self.undated.append(
                    f"{Path(filename).name}: the record of {url[:200]} at offset "
                    f"{index.get('offset', '?')} left out: its WARC-Date {date[:40]!r} "
                    "names no moment"
                )
                return
            super()._write_line(out, index, record, filename)

    return BoundedIndexer


class UnmeasuredRecord(ValueError):
    """A record of an uncompressed file whose Content-Length is no number of bytes: only its
    block digest can say where its block ends (:mod:`.resync`), and so where the records
    after it are."""

    def __init__(self, offset: int, length: str, url: str):
        super().__init__(
            f"the record at offset {offset}: its Content-Length {length[:40]!r} is not a "
            "number of bytes (the file is not indexed past it)"
        )
        self.offset, self.length, self.url = offset, length, url

    def left_out(self, name: str) -> str:
        """What is said of it where the records after it are indexed."""
        return (
            f"{name}: the record of {self.url[:200]} at offset {self.offset} left out: its "
            f"Content-Length {self.length[:40]!r} is not a number of bytes"
        )


class _Window:
    """Bytes `start` to `stop` (None: the end) of a file, read as a file whose offsets are
    the whole file's: the records of an uncompressed file around one of no length."""

    def __init__(self, handle: BinaryIO, start: int, stop: int | None):
        self.handle, self.stop = handle, stop
        handle.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self.stop is None:
            return self.handle.read(size)
        left = max(0, self.stop - self.handle.tell())
        return self.handle.read(left if size is None or size < 0 else min(size, left))

    def tell(self) -> int:
        return self.handle.tell()


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What cdxj-indexer reads of one response or revisit record, known when it is written."""

    url: str
    date: str  # its WARC-Date
    mime: str | None
    status: str | None
    digest: str
    offset: int
    length: int


# As cdxj-indexer reads them: HTTP heads through warcio's lenient parser, a media type up to
# its first ";" or blank, the WARC headers it takes its fields from.
_HTTP_PARSER = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)
_MIME_END = re.compile(r"[;\s]")
_READ_HEADERS = frozenset(
    {"warc-type", "warc-target-uri", "warc-date", "warc-payload-digest"}
    | {"content-type", "content-length"}  # added by the writer itself, never twice
)


def index_entry(
    record_type: str,
    headers: list[tuple[str, str]],
    http_head: bytes,
    *,
    offset: int,
    length: int,
) -> IndexEntry | None:
    """The index entry of a response or revisit record we wrote: its WARC headers (as
    written, before Content-Type and Content-Length), its block's HTTP head, its place.

    None where the record is not one whose line we can vouch for (cdxj-indexer reading the
    file would correct, skip or compute something): an unusual URL, a header line near
    the readers' bound, a missing payload digest, a date that names no moment. Its file is
    then indexed by cdxj-indexer, as every file was before.
    """
    url = date = digest = None
    size = len(http_head)
    for name, value in headers:
        size += len(name) + len(value) + 4
        if "\r" in value or "\n" in value:
            return None  # a value that would read as more than one header line
        lowered = name.lower()
        if lowered in _READ_HEADERS:
            if lowered == "warc-target-uri" and url is None:
                url = value
            elif lowered == "warc-date" and date is None:
                date = value
            elif lowered == "warc-payload-digest" and digest is None:
                digest = value
            elif lowered != "warc-type" or value != record_type:
                return None  # a header read twice, or one the writer adds itself
    if record_type not in ("response", "revisit") or size >= MAX_LINE:
        return None
    if not url or not date or not digest or not http_head:
        return None
    if url != url.strip() or any(c.isspace() for c in url) or url.startswith("<"):
        return None  # warcio would rewrite it
    try:
        iso_date_to_timestamp(date)
    except (ValueError, TypeError, OverflowError):
        return None
    http = None
    if url.startswith(("http:", "https:")):
        try:
            http = _HTTP_PARSER.parse(io.BytesIO(http_head))
        except EOFError:
            if record_type != "revisit":
                return None
        except Exception:  # cdxj-indexer would fail on the file: let it say so
            return None
    if record_type == "revisit":
        mime: str | None = "warc/revisit"
    else:
        mime = http.get_header("content-type") if http else None
        if mime:
            mime = _MIME_END.split(mime, 1)[0].strip()
    status = http.get_statuscode() if http else None
    return IndexEntry(url, date, mime, status, digest, offset, length)


def entry_lines(filename: str, entries: Iterable[IndexEntry]) -> list[str]:
    """The CDXJ lines of a file's entries, exactly as cdxj-indexer writes them."""
    from surt import surt  # cdxj-indexer's key function; imported when a crawl ends

    lines = []
    for entry in entries:
        try:
            key = surt(entry.url)
        except Exception:  # as cdxj-indexer: a URL surt cannot read is its own key
            key = entry.url
        fields: dict[str, str] = {"url": entry.url}
        if entry.mime is not None:
            fields["mime"] = entry.mime
        if entry.status is not None:
            fields["status"] = entry.status
        fields["digest"] = entry.digest
        fields["length"] = str(entry.length)
        fields["offset"] = str(entry.offset)
        fields["filename"] = filename
        stamp = iso_date_to_timestamp(entry.date)
        lines.append(f"{key} {stamp} {json.dumps(fields)}\n")
    return lines


def index_lines(paths: Iterable[Path], skipped: list[str] | None = None) -> list[str]:
    """The sorted CDXJ lines of the given WARC files (filenames relative to their folder).

    With `skipped` given, a file that cannot be indexed (damaged, unreadable) is left out
    and named there with the reason, and the others are indexed; so is a record whose
    WARC-Date names no moment, and the rest of its file is indexed. Without it, it raises.
    """
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out.cdxj")
        for path in paths:
            if os.path.getsize(path) == 0:  # no record to index: said, not passed over
                message = f"{Path(path).name}: an empty file"
                if skipped is None:
                    raise ValueError(message)
                skipped.append(message)
                continue
            try:
                found, undated = _index_file(Path(path), out)
            except Exception as exc:  # any damage: this file is left out, the rest indexed
                if skipped is None:
                    raise
                skipped.append(f"{Path(path).name}: {_short(exc)}")
                continue
            if undated:
                if skipped is None:
                    raise ValueError(undated[0])
                skipped.extend(undated)
            from .recovery import plain_cut  # (recovery imports the writer, which this)

            last = max((_start(line) for line in found), default=0)
            gzipped = _starts_gzip(Path(path))
            cut = _cut_short(Path(path), last) if gzipped else plain_cut(path, last)
            if cut is not None:
                # A copy or restore that stopped early: cdxj-indexer stops quietly at the cut,
                # listing the record it cut as whole. Only the whole records are indexed.
                message = (
                    f"{Path(path).name}: its records from byte {cut} on are left out: the file "
                    f"is cut short there (an incomplete {'gzip member' if gzipped else 'record'})"
                )
                if skipped is None:
                    raise ValueError(message)
                skipped.append(message)
                found = [line for line in found if _ends(line) <= cut]
            lines.extend(found)
    return sorted(lines)


def _index_file(path: Path, out: str) -> tuple[list[str], list[str]]:
    """The CDXJ lines of one WARC file, and what is said of the records left out.

    In an uncompressed file, a record whose Content-Length is no number is left out with
    the records around it indexed, when its block digest says where the next one starts
    (:func:`.resync.record_after`); else the file is indexed up to it, and that is said.
    """
    from .resync import record_after

    found: list[str] = []
    said: list[str] = []
    start, stop = 0, None
    while True:
        indexer = _bounded_indexer()(output=out, inputs=[str(path)], window=(start, stop))
        try:
            indexer.process_all()
        except UnmeasuredRecord as exc:
            if stop is not None:
                raise  # not met before `stop` the first time: a file changed under us
            stop, unmeasured = exc.offset, exc
            continue  # the records before it, read again up to it
        with open(out, encoding="utf-8") as handle:
            lines = [line for line in handle if line.strip()]
        longer = [line for line in lines if _start(line) in indexer.longer]
        found.extend(line for line in lines if line not in longer)
        said.extend(indexer.undated + [_longer_line(path, line) for line in longer])
        if stop is None:
            return found, said
        with open(path, "rb") as handle:
            start = record_after(handle, stop, os.fstat(handle.fileno()).st_size) or -1
        if start < 0:
            said.append(f"{path.name}: {unmeasured}")
            return found, said
        said.append(unmeasured.left_out(path.name))
        stop = None


def _longer_line(path: Path, line: str) -> str:
    """What is said of a record left out for a block longer than its Content-Length."""
    fields = json.loads(line.split(" ", 2)[2])
    return (
        f"{path.name}: the record of {str(fields.get('url'))[:200]} at offset "
        f"{fields.get('offset')} left out: it is not followed by the blank lines that end a "
        "record: its block is longer than its Content-Length says"
    )


def _starts_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _cut_short(path: Path, last: int) -> int | None:
    """Where a gzip WARC file stops holding whole members, if before its end (None: whole).
    A cut spoils only the member it falls in, the last one: the check reads from `last`
    (where the last record indexed starts) on, not the whole file."""
    with open(path, "rb") as handle:
        handle.seek(last)
        tail = handle.read()
    at = 0
    while at < len(tail):
        member = zlib.decompressobj(31)
        try:
            member.decompress(tail[at:])
        except zlib.error:
            return last + at
        if not member.eof:
            return last + at
        at = len(tail) - len(member.unused_data)
    return None


def _start(line: str) -> int:
    """Where the record a CDXJ line names starts in its file."""
    try:
        return int(json.loads(line.split(" ", 2)[2])["offset"])
    except (IndexError, KeyError, TypeError, ValueError):
        return 0


def _ends(line: str) -> int:
    """Where the record a CDXJ line names ends in its file (its offset and length)."""
    try:
        fields = json.loads(line.split(" ", 2)[2])
        return int(fields["offset"]) + int(fields["length"])
    except (IndexError, KeyError, TypeError, ValueError):
        return 1 << 62  # a line that names no place: never taken for a whole record


def _short(exc: BaseException) -> str:
    """An exception as one short printable line (a damaged record may quote its bytes)."""
    if isinstance(exc, MissingTargetURI):
        return exc.line()  # a line of our own, which names its record
    if isinstance(exc, UnmeasuredRecord):
        return str(exc)
    text = (str(exc).strip().splitlines() or [""])[0]
    text = "".join(c if c.isprintable() and ord(c) < 127 else "?" for c in text)[:100]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def indexed_filenames(index: Path) -> tuple[set[str], list[tuple[int, str]]]:
    """The WARC files an index names, and its damaged lines (number, text): those naming
    no record (a bad block, an edit by hand), which pywb trips on. A CDXJ header line
    (``!...``) names none and is no damage."""
    names: set[str] = set()
    damaged: list[tuple[int, str]] = []
    if not index.exists():
        return names, damaged
    with open(index, "rb") as handle:
        for number, line in enumerate(handle, 1):
            name = _filename_of(line)
            if name is not None:
                names.add(name)
            elif not line.startswith(b"!"):
                damaged.append((number, line.decode("utf-8", "replace").strip()))
    return names, damaged


def _filename_of(line: bytes) -> str | None:
    """The WARC file an index line names (None: no index line)."""
    parts = line.split(b" ", 2)
    try:
        fields = json.loads(parts[2]) if len(parts) == 3 else None
    except ValueError:
        return None
    name = fields.get("filename") if isinstance(fields, dict) else None
    return name if isinstance(name, str) else None


def _without(index: Path, damaged: list[tuple[int, str]]) -> BinaryIO:
    """A scratch copy of `index` without its `damaged` lines, to merge new lines into."""
    drop = {number for number, _text in damaged}
    copy = tempfile.TemporaryFile(dir=index.parent, prefix=_TEMP_PREFIX)  # noqa: SIM115
    try:
        with open(index, "rb") as handle:
            copy.writelines(line for n, line in enumerate(handle, 1) if n not in drop)
        if copy.tell() and not _ends_line(copy, copy.tell()):
            copy.seek(0, os.SEEK_END)
            copy.write(b"\n")
    except BaseException:
        copy.close()
        raise
    return copy


def _damage_line(damaged: list[tuple[int, str]]) -> str:
    """What an update says of the damaged lines it dropped."""
    number, text = damaged[0]
    lines = "line" if len(damaged) == 1 else "lines"
    return (
        f"{INDEX_NAME}: {len(damaged)} damaged {lines} dropped (the first, line {number}: "
        f"{_printable(text)!r}): `newsarchive index` indexes their records again"
    )


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() and ord(c) < 127 else "?" for c in text)[:60]


def warc_files(directory: Path) -> list[Path]:
    """The closed WARC files of a folder, by name, whatever the case of their names
    (``CAPTURE.WARC.GZ``, as verify and replay read them)."""
    return sorted(p for p in directory.iterdir() if p.name.lower().endswith((".warc.gz", ".warc")))


def update_index(
    directory: str | os.PathLike[str],
    *,
    rebuild: bool = False,
    skipped: list[str] | None = None,
    known: Mapping[str, list[str]] | None = None,
) -> int:
    """Bring ``DIRECTORY/index.cdxj`` up to date; return the number of lines added.

    A WARC file that cannot be indexed is named in `skipped` and left out (the next
    update tries it again); the others are indexed. A record with no usable WARC-Date is
    named there too, and the rest of its file indexed. `known` gives the lines of files
    by name (their writer's, :func:`entry_lines`): those files are not read.
    """
    folder = Path(directory)
    if not folder.is_dir():
        return 0
    with open(folder / LOCK_NAME, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed, or when the process dies
        _clear_leftovers(folder)
        listing = None if rebuild else _listed_names(folder)
        if listing is not None:
            said: list[str] = []
            try:
                added = _update(
                    folder, rebuild=False, skipped=said, written=known or {}, listing=listing
                )
            except _ListBroken:
                pass  # the index changed under its list: read it line by line below
            else:
                if skipped is not None:
                    skipped.extend(said)
                return added
        return _update(folder, rebuild=rebuild, skipped=skipped, written=known or {}, listing=None)


class _ListBroken(Exception):
    """The index's bytes are not those its list was written with (damaged in place)."""


def _update(
    folder: Path,
    *,
    rebuild: bool,
    skipped: list[str] | None,
    written: Mapping[str, list[str]],
    listing: tuple[set[str], int] | None,
) -> int:
    """`update_index` under its lock, trusting `listing` (the index's files, its crc32)
    when given: :class:`_ListBroken` if the index copied turns out not to be that one."""
    index = folder / INDEX_NAME
    # The files the index names: listed by the last update, else read from every line.
    listed = None if listing is None else listing[0]
    damaged: list[tuple[int, str]] = []  # lines naming no record, dropped as it is read
    if rebuild:
        known: set[str] = set()
    elif listed is not None:
        known = listed
    else:
        known, damaged = indexed_filenames(index)
    if damaged and skipped is not None:
        skipped.append(_damage_line(damaged))
    new = [p for p in warc_files(folder) if p.name not in known]
    if not new and not damaged and (index.exists() or not rebuild):
        if listed is None and index.exists():
            _list_names(folder, index, known)  # the next update reads no line
        _check_unchanged(index, listing)
        return 0
    unread = [p for p in new if p.name not in written]
    added = index_lines(unread, skipped if skipped is not None else []) if unread else []
    if len(unread) < len(new):  # the writer's lines of its files, as cdxj-indexer would read
        added = sorted(added + [line for p in new if p.name in written for line in written[p.name]])
    if not added and not damaged and not rebuild and index.exists():  # only files unindexed
        if listed is None:
            _list_names(folder, index, known)
        _check_unchanged(index, listing)
        return 0
    handle = None
    if damaged:
        handle = _without(index, damaged)
    elif not rebuild and index.exists():
        handle = open(index, "rb")  # noqa: SIM115 (closed below)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".cdxj", dir=folder)
        try:
            os.fchmod(fd, 0o666 & ~_umask())  # as the WARCs: readable by a pywb of another user
            with os.fdopen(fd, "wb") as out:
                summed = _Summed(out)
                copied = write_merged(handle, [line.encode("utf-8") for line in added], summed)
                if listing is not None and copied != listing[1]:
                    raise _ListBroken
                out.flush()
                os.fsync(out.fileno())
                written_index = os.fstat(out.fileno())
            os.replace(tmp, index)
        except BaseException:  # a full disk: the old index stays, no half one is left
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        if handle is not None:
            handle.close()
    _list_names(folder, index, known | _filenames(added), (written_index, summed.crc))
    return len(added)


def _check_unchanged(index: Path, listing: tuple[set[str], int] | None) -> None:
    """:class:`_ListBroken` if the index an update leaves as it is holds other bytes than its
    list was written for: an update adding nothing checks it as a copy would, so damage in
    place is found by the next update, not the next one that adds lines."""
    if listing is None or not index.exists():
        return
    try:
        crc = _summed(index)[1]
    except OSError:
        return  # unreadable now: the next update that copies it says so
    if crc != listing[1]:
        raise _ListBroken


class _Summed:
    """A file written through, keeping the crc32 of the bytes written."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.crc = 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.out.write(data)

    def writelines(self, lines: Iterable[bytes]) -> None:
        for line in lines:
            self.write(line)


def _clear_leftovers(folder: Path) -> None:
    """Remove the copies an update killed mid-write left (``.index-*``): under the lock,
    none is being written, and pywb pointed at the folder would read one as an index."""
    for leftover in folder.glob(f"{_TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def write_merged(old: BinaryIO | None, added: list[bytes], out: _Writer) -> int:
    """The sorted lines of `old` with the sorted `added` merged in, as ``heapq.merge(old,
    added)`` orders them (an old line before an equal new one), to `out`; the crc32 of
    `old`'s bytes, all of which are copied (0 without `old`).

    The old lines between two places where new ones go are copied as bytes, unparsed: each
    place is found by a binary search of the old file, so the cost is the copy and a few
    reads per new line, whatever the old index holds.
    """
    if old is None:
        out.writelines(added)
        return 0
    size = old.seek(0, os.SEEK_END)
    copied = crc = 0
    for line in added:
        at = _first_line_after(old, line, copied, size)
        crc = _copy(old, copied, at, out, crc)
        if at == size and copied < size and not _ends_line(old, size):
            out.write(b"\n")  # an old last line without its end: not glued to a new one
        copied = at
        out.write(line)
    return _copy(old, copied, size, out, crc)


class _Writer(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def writelines(self, lines: Iterable[bytes], /) -> None: ...


def _first_line_after(old: BinaryIO, line: bytes, low: int, size: int) -> int:
    """Where the first line of `old` at or after `low` (a line's start) that sorts after
    `line` starts; `size` when none does."""
    high = size
    while low < high:
        middle = (low + high) // 2
        start = _line_start(old, middle)
        if start < size and old.readline() <= line:
            low = middle + 1
        else:
            high = middle
    return _line_start(old, low)


def _line_start(old: BinaryIO, position: int) -> int:
    """The start of the first line at or after `position`; `old` is left there."""
    if position:
        old.seek(position - 1)
        old.readline()
    else:
        old.seek(0)
    return old.tell()


def _ends_line(old: BinaryIO, size: int) -> bool:
    old.seek(size - 1)
    return old.read(1) == b"\n"


def _copy(old: BinaryIO, start: int, end: int, out: _Writer, crc: int) -> int:
    """Bytes `start` to `end` of `old`, as they are, to `out`; `crc` (the crc32 of the
    bytes before `start`) carried on over them."""
    if start >= end:
        return crc
    old.seek(start)
    left = end - start
    while left:
        chunk = old.read(min(left, _COPY_CHUNK))
        if not chunk:
            return crc
        crc = zlib.crc32(chunk, crc)
        out.write(chunk)
        left -= len(chunk)
    return crc


def _filenames(lines: Iterable[str]) -> set[str]:
    """The WARC files some of `lines` name."""
    return {json.loads(line.split(" ", 2)[2])["filename"] for line in lines}


def _listed_names(folder: Path) -> tuple[set[str], int] | None:
    """The WARC files ``index.cdxj`` names, as the last update listed them, and the crc32 of
    the index it listed them for; None when that list is missing, unreadable or of another
    index (one rewritten since by another tool, or a kill between the index's rename and
    the list's): the index is then read. An index changed in place, keeping its size and
    time (a bad block), is found by its crc32 when an update copies it."""
    try:
        listed = json.loads((folder / NAMES_NAME).read_text("utf-8"))
        now = os.stat(folder / INDEX_NAME)
    except (OSError, ValueError):
        return None
    if not isinstance(listed, dict) or listed.get("index") != _identity(now):
        return None
    files, crc = listed.get("files"), listed.get("crc32")
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    if not isinstance(crc, int):  # a list of an older version: the index is read once
        return None
    return set(files), crc


def _list_names(
    folder: Path,
    index: Path,
    names: set[str],
    written: tuple[os.stat_result, int] | None = None,
) -> None:
    """Keep `names` beside the index they belong to (replaced whole, as the index is), with
    its identity and crc32 (`written`: those of the index just written; else read)."""
    try:
        stated, crc = written if written is not None else _summed(index)
    except OSError:
        return
    listed = {"index": _identity(stated), "crc32": crc, "files": sorted(names)}
    data = json.dumps(listed, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=f"{_TEMP_PREFIX}files-", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / NAMES_NAME)
    except OSError:  # the list is a saving, never a failure: the next update reads the index
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _summed(index: Path) -> tuple[os.stat_result, int]:
    """The identity and crc32 of the index as it is."""
    crc = 0
    with open(index, "rb") as handle:
        while chunk := handle.read(_COPY_CHUNK):
            crc = zlib.crc32(chunk, crc)
        return os.fstat(handle.fileno()), crc


def _identity(index: os.stat_result) -> dict[str, int]:
    """What tells one index file from another that replaced it: inode, size, mtime."""
    return {"inode": index.st_ino, "size": index.st_size, "mtime_ns": index.st_mtime_ns}


def _umask() -> int:
    """The process umask (read by setting it, then setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refresh_index(
    directory: str | os.PathLike[str], known: Mapping[str, list[str]] | None = None
) -> list[str]:
    """`update_index` after a crawl: each problem is one line to report, never a crash."""
    skipped: list[str] = []
    try:
        update_index(directory, skipped=skipped, known=known)
    except Exception as exc:  # the index itself unwritable: the run is still good
        return [f"could not update {Path(directory) / INDEX_NAME}: {_short(exc)}"]
    return [f"not indexed: {line}" for line in skipped]
