"""``python -m bench.redesign DIR``: what the generic reader keeps of saved pages redesigned.

Outlets redesign every few years, renaming the classes and ids a template is chosen and
guided by. This renames every ``class``, ``id`` and ``data-testid`` value of each saved
page (``NAME.html``, with ``NAME.json`` naming its ``url`` and ``source``, as for
:mod:`bench.saved`), so no template matches, and compares the item the outlet's generic
reader then gives with the template's item of the page as it was served: per page, which
fields agree, and for the body the share of paragraphs both give. A measure of quality, not
of speed: it says how much a redesign would cost the store before a template is written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from .saved import load

_NAMED = re.compile(rb'\b(class|id|data-testid)="([^"]*)"')
FIELDS = ("headline", "authors", "datePublished", "dateline")


def redesigned(body: bytes) -> bytes:
    """`body` with every class, id and data-testid value renamed (spelt backwards)."""
    return _NAMED.sub(lambda found: found.group(1) + b'="zz' + found.group(2)[::-1] + b'"', body)


def agreement(served: dict[str, Any], generic: dict[str, Any] | None) -> dict[str, float]:
    """Per field, 1.0 where the generic item agrees with the template's, else 0.0; for
    ``paragraphs``, the share of the paragraphs either gives that both give."""
    if generic is None:
        return {"item": 0.0, **dict.fromkeys((*FIELDS, "paragraphs"), 0.0)}
    found: dict[str, float] = {"item": 1.0}
    for field in FIELDS:
        want, got = served.get(field), generic.get(field)
        if field == "authors":
            want = [person["name"] for person in want or []]
            got = [person["name"] for person in got or []]
        found[field] = float(want == got)
    both = set(served["paragraphs"]) | set(generic.get("paragraphs") or [])
    common = set(served["paragraphs"]) & set(generic.get("paragraphs") or [])
    found["paragraphs"] = len(common) / len(both) if both else 1.0
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.redesign", description=__doc__)
    parser.add_argument("folder", type=Path, help="saved pages (NAME.html, NAME.json)")
    args = parser.parse_args(argv)
    from crawler.pages import analyse

    pages = load(args.folder)
    if not pages:
        print(f"bench.redesign: no .html pages in {args.folder}", file=sys.stderr)
        return 2
    headers = {"Content-Type": "text/html"}
    names = [path.stem for path in sorted(args.folder.glob("*.html"))]
    columns = ("item", *FIELDS, "paragraphs")
    print("| page | template | reader | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---:|" * len(columns))
    totals = dict.fromkeys(columns, 0.0)
    compared = 0
    for name, (url, source, body) in zip(names, pages, strict=True):
        served = analyse(url, headers, body, source=source)
        if served.article is None:
            continue
        again = analyse(url, headers, redesigned(body), source=source)
        found = agreement(served.article, again.article)
        compared += 1
        for column in columns:
            totals[column] += found[column]
        cells = " | ".join(f"{found[column]:.2f}".rstrip("0").rstrip(".") for column in columns)
        print(f"| {name} | {served.extractor} | {again.extractor or '-'} | {cells} |")
    shares = " | ".join(f"{totals[column] / compared:.2f}" for column in columns)
    print(f"| all {compared} | | | {shares} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
