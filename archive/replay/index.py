"""Finding a revisit's original payload through a CDXJ index (``warc/index.cdxj``, a WACZ's).

Lines look like ``SURT TIMESTAMP {"url": ..., "digest": ..., "filename": ..., "offset": ...}``
(the form cdxj-indexer and pywb write). The index is streamed once for all revisits left
unresolved by the records themselves.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .sources import Source


def _lines(entry: tuple[Source | None, Path]) -> Iterator[str]:
    member, path = entry
    if member is None:
        with open(path, encoding="utf-8", errors="replace") as handle:
            yield from handle
        return
    assert member.member is not None
    import gzip
    import zipfile

    with zipfile.ZipFile(member.path) as package, package.open(member.member) as raw:
        if member.member.endswith(".gz"):
            with gzip.open(raw) as unpacked:
                yield from io.TextIOWrapper(unpacked, encoding="utf-8", errors="replace")
        else:
            yield from io.TextIOWrapper(raw, encoding="utf-8", errors="replace")


def originals_by_digest(
    indexes: Iterable[tuple[Source | None, Path]], digests: set[str]
) -> dict[str, tuple[Source, int]]:
    """For each wanted payload digest, the WARC record (source, offset) holding the payload."""
    found: dict[str, tuple[Source, int]] = {}
    wanted = {_bare(d): d for d in digests}
    for entry in indexes:
        for line in _lines(entry):
            parts = line.split(" ", 2)
            if len(parts) < 3 or not parts[2].startswith("{"):
                continue
            try:
                fields = json.loads(parts[2])
            except ValueError:
                continue
            digest = _bare(str(fields.get("digest", "")))
            if digest not in wanted or wanted[digest] in found:
                continue
            if str(fields.get("mime", "")) == "warc/revisit" or "filename" not in fields:
                continue
            try:
                offset = int(fields["offset"])
            except (KeyError, TypeError, ValueError):
                continue
            found[wanted[digest]] = (_source_for(entry, str(fields["filename"])), offset)
    return found


def _source_for(entry: tuple[Source | None, Path], filename: str) -> Source:
    member, path = entry
    if member is not None:
        name = filename if filename.startswith("archive/") else f"archive/{filename}"
        return Source(member.path, name)
    return Source(str(path.parent / filename) if not os.path.isabs(filename) else filename)


def _bare(digest: str) -> str:
    """``sha1:ABC`` and ``ABC`` name one digest (cdxj-indexer drops the prefix)."""
    return digest.split(":", 1)[-1].strip().upper()
