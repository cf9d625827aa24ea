"""``python -m bench.instructions DIR``: instructions per page of ``analyse``, per template.

CPU time on a shared or virtual machine drifts by tens of percent within minutes, more than
most changes to extraction save; the instructions a page's analysis executes do not. This
runs the pages of DIR (read as ``bench.saved`` reads them) once under valgrind's callgrind,
each template's pages in turn, and prints millions of instructions per page of ``analyse``
and of a bare ``lxml.html.fromstring`` parse (``--trafilatura``: and of trafilatura's
extraction, the generic extractor the goals are stated against). To compare two versions of
the code, run it in each (``--code OTHER_CHECKOUT`` measures another checkout's ``crawler``
package with this tool): runs of the same code agree to well under 1%. Instructions are not
time (Python's interpreter and libxml2 do different work per instruction, and a parse of a
large page waits on memory more than trafilatura's Python does): the goals stay stated in
``bench.saved``'s CPU time; this is for telling whether a change removed work.

Needs valgrind; about a minute for 43 pages, seven with ``--trafilatura``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Callgrind writes its counts so far to a new file each time this C function is entered:
# ``time.process_time()`` marks where one measured stretch ends and the next begins.
MARK_FUNCTION = "time_process_time"
_SUMMARY = re.compile(rb"^summary:\s+(\d+)", re.MULTILINE)
_PART = re.compile(r"\.(\d+)$")


def part_counts(folder: Path, *, last: bool = False) -> list[int]:
    """The instructions of each part callgrind dumped into `folder`, in dump order (the
    numbered files ``NAME.1``, ``NAME.2``, ...; the unnumbered one, after the last mark,
    only with `last`, at the end)."""
    numbered = []
    rest = []
    for path in folder.iterdir():
        found = _PART.search(path.name)
        if found:
            numbered.append((int(found.group(1)), path))
        elif last and path.is_file():
            rest.append((0, path))
    counts = []
    for _, path in [*sorted(numbered), *rest]:
        summary = _SUMMARY.search(path.read_bytes())
        if summary is None:
            raise ValueError(f"{path.name}: no summary line (not a callgrind output)")
        counts.append(int(summary.group(1)))
    return counts


def callgrind(
    valgrind: str,
    folder: Path,
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`command` run under callgrind (in `cwd`, if given), its counts dumped into `folder`
    at each mark (see :func:`part_counts`); `env` added to this process's environment.
    Hash seeds are fixed, so every run lays out its dicts alike."""
    return subprocess.run(
        [valgrind, "--tool=callgrind", f"--dump-before={MARK_FUNCTION}",
         f"--callgrind-out-file={folder / 'callgrind.out'}", *command],
        env={**os.environ, **(env or {}), "PYTHONHASHSEED": "0"},
        capture_output=True, text=True, cwd=cwd,
    )  # fmt: skip


def table(
    groups: list[tuple[str, int]], counts: list[int], repeat: int, trafilatura: bool = False
) -> list[str]:
    """Markdown rows: for each (template, pages) group, the parse and analyse parts (after
    the first part, start-up) as millions of instructions per page and run; with
    `trafilatura`, its part after those two, and how many times analyse's it is."""
    step = 3 if trafilatura else 2
    if len(counts) != 1 + step * len(groups):
        raise ValueError(f"{len(counts)} parts for {len(groups)} templates")
    head = "| template | pages | lxml parse Minstr | analyse Minstr | analyse / parse |"
    rule = "|---|---:|---:|---:|---:|"
    if trafilatura:
        head += " trafilatura Minstr | trafilatura / analyse |"
        rule += "---:|---:|"
    rows = [head, rule]
    parts = [counts[1 + step * index : 1 + step * (index + 1)] for index in range(len(groups))]
    for (name, pages), part in zip(groups, parts, strict=True):
        rows.append(_row(name, pages, part, repeat))
    total = [sum(part[i] for part in parts) for i in range(step)]
    rows.append(_row("all", sum(pages for _, pages in groups), total, repeat))
    return rows


def _row(name: str, pages: int, part: list[int], repeat: int) -> str:
    """One row from a group's parts: analyse, the bare parse, and trafilatura if counted."""
    analyse, parse = part[0], part[1]
    per = 1e6 * pages * repeat
    row = f"| {name} | {pages} | {parse / per:.2f} | {analyse / per:.2f} | {analyse / parse:.2f}x |"
    if len(part) > 2:
        row += f" {part[2] / per:.2f} | {part[2] / analyse:.1f}x |"
    return row


def measure(folder: Path, repeat: int, code: Path | None, with_trafilatura: bool = False) -> None:
    """Under callgrind: each template's pages, ``analyse`` then the bare parse (then
    trafilatura's extraction, if asked), `repeat` times each, one mark after each; prints
    the templates and their page counts."""
    if code is not None:
        sys.path.insert(0, str(code.resolve()))
    from lxml import html

    from bench.offline import optional_trafilatura
    from bench.saved import load
    from crawler.pages import analyse

    trafilatura = optional_trafilatura() if with_trafilatura else None

    headers = {"Content-Type": "text/html"}
    pages = load(folder)
    groups: dict[str, list[tuple[str, str | None, bytes]]] = {}
    for url, source, body in pages:
        analysis = analyse(url, headers, body, source=source)
        groups.setdefault(analysis.extractor or f"({analysis.kind})", []).append(
            (url, source, body)
        )
    for url, source, body in pages:  # every cache and lazy import filled before counting
        analyse(url, headers, body, source=source)
        html.fromstring(body)
        if trafilatura is not None:
            trafilatura.extract(body, url=url, with_metadata=True)
    names = sorted(groups)
    print("\t".join(f"{name}={len(groups[name])}" for name in names))
    time.process_time()
    for name in names:
        for _ in range(repeat):
            for url, source, body in groups[name]:
                analyse(url, headers, body, source=source)
        time.process_time()
        for _ in range(repeat):
            for _url, _source, body in groups[name]:
                html.fromstring(body)
        time.process_time()
        if trafilatura is not None:
            for _ in range(repeat):
                for url, _source, body in groups[name]:
                    trafilatura.extract(body, url=url, with_metadata=True)
            time.process_time()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("folder", type=Path, help="saved pages (NAME.html, NAME.json)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page counted")
    parser.add_argument(
        "--code", type=Path, help="a checkout whose crawler package is measured (default: this)"
    )
    parser.add_argument(
        "--trafilatura",
        action="store_true",
        help="count trafilatura's extraction of the same pages too (pip install '.[bench]')",
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        measure(args.folder, args.repeat, args.code, args.trafilatura)
        return 0
    if args.trafilatura:
        from bench.offline import optional_trafilatura

        if optional_trafilatura() is None:
            print("bench.instructions: trafilatura is not installed", file=sys.stderr)
            return 2
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("bench.instructions: valgrind is not installed", file=sys.stderr)
        return 2
    if not any(args.folder.glob("*.html")):
        print(f"bench.instructions: no .html pages in {args.folder}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as scratch:
        command = [
            sys.executable,
            "-m",
            "bench.instructions",
            "--inside",
            "--repeat",
            str(args.repeat),
            *(["--code", str(args.code)] if args.code else []),
            *(["--trafilatura"] if args.trafilatura else []),
            str(args.folder),
        ]
        done = callgrind(valgrind, Path(scratch), command)
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            print("bench.instructions: the counted run failed", file=sys.stderr)
            return 1
        groups = [
            (name, int(pages))
            for name, pages in (entry.rsplit("=", 1) for entry in done.stdout.strip().split("\t"))
        ]
        try:
            rows = table(groups, part_counts(Path(scratch)), args.repeat, args.trafilatura)
        except ValueError as exc:
            print(f"bench.instructions: {exc}", file=sys.stderr)
            return 1
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
