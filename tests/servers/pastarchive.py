"""A public web archive's holdings, made from the bundled test site, for the ``--via`` tests.

The CNN test site's pages are written as captures of their real URLs
(``https://edition.cnn.com/...``) dated January 2013, and again in 2016 with other
content, into WARC files (one gzip member per record, as Common Crawl and pywb keep them).
A real pywb serves them (its CDX API and ``id_`` replay), and so does
:mod:`tests.servers.commoncrawl` (the Common Crawl index API and byte ranges).
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parent.parent.parent
SITE = REPO / "archive" / "testsite" / "site" / "cnn"
HOST = "https://edition.cnn.com"
REUTERS_SITE = REPO / "archive" / "testsite" / "site" / "reuters"
REUTERS = "https://www.reuters.com"

TIMBUKTU = f"{HOST}/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
GAO = f"{HOST}/2013/01/28/world/africa/mali-gao-airport/index.html"
REFUGEES = f"{HOST}/2013/01/27/world/africa/mali-refugees-niger/index.html"
CAMPS = f"{HOST}/2013/01/27/world/africa/mali-refugees-niger-camps/index.html"
MANUSCRIPTS = f"{HOST}/2013/01/30/world/africa/mali-manuscripts-saved/index.html"
KIDAL = f"{HOST}/2013/01/31/world/africa/mali-kidal-talks/index.html"
SECTION = f"{HOST}/world/africa/index.html"
START = f"{HOST}/world/africa"  # the cnn spider's default start point

LATER = "2016-03-01T09:00:00Z"
# Each page's captures: (WARC-Date, a word put before its headline, "" for the page as is).
CAPTURES: dict[str, list[tuple[str, str]]] = {
    SECTION: [("2013-01-29T06:00:00Z", "")],
    START: [("2013-01-29T06:00:00Z", "")],
    TIMBUKTU: [("2013-01-29T10:00:00Z", ""), (LATER, "Revised")],
    # Its referrer is of 29 January; its own nearest capture to 29 January is 1 February.
    GAO: [("2013-01-20T08:00:00Z", "Early"), ("2013-02-01T08:00:00Z", "Late"), (LATER, "Revised")],
    CAMPS: [("2013-01-27T12:00:00Z", ""), (LATER, "Revised")],
    KIDAL: [("2013-01-31T15:00:00Z", ""), (LATER, "Revised")],
    # Only a capture years later: not archived near January 2013.
    MANUSCRIPTS: [(LATER, "Revised")],
}
REDIRECTS = {REFUGEES: (CAMPS, "2013-01-27T11:59:00Z")}
# The archive's failures: a capture that is itself a block page, one that sends to a login.
BLOCKED = f"{REUTERS}/article/2013/01/20/us-mali-blocked-idUSBRE90J0ZZ20130120"
LOGIN = f"{REUTERS}/article/2013/01/21/us-mali-login-idUSBRE90K0AA20130121"
LOGIN_TARGET = f"{REUTERS}/login?redirect=%2Farticle%2F2013%2F01%2F21"


def page(url: str, word: str) -> bytes:
    path = SECTION if url == START else url
    body = (SITE / path[len(HOST) + 1 :]).read_bytes()
    if word:
        body = re.sub(rb"(<h1[^>]*>)", rb"\1" + word.encode() + b": ", body, count=1)
        body = re.sub(rb"(<title>)", rb"\1" + word.encode() + b": ", body, count=1)
    return body


def write_warcs(directory: Path) -> list[Path]:
    """The captures as two WARC files: January 2013 and the later year."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, early in (("cnn-2013.warc.gz", True), ("cnn-2016.warc.gz", False)):
        path = directory / name
        with open(path, "wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            for url, captures in CAPTURES.items():
                for date, word in captures:
                    if date.startswith("2013") != early:
                        continue
                    write_response(writer, url, date, page(url, word))
            if early:
                for url, (target, date) in REDIRECTS.items():
                    # A server's own Date and Server: pywb serves them prefixed (its Location not).
                    headers = [("Date", http_date(date)), ("Server", "Apache/2.2.3")]
                    headers += [("Location", target), ("Content-Length", "0")]
                    write_response(writer, url, date, b"", "301 Moved Permanently", headers)
                blocked = (REUTERS_SITE / BLOCKED[len(REUTERS) + 1 :]).read_bytes()
                write_response(writer, BLOCKED, "2013-01-20T10:00:00Z", blocked, "403 Forbidden")
                headers = [("Location", LOGIN_TARGET), ("Content-Length", "0")]
                write_response(writer, LOGIN, "2013-01-21T10:00:00Z", b"", "302 Found", headers)
        paths.append(path)
    return paths


HTML_HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def http_date(iso: str) -> str:
    """An HTTP date ("Sun, 27 Jan 2013 11:59:00 GMT") of an ISO 8601 UTC time."""
    moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return format_datetime(moment, usegmt=True)


def write_response(
    writer: WARCWriter,
    url: str,
    date: str,
    body: bytes,
    status: str = "200 OK",
    headers: list | None = None,
) -> None:
    """One response record as an archive wrote it, under the WARC-Date given (as is)."""
    if headers is None:
        headers = [*HTML_HEADERS, ("Content-Length", str(len(body)))]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)
