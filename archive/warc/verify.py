"""Checking WARC files, ours or anyone's: structure, gzip members, every digest.

A file is sound when every record parses, carries the headers the WARC spec requires and
a WARC-Date that is a capture time (a real UTC instant, not in the future: what replay
takes), has a Content-Length its block matches, and every block and payload digest it
states verifies (warcio's digest checker, the same as ``warcio check``). Revisit payloads are
not there to check, so only their block digests are. A WACZ is sound when its WARC files
are and each of its files has the sha256 its ``datapackage.json`` states.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .bounded import MissingTargetURI, bounded
from .records import warc_date_problem
from .recovery import complete_length, plain_cut

_RECORD_END = b"\r\n\r\n"  # after every block (WARC 1.1, section 4)
REQUIRED = ("WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length")
_KNOWN_TYPES = {
    "warcinfo",
    "response",
    "resource",
    "request",
    "metadata",
    "revisit",
    "conversion",
    "continuation",
}


@dataclass
class FileReport:
    """The outcome for one file: records read, and every problem found with its offset."""

    path: str
    records: int = 0
    problems: list[str] = field(default_factory=list)
    holds_records: bool = True  # False: a file of no records (a WACZ's datapackage.json)

    @property
    def sound(self) -> bool:
        return not self.problems

    def line(self) -> str:
        counted = f"{self.records} records" if self.holds_records else ""
        if self.sound:
            return f"ok {self.path}: {counted}"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        counted += ", " if counted else ""
        return f"BAD {self.path}: {counted}{self.problems[0]}{more}"


def verify_file(path: str | os.PathLike[str]) -> FileReport:
    """Read every record of `path`, checking structure and digests."""
    report = FileReport(str(path))
    try:
        with open(path, "rb") as stream:
            _check_records(stream, report)
        if str(path).endswith((".gz", ".gz.open")) and _starts_gzip(path):
            # (A file named .gz that is not gzip at all, uncompressed by a download tool,
            # is read as the readers read it: record by record.)
            complete = complete_length(path)
            size = os.path.getsize(path)
            if complete < size:
                report.problems.append(f"incomplete gzip member at offset {complete}")
        elif not _starts_gzip(path) and (cut := plain_cut(path)) is not None:
            where = f"record at offset {cut}"
            if not any(problem.startswith(f"{where}:") for problem in report.problems):
                report.problems.append(f"{where}: incomplete: the file is cut short there")
    except Exception as exc:
        _unreadable(report, exc)
    return report


def verify_wacz(path: str | os.PathLike[str]) -> list[FileReport]:
    """A report for each WARC file a WACZ holds (``archive/...``), read as it is stored;
    one report naming the WACZ when it is no ZIP or holds none."""
    try:
        with zipfile.ZipFile(path) as package:
            members = [
                name
                for name in package.namelist()
                if name.startswith("archive/") and name.lower().endswith((".warc", ".warc.gz"))
            ]
            reports = []
            for name in members:
                report = FileReport(f"{path}#{name}")
                try:
                    with package.open(name) as stream:
                        _check_records(stream, report)
                except Exception as exc:
                    _unreadable(report, exc)
                reports.append(report)
            stated = FileReport(f"{path}#datapackage.json", holds_records=False)
            stated.problems.extend(_package_problems(package))
            if stated.problems:  # a sound package adds no line
                reports.append(stated)
    except (zipfile.BadZipFile, OSError) as exc:
        return [FileReport(str(path), problems=[f"not a WACZ (a ZIP file): {_short(exc)}"])]
    return reports or [FileReport(str(path), problems=["a WACZ holding no WARC file"])]


def _starts_gzip(path: str | os.PathLike[str]) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


class _Iterator(ArchiveIterator):
    """warcio's iterator, its warning of a record not followed by blank lines (a block
    longer than its Content-Length) counted in ``err_count`` instead of printed, and
    noting whether the record read last ended with the two CRLFs the spec requires
    (``ended``): warcio takes the end of a gzip member or of the file for them."""

    INC_RECORD = ""
    ended: bool | None = None  # None: its end not read yet

    def _consume_blanklines(self) -> Any:
        reader = self.reader
        read = reader.readline
        lines: list[bytes] = []

        def noting(*args: Any) -> bytes:
            line: bytes = read(*args)
            lines.append(line)
            return line

        reader.readline = noting
        try:
            found = super()._consume_blanklines()
        finally:
            del reader.readline  # the reader's own again
        blank = b""
        for line in lines:
            if not line or line.strip():
                break
            blank += line
        # A first line that is not blank is a block longer than its Content-Length: named so.
        self.ended = blank.startswith(_RECORD_END) or bool(lines and lines[0].strip())
        return found


class _LastLine:
    """A record's block stream as warcio reads its HTTP headers, keeping the last line read:
    a header block must end with a blank line, not with the end of the block."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.last: bytes | None = None

    def readline(self, *args: Any) -> bytes:
        line: bytes = self.stream.readline(*args)
        self.last = line
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _watch_header_ends(iterator: Any) -> dict[str, bool]:
    """Have `iterator` note, for each record, whether its HTTP header block ran into the end
    of the block (``"open"``) instead of ending with a blank line."""
    loader = iterator.loader
    read_http_headers = loader.load_http_headers
    state = {"open": False}

    def load_http_headers(rec_type: str, uri: str | None, stream: Any, length: int) -> Any:
        watcher = _LastLine(stream)
        headers = read_http_headers(rec_type, uri, watcher, length)
        last = watcher.last
        # A blank line ends the block; the end of the block (b"") or a cut line does not.
        ended = last is not None and last.endswith(b"\n") and not last.strip()
        state["open"] = headers is not None and not ended
        return headers

    loader.load_http_headers = load_http_headers
    return state


def _package_problems(package: zipfile.ZipFile) -> list[str]:
    """Each file of a WACZ whose sha256 or size is not what ``datapackage.json`` states (and
    the datapackage itself, against ``datapackage-digest.json``), as the WACZ spec has it."""
    names = set(package.namelist())
    if "datapackage.json" not in names:
        return ["no datapackage.json"]
    problems = []
    try:
        declared = json.loads(package.read("datapackage.json"))
        resources = declared.get("resources") if isinstance(declared, dict) else None
        if not isinstance(resources, list):
            return ["datapackage.json lists no resources"]
        checks = [
            (str(r.get("path")), str(r.get("hash") or ""), r.get("bytes"))
            for r in resources
            if isinstance(r, dict)
        ]
        if "datapackage-digest.json" in names:
            digest = json.loads(package.read("datapackage-digest.json"))
            if isinstance(digest, dict):
                checks.append(("datapackage.json", str(digest.get("hash") or ""), None))
    except (ValueError, KeyError) as exc:
        return [f"datapackage.json unreadable: {_short(exc)}"]
    for name, stated, size in checks:
        if name not in names:
            problems.append(f"{name}: listed, not in the package")
            continue
        digest, length = _sha256_of(package, name)
        algorithm, _, value = stated.partition(":")
        if algorithm == "sha256" and digest != value:
            problems.append(f"{name}: its sha256 is not the one stated")
        elif isinstance(size, int) and size != length:
            problems.append(f"{name}: {length} bytes, {size} stated")
    return problems


def _sha256_of(package: zipfile.ZipFile, name: str) -> tuple[str, int]:
    """The sha256 (hex) and length of a member, read a megabyte at a time: a WACZ's WARC
    files may be larger than memory."""
    digest = hashlib.sha256()
    length = 0
    with package.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
            length += len(chunk)
    return digest.hexdigest(), length


def _check_records(stream: IO[bytes], report: FileReport) -> None:
    """Every record of `stream` into `report`: its count, and each problem by offset."""
    iterator = bounded(_Iterator(stream, check_digests=True))
    header_ends = _watch_header_ends(iterator)
    where = ""
    errors = 0
    for record in iterator:
        if iterator.err_count > errors:  # found moving past the record before this one
            errors = iterator.err_count
            report.problems.append(_longer_block(where))
        report.records += 1
        length = record.rec_headers.get_header("Content-Length")
        if length and not length.strip().isdigit():  # nowhere to find where the block ends
            report.problems.append(
                f"record at offset {iterator.offset}: Content-Length {length[:40]!r} is not a "
                "number of bytes (the file is not checked past it)"
            )
            return
        declared = int(length) if length else -1  # missing: named below
        stream_read = record.raw_stream
        read = len(record.http_headers.to_bytes()) if record.http_headers else 0
        while chunk := stream_read.read(1 << 20):
            read += len(chunk)
        left = getattr(stream_read, "limit", None)
        if isinstance(left, int) and declared >= 0:
            # The block's bytes as they are (headers included), not as warcio re-writes
            # its headers: spaces around a value, a folded line.
            read = declared - left
        iterator.ended = None
        where = f"record at offset {iterator.get_record_offset()}"
        if iterator.ended is False:  # readers take it as it is: a problem of verify alone
            report.problems.append(
                f"{where}: not ended by the two CRLFs the WARC spec requires after a block"
            )
        if header_ends["open"]:
            report.problems.append(f"{where}: its HTTP header block ends before a blank line")
        headers = record.rec_headers
        missing = [name for name in REQUIRED if not headers.get_header(name)]
        if missing:
            report.problems.append(f"{where}: missing {', '.join(missing)}")
        date = headers.get_header("WARC-Date")
        if date and (problem := warc_date_problem(date)):  # refused by replay and index
            report.problems.append(f"{where}: {problem}")
        if record.rec_type not in _KNOWN_TYPES:
            report.problems.append(f"{where}: unknown WARC-Type {record.rec_type!r}")
        if read < declared:
            report.problems.append(
                f"{where}: block of {read} bytes, Content-Length says {declared}"
            )
        if record.digest_checker.passed is False:
            report.problems.extend(
                f"{where}: {problem}" for problem in record.digest_checker.problems
            )
    if iterator.err_count > errors:
        report.problems.append(_longer_block(where))
    if report.records == 0:
        report.problems.append("no WARC records")


def _longer_block(where: str) -> str:
    return (
        f"{where}: not followed by the blank lines that end a record: its block is longer "
        "than its Content-Length says"
    )


def _unreadable(report: FileReport, exc: Exception) -> None:
    """Where reading stopped, and why, as the report's last problem."""
    if isinstance(exc, MissingTargetURI):  # its own line: which record, which header
        report.problems.append(exc.line())
    elif isinstance(exc, (ArchiveLoadFailed, OSError, EOFError, ValueError)):
        report.problems.append(f"unreadable after {report.records} records: {_short(exc)}")
    else:  # a record warcio trips on in a way of its own: damage too
        report.problems.append(
            f"unreadable after {report.records} records: {type(exc).__name__}: {_short(exc)}"
        )


def _short(exc: BaseException) -> str:
    """An exception as one short printable line (a bad record may quote binary bytes)."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = "".join(c if c.isprintable() and ord(c) < 127 else "?" for c in text)
    return text[:100]


def expand(paths: list[str]) -> list[Path]:
    """Files as given; folders give the WARC and WACZ files inside them (``.open`` ones too)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.name.lower().endswith((".warc", ".warc.gz", ".warc.gz.open", ".wacz"))
                )
            )
        else:
            found.append(path)
    return found
