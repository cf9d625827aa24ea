"""A large WARC file cut into parts that are scanned apart, each from a record's start.

A part's boundaries are found by probing, not by reading the file: from every multiple of
the part size, the next gzip member that decompresses to a WARC record (in a ``.warc.gz``),
or the next ``WARC/1.`` line after a blank line (in a ``.warc``). A few kilobytes are read
per part. A boundary is only a hint: :func:`scan_part` stops at the first point past its
part's end where a scan of the whole file would begin afresh, and :func:`joined` scans again
from there whenever that is not where the next part began (a record spanning the boundary,
damage across it, a payload that looks like a record's start). So parts scanned apart and
joined give exactly the records and the damage of one scan of the whole file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .reader import record_start, scan
from .sources import Source


@dataclass(frozen=True)
class Part:
    """Bytes `start` (a record's start) to `end` of a WARC file; `end` None: to its end."""

    source: Source
    start: int
    end: int | None


@dataclass
class PartScan:
    """What :func:`scan_part` found, in record order, and where its scan stopped."""

    found: list[Any]
    stop: int


def split(source: Source, part_size: int) -> list[Part]:
    """`source` as parts of about `part_size` bytes, each starting at a record; one part for
    a file no larger than that (or one whose size cannot be read: the scan reports it)."""
    try:
        size = source.size()
    except (OSError, KeyError):
        return [Part(source, 0, None)]
    if part_size <= 0 or size <= part_size:
        return [Part(source, 0, None)]
    starts = [0]
    with source.open() as handle:
        target = part_size
        while target < size:
            found = record_start(handle, target, size, source.gzipped)
            if found < 0:
                break
            starts.append(found)
            target = max(target + part_size, found + 1)
    ends: list[int | None] = [*starts[1:], None]
    return [Part(source, start, end) for start, end in zip(starts, ends, strict=True)]


def scan_part(part: Part) -> PartScan:
    """The records and damage of one part, and where its scan stopped (runs on a worker)."""
    found: list[Any] = []
    records = scan(part.source, start=part.start, end=part.end)
    while True:
        try:
            found.append(next(records))
        except StopIteration as done:
            return PartScan(found, done.value)


def joined(
    parts: Iterable[tuple[Part, Callable[[], PartScan]]],
    rescan: Callable[[Part], PartScan],
) -> Iterator[Any]:
    """The records of one file's parts, in order, as one scan of the file gives them.

    `parts` gives each part with a way to its scan (a future's result); where the previous
    part's scan stopped elsewhere than this part's start, the part is scanned again from
    that point with `rescan` (or skipped if that point is past its end).
    """
    position = 0
    for part, result in parts:
        if position == part.start:
            done = result()
        elif part.end is not None and position >= part.end:
            continue
        else:
            done = rescan(Part(part.source, position, part.end))
        yield from done.found
        position = done.stop


def scanned(
    sources: list[Source],
    part_size: int,
    submit: Callable[[Part], Callable[[], PartScan]],
    ahead: int,
) -> Iterator[tuple[Source, Iterator[Any]]]:
    """Each source with its records and damage in order, as one scan of it gives them; its
    parts (a file larger than `part_size` bytes cut at record starts) scanned elsewhere:
    `submit` starts a part's :func:`scan_part` (on a Dask worker, in a process pool) and
    gives a way to its result. `ahead` parts are in flight at a time.

    Each source's records must be read to their end before the next source's."""
    parts = (part for source in sources for part in split(source, part_size))
    in_flight: deque[tuple[Part, Callable[[], PartScan]]] = deque()

    def fill() -> None:
        while len(in_flight) < max(1, ahead):
            part = next(parts, None)
            if part is None:
                return
            in_flight.append((part, submit(part)))

    def parts_of(source: Source) -> Iterator[tuple[Part, Callable[[], PartScan]]]:
        while True:
            fill()
            if not in_flight or in_flight[0][0].source != source:
                return
            part, result = in_flight.popleft()
            fill()
            yield part, result

    def rescan(part: Part) -> PartScan:
        return submit(part)()

    for source in sources:
        yield source, joined(parts_of(source), rescan)
