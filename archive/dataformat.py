"""What a data directory was written by: ``DATA/format.json`` and the markers in its files.

A data directory written by a newer newsarchive (a higher data layout, store lines of a
higher ``schemaVersion``, WARC files of a WARC version this one does not write) is refused
before anything is written, so an older version never mixes its lines into a newer store,
nor "recovers" a WARC file it cannot read. ``format.json`` is written on first use:

    {"layout": 1, "storeSchemaVersion": 1, "software": "newsarchive/0.1.0"}

``layout`` covers the folders and how their files are written (one gzip member per WARC
record, append-only month files); ``storeSchemaVersion`` is the ``metadata.schemaVersion``
of the store lines.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path
from typing import Any

from . import __version__
from .atomicjson import write_json

FORMAT_NAME = "format.json"
LAYOUT_VERSION = 1
STORE_SCHEMA_VERSION = 1  # the store lines' metadata.schemaVersion (crawler.pages.SCHEMA_VERSION)
WARC_VERSIONS = ("1.0", "1.1")
_TAIL = 1 << 16


class FormatError(Exception):
    """The data directory was written by another version; the message says what, in one line."""


def _refuse(found: str, supported: str) -> FormatError:
    return FormatError(
        f"{found}; this is newsarchive {__version__}, which supports {supported}: refused, "
        "nothing written (use the newsarchive that wrote it, or another data directory)"
    )


def check(data_dir: Path) -> None:
    """Raise :class:`FormatError` if anything in `data_dir` is newer than we are (reads only)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return
    _check_format_file(data_dir / FORMAT_NAME)
    for path in sorted((data_dir / "articles").glob("articles-*.jsonl")):
        _check_store_file(path)
    _check_warc_folder(data_dir / "warc")


def mark(data_dir: Path) -> None:
    """Write ``format.json`` if it is missing (atomically: temp file, fsync, rename)."""
    path = Path(data_dir) / FORMAT_NAME
    if path.exists():
        return
    content = {
        "layout": LAYOUT_VERSION,
        "storeSchemaVersion": STORE_SCHEMA_VERSION,
        "software": f"newsarchive/{__version__}",
    }
    write_json(path, content)


def _check_format_file(path: Path) -> None:
    if not path.exists():
        return
    try:
        found: Any = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path} cannot be read ({exc}); refused, nothing written") from None
    if not isinstance(found, dict):
        raise FormatError(f"{path} is not a newsarchive format file; refused, nothing written")
    layout, schema = found.get("layout"), found.get("storeSchemaVersion")
    if _newer(layout, LAYOUT_VERSION) or _newer(schema, STORE_SCHEMA_VERSION):
        raise _refuse(
            f"{path.parent} was written by {found.get('software') or 'another newsarchive'} "
            f"(data layout {layout}, store schemaVersion {schema})",
            f"data layout {LAYOUT_VERSION} and store schemaVersion {STORE_SCHEMA_VERSION}",
        )


def _newer(value: Any, supported: int) -> bool:
    """A version above ours, or one that is not a version number at all."""
    if value is None:
        return False
    return not isinstance(value, int) or isinstance(value, bool) or value > supported


def _check_store_file(path: Path) -> None:
    """The first and last whole lines: where lines of another version would be."""
    try:
        edges = _edge_lines(path)
    except OSError as exc:  # a folder where a month's file goes, a file we may not read
        raise FormatError(
            f"{path} cannot be read as a month of the store ({exc.strerror or exc}): move it "
            "away; refused, nothing written"
        ) from None
    for raw in edges:
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # not a store line: the readers skip it, the writer quarantines a torn one
        metadata = line.get("metadata") if isinstance(line, dict) else None
        schema = metadata.get("schemaVersion") if isinstance(metadata, dict) else None
        if _newer(schema, STORE_SCHEMA_VERSION):
            raise _refuse(
                f"{path} holds store lines of schemaVersion {schema}",
                f"store schemaVersion {STORE_SCHEMA_VERSION}",
            )


def _edge_lines(path: Path) -> list[bytes]:
    with open(path, "rb") as handle:
        head = handle.read(_TAIL)
        size = os.fstat(handle.fileno()).st_size
        handle.seek(max(0, size - _TAIL))
        tail = handle.read()
    lines = []
    if b"\n" in head:
        lines.append(head.split(b"\n", 1)[0])
    whole = tail[: tail.rfind(b"\n")] if b"\n" in tail else b""
    if whole:
        lines.append(whole.rsplit(b"\n", 1)[-1])
    return lines


def _check_warc_folder(folder: Path) -> None:
    """Files recovery would cut (``.open``) and the newest closed file: a WARC version we write."""
    if not folder.is_dir():
        return
    closed = sorted(folder.glob("*.warc.gz"), key=lambda p: (p.stat().st_mtime, p.name))
    for path in [*sorted(folder.glob("*.warc.gz.open")), *closed[-1:]]:
        version = _warc_version(path)
        if version is not None and version not in WARC_VERSIONS:
            raise _refuse(f"{path} is a WARC/{version} file", f"WARC {' and '.join(WARC_VERSIONS)}")


def _warc_version(path: Path) -> str | None:
    """``1.1`` from the first record's ``WARC/1.1`` line; None if unreadable (recovery's case)."""
    try:
        with gzip.open(path, "rb") as handle:
            first = handle.readline(64)
    except (OSError, EOFError, zlib.error):
        return None
    if not first.startswith(b"WARC/"):
        return None
    return first[5:].strip().decode("ascii", "replace")
