"""Hostile and damaged archives, built with a few lines of code each.

The tests in ``test_archive_faults.py`` build them in their own folder; to measure a
command against one by hand::

    python -m tests.faults.hostile OUT          # writes OUT/<case>/... for every case
    /usr/bin/time -v newsarchive verify OUT/big-records
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter

MiB = 1 << 20


def capture(n: int, size: int = 300, *, url: str | None = None) -> Capture:
    """A capture of `size` body bytes that compress well (a big record stays a small file)."""
    block = os.urandom(1024)
    body = (block * (size // len(block) + 1))[:size]
    return Capture(
        url=url or f"http://example.org/{n}",
        date=datetime.now(timezone.utc),
        request=HttpMessage(f"GET /{n} HTTP/1.1", [("Host", "example.org")]),
        response=HttpMessage("HTTP/1.1 200 OK", [("Content-Length", str(size))], body),
    )


def big_records_open(folder: Path) -> Path:
    """A ``.open`` file a killed writer left: records of 5 and 50 MiB with small ones after
    each, the last member cut in the middle (10 whole records: warcinfo, 5 responses, 4
    requests)."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = WarcWriter(folder, prefix="newsarchive-cnn")
    for n, size in enumerate((5 * MiB, 300, 50 * MiB, 300, 300)):
        writer.write_capture(capture(n, size))
    open_path = folder / f"{writer.filename}.open"
    writer._file.close()  # killed: the file stays .open
    whole = open_path.read_bytes()
    open_path.write_bytes(whole[:-25])
    return open_path


CASES = {
    "big-records": big_records_open,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.faults.hostile OUT", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for name, build in CASES.items():
        print(build(out / name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
