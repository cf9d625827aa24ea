"""A Common Crawl stand-in: its index API and byte ranges of its WARC files, on loopback.

``python -m tests.servers.commoncrawl DIR [--throttle N]`` indexes the WARC files in DIR
(one gzip member per record, as Common Crawl writes them), prints
``{"url": "http://127.0.0.1:PORT", "log": PATH}`` once listening, and serves until stdin
closes:

- ``/collinfo.json``: the crawls (one, ``CC-MAIN-2013-05``, spanning January-February 2013
  and a second, ``CC-MAIN-2016-10``, spanning March 2016);
- ``/CRAWL-index?url=U&output=json[&from=&to=]``: one JSON object per line (urlkey,
  timestamp, url, mime, status, digest, length, offset, filename) or 404 with Common
  Crawl's "No Captures found" message;
- ``/data/FILENAME`` with ``Range: bytes=A-B``: 206 and those bytes (200 and the whole
  file without a Range, 416 for a range past the end).

With ``--throttle N`` the first N requests get ``429 Too Many Requests`` with
``Retry-After: 1``; with ``--ignore-range`` a data request gets the whole file (200), as a
server that does not do ranges would answer; with ``--alias A=B`` a lookup of URL A
answers B's captures, as an index matching loosely would; with ``--misplace A=B`` the
index lists A's captures at the byte range of B's record, as a damaged index would; with
``--cut-ranges N`` a byte range's answer announces the whole range but sends only its
first N bytes before the connection closes; with ``--collinfo TEXT`` ``/collinfo.json``
answers 200 with TEXT instead; with ``--length-off N`` the index lists each record's
length N bytes off (a loose or damaged index: its range ends past the record, or in it);
with ``--at-start`` it lists each record at the range of its file's first record (a
warcinfo or request record where the file opens with one).
Every
request is logged (``METHOD PATH
STATUS USER-AGENT``) to the log file, so a test reads what was asked and answered.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from warcio.archiveiterator import ArchiveIterator

from .loopback import serve_until_stdin_closes

CRAWLS = [
    {
        "id": "CC-MAIN-2013-05",
        "name": "January 2013 Index",
        "from": "2013-01-01T00:00:00",
        "to": "2013-02-28T23:59:59",
    },
    {
        "id": "CC-MAIN-2016-10",
        "name": "March 2016 Index",
        "from": "2016-03-01T00:00:00",
        "to": "2016-03-31T23:59:59",
    },
]


def index(directory: Path, at_start: bool = False) -> list[dict[str, str]]:
    rows = []
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            first = ""  # the length of the file's first record
            for record in records:
                record.content_stream().read()
                first = first or str(records.get_record_length())
                if record.rec_type != "response":
                    continue
                head = record.rec_headers
                date = head.get_header("WARC-Date") or ""
                http = record.http_headers
                mime = (http.get_header("Content-Type") or "").split(";")[0] if http else ""
                rows.append(
                    {
                        "url": head.get_header("WARC-Target-URI") or "",
                        "timestamp": re.sub(r"\D", "", date)[:14],
                        "mime": mime,
                        "status": http.get_statuscode() if http else "",
                        "digest": (head.get_header("WARC-Payload-Digest") or "")[5:],
                        "offset": "0" if at_start else str(records.get_record_offset()),
                        "length": first if at_start else str(records.get_record_length()),
                        "filename": path.name,
                    }
                )
    return rows


def crawl_of(timestamp: str) -> str:
    return "CC-MAIN-2013-05" if timestamp.startswith("2013") else "CC-MAIN-2016-10"


class Handler(BaseHTTPRequestHandler):
    rows: ClassVar[list[dict[str, str]]] = []
    directory: Path
    throttle: ClassVar[list[int]] = [0]
    ignore_range = False
    aliases: ClassVar[dict[str, str]] = {}
    misplaced: ClassVar[dict[str, str]] = {}
    cut_ranges: ClassVar[list[int | None]] = [None]
    collinfo: ClassVar[list[str | None]] = [None]
    length_off: ClassVar[list[int]] = [0]
    log_path: Path
    lock = threading.Lock()

    def do_GET(self) -> None:
        with self.lock:
            throttled = self.throttle[0] > 0
            if throttled:
                self.throttle[0] -= 1
        if throttled:
            self.answer(429, b"slow down\n", "text/plain", [("Retry-After", "1")])
            return
        parts = urlsplit(self.path)
        if parts.path == "/collinfo.json":
            if self.collinfo[0] is None:
                self.answer(200, json.dumps(CRAWLS).encode(), "application/json")
            else:
                self.answer(200, self.collinfo[0].encode(), "text/html")
        elif parts.path.endswith("-index"):
            self.lookup(parts.path[1 : -len("-index")], parse_qs(parts.query))
        elif parts.path.startswith("/data/"):
            self.data(parts.path[len("/data/") :])
        else:
            self.answer(404, b"not found\n", "text/plain")

    def lookup(self, crawl: str, query: dict[str, list[str]]) -> None:
        url = (query.get("url") or [""])[0]
        url = self.aliases.get(url, url)
        low = (query.get("from") or ["0"])[0].ljust(14, "0")
        high = (query.get("to") or ["9"])[0].ljust(14, "9")
        found = [
            row
            for row in self.rows
            if row["url"] == url
            and crawl_of(row["timestamp"]) == crawl
            and low <= row["timestamp"] <= high
        ]
        if not found:
            body = json.dumps({"message": f"No Captures found for: {url}"}).encode()
            self.answer(404, body + b"\n", "application/json")
            return
        if url in self.misplaced:
            where = next(row for row in self.rows if row["url"] == self.misplaced[url])
            places = ("offset", "length", "filename")
            found = [{**row, **{name: where[name] for name in places}} for row in found]
        if self.length_off[0]:
            found = [
                {**row, "length": str(int(row["length"]) + self.length_off[0])} for row in found
            ]
        key = "urlkey"
        lines = [json.dumps({key: url, **row}) for row in found]
        self.answer(200, ("\n".join(lines) + "\n").encode(), "text/x-ndjson")

    def data(self, name: str) -> None:
        path = self.directory / name
        if "/" in name or not path.is_file():
            self.answer(404, b"no such file\n", "text/plain")
            return
        data = path.read_bytes()
        wanted = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range") or "")
        if wanted is None or self.ignore_range:
            self.answer(200, data, "application/octet-stream")
            return
        start, end = int(wanted.group(1)), int(wanted.group(2))
        if start >= len(data) or end < start:
            self.answer(416, b"", "text/plain", [("Content-Range", f"bytes */{len(data)}")])
            return
        end = min(end, len(data) - 1)
        piece = data[start : end + 1]
        self.answer(
            206,
            piece,
            "application/octet-stream",
            [("Content-Range", f"bytes {start}-{end}/{len(data)}")],
            cut=self.cut_ranges[0],
        )

    def answer(
        self,
        status: int,
        body: bytes,
        mime: str,
        extra: list[tuple[str, str]] | None = None,
        cut: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra or ():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        with self.lock, open(self.log_path, "a") as log:
            log.write(f"GET {self.path} {status} {self.headers.get('User-Agent', '')}\n")

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--throttle", type=int, default=0)
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--alias", action="append", default=[], metavar="A=B")
    parser.add_argument("--misplace", action="append", default=[], metavar="A=B")
    parser.add_argument("--cut-ranges", type=int, default=None, metavar="N")
    parser.add_argument("--collinfo", default=None, metavar="TEXT")
    parser.add_argument("--length-off", type=int, default=0, metavar="N")
    parser.add_argument("--at-start", action="store_true")
    options = parser.parse_args()
    Handler.rows = index(options.directory, options.at_start)
    Handler.directory = options.directory
    Handler.throttle = [options.throttle]
    Handler.ignore_range = options.ignore_range
    Handler.aliases = dict(pair.split("=", 1) for pair in options.alias)
    Handler.misplaced = dict(pair.split("=", 1) for pair in options.misplace)
    Handler.cut_ranges = [options.cut_ranges]
    Handler.collinfo = [options.collinfo]
    Handler.length_off = [options.length_off]
    Handler.log_path = Path(tempfile.mkstemp(prefix="commoncrawl-", suffix=".log")[1])
    serve_until_stdin_closes(Handler, log=str(Handler.log_path))


if __name__ == "__main__":
    main()
