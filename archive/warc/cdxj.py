"""The CDXJ index of the archive (``warc/index.cdxj``), in the format pywb reads.

Lines come from cdxj-indexer (SURT key, 14-digit timestamp, JSON with url, mime, status,
digest, length, offset, filename) and are kept sorted. An update indexes only the WARC
files the index does not name yet and merges their lines in; a rebuild starts over.
Both write a temporary file and rename it, so a kill never leaves a half index.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

INDEX_NAME = "index.cdxj"


def index_lines(paths: Iterable[Path]) -> list[str]:
    """The sorted CDXJ lines of the given WARC files (filenames relative to their folder)."""
    files = [str(p) for p in paths]
    if not files:
        return []
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out.cdxj")
        CDXJIndexer(output=out, inputs=files).process_all()
        with open(out, encoding="utf-8") as handle:
            return sorted(line for line in handle if line.strip())


def indexed_filenames(index: Path) -> set[str]:
    """The WARC files an index names."""
    names: set[str] = set()
    if not index.exists():
        return names
    with open(index, encoding="utf-8") as handle:
        for line in handle:
            _key, _stamp, fields = line.split(" ", 2)
            names.add(json.loads(fields)["filename"])
    return names


def warc_files(directory: Path) -> list[Path]:
    """The closed WARC files of a folder, by name."""
    return sorted(p for p in directory.iterdir() if p.name.endswith((".warc.gz", ".warc")))


def update_index(directory: str | os.PathLike[str], *, rebuild: bool = False) -> int:
    """Bring ``DIRECTORY/index.cdxj`` up to date; return the number of lines added."""
    folder = Path(directory)
    if not folder.is_dir():
        return 0
    index = folder / INDEX_NAME
    known = set() if rebuild else indexed_filenames(index)
    new = [p for p in warc_files(folder) if p.name not in known]
    if not new and (index.exists() or not rebuild):
        return 0
    added = index_lines(new)
    old: Iterator[str] = iter(())
    handle = None
    if not rebuild and index.exists():
        handle = open(index, encoding="utf-8")  # noqa: SIM115 (closed below)
        old = iter(handle)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".cdxj", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.writelines(heapq.merge(old, added))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, index)
        except BaseException:  # a full disk: the old index stays, no half one is left
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        if handle is not None:
            handle.close()
    return len(added)


def refresh_index(directory: str | os.PathLike[str]) -> str | None:
    """`update_index` after a crawl: a problem is one line to report, never a crash."""
    try:
        update_index(directory)
    except Exception as exc:  # an unreadable WARC must not turn a good run into a crash
        return f"could not update {Path(directory) / INDEX_NAME}: {type(exc).__name__}: {exc}"
    return None
