"""``python -m bench.index_update``: what a crawl's update of ``warc/index.cdxj`` costs as
the index grows over years of cron runs.

A synthetic sorted index of N lines (naming N/1000 WARC files) stands for the archive's
past; one real WARC file of ``--captures`` captures stands for the run that just ended, its
lines given by its writer as a crawl gives them. For each N: the first update (an index of
an older version, which is read once), and the next one (the list of indexed files kept
beside the index). Run it with another checkout on ``PYTHONPATH`` to compare.

    python -m bench.index_update [--lines 100000 1000000] [--captures 300] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter
from archive.warc.cdxj import INDEX_NAME, update_index


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.index_update", description=__doc__)
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--captures", type=int, default=300, help="captures of the new run")
    parser.add_argument("--workdir", type=Path)
    return parser.parse_args(argv)


def past_index(path: Path, lines: int) -> None:
    """`lines` sorted CDXJ lines as cdxj-indexer writes them, 1000 to a WARC file."""
    with open(path, "w", encoding="utf-8") as out:
        for n in range(lines):
            fields = {
                "url": f"https://www.example.com/{n:09d}/story.html",
                "mime": "text/html",
                "status": "200",
                "digest": "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "length": "30000",
                "offset": str(30000 * (n % 1000)),
                "filename": f"newsarchive-cnn-{n // 1000:09d}-00000-host.warc.gz",
            }
            out.write(f"com,example)/{n:09d}/story.html 20240101000000 {json.dumps(fields)}\n")


def new_run(folder: Path, captures: int) -> dict[str, list[str]]:
    """A closed WARC file of `captures` captures in `folder`; its lines, from its writer."""
    writer = WarcWriter(folder, prefix="newsarchive-cnn-run")
    for n in range(captures):
        body = f"<html><p>story {n}</p></html>".encode()
        writer.write_capture(
            Capture(
                url=f"https://www.example.com/{n * 7919 % 10**9:09d}/story.html",
                date=datetime.now(timezone.utc),
                request=HttpMessage("GET / HTTP/1.1", [("Host", "www.example.com")]),
                response=HttpMessage(
                    "HTTP/1.1 200 OK",
                    [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                    body,
                ),
            )
        )
    writer.close()
    return writer.index_lines()


def timed_update(folder: Path, known: dict[str, list[str]]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.monotonic()
    update_index(folder, known=known)
    return time.process_time() - cpu, time.monotonic() - wall


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-bench-index-"))
    print("| index lines | index MB | update | CPU s | wall s |\n|---:|---:|---|---:|---:|")
    for lines in args.lines:
        folder = work / f"warc-{lines}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        past_index(folder / INDEX_NAME, lines)
        size = (folder / INDEX_NAME).stat().st_size / 1e6
        for name in ("first (index of an older version)", "next (list kept)"):
            known = new_run(folder, args.captures)
            cpu, wall = timed_update(folder, known)
            print(f"| {lines} | {size:.0f} | {name} | {cpu:.2f} | {wall:.2f} |", flush=True)
        shutil.rmtree(folder)
    print(f"\n{args.captures} captures a run; work in {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
