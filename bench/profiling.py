"""Reading a crawl's cProfile: the top entries and the share of the big cost centres."""

from __future__ import annotations

import io
import pstats
from pathlib import Path

# Where a crawled page's CPU goes, by the function that stands for each part.
CENTRES = {
    "extraction (crawler.pages.analyse)": ("crawler/pages/__init__.py", "analyse"),
    "WARC writing (WarcWriter.write_capture)": ("archive/warc/writer.py", "write_capture"),
    "WARC metadata records (write_metadata)": ("archive/warc/writer.py", "write_metadata"),
    "store (ArticleStore.add_many)": ("archive/store", "add_many"),
    "item validation (archive.validate.problems)": ("archive/validate.py", "problems"),
    "gzip compression (zlib Compress.compress)": ("~", "<method 'compress' of 'zlib.Compress"),
    "fsync": ("~", "<built-in method posix.fsync>"),
}


def load(paths: list[Path]) -> pstats.Stats | None:
    found = [str(p) for p in paths if p.exists()]
    if not found:
        return None
    return pstats.Stats(*found, stream=io.StringIO())


def total_seconds(stats: pstats.Stats) -> float:
    return float(getattr(stats, "total_tt", 0.0))


def centre_shares(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds of each cost centre (summed over matching functions)."""
    table = stats.stats  # type: ignore[attr-defined]
    shares = dict.fromkeys(CENTRES, 0.0)
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in table.items():
        for label, (file_part, func) in CENTRES.items():
            if file_part == "~":
                if filename == "~" and name.startswith(func):
                    shares[label] += cumulative
            elif (filename.endswith(file_part) or f"/{file_part}/" in filename) and name == func:
                shares[label] += cumulative
    return shares


def top_entries(stats: pstats.Stats, sort: str, count: int = 15) -> str:
    """pstats' own listing of the `count` heaviest entries, paths shortened."""
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(sort).print_stats(count)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(_shorten(line) for line in lines[start:] if line.strip())


def _shorten(line: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        index = line.find(marker)
        if index >= 0:
            head = line[:index]
            cut = head.rfind(" ")
            line = head[: cut + 1] + line[index + len(marker) :]
    for marker in ("/crawler/", "/archive/"):
        index = line.find(marker)
        if index >= 0:
            cut = line[:index].rfind(" ")
            line = line[: cut + 1] + line[index + 1 :]
    return line
