"""Reading the store while it is written: whole lines only, from a snapshot of file sizes.

The latest version of each article is found in two streaming passes over the same
snapshot, so memory grows with the number of articles (a small tuple each), never with
the size of the store, and a crawl appending meanwhile cannot make the passes disagree.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from ..schema import Shape, article_schema, conforms, field_shapes
from .files import complete_lines, lock_name, writer_active
from .lines import worker_of

log = logging.getLogger("archive.store")

Position = tuple[int, int]  # (file index in the snapshot, byte offset of the line)

# Names ``fields`` may use: top-level fields, and dotted ones inside these two.
NESTED_FIELDS = {
    "metadata": ("dateDownloaded", "retrievedFrom", "extractor", "schemaVersion"),
    "warc": ("filename", "offset", "length", "recordId", "payloadDigest"),
}


def parse(raw: bytes, path: Path, offset: int) -> dict[str, Any] | None:
    """A line as a dict, or None (with a warning) for a line that is not a store line:
    not a JSON object, no ``articleId`` or ``version``, or a field of another JSON type
    than the schema gives it (a damaged or hand-edited line, which a reader would trip on)."""
    try:
        line = json.loads(raw)
    except ValueError:
        line = None
    if not is_store_line(line):
        log.warning("skipped a line that is not a store line: %s at byte %d", path, offset)
        return None
    if _SURROGATE_BYTES.search(raw):
        line = _without_lone_surrogates(line)
    return line


# A surrogate escaped (\ud800) or written in UTF-8's form for them, which JSON reads as a
# lone surrogate: a string no UTF-8 writer (SQLite, a file, a page) takes.
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with each lone surrogate in its strings, keys too, read as U+FFFD (a pair
    escaped as two is one character already)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_SURROGATE.sub("\ufffd", k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def is_store_line(line: Any) -> bool:
    """Whether a parsed line is a store line every reader can take (see :func:`parse`): the
    store's own fields there (the writer indexes each line by them), the rest well shaped."""
    return (
        isinstance(line, dict)
        and isinstance(line.get("articleId"), str)
        and isinstance(line.get("contentDigest"), str)
        and well_shaped(line)
    )


def well_shaped(line: dict[str, Any]) -> bool:
    """Whether every field of `line` the article schema names has a JSON type it allows
    (``metadata`` and ``warc`` field by field, arrays item by item), and ``version`` is a
    whole number from 1 to SQLite's largest. The store writes only such lines; this is what
    every reader may then take for granted, checked without a schema validator's cost."""
    version = line.get("version")
    if type(version) is not int or not 1 <= version < 1 << 63:
        return False
    return fields_well_shaped(line)


def fields_well_shaped(item: dict[str, Any]) -> bool:
    """:func:`well_shaped` but for ``version``: what an item must be before it is stored."""
    return conforms(item, _shapes())


@cache
def _shapes() -> dict[str, Shape]:
    return field_shapes(article_schema())


def whole_lines(
    articles_dir: Path, files: list[Path], sizes: list[int], *, warn: bool = True
) -> Iterator[tuple[Position, Path, bytes]]:
    """``(position, path, raw line)`` for each whole line of ``files`` up to ``sizes``."""
    for number, (path, size) in enumerate(zip(files, sizes, strict=True)):
        end = 0
        for offset, raw in complete_lines(path, 0, size):
            end = offset + len(raw) + 1
            yield (number, offset), path, raw
        if end < size and warn:
            if writer_active(articles_dir, lock_name(worker_of(path.name))):
                log.debug("%s: a line is being written; it is read next time", path)
            else:
                log.warning(
                    "skipped a torn last line in %s (%d bytes at byte %d): a writer died"
                    " mid-line; the next writer moves it to quarantine/",
                    path,
                    size - end,
                    end,
                )


def snapshot_lines(
    articles_dir: Path, files: list[Path], sizes: list[int] | None = None
) -> Iterator[tuple[Position, dict[str, Any]]]:
    """``(position, line)`` for each whole, valid line of ``files`` up to ``sizes`` (or now)."""
    if sizes is None:
        sizes = [path.stat().st_size for path in files]
    for position, path, raw in whole_lines(articles_dir, files, sizes):
        line = parse(raw, path, position[1])
        if line is not None:
            yield position, line


_REDUCED_RE = re.compile(r"\d{4}(?:-\d{2})?")


def iso_instant(text: str) -> str:
    """``2024-05-01``, ``2024-05-01T10:00`` or with seconds and an offset, as UTC ``...Z``;
    a month (``2024-05``) or a year (``2024``) stands for its first instant."""
    value = text.strip()
    if _REDUCED_RE.fullmatch(value):
        value += "-01-01"[: 10 - len(value)]
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date or time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # its offset moves it out of years 1 to 9999
        raise ValueError(f"{text!r} is not within years 1 to 9999 in UTC") from None
    # Four digits of year whatever the platform's strftime does with years before 1000:
    # the filters compare these strings with the lines' own.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def check_fields(fields: Iterable[str]) -> list[str]:
    """The requested field names, or ValueError naming an unknown one."""
    known = set(article_schema()["properties"])
    names = [name.strip() for name in fields if name.strip()]
    if not names:
        raise ValueError("no field named")
    for name in names:
        top, dot, sub = name.partition(".")
        if top not in known or (dot and sub not in NESTED_FIELDS.get(top, ())):
            raise ValueError(f"unknown field {name!r}")
    return names


def project(line: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Only the named fields, in the order named; ``metadata.extractor`` stays nested."""
    out: dict[str, Any] = {}
    for name in names:
        top, _, sub = name.partition(".")
        if not sub:
            out[top] = line.get(top)
            continue
        inner = line.get(top)
        out.setdefault(top, {})[sub] = inner.get(sub) if isinstance(inner, dict) else None
    return out


def downloaded(line: dict[str, Any]) -> str:
    metadata = line.get("metadata")
    return str(metadata.get("dateDownloaded") or "") if isinstance(metadata, dict) else ""


def iter_articles(
    articles_dir: Path,
    files: list[Path],
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    all_versions: bool = False,
    fields: Iterable[str] | None = None,
    published_since: str | None = None,
    published_until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored articles in file-then-line order.

    ``since`` (inclusive) and ``until`` (exclusive) bound ``metadata.dateDownloaded``, the
    capture time of a version. Without ``all_versions`` each article appears once, as its
    latest version captured before ``until`` (the store as it stood then), and only if
    that version was captured at or after ``since`` (what is new since then).
    ``published_since`` (inclusive) and ``published_until`` (exclusive) then bound the
    version's ``datePublished``; a version without one is left out when either is given.
    With ``all_versions``, a line two files of a month hold (one copied under a worker's
    name) comes out once; memory then grows with the lines of one month.
    """
    start = iso_instant(since) if since else None
    stop = iso_instant(until) if until else None
    first = iso_instant(published_since) if published_since else None
    last = iso_instant(published_until) if published_until else None
    names = check_fields(fields) if fields is not None else None

    def wanted(line: dict[str, Any]) -> bool:
        if source is not None and line.get("source") != source:
            return False
        when = downloaded(line)
        return stop is None or when < stop

    def fresh(line: dict[str, Any]) -> bool:
        if start is not None and downloaded(line) < start:
            return False
        if first is None and last is None:
            return True
        published = line.get("datePublished")
        if not isinstance(published, str) or not published:
            return False
        return (first is None or published >= first) and (last is None or published < last)

    sizes = [path.stat().st_size for path in files]
    if all_versions:
        # A line found again in another file of its month (a month file copied under a
        # worker's name) comes out once: the month's lines seen are kept, a month at a time.
        month, seen = "", set[tuple[Any, ...]]()
        for (number, _offset), line in snapshot_lines(articles_dir, files, sizes):
            if files[number].name[:_MONTH_PREFIX] != month:
                month, seen = files[number].name[:_MONTH_PREFIX], set()
            key = _line_key(line)
            if key in seen:
                continue
            seen.add(key)
            if wanted(line) and fresh(line):
                yield project(line, names) if names is not None else line
        return
    best: dict[str, tuple[int, Position]] = {}
    for position, line in snapshot_lines(articles_dir, files, sizes):
        if not wanted(line):
            continue
        known = best.get(line["articleId"])
        if known is None or line["version"] > known[0]:
            best[line["articleId"]] = (line["version"], position)
    chosen = {position for _version, position in best.values()}
    best.clear()
    for position, path, raw in whole_lines(articles_dir, files, sizes, warn=False):
        if position not in chosen:
            continue
        chosen_line = parse(raw, path, position[1])
        if chosen_line is not None and fresh(chosen_line):
            yield project(chosen_line, names) if names is not None else chosen_line


_MONTH_PREFIX = len("articles-YYYY-MM")  # what a month's files' names begin with


def _line_key(line: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a line the same line: its article's version, of the same WARC record."""
    warc = line.get("warc")
    place = (
        (warc.get("recordId"), warc.get("filename"), warc.get("offset"))
        if isinstance(warc, dict)
        else ()
    )
    return (line["articleId"], line["version"], line.get("contentDigest"), *place)


@dataclass(frozen=True)
class DamagedLine:
    """A whole line of a month file that is not a store line, and what can be read of it."""

    path: Path
    offset: int
    urls: tuple[str, ...]  # the ``url`` and ``canonicalUrl`` still readable in it


_URL_FIELD = re.compile(rb'"(?:url|canonicalUrl)":"((?:[^"\\]|\\.){1,4096})"')


def damaged_lines(articles_dir: Path, files: list[Path]) -> Iterator[DamagedLine]:
    """Every whole line that does not parse as a store line (a corrupted disk block, an
    editor's slip): where it is, and the URLs still readable in it."""
    sizes = [path.stat().st_size for path in files]
    for (_number, offset), path, raw in whole_lines(articles_dir, files, sizes, warn=False):
        try:
            line = json.loads(raw)
        except ValueError:
            line = None
        if is_store_line(line):
            continue
        urls = []
        for match in _URL_FIELD.finditer(raw):
            try:
                urls.append(json.loads(b'"' + match.group(1) + b'"'))
            except ValueError:
                continue
        yield DamagedLine(path, offset, tuple(dict.fromkeys(urls)))
