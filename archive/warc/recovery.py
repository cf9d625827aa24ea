"""Closing WARC files a killed crawl left behind as ``NAME.warc.gz.open``.

Every record is its own gzip member and is flushed as soon as it is written, so a kill
can only damage the last member. Recovery keeps the complete members, cuts the rest off,
and renames the file to ``NAME.warc.gz``. A file still locked by a live writer is left
alone.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from .writer import OPEN_SUFFIX, try_lock

_CHUNK = 1 << 20
_MAX_OUT = 1 << 22


@dataclass(frozen=True)
class Recovered:
    """What recovery did to one ``.open`` file."""

    path: Path
    kept: int
    cut: int
    action: str  # "closed", "removed" (nothing complete in it), "busy" (a live writer), "failed"
    reason: str = ""

    def line(self) -> str:
        if self.action == "failed":
            return f"could not close leftover WARC file {self.path.name}: {self.reason}"
        return f"{self.action} leftover WARC file {self.path.name} (cut {self.cut} bytes)"


def complete_length(path: str | os.PathLike[str]) -> int:
    """Bytes at the head of `path` that form complete gzip members."""
    good = 0
    member_start = 0
    fed = 0
    decompressor = zlib.decompressobj(31)
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                return good
            data = chunk
            while data:
                try:
                    decompressor.decompress(data, _MAX_OUT)
                except zlib.error:
                    return good
                if decompressor.eof:
                    # At the end of a member zlib leaves what follows it in unused_data and
                    # may also keep a stale unconsumed_tail: count the input from one only.
                    rest = decompressor.unused_data
                    fed += len(data) - len(rest)
                    good = member_start + fed
                    member_start, fed = good, 0
                    decompressor = zlib.decompressobj(31)
                    data = rest
                else:
                    fed += len(data) - len(decompressor.unconsumed_tail)
                    data = decompressor.unconsumed_tail


def plain_cut(path: str | os.PathLike[str], start: int = 0) -> int | None:
    """Where an uncompressed WARC file stops holding whole records, if before its end
    (None: whole). A copy that stopped early ends inside a record: in its header block
    (warcio then stops without a word, or reads a record missing its Content-Length) or
    in its block. Read from `start`, a record's start, on."""
    from warcio.archiveiterator import ArchiveIterator

    from .bounded import bounded

    with open(path, "rb") as handle:
        handle.seek(start)
        records = bounded(ArchiveIterator(handle))
        records.INC_RECORD = ""  # a block longer than its Content-Length: verify names it
        end = start
        try:
            for record in records:
                where = records.offset
                stream = record.raw_stream
                while stream.read(_CHUNK):
                    pass
                left = getattr(stream, "limit", None)
                if not record.rec_headers.get_header("Content-Length") or left:
                    return int(where)
                records.read_to_end(record)
                end = records.get_record_offset() + records.get_record_length()
        except Exception:  # damage other than a cut: the readers name it
            return None
        handle.seek(end)
        rest = handle.read(_CHUNK)
    left = rest.lstrip(b"\r\n")  # the blank lines that end the last whole record
    return end + len(rest) - len(left) if left else None


def recover_file(path: Path) -> Recovered:
    """Cut the incomplete tail of one ``.open`` file, then close it under its final name."""
    with open(path, "r+b") as handle:
        if not try_lock(handle.fileno()):
            return Recovered(path, 0, 0, "busy")
        size = os.fstat(handle.fileno()).st_size
        kept = complete_length(path)
        if kept < size:
            handle.truncate(kept)
        handle.flush()
        os.fsync(handle.fileno())
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if kept == 0:
        path.unlink()
        return Recovered(path, 0, size, "removed")
    if final.exists():
        raise FileExistsError(0, f"{final.name} exists already")
    os.replace(path, final)
    return Recovered(final, kept, size - kept, "closed")


def recover_directory(directory: str | os.PathLike[str]) -> list[Recovered]:
    """Recover every leftover ``*.warc.gz.open`` file in `directory`."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    done = []
    for path in sorted(folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        try:
            done.append(recover_file(path))
        except OSError as exc:
            done.append(Recovered(path, 0, 0, "failed", exc.strerror or str(exc)))
    return done
