"""Finding a revisit's original payload through a CDXJ index (``warc/index.cdxj``, a WACZ's).

Lines look like ``SURT TIMESTAMP {"url": ..., "digest": ..., "filename": ..., "offset": ...}``
(the form cdxj-indexer and pywb write). The index is streamed once for all revisits left
unresolved by the records themselves. An index is read as data, not trusted: a line longer
than :data:`MAX_INDEX_LINE` is skipped, and an entry resolves only to a WARC file inside the
index's own folder (or a member of its own WACZ), never to another path of the machine.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .sources import Source, is_warc_name

MAX_INDEX_LINE = 64 * 1024


def _bounded(handle: io.TextIOBase) -> Iterator[str]:
    """The lines of `handle`, each at most :data:`MAX_INDEX_LINE` characters (longer skipped)."""
    while True:
        line = handle.readline(MAX_INDEX_LINE + 1)
        if not line:
            return
        if len(line) <= MAX_INDEX_LINE or line.endswith("\n"):
            yield line
            continue
        while line and not line.endswith("\n"):  # skip the rest of an overlong line
            line = handle.readline(MAX_INDEX_LINE + 1)


def _lines(entry: tuple[Source | None, Path]) -> Iterator[str]:
    member, path = entry
    if member is None:
        with open(path, encoding="utf-8", errors="replace") as handle:
            yield from _bounded(handle)
        return
    assert member.member is not None
    import gzip
    import zipfile

    with zipfile.ZipFile(member.path) as package, package.open(member.member) as raw:
        if member.member.endswith(".gz"):
            with gzip.open(raw) as unpacked:
                yield from _bounded(io.TextIOWrapper(unpacked, encoding="utf-8", errors="replace"))
        else:
            yield from _bounded(io.TextIOWrapper(raw, encoding="utf-8", errors="replace"))


def originals_by_digest(
    indexes: Iterable[tuple[Source | None, Path]],
    digests: set[str],
    *,
    existing: bool = True,
    urls: Mapping[str, str] | None = None,
) -> dict[str, tuple[Source, int]]:
    """For each wanted payload digest, the WARC record (source, offset) holding the payload;
    with `existing` off, also those in files the index names that are not there (any more).
    With `urls` (a digest's revisit URL), a record of that URL is taken over one of another
    URL holding the same payload: pywb replays a revisit from a response of its own URL."""
    found: dict[str, tuple[Source, int]] = {}
    own: set[str] = set()  # digests whose record found is of the URL asked for
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
            if digest not in wanted or wanted[digest] in own:
                continue
            same_url = urls is not None and fields.get("url") == urls.get(wanted[digest])
            if wanted[digest] in found and not same_url:
                continue
            if str(fields.get("mime", "")) == "warc/revisit" or "filename" not in fields:
                continue
            try:
                offset = int(fields["offset"])
            except (KeyError, TypeError, ValueError):
                continue
            source = _source_for(entry, str(fields["filename"]), existing)
            if source is not None and offset >= 0:
                found[wanted[digest]] = (source, offset)
                if same_url:
                    own.add(wanted[digest])
    return found


def _source_for(
    entry: tuple[Source | None, Path], filename: str, existing: bool = True
) -> Source | None:
    """The WARC an entry names, if it lies inside the index's folder (or its WACZ) and, if
    `existing`, is there."""
    member, path = entry
    if not is_warc_name(filename) or "\0" in filename:
        return None
    if member is not None:
        name = filename if filename.startswith("archive/") else f"archive/{filename}"
        if ".." in name.split("/"):
            return None
        return Source(member.path, name)
    folder = path.parent.resolve()
    target = (folder / filename).resolve()
    if folder not in target.parents or (existing and not target.is_file()):
        return None
    return Source(str(target))


def _bare(digest: str) -> str:
    """``sha1:ABC`` and ``ABC`` name one digest (cdxj-indexer drops the prefix)."""
    return digest.split(":", 1)[-1].strip().upper()
