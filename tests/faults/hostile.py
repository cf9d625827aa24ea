"""Hostile and damaged archives, built with a few lines of code each.

The tests in ``test_archive_faults.py`` build them in their own folder; to measure a
command against one by hand::

    python -m tests.faults.hostile OUT          # writes OUT/<case>/... for every case
    /usr/bin/time -v newsarchive verify OUT/big-records
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path

from archive.warc import Capture, HttpMessage, WarcWriter

MiB = 1 << 20
REPO = Path(__file__).resolve().parents[2]
ARTICLE_PAGE = (
    REPO / "archive/testsite/site/cnn/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
)
ARTICLE_URL = "https://www.cnn.com/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
HEADLINE = b"Troops enter Timbuktu as fighters melt into the desert"


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


def page_capture(
    url: str, body: bytes, when: datetime, headers: list[tuple[str, str]] | None = None
) -> Capture:
    """A capture of an HTML page at `url`, fetched at `when`."""
    head = [("Content-Type", "text/html; charset=utf-8"), *(headers or [])]
    head.append(("Content-Length", str(len(body))))
    return Capture(
        url=url,
        date=when,
        request=HttpMessage("GET / HTTP/1.1", [("Host", "www.cnn.com")]),
        response=HttpMessage("HTTP/1.1 200 OK", head, body),
    )


def article_body(headline: bytes = HEADLINE) -> bytes:
    """The test site's CNN article page, with another headline if asked."""
    return ARTICLE_PAGE.read_bytes().replace(HEADLINE, headline)


def at(day: int, second: int = 0) -> datetime:
    return datetime(2024, 1, day, 12, 0, second, tzinfo=timezone.utc)


def article_versions(folder: Path) -> Path:
    """Two versions of one article: A captured on Jan 1, B on Jan 2, in files whose names
    run against capture time (a clock that went backwards); A captured again under the
    URL without ``index.html``."""
    folder.mkdir(parents=True, exist_ok=True)
    later = WarcWriter(folder, prefix="newsarchive-a")
    later.write_capture(page_capture(ARTICLE_URL, article_body(b"Second headline"), at(2)))
    later.close()
    earlier = WarcWriter(folder, prefix="newsarchive-b")
    earlier.write_capture(page_capture(ARTICLE_URL, article_body(), at(1)))
    slug = ARTICLE_URL[: -len("/index.html")]
    earlier.write_capture(page_capture(slug, article_body(), at(1, 30)))
    earlier.close()
    return folder


def gzipped(data_chunks: int, chunk: bytes = bytes(MiB)) -> bytes:
    """gzip of `data_chunks` times `chunk`, built without holding the plain bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [compressor.compress(chunk) for _ in range(data_chunks)]
    out.append(compressor.flush())
    return b"".join(out)


BOMB_URL = "https://www.cnn.com/2013/01/29/world/africa/bomb/index.html"
DOUBLE_URL = "https://www.cnn.com/2013/01/29/world/africa/double/index.html"


def bombs(folder: Path) -> Path:
    """A gzip bomb (400 MiB of zeros), a ``gzip, gzip`` stack of the same, then a sound
    article: each as a crawl would have archived it (bytes as received)."""
    folder.mkdir(parents=True, exist_ok=True)
    bomb = gzipped(400)
    writer = WarcWriter(folder, prefix="newsarchive-cnn")
    writer.write_capture(page_capture(BOMB_URL, bomb, at(1), [("Content-Encoding", "gzip")]))
    double = gzip.compress(bomb, 9, mtime=0)
    writer.write_capture(
        page_capture(DOUBLE_URL, double, at(1, 1), [("Content-Encoding", "gzip, gzip")])
    )
    writer.write_capture(page_capture(ARTICLE_URL, article_body(), at(1, 2)))
    writer.close()
    return folder


PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\npeak-rss-kib {peak}\\n')\n"
    "sys.exit(done.returncode)\n"
)


def run_measured(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> tuple[subprocess.CompletedProcess[str], int]:
    """``newsarchive ARGS`` in a child; returns the result and the child's peak RSS in MiB
    (its own, and its workers' if larger: RUSAGE_CHILDREN of a fresh parent)."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
    )
    head, _, peak = result.stderr.rpartition("peak-rss-kib ")
    result.stderr = head.rstrip("\n")
    return result, int(peak.strip()) // 1024


def sound_warc(folder: Path, prefix: str = "newsarchive-cnn") -> Path:
    """A small sound WARC file of ours: the reader must still check it."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = WarcWriter(folder, prefix=prefix)
    writer.write_capture(page_capture(ARTICLE_URL, article_body(), at(3)))
    writer.close()
    return folder / writer.files_written[0]


def no_newlines(folder: Path, mib: int = 64) -> Path:
    """A ``.warc.gz`` of `mib` MiB of zeros (one gzip member of ~65 KB), named so that it
    is read before a sound file; and the same zeros as a deflated WACZ member."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "aaa-zeros.warc.gz").write_bytes(gzipped(mib))
    sound_warc(folder)
    package = folder / "zeros.wacz"
    with (
        zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as wacz,
        wacz.open("archive/zeros.warc", "w", force_zip64=True) as member,
    ):
        for _ in range(mib):
            member.write(bytes(MiB))
    return folder


def raw_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """One WARC record as a gzip member, written by hand (to break what writers keep)."""
    lines = ["WARC/1.1", *(f"{name}: {value}" for name, value in headers)]
    lines.append(f"Content-Length: {len(block)}")
    record = ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    return gzip.compress(record, 6, mtime=0)


def damaged_headers(folder: Path) -> Path:
    """A response without ``WARC-Target-URI``, a response whose HTTP header block ends
    early, each in its own file, then a sound file."""
    folder.mkdir(parents=True, exist_ok=True)
    common = [
        ("WARC-Type", "response"),
        ("WARC-Date", "2024-01-01T00:00:00Z"),
        ("Content-Type", "application/http; msgtype=response"),
    ]
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>hi</html>"
    (folder / "aa-no-target.warc.gz").write_bytes(
        raw_record([("WARC-Record-ID", "<urn:uuid:0-1>"), *common], page)
    )
    (folder / "ab-short-header.warc.gz").write_bytes(
        raw_record(
            [
                ("WARC-Record-ID", "<urn:uuid:0-2>"),
                ("WARC-Target-URI", ARTICLE_URL),
                *common,
            ],
            b"HTTP/1.1 200 OK\r\nContent-Ty",
        )
    )
    sound_warc(folder)
    return folder


def index_pointing_outside(folder: Path) -> Path:
    """A revisit whose original lies outside the folder, and an ``index.cdxj`` next to it
    naming that original by a relative path out of the folder, then ``/dev/zero``."""
    from archive.warc.records import IDENTICAL_PAYLOAD, Revisit

    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    original = WarcWriter(elsewhere, prefix="newsarchive-cnn")
    where = original.write_capture(page_capture(ARTICLE_URL, article_body(), at(1)))
    original.close()
    writer = WarcWriter(folder, prefix="newsarchive-cnn")
    revisit = Revisit(IDENTICAL_PAYLOAD, ARTICLE_URL, None, None, where.payload_digest)
    writer.write_capture(page_capture(ARTICLE_URL, article_body(), at(2)), revisit)
    writer.close()
    digest = (where.payload_digest or "").split(":", 1)[1]
    lines = []
    for filename in (f"../elsewhere/{original.files_written[0]}", "/dev/zero"):
        fields = {"url": ARTICLE_URL, "mime": "text/html", "status": "200", "digest": digest}
        fields.update(length=str(where.length), offset=str(where.offset), filename=filename)
        lines.append(f"com,cnn)/x 20240101120000 {json.dumps(fields)}\n")
    (folder / "index.cdxj").write_text("".join(lines))
    return folder


def impossible_dates(folder: Path) -> Path:
    """Article captures dated ``9999-99-99T99:99:99Z`` and ``9999-12-31T00:00:00Z``, then a
    sound file."""
    folder.mkdir(parents=True, exist_ok=True)
    members = []
    for number, date in enumerate(("9999-99-99T99:99:99Z", "9999-12-31T00:00:00Z")):
        block = page_capture(ARTICLE_URL, article_body(), at(1)).response
        members.append(
            raw_record(
                [
                    ("WARC-Type", "response"),
                    ("WARC-Record-ID", f"<urn:uuid:0-{number}>"),
                    ("WARC-Date", date),
                    ("WARC-Target-URI", ARTICLE_URL),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block.header_block() + block.body,
            )
        )
    (folder / "aa-dates.warc.gz").write_bytes(b"".join(members))
    sound_warc(folder)
    return folder


def many_articles(folder: Path, count: int = 400) -> Path:
    """`count` captures of article pages under different URLs: work for several workers."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = WarcWriter(folder, prefix="newsarchive-cnn")
    body = article_body()
    for n in range(count):
        url = ARTICLE_URL.replace("mali-timbuktu-retaken", f"story-{n}")
        writer.write_capture(page_capture(url, body, at(1, n % 60)))
    writer.close()
    return folder


CASES = {
    "many-articles": many_articles,
    "impossible-dates": impossible_dates,
    "index-outside": index_pointing_outside,
    "damaged-headers": damaged_headers,
    "no-newlines": no_newlines,
    "bombs": bombs,
    "article-versions": article_versions,
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
