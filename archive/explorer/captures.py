"""Captures of a URL from a sorted CDXJ index, found by binary search: no index in memory.

A URL's captures are every line whose key (pywb's SURT form) has the URL's key without its
query as prefix and whose URL names the same page (tracking parameters, scheme and host
aliases ignored), so ``...?iid=sidebar`` and a redirect's 301 are among them.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit, urlunsplit

from archive.explorer.readmodel import url_key
from crawler.pages.urls import same_page_form

log = logging.getLogger("archive.explorer")
_TIMESTAMP = re.compile(r"\d{14}")


@dataclass(frozen=True)
class Capture:
    timestamp: str  # 14 digits, as in replay URLs
    url: str
    status: str
    mime: str
    kind: str  # "response", "revisit" or "redirect"
    filename: str = ""
    offset: int = 0
    length: int = 0
    digest: str = ""  # of the payload; a revisit's names the response it replays from

    @property
    def when(self) -> str:
        t = self.timestamp
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]} {t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def surt_key(url: str) -> str:
    from pywb.utils.canonicalize import canonicalize

    try:
        return str(canonicalize(url))
    except Exception:  # pywb raises its own error on a URL it cannot parse
        return ""


class CaptureIndex:
    """Lookups in ``warc/index.cdxj`` (sorted by key, as pywb and cdxj-indexer write it)."""

    def __init__(self, path: Path):
        self.path = path

    @staticmethod
    def _seek_first(f: BinaryIO, prefix: bytes) -> None:
        """Leave ``f`` at the start of the first line that sorts at or after ``prefix``."""
        low, high = 0, os.fstat(f.fileno()).st_size
        while low < high:  # the line starting after byte ``middle`` decides
            middle = (low + high) // 2
            f.seek(middle)
            if middle:
                f.readline()
            line = f.readline()
            if line and line < prefix:
                low = middle + 1
            else:
                high = middle
        f.seek(low)
        if low:
            f.readline()

    def lookup(self, url: str) -> list[Capture]:
        """Every capture of ``url`` under any form of it (see :func:`url_forms`), oldest
        first."""
        if not self.path.is_file():
            return []
        want = url_key(url)
        if not want:
            return []
        try:
            forms = url_forms(url)
        except ValueError:  # a URL urllib cannot split (an unclosed IPv6 host): none indexed
            return []
        prefixes = {surt_key(form).split("?", 1)[0] for form in forms} - {""}
        found: set[Capture] = set()
        with open(self.path, "rb") as f:
            for prefix in sorted(prefixes):
                found.update(self._lookup(f, prefix.encode("utf-8"), want))
        return sorted(found, key=lambda c: (c.timestamp, c.url))

    def _lookup(self, f: BinaryIO, prefix: bytes, want: str) -> list[Capture]:
        """The captures under one SURT key (its query variants included) of the page `want`."""
        found: list[Capture] = []
        self._seek_first(f, prefix)
        for raw in f:
            if raw < prefix:
                continue
            if not raw.startswith(prefix):
                break
            rest = raw[len(prefix) :]
            if rest[:1] not in (b" ", b"?"):
                continue
            capture = _capture(raw)
            if capture is None:
                log.warning("skipped a damaged line of %s: %r", self.path, raw[:200])
                continue
            if url_key(capture.url) == want:
                found.append(capture)
        return found


def _capture(raw: bytes) -> Capture | None:
    """A CDXJ line's capture, or None for a damaged line (a timestamp of other than 14
    digits, fields that are no JSON object or name no WARC file, an offset or length that
    is no number)."""
    parts = raw.decode("utf-8", "replace").rstrip("\r\n").split(" ", 2)
    if len(parts) < 3 or not _TIMESTAMP.fullmatch(parts[1]):
        return None
    try:
        fields = json.loads(parts[2])
        if not isinstance(fields, dict) or not fields.get("filename"):
            return None
        offset, length = int(fields.get("offset", 0) or 0), int(fields.get("length", 0) or 0)
    except (TypeError, ValueError):
        return None
    status = str(fields.get("status", ""))
    mime = str(fields.get("mime", ""))
    kind = (
        "revisit"
        if mime == "warc/revisit"
        else "redirect"
        if status.startswith("3")
        else "response"
    )
    return Capture(
        parts[1],
        str(fields.get("url", "")),
        status,
        mime,
        kind,
        str(fields.get("filename", "")),
        offset,
        length,
        str(fields.get("digest", "")),
    )


def url_forms(url: str) -> list[str]:
    """The URLs one page may be indexed under: ``slug``, ``slug/`` and ``slug/index.html``
    (the crawl takes them as one page), each with its path as written and percent-encoded."""
    parts = urlsplit(url)
    path = parts.path
    base = same_page_form(path)  # the crawl's one form of them
    paths = {path, base, base + "/", base + "/index.html"} if base.count("/") > 1 else {path}
    forms = []
    for each in sorted(paths):
        for spelled in dict.fromkeys((each, quote(each, safe="/%:@!$&'()*+,;=-._~"))):
            forms.append(urlunsplit(parts._replace(path=spelled)))
    return forms


def not_modified(capture: Capture) -> bool:
    """A revisit recorded from a 304: replayed as it was answered, with no page."""
    return capture.kind == "revisit" and capture.status == "304"


def showing(captures: list[Capture], capture: Capture) -> Capture | None:
    """The capture whose replay shows the page `capture` saw: itself, or for a 304 the
    latest earlier capture that holds the page (None if the index has none)."""
    if not not_modified(capture):
        return capture
    earlier = [
        c
        for c in captures
        if c.timestamp <= capture.timestamp and c.kind != "redirect" and not not_modified(c)
    ]
    return earlier[-1] if earlier else None


def newest_page(captures: list[Capture]) -> Capture | None:
    """The newest capture holding the page (no redirect, no 304), else the newest one."""
    held = [c for c in captures if c.kind != "redirect" and not not_modified(c)]
    return held[-1] if held else (captures[-1] if captures else None)


def missing_file(warc_dir: Path, capture: Capture, captures: Iterable[Capture] = ()) -> str | None:
    """The name of the WARC file `capture` replays from when it is not in `warc_dir` (a file
    removed or moved away): pywb cannot replay the capture. See :func:`missing_from`."""
    return missing_from(capture, captures, lambda name: file_there(warc_dir, name))


def missing_from(
    capture: Capture, captures: Iterable[Capture], there: Callable[[str], bool]
) -> str | None:
    """The WARC file `capture` replays from that is not `there`: its own, or for a revisit of
    an identical payload that of the responses it refers to (those of `captures`, its URL's,
    with its digest), when none of them is there."""
    if not there(capture.filename):
        return capture.filename
    if capture.kind != "revisit" or not_modified(capture) or not capture.digest:
        return None
    originals = [c.filename for c in captures if c.kind != "revisit" and c.digest == capture.digest]
    if originals and not any(there(name) for name in originals):
        return originals[-1]
    return None


def file_there(warc_dir: Path, name: str) -> bool:
    """Whether the WARC file `name` (a capture's) is in `warc_dir`."""
    return Path(name).name == name and (warc_dir / name).is_file()


def redirect_target(warc_dir: Path, capture: Capture) -> str | None:
    """Where an archived redirect leads: its ``Location``, read from its WARC record."""
    from urllib.parse import urljoin

    from warcio.archiveiterator import ArchiveIterator

    if capture.kind != "redirect" or not capture.filename or capture.length <= 0:
        return None
    if not file_there(warc_dir, capture.filename):
        return None
    path = warc_dir / capture.filename
    try:
        with open(path, "rb") as handle:
            handle.seek(capture.offset)
            raw = handle.read(capture.length)
        for record in ArchiveIterator(io.BytesIO(raw)):
            location = record.http_headers.get_header("Location") if record.http_headers else None
            return urljoin(capture.url, location) if location else None
    except Exception:  # a damaged record: the link stays unresolved
        return None
    return None
