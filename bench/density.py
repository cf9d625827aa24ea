"""``python -m bench.density``: what a page is made of, not only how heavy it is.

Parse and extraction cost follow what a page is made of more than its bytes: a bench page
padded to an era's weight with a few big script blocks parses twice as fast as the pages
the outlet served. This measures bytes, elements, attributes, links, depth, the shares of
characters inside ``<script>`` (inline JSON apart) and ``<style>``, the share of visible
text, the non-ASCII characters and whether the charset is declared after the first of
them, and the CPU of a bare parse; for saved real pages and for the generated pages of
each era, so the two can be set side by side.

    python -m bench.density SAVED_DIR              # per-era profile of saved real pages
    python -m bench.density SAVED_DIR --pages      # one line per page (bench/eras.py's table)
    python -m bench.density --generated            # the same for each era's generated pages
    python -m bench.density SAVED_DIR --generated  # both, and the bare parse of each side
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html

# Saved page names start with their era (``cnn-2015-2021-04.html``); the fixture folder
# that era's bench site is built from. Two fixture folders share Reuters 2015-2018.
SAVED_PREFIXES: dict[str, tuple[str, ...]] = {
    "cnn-2010-2014-": ("cnn_2013",),
    "cnn-2015-2021-": ("cnn_2015",),
    "cnn-2022-": ("cnn_2021",),
    "cnnmoney-": ("cnn_money",),
    "reuters-2010-2014-": ("reuters_2013",),
    "reuters-2015-2018-": ("reuters_2015", "reuters_2016"),
    "reuters-2019-2020-": ("reuters_2018",),
    "reuters-2021-": ("reuters_2021",),
}
_JSON_TYPES = ("application/json", "application/ld+json")


@dataclass(frozen=True)
class Density:
    """What one page is made of; shares are of its bytes (characters once decoded)."""

    bytes: int
    elements: int
    attributes: int  # each costs the parser an allocation, like an element
    links: int
    depth: int
    script_share: float  # inside <script>, inline JSON included
    json_share: float  # inside <script type="application/(ld+)json">
    style_share: float  # inside <style>
    text_share: float  # visible text: outside <script>, <style> and <noscript>
    non_ascii: int  # characters above U+007F
    # 1 when a non-ASCII character comes before any charset declaration: libxml2 then
    # switches encoding mid-parse, which slows the whole parse (share of pages in a mean).
    late_charset: float = 0.0
    # Attributes the templates index (a query of the whole page each, one string per value):
    # ``class``, ``id`` and ``data-testid``.
    classes: int = 0
    ids: int = 0
    test_ids: int = 0

    @classmethod
    def mean(cls, many: list[Density]) -> Density:
        count = max(1, len(many))
        return cls(
            bytes=round(sum(d.bytes for d in many) / count),
            elements=round(sum(d.elements for d in many) / count),
            attributes=round(sum(d.attributes for d in many) / count),
            links=round(sum(d.links for d in many) / count),
            depth=round(sum(d.depth for d in many) / count),
            script_share=sum(d.script_share for d in many) / count,
            json_share=sum(d.json_share for d in many) / count,
            style_share=sum(d.style_share for d in many) / count,
            text_share=sum(d.text_share for d in many) / count,
            non_ascii=round(sum(d.non_ascii for d in many) / count),
            late_charset=sum(d.late_charset for d in many) / count,
            classes=round(sum(d.classes for d in many) / count),
            ids=round(sum(d.ids for d in many) / count),
            test_ids=round(sum(d.test_ids for d in many) / count),
        )


def measure(body: bytes) -> Density:
    """The density of one HTML page."""
    root = html.fromstring(body)
    decoded = body.decode("utf-8", "replace")
    total = max(1, len(decoded))
    elements = attributes = links = depth = script = inline_json = style = text = 0
    classes = ids = test_ids = 0
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        elements += 1
        attrib = node.attrib
        attributes += len(attrib)
        classes += "class" in attrib
        ids += "id" in attrib
        test_ids += "data-testid" in attrib
        depth = max(depth, level)
        tag = node.tag.lower()
        if tag == "a" and node.get("href"):
            links += 1
        if tag == "script":
            size = len(node.text or "")
            script += size
            if (node.get("type") or "").lower().strip() in _JSON_TYPES:
                inline_json += size
        elif tag == "style":
            style += len(node.text or "")
        elif tag != "noscript":
            text += len((node.text or "").strip())
        for child in node:
            text += len((child.tail or "").strip()) if isinstance(child.tag, str) else 0
            stack.append((child, level + 1))
    return Density(
        bytes=len(body),
        elements=elements,
        attributes=attributes,
        links=links,
        depth=depth,
        script_share=script / total,
        json_share=inline_json / total,
        style_share=style / total,
        text_share=text / total,
        non_ascii=len(decoded) - len(decoded.encode("ascii", "ignore")),
        late_charset=float(_late_charset(decoded)),
        classes=classes,
        ids=ids,
        test_ids=test_ids,
    )


_META_CHARSET_RE = re.compile(r"<meta[^>]*charset", re.I)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _late_charset(text: str) -> bool:
    """Whether a non-ASCII character comes before the page's charset declaration (or the
    page has non-ASCII characters and no declaration)."""
    wide = _NON_ASCII_RE.search(text)
    if not wide:
        return False
    declared = _META_CHARSET_RE.search(text)
    return declared is None or declared.start() > wide.start()


def parse_ms(body: bytes, repeat: int = 5) -> float:
    """Median CPU milliseconds of a bare ``lxml.html.fromstring`` of `body`."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        html.fromstring(body)
        times.append(time.process_time() - start)
    times.sort()
    return 1000 * times[len(times) // 2]


def paired_parse_ms(first: list[bytes], second: list[bytes], repeat: int) -> tuple[float, float]:
    """Mean over pages of the median parse CPU ms of each list, the two measured in turn
    (page by page, run by run) so that a busy machine weighs on both alike."""
    times: tuple[list[list[float]], list[list[float]]] = (
        [[] for _ in first],
        [[] for _ in second],
    )
    for _ in range(repeat):
        for index in range(max(len(first), len(second))):
            for side, bodies in enumerate((first, second)):
                if index < len(bodies):
                    start = time.process_time()
                    html.fromstring(bodies[index])
                    times[side][index].append(time.process_time() - start)

    def mean_of_medians(runs: list[list[float]]) -> float:
        medians = [sorted(r)[len(r) // 2] for r in runs]
        return 1000 * sum(medians) / max(1, len(medians))

    return mean_of_medians(times[0]), mean_of_medians(times[1])


def saved_by_era(folder: Path) -> dict[str, list[bytes]]:
    """The saved pages of `folder`, by the saved era prefix their name starts with."""
    found: dict[str, list[bytes]] = {}
    for page in sorted(folder.glob("*.html")):
        prefix = next((p for p in SAVED_PREFIXES if page.name.startswith(p)), None)
        if prefix:
            found.setdefault(prefix, []).append(page.read_bytes())
    return found


def generated_pages(era: str, count: int | None = None, seed: int = 1) -> list[bytes]:
    """`count` article pages of `era`'s bench site (one per real page profile by default),
    as ``python -m bench`` generates them."""
    from .eras import ERAS
    from .sitegen import generate

    chosen = {e.folder: e for e in ERAS}[era]
    with tempfile.TemporaryDirectory() as temp:
        site = generate(
            Path(temp) / "site",
            count or len(chosen.pages),
            seed=seed,
            era=era,
            profiles=chosen.pages,
            fixtures=chosen.fixtures,
        )
        return [file.read_bytes() for _, _, file in site.article_files()]


def _row(name: str, pages: int, d: Density, parse: float) -> str:
    return (
        f"| {name} | {pages} | {d.bytes:,} | {d.elements:,} | {d.attributes:,} | {d.links:,} | "
        f"{d.depth} | "
        f"{100 * d.script_share:.0f}% | {100 * d.json_share:.0f}% | {100 * d.style_share:.0f}% | "
        f"{100 * d.text_share:.1f}% | {d.non_ascii:,} | {d.late_charset:.2f} | "
        f"{d.classes:,} | {d.ids:,} | {d.test_ids:,} | {parse:.2f} |"
    )


HEADER = (
    "| pages of | n | bytes | elements | attributes | links | depth | script | of which JSON |"
    " style | text | non-ASCII | late charset | class | id | data-testid | bare parse ms |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.density",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", type=Path, nargs="?", help="saved real pages (NAME.html)")
    parser.add_argument(
        "--generated", action="store_true", help="also profile each era's generated pages"
    )
    parser.add_argument("--repeat", type=int, default=9, help="parses per page (median kept)")
    parser.add_argument(
        "--pages",
        action="store_true",
        help="one line per saved page: the numbers bench/eras.py holds",
    )
    args = parser.parse_args(argv)
    if args.folder is None and not args.generated:
        parser.error("give a folder of saved pages, --generated, or both")
    saved = saved_by_era(args.folder) if args.folder else {}
    if args.folder and not saved:
        print(f"bench.density: no saved era pages in {args.folder}", file=sys.stderr)
        return 2
    if args.pages:
        for prefix, bodies in saved.items():
            for body in bodies:
                d = measure(body)
                print(
                    f"{prefix}: {d.bytes} {d.elements} {d.attributes} {d.links} {d.depth} "
                    f"{d.script_share:.3f} {d.json_share:.3f} {d.style_share:.3f} "
                    f"{d.text_share:.3f} {d.non_ascii} {d.late_charset:.0f} "
                    f"{d.classes} {d.ids} {d.test_ids}"
                )
        return 0
    print(HEADER)
    for prefix, bodies in saved.items():
        parse = sum(parse_ms(b, args.repeat) for b in bodies) / len(bodies)
        row = _row(
            f"real {prefix}*", len(bodies), Density.mean([measure(b) for b in bodies]), parse
        )
        print(row)
    if not args.generated:
        return 0
    from .eras import ERAS

    real_of = {era: prefix for prefix, eras in SAVED_PREFIXES.items() for era in eras}
    pairs = []
    for era in ERAS:
        bodies = generated_pages(era.folder)
        real = saved.get(real_of[era.folder], [])
        ours, theirs = paired_parse_ms(bodies, real, args.repeat)
        density = Density.mean([measure(b) for b in bodies])
        print(_row(f"generated {era.folder}", len(bodies), density, ours))
        if real:
            pairs.append((era.folder, ours, theirs))
    if pairs:
        print("\nBare parse, generated and real pages measured in turn:\n")
        print("| era | generated parse ms | real parse ms | generated / real |")
        print("|---|---:|---:|---:|")
        for name, ours, theirs in pairs:
            print(f"| {name} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
