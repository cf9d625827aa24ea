"""``python -m bench.saved DIR``: extraction speed on pages saved as the outlets served them.

The generated site flatters extraction (its pages are fixtures padded with filler); pages
saved from the outlets carry their real weight and structure. Each ``NAME.html`` in DIR
may have a ``NAME.json`` beside it naming its ``url`` and ``source``. Prints, per template
that answered, CPU ms per page of a bare ``lxml.html.fromstring`` parse, of ``analyse`` and
of trafilatura (if installed), and the ratios the goals are stated in.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any


def load(folder: Path) -> list[tuple[str, str | None, bytes]]:
    """(url, source, body) of every saved page in `folder`, in name order."""
    pages = []
    for page in sorted(folder.glob("*.html")):
        side = page.with_suffix(".json")
        meta = json.loads(side.read_text("utf-8")) if side.exists() else {}
        url = meta.get("url") or f"https://saved.invalid/{page.stem}"
        pages.append((url, meta.get("source"), page.read_bytes()))
    return pages


def cpu_ms(work: Callable[[], Any], repeat: int) -> float:
    """Median CPU milliseconds of `repeat` runs of `work`."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return 1000 * statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.saved", description=__doc__)
    parser.add_argument("folder", type=Path, help="saved pages (NAME.html, NAME.json)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (median kept)")
    args = parser.parse_args(argv)
    from lxml import html

    from crawler.pages import analyse

    from .offline import optional_trafilatura

    trafilatura = optional_trafilatura()
    pages = load(args.folder)
    if not pages:
        print(f"bench.saved: no .html pages in {args.folder}", file=sys.stderr)
        return 2
    headers = {"Content-Type": "text/html"}
    rows: dict[str, list[tuple[float, float, float | None]]] = {}
    for url, source, body in pages:
        analysis = analyse(url, headers, body, source=source)
        name = analysis.extractor or f"({analysis.kind})"
        parse = cpu_ms(partial(html.fromstring, body), args.repeat)
        ours = cpu_ms(partial(analyse, url, headers, body, source=source), args.repeat)
        theirs = (
            cpu_ms(
                partial(trafilatura.extract, body, url=url, with_metadata=True),
                max(1, args.repeat // 2) | 1,  # odd: the median is one run
            )
            if trafilatura
            else None
        )
        rows.setdefault(name, []).append((parse, ours, theirs))
    print(
        "| template | pages | lxml parse ms | analyse ms | trafilatura ms |"
        " analyse / parse | trafilatura / analyse |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    total: list[tuple[float, float, float | None]] = []
    for name in [*sorted(rows), "all"]:
        found = total if name == "all" else rows[name]
        if name != "all":
            total += found
        parse = sum(r[0] for r in found) / len(found)
        ours = sum(r[1] for r in found) / len(found)
        theirs = sum(r[2] or 0.0 for r in found) / len(found) if found[0][2] is not None else None
        print(
            f"| {name} | {len(found)} | {parse:.1f} | {ours:.1f} | "
            f"{'' if theirs is None else f'{theirs:.1f}'} | {ours / parse:.2f}x | "
            f"{'' if theirs is None else f'{theirs / ours:.1f}x'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
