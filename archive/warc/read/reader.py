"""Scanning WARC files record by record, reporting damage by file and offset and going on.

The scan reads headers (and the small blocks of ``metadata`` records); payloads are read
later, by offset, where they are extracted, or, for the records a caller asks for
(``scan(..., keep=...)``), in the same pass, digests checked, so that a replay in one
process reads each record once. A damaged stretch of a file (a truncated gzip member,
garbage, a non-WARC file) is reported and skipped: the scan resumes at the next record
boundary it can find.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import IO, Any

from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.digestverifyingreader import DigestVerifyingReader

from archive.warc.bounded import MissingTargetURI, bounded
from archive.warc.encoding import DEFAULT_MAX_SIZE as DOWNLOAD_MAXSIZE
from archive.warc.records import RecordLocation

from .sources import Source

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
PROBE_BYTES = 1 << 16  # read of a candidate gzip member to see a WARC record start in it
# Record types the replay uses; others (warcinfo, request, resource, conversion) are skipped.
USED_TYPES = ("response", "revisit", "metadata")
# Record types whose payload a scan may keep (their digests are checked as they are read).
PAYLOAD_TYPES = ("response", "revisit")
CLEAN_END = -1  # _scan_from read on to the file's end without damage


class QuietArchiveIterator(WARCIterator):
    """warcio's WARC-only iterator (no ARC guessing) without its stderr warnings."""

    INC_RECORD = ""


class RecordError(Exception):
    """A record that cannot be used: unreadable at its offset, or failing its digests."""


@dataclass
class Payload:
    """An HTTP message read from a record: headers and the payload as transferred."""

    headers: list[tuple[str, str]]
    raw: bytes  # de-chunked, content encodings intact (what Scrapy's downloader returns)
    status: int | None
    protocol: str


@dataclass(frozen=True)
class Problem:
    """Damage found in an archive: where, and what."""

    label: str
    offset: int
    message: str

    def __str__(self) -> str:
        return f"{self.label}:{self.offset}: {self.message}"


@dataclass
class RecordFacts:
    """What the scan learns of one record: enough to pair, resolve and fetch it later."""

    source: Source
    offset: int
    length: int
    rec_type: str
    url: str
    date: str
    record_id: str
    payload_digest: str | None = None
    concurrent_to: tuple[str, ...] = ()
    refers_to_url: str | None = None
    refers_to_date: str | None = None
    status: int | None = None
    content_type: str | None = None
    location: str | None = None
    has_http: bool = False
    truncated: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    # The record's HTTP message, read by a scan asked to keep it (or why it is unusable);
    # None: read it by offset. Not part of what the record is (equality, repr).
    payload: Payload | RecordError | None = field(default=None, compare=False, repr=False)

    def record_location(self) -> RecordLocation:
        """Where the record sits, as an item's ``warc`` provenance names it."""
        return RecordLocation(
            filename=self.source.name,
            offset=self.offset,
            length=self.length,
            record_id=self.record_id,
            payload_digest=self.payload_digest,
            date=self.date,
        )


def scan(
    source: Source,
    on_progress: Callable[[int], None] | None = None,
    start: int = 0,
    end: int | None = None,
    keep: Callable[[RecordFacts], bool] | None = None,
) -> Generator[Any, None, int]:
    """Yield :class:`RecordFacts` for the records replay uses and :class:`Problem` for damage.

    From `start` (a record boundary) to the file's end, or with `end` to the first point
    past it where a scan of the whole file would begin afresh: a record read whole at or
    past `end` (not yielded), or where the scan resumes after damage. Returns that point
    (the file's size at its end), so a part of a file scanned alone gives what the whole
    scan gives between the same points.

    With `keep`, a response or revisit for which it answers True comes with its
    ``payload``: what :func:`~archive.warc.read.payload.read_payload` would read at its
    offset, read in the same pass.
    """
    try:
        size = source.size()
    except (OSError, KeyError) as exc:
        yield Problem(source.label, 0, f"cannot read: {exc}")
        return 0
    if size == 0:
        yield Problem(source.label, 0, "empty file (zero length)")
        return 0
    with source.open() as handle:
        while start < size:
            if end is not None and start >= end:
                return start
            handle.seek(start)
            resume, ahead = yield from _scan_from(source, handle, start, on_progress, end, keep)
            if not ahead:
                return size if resume == CLEAN_END else resume
            # The next record: not a gzip body stored inside the damaged one (a WARC record
            # with a gzip-encoded payload holds its magic bytes as they came).
            start = record_start(handle, resume, size, source.gzipped)
            if start < 0:
                return size
    return size


def _scan_from(
    source: Source,
    handle: IO[bytes],
    start: int,
    on_progress: Callable[[int], None] | None,
    end: int | None = None,
    keep: Callable[[RecordFacts], bool] | None = None,
) -> Generator[Any, None, tuple[int, bool]]:
    """Scan from `start`: (CLEAN_END, False) at the file's clean end, (the offset of a whole
    record at or past `end`, False), or (the offset to search on from after damage, True)."""
    iterator = bounded(QuietArchiveIterator(handle))
    if keep is not None:
        checking(iterator, PAYLOAD_TYPES)
    last_end = start
    try:
        for record in iterator:
            length = record.rec_headers.get_header("Content-Length")
            if length and not length.strip().isdigit():
                # warcio read it as empty, its block as what follows: refused by name.
                return (yield from _unmeasured(source, handle, iterator.offset, length))
            facts = _facts(source, record)
            if keep is not None and facts is not None and facts.rec_type in PAYLOAD_TYPES:
                if keep(facts):
                    try:
                        facts.payload = payload_of(record, read_block(record))
                    except RecordError as exc:
                        facts.payload = exc
                else:
                    unchecked(record)
            iterator.read_to_end()
            offset, length = iterator.get_record_offset(), iterator.get_record_length()
            if not record.rec_headers.get_header("Content-Length"):  # its head cut at the end
                yield Problem(source.label, offset, _CUT_HEAD)
                return offset + 1, True
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:
                yield Problem(
                    source.label, offset, f"record truncated: {missing} bytes of its block missing"
                )
                return offset + 1, True
            if end is not None and offset >= end:
                return offset, False
            last_end = offset + length
            if on_progress is not None:
                on_progress(last_end)
            if facts is not None:
                facts.offset, facts.length = offset, length
                yield facts
    except Exception as exc:  # warcio and zlib raise many kinds; each is damage to report
        at = max(last_end, start)
        yield Problem(source.label, at, _describe(exc, whole_file=at == 0, gz=source.gzipped))
        return at + 1, True
    if not source.gzipped and (cut := _cut_after(handle, last_end)) is not None:
        # warcio ends quietly at a header block the file's end cuts: a record lost.
        yield Problem(source.label, cut, _CUT_HEAD)
        return cut + 1, True
    return CLEAN_END, False


_CUT_HEAD = "record cut short: the file ends inside its header block"


def _unmeasured(
    source: Source, handle: IO[bytes], at: int, length: str
) -> Generator[Any, None, tuple[int, bool]]:
    """A record at `at` whose Content-Length is no number: its problem, and where to search
    on from. In a gzip member, the next member; uncompressed, the record its block digest
    proves follows it (a ``WARC/1.`` line inside its block, an archived ``.warc``, is no
    record), or, with nothing to prove it, the file's end."""
    said = f"record refused: its Content-Length {length.strip()[:40]!r} is not a number of bytes"
    if source.gzipped:
        yield Problem(source.label, at, said)
        return at + 1, True
    from archive.warc.resync import record_after

    size = handle.seek(0, io.SEEK_END)
    after = record_after(handle, at, size)
    if after is None:
        yield Problem(
            source.label,
            at,
            f"{said}; the file is not read past it (nothing proves where its block ends)",
        )
        return size, True
    yield Problem(source.label, at, said)
    return after, True


def _cut_after(handle: IO[bytes], end: int) -> int | None:
    """Where bytes other than blank lines follow the last whole record of an uncompressed
    file (`end`): the start of a record cut short; None when there are none."""
    handle.seek(end)
    rest = handle.read(PROBE_BYTES)
    left = rest.lstrip(b"\r\n")
    return end + len(rest) - len(left) if left else None


def _describe(exc: Exception, *, whole_file: bool, gz: bool) -> str:
    text = "".join(
        c if c.isprintable() and ord(c) < 127 else "?" for c in " ".join(str(exc).split())
    )
    text = text or type(exc).__name__
    if isinstance(exc, MissingTargetURI):
        return str(exc)  # the problem's own line names the file and offset
    if gz and not whole_file:
        return "damaged gzip member (a truncated or corrupt record); skipped to the next record"
    if "Unknown archive format" in text or "Invalid WARC record" in text:
        what = "not a WARC file" if whole_file else "not a WARC record"
        return f"{what} ({text[:100]})"
    return f"unreadable record ({type(exc).__name__}: {text[:120]})"


def find_magic(handle: IO[bytes], magic: bytes, start: int, size: int) -> int:
    """Offset of the next `magic` at or after `start`, or -1."""
    block = 1 << 16
    position = start
    carry = b""
    while position < size:
        handle.seek(position)
        chunk = handle.read(block)
        if not chunk:
            return -1
        data = carry + chunk
        found = data.find(magic)
        if found >= 0:
            return position - len(carry) + found
        carry = data[-(len(magic) - 1) :]
        position += len(chunk)
    return -1


def record_start(handle: IO[bytes], position: int, size: int, gzipped: bool) -> int:
    """Offset of the first record start found at or after `position`, or -1."""
    magic = GZIP_MAGIC if gzipped else WARC_MAGIC
    looks = _gzip_record if gzipped else _warc_record
    while position < size:
        found = find_magic(handle, magic, position, size)
        if found < 0:
            return -1
        if looks(handle, found):
            return found
        position = found + 1
    return -1


def _gzip_record(handle: IO[bytes], at: int) -> bool:
    """A gzip member starts at `at` and its first bytes are a WARC record's."""
    handle.seek(at)
    unpack = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        head = unpack.decompress(handle.read(PROBE_BYTES), len(WARC_MAGIC))
    except zlib.error:
        return False
    return head == WARC_MAGIC


def _warc_record(handle: IO[bytes], at: int) -> bool:
    """``WARC/1.x`` begins a line at `at` that follows a blank line (records end in two CRLFs)."""
    handle.seek(max(0, at - 4))
    before = handle.read(at - max(0, at - 4))
    version = handle.read(len(WARC_MAGIC) + 1)[len(WARC_MAGIC) :]
    return before.endswith((b"\n\n", b"\n\r\n")) and version.isdigit()


def _facts(source: Source, record: Any) -> RecordFacts | None:
    rec_type = record.rec_type
    if rec_type not in USED_TYPES:
        return None
    # Each name's first value (as warcio's get_header gives it), the headers read once.
    first: dict[str, str] = {}
    concurrent_to = []
    for name, value in record.rec_headers.headers:
        key = name.lower()
        if key == "warc-concurrent-to":
            concurrent_to.append(value)
        first.setdefault(key, value)
    facts = RecordFacts(
        source=source,
        offset=0,
        length=0,
        rec_type=rec_type,
        url=first.get("warc-target-uri") or "",
        date=first.get("warc-date") or "",
        record_id=first.get("warc-record-id") or "",
        payload_digest=first.get("warc-payload-digest"),
        concurrent_to=tuple(concurrent_to),
        refers_to_url=first.get("warc-refers-to-target-uri"),
        refers_to_date=first.get("warc-refers-to-date"),
        # A segment of a record split in several (WARC 1.1, section 6.9) holds part of its
        # block: continuation records are not joined, so it is a truncated capture.
        truncated=first.get("warc-truncated")
        or ("segment" if first.get("warc-segment-number") else None),
    )
    if rec_type == "metadata":
        block = record.raw_stream.read(1 << 20)
        facts.fields = parse_fields(block)
        return facts
    http = record.http_headers
    if http is not None and http.protocol.upper().startswith("HTTP"):
        facts.has_http = True
        try:
            facts.status = int(http.get_statuscode())
        except (TypeError, ValueError):
            facts.status = None
        facts.content_type = last_header(http.headers, "content-type")
        facts.location = last_header(http.headers, "location")
    return facts


def checking(iterator: Any, types: tuple[str, ...]) -> Any:
    """`iterator` (an ArchiveIterator just made) checking the digests of records of `types`
    as they are read (the others are read as without checks)."""
    iterator.check_digests = True
    loader = iterator.loader
    wrap = loader.wrap_digest_verifying_stream

    def wrap_if_used(stream: Any, rec_type: str, *args: Any, **kwargs: Any) -> Any:
        if rec_type not in types:
            return stream, False
        return wrap(stream, rec_type, *args, **kwargs)

    loader.wrap_digest_verifying_stream = wrap_if_used
    return iterator


def unchecked(record: Any) -> None:
    """The rest of `record` read without computing its digests (its payload is not used)."""
    stream = record.raw_stream
    if isinstance(stream, DigestVerifyingReader):
        stream.block_digester = stream.payload_digester = stream.payload_digester_obj = None


def read_block(record: Any, max_size: int = DOWNLOAD_MAXSIZE) -> bytes:
    """The rest of the block of a record whose headers were just parsed (read to its end:
    its digests, if its reader checks them, are then checked). RecordError for a block
    longer than `max_size` (the live crawl's limit): refused, not read whole.

    A block cut short (the file ends inside it) is the caller's to see, from the record's
    ``raw_stream.limit``, before it uses the block.
    """
    block_rest: bytes = record.raw_stream.read(max_size + 1)
    if len(block_rest) > max_size:
        raise RecordError(f"too_large: payload longer than the limit of {max_size} bytes")
    return block_rest


def payload_of(record: Any, block_rest: bytes, check: bool = True) -> Payload:
    """The HTTP message of a record read whole (:func:`read_block`); RecordError if `check`
    and its digests failed."""
    checker = getattr(record, "digest_checker", None)
    if check and checker is not None and checker.passed is False:
        raise RecordError("; ".join(checker.problems) or "digest mismatch")
    http = record.http_headers
    if http is None:
        return Payload(headers=[], raw=block_rest, status=None, protocol="")
    headers = list(http.headers)
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        status = None
    raw = block_rest
    if (last_header(headers, "transfer-encoding") or "").lower() == "chunked":
        raw = dechunk(raw)
    return Payload(headers=headers, raw=raw, status=status, protocol=http.protocol)


def dechunk(data: bytes) -> bytes:
    """Remove HTTP chunking (tools like wget store the body as it crossed the wire)."""
    try:
        return bytes(ChunkedDataReader(io.BytesIO(data)).read())
    except Exception:
        return data


def last_header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The last value of a header (what Scrapy's ``headers.get`` gives the spider)."""
    found = None
    for key, value in headers:
        if key.lower() == name:
            found = value
    return found


def parse_fields(block: bytes) -> dict[str, str]:
    """``application/warc-fields``: the first value of each name."""
    fields: dict[str, str] = {}
    for raw in block.decode("utf-8", "replace").splitlines():
        name, sep, value = raw.partition(":")
        if sep and name.strip() and name.strip() not in fields:
            fields[name.strip()] = value.strip()
    return fields
