"""A rolling WARC writer: one gzip member per record, ``.open`` while written, IIPC names."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import struct
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from .cdxj import IndexEntry, entry_lines, index_entry
from .records import (
    CRLF,
    Capture,
    HttpMessage,
    RecordLocation,
    Revisit,
    format_fields,
    new_record_id,
    record_bytes,
    revisit_profile,
    sha1_digest,
    warc_date,
)

OPEN_SUFFIX = ".open"
DEFAULT_MAX_SIZE = 1_000_000_000
# CDXJ entries a writer keeps for its files until the crawl ends (about 450 bytes each); the
# files written once they are spent are indexed by cdxj-indexer, reading them back.
INDEX_ENTRIES = 100_000
# The gzip member header zlib writes on Unix (no name, no time, OS 3); RFC 1952, 2.3.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
_RECORD_END = CRLF + CRLF  # what record_bytes puts after the block
_STORED_MAX = 0xFFFF  # the most bytes one DEFLATE stored block holds


def is_encoded(message: HttpMessage) -> bool:
    """Whether the server sent the body content-coded (gzip, br, ...): already compressed."""
    coding = (message.header("Content-Encoding") or "").strip().lower()
    return coding not in ("", "identity")


def gzip_member(data: bytes, level: int, stored_from: int | None = None) -> bytes:
    """`data` as one gzip member: deflated at `level`, or, from `stored_from` on, stored.

    A body the server already compressed does not shrink when deflated again; deflating it
    cost a crawl about as much CPU per page as all its other WARC work. Such a body goes
    into DEFLATE stored blocks (RFC 1951, 3.2.4) after the record's head, which is deflated
    and sync-flushed to a byte boundary: one ordinary gzip member, the same record bytes.
    """
    if stored_from is None or stored_from >= len(data):
        compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        return compressor.compress(data) + compressor.flush()
    view = memoryview(data)
    head = zlib.compressobj(level, zlib.DEFLATED, -15)
    parts: list[bytes | memoryview] = [
        _GZIP_HEADER,
        head.compress(view[:stored_from]),
        head.flush(zlib.Z_SYNC_FLUSH),
    ]
    for start in range(stored_from, len(data), _STORED_MAX):
        chunk = view[start : start + _STORED_MAX]
        final = start + _STORED_MAX >= len(data)
        parts.append(struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF))
        parts.append(chunk)
    parts.append(struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF))
    return b"".join(parts)


def try_lock(fd: int) -> bool:
    """Take the exclusive lock that marks a file as being written; False if another has it.

    The lock dies with its process, so a file whose writer was killed is free to recover.
    """
    try:
        import fcntl
    except ImportError:  # no flock (Windows): rely on the data directory's run lock
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class WarcWriter:
    """Writes captures as request, response and metadata records into rolling files.

    Each record is its own gzip member and is flushed to the OS as soon as it is written,
    so a killed process leaves every earlier record readable. A write that fails part way
    (a full disk) is cut back off, so the file always ends with a whole record.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        prefix: str = "newsarchive",
        max_size: int = DEFAULT_MAX_SIZE,
        version: str = "1.1",
        info: dict[str, Any] | None = None,
        compress_level: int = 6,
        worker: str | None = None,
        index: bool = False,
        index_entries: int = INDEX_ENTRIES,
    ):
        if version not in ("1.0", "1.1"):
            raise ValueError(f"unsupported WARC version {version!r} (1.0 or 1.1)")
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.version = version
        self.info = dict(info or {})
        self.compress_level = compress_level
        # The last part of each name: this host, or HOST-PID for one worker of a shared crawl.
        self.hostname = worker or socket.gethostname().split(".")[0] or "localhost"
        self.files_written: list[str] = []
        self.records_written = 0
        self.bytes_written = 0
        self._serial = 0
        self._file: Any = None
        self._path: Path | None = None
        self._offset = 0
        self._warcinfo_id: str | None = None
        # With `index`: each file's CDXJ entries, made as its records are written; None for
        # a file holding a record they cannot vouch for (cdxj-indexer reads that file).
        self._index: dict[str, list[IndexEntry] | None] | None = {} if index else None
        self._entries_left = index_entries  # kept in memory until the crawl ends

    # -- files ---------------------------------------------------------------------------
    @property
    def filename(self) -> str | None:
        """Name of the file being written, as it will be once closed."""
        return self._path.name[: -len(OPEN_SUFFIX)] if self._path else None

    def _open_next(self, moment: datetime) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self.hostname}.warc.gz"
            self._serial += 1
            path = self.directory / (name + OPEN_SUFFIX)
            if (self.directory / name).exists():
                continue
            try:
                self._file = self._create(path)
            except FileExistsError:
                continue
            break
        self._path = path
        self._offset = 0
        self._warcinfo_id = None
        if self._index is not None:
            self._index[name] = []
        try:
            self._write_warcinfo(moment, name)
        except OSError:
            self._abandon(remove=True)  # a file without its warcinfo is no WARC file of ours
            raise

    def _create(self, path: Path) -> Any:
        """A new, locked, unbuffered file: each record reaches the OS in whole writes."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try_lock(fd)
        return os.fdopen(fd, "wb", buffering=0)

    def _abandon(self, *, remove: bool = False) -> None:
        """Drop the file being written after a failure: removed, or left ``.open`` for recovery."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        if remove and self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
        self._file = None
        self._path = None

    def _write_warcinfo(self, moment: datetime, name: str) -> None:
        record_id = new_record_id()
        fields = [
            ("software", f"newsarchive/{__version__}"),
            ("format", f"WARC File Format {self.version}"),
            (
                "conformsTo",
                "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                if self.version == "1.1"
                else "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
            ),
            ("hostname", socket.gethostname()),
            *self.info.items(),
        ]
        block = format_fields(fields)
        headers = [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", record_id),
            ("WARC-Date", warc_date(moment, self.version)),
            ("WARC-Filename", name),
            ("WARC-Block-Digest", sha1_digest(block)),
        ]
        self._append(
            self._member(record_bytes(self.version, headers, block, "application/warc-fields"))
        )
        self._warcinfo_id = record_id

    def _member(self, data: bytes, stored_from: int | None = None) -> bytes:
        """`data` compressed as one gzip member (from `stored_from` on: stored as it is)."""
        return gzip_member(data, self.compress_level, stored_from)

    def _append(self, *members: bytes) -> list[tuple[int, int]]:
        """Append whole members, return each one's (offset, length).

        All or nothing: if a write fails (a full disk), the file is cut back to where these
        members began, so it never ends in a record a reader would take for whole.
        """
        start = self._offset
        data = b"".join(members)
        view = memoryview(data)
        done = 0
        try:
            while done < len(data):
                written = self._file.write(view[done:])
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
        except OSError:
            self._cut_back(start)
            raise
        places = []
        offset = start
        for member in members:
            places.append((offset, len(member)))
            offset += len(member)
        self._offset = offset
        self.bytes_written += len(data)
        self.records_written += len(members)
        return places

    def _cut_back(self, size: int) -> None:
        """Undo a failed append; a file that cannot be cut is left ``.open`` for recovery."""
        try:
            self._file.truncate(size)
            self._file.seek(size)
        except OSError:
            self._abandon()

    def _ensure_file(self, moment: datetime) -> None:
        if self._file is not None and self._offset >= self.max_size:
            self.close()
        if self._file is None:
            self._open_next(moment)

    def close(self) -> None:
        """Flush, fsync and rename ``NAME.warc.gz.open`` to ``NAME.warc.gz``."""
        if self._file is None or self._path is None:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            final = self._path.with_name(self._path.name[: -len(OPEN_SUFFIX)])
            os.replace(self._path, final)
        except OSError:
            self._abandon()  # still ``.open``: the next run's recovery closes it
            raise
        self.files_written.append(final.name)
        self._file = None
        self._path = None

    # -- records -------------------------------------------------------------------------
    def _common(
        self, record_type: str, record_id: str, url: str, date: str
    ) -> list[tuple[str, str]]:
        headers = [
            ("WARC-Type", record_type),
            ("WARC-Record-ID", record_id),
            ("WARC-Date", date),
            ("WARC-Target-URI", url),
        ]
        if self._warcinfo_id:
            headers.append(("WARC-Warcinfo-ID", self._warcinfo_id))
        return headers

    def write_capture(
        self,
        capture: Capture,
        revisit: Revisit | None = None,
        *,
        body_digest: str | None = None,
    ) -> RecordLocation:
        """Write the response (or revisit) and its request; return the former's location.

        A revisit record's block is the HTTP header block only; its payload digest is the
        original's, so a replay tool finds the body by that digest. `body_digest` is
        ``sha1_digest(capture.response.body)`` when the caller already made it (the dedup
        lookup does), so the body is not hashed twice for the same digest.
        """
        # A copy from a web archive is dated by its capture; the file, by when we write it.
        self._ensure_file(
            capture.date if capture.request is not None else datetime.now(timezone.utc)
        )
        date = warc_date(capture.date, self.version)
        record_id = new_record_id()
        http_head = capture.response.header_block()
        if revisit is None:
            block = http_head + capture.response.body
            payload_digest: str | None = body_digest or sha1_digest(capture.response.body)
            headers = self._common("response", record_id, capture.url, date)
        else:
            block = http_head
            payload_digest = revisit.payload_digest
            headers = self._common("revisit", record_id, capture.url, date)
            headers.append(("WARC-Profile", revisit_profile(self.version, revisit.profile)))
            if revisit.refers_to_uri:
                headers.append(("WARC-Refers-To-Target-URI", revisit.refers_to_uri))
            if revisit.refers_to_date:
                headers.append(("WARC-Refers-To-Date", revisit.refers_to_date))
            if revisit.refers_to:
                headers.append(("WARC-Refers-To", revisit.refers_to))
        if capture.ip_address:
            headers.append(("WARC-IP-Address", capture.ip_address))
        if capture.truncated:
            headers.append(("WARC-Truncated", capture.truncated))
        headers.extend(capture.warc_headers)
        headers.append(("WARC-Block-Digest", sha1_digest(block)))
        if payload_digest:
            headers.append(("WARC-Payload-Digest", payload_digest))
        record = record_bytes(self.version, headers, block, "application/http; msgtype=response")
        # A content-coded body is stored, not deflated a second time (see gzip_member).
        stored_from = None
        if revisit is None and capture.response.body and is_encoded(capture.response):
            stored_from = len(record) - len(_RECORD_END) - len(capture.response.body)
        response = self._member(record, stored_from)
        # The response and its request go out together, or neither does.
        members = [response]
        if capture.request is not None:
            members.append(self._request(capture, date, record_id))
        (offset, length), *_ = self._append(*members)
        if self._index is not None:
            entry = index_entry(
                "response" if revisit is None else "revisit",
                headers,
                http_head,
                offset=offset,
                length=length,
            )
            self._index_add(entry)
        location = RecordLocation(
            filename=self.filename or "",
            offset=offset,
            length=length,
            record_id=record_id,
            payload_digest=payload_digest,
            date=date,
        )
        return location

    def write_verbatim(self, record: bytes) -> tuple[str, int, int]:
        """Append a record exactly as another archive wrote it (one gzip member, or plain).

        Returns (filename, offset, length). A plain record is compressed as one member;
        its bytes are not otherwise touched, so its own digests still hold.
        """
        self._ensure_file(datetime.now(timezone.utc))
        member = record if record[:2] == b"\x1f\x8b" else self._member(record)
        ((offset, length),) = self._append(member)
        self._index_add(None)  # another archive's record: read by cdxj-indexer
        return self.filename or "", offset, length

    def _index_add(self, entry: IndexEntry | None) -> None:
        """Note a written record's CDXJ entry (None: the file must be read to be indexed)."""
        if self._index is None or self.filename is None:
            return
        entries = self._index.get(self.filename)
        if entries is None:
            return
        if entry is None or not self._entries_left:
            self._index[self.filename] = None
            self._entries_left += len(entries)
        else:
            entries.append(entry)
            self._entries_left -= 1

    def index_lines(self) -> dict[str, list[str]]:
        """The CDXJ lines of the closed files this writer can vouch for, by file name
        (empty without `index`): what :func:`.cdxj.update_index` takes as `known`."""
        if self._index is None:
            return {}
        return {
            name: entry_lines(name, entries)
            for name in self.files_written
            if (entries := self._index.get(name)) is not None
        }

    def _request(self, capture: Capture, date: str, response_id: str) -> bytes:
        assert capture.request is not None
        block = capture.request.header_block() + capture.request.body
        headers = self._common("request", new_record_id(), capture.url, date)
        headers.append(("WARC-Concurrent-To", response_id))
        if capture.ip_address:
            headers.append(("WARC-IP-Address", capture.ip_address))
        headers.append(("WARC-Block-Digest", sha1_digest(block)))
        return self._member(
            record_bytes(self.version, headers, block, "application/http; msgtype=request")
        )

    def write_metadata(
        self, url: str, date: str, concurrent_to: str, fields: Iterable[tuple[str, Any]]
    ) -> None:
        """A ``metadata`` record about an earlier record (its crawl context, its outlinks)."""
        self._ensure_file(datetime.now(timezone.utc))
        block = format_fields(fields)
        headers = self._common("metadata", new_record_id(), url, date)
        headers.append(("WARC-Concurrent-To", concurrent_to))
        headers.append(("WARC-Block-Digest", sha1_digest(block)))
        self._append(
            self._member(record_bytes(self.version, headers, block, "application/warc-fields"))
        )
