"""A web archive whose every answer a test scripts: CDX index, raw captures, a TimeGate.

``python -m tests.servers.mementos CONFIG.json`` prints ``{"url": BASE, "log": PATH}`` once
listening and serves until stdin closes. CONFIG holds ``captures``, each a dict:

- ``url``, ``ts`` (14 digits): the capture, listed by the index under that timestamp;
- ``word``: put before the test site page's headline (``tests.servers.pastarchive.page``),
  the page of ``page_of`` when given, else of ``url``;
- ``status`` (default 200) and ``headers``: the original server's answer, served as is;
- ``dated``: the ``Memento-Datetime`` served, when it is not ``ts`` (an archive whose
  index and replay disagree);
- ``dated_text``: the ``Memento-Datetime`` served, as this text (one no HTTP date);
- ``moved_to``: the archive's own redirect of this capture to another of its timestamps
  (as the Wayback Machine does where a listed capture cannot be served); ``moved_url``:
  the URL of the capture it redirects to (default ``url``); ``moved_plain``: that redirect
  names the capture's replay form (``BASE/coll/TS/URL``), not its raw ``id_`` one;
- ``moved_base``: that redirect names a memento URL under this base, not the archive's
  (another archive, or a host posing as one);
- ``no_raw``: its raw form redirects to its replay form (an archive keeping no raw one);
- ``id``: the capture's memento URL is ``BASE/m/ID``, with no timestamp in it
  (archive.today, perma.cc);
- ``cut``: send only this many bytes of the body, its whole length announced (the archive's
  connection lost mid-capture);
- ``challenge``: its page is a challenge page (the outlet's bot block, served with 200);
- ``lost``: listed by the index, but its replay answers 404 (the archive lost it);
- ``excluded``: its replay answers 403 as the Wayback Machine does for an excluded page
  (``X-Archive-Wayback-Runtime-Error``); ``excluded`` in CONFIG makes the index answer so.

Endpoints (also at the Wayback Machine's paths, ``BASE/cdx/search/cdx`` and ``BASE/web/``):
``BASE/coll/cdx?url=U&from=F&to=T[&closest=TS][&limit=N]`` (one JSON object per line, as
pywb answers, nearest ``closest`` first where it is given, the first ``limit`` rows;
``cdx_time_order`` in CONFIG makes it ignore ``closest`` and answer in time order, as some
CDX servers do; ``cdx_rows_most`` caps every answer at that many rows, whatever ``limit``
asks, as a server's own maximum does; ``cdx_surt`` makes it list every form of the URL
(``http`` or ``https``, ``www.`` or not), as a server matching by SURT key does;
``cdx_body`` in CONFIG replaces the answer; ``cdx_cut`` sends only that many bytes of it,
its whole length announced), ``BASE/coll/TSid_/URL`` (the raw capture; ``BASE/coll/TS/URL``
its replay, which ``replay_rewrites`` in CONFIG makes a rewritten page, a banner put before
its headline),
``BASE/tg/URL`` (a TimeGate: the capture nearest ``Accept-Datetime``, the latest without
one, by 302 to its memento;
``timegate_other`` in CONFIG names another URL whose memento it sends to instead;
``timegate_body`` makes it answer 200 with that text, no Memento header;
``timegate_location`` makes it redirect there instead, ``/maintenance`` answering 200
with an HTML page of the archive's own; ``timegate_links`` makes it answer 200 with one
``Link`` header per value, ``{BASE}`` in them the archive's base URL), ``BASE/agg/URL`` (an
aggregator's TimeGate: 302 to the TimeGate ``BASE/tg/URL``), ``BASE/tm/URL`` (a
TimeMap: every capture of URL as a ``rel="memento"`` link to ``/coll/TS/URL``, in
application/link-format; ``timemap_body`` makes it answer 200 with that text;
``timemap_page_size`` cuts it into pages of that many, ``?page=N``, each linking the next
with ``rel="next"``; those of ``timemap_lost_pages`` answer 404), ``BASE/tmj/URL`` (the
same TimeMap in the JSON of Memento aggregators: ``mementos.list``, ``pages.next``), and
``BASE/m/ID``; ``BASE/moved/PATH`` answers 301 to ``BASE/PATH`` (an archive moved, or
upgrading to https). CONFIG is read again for each request, so a test changes the archive
between runs. Every request is logged (``METHOD PATH STATUS``) to the log file.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from .loopback import serve_until_stdin_closes
from .pastarchive import page

# A bot block served with 200, as DataDome answers a crawler it stops.
CHALLENGE = b"""<html><head><title>edition.cnn.com</title></head><body>
<p id="cmsg">Please enable JS and disable any ad blocker</p>
<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>
"""


def moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


class Handler(BaseHTTPRequestHandler):
    config_path: ClassVar[Path]
    log_path: ClassVar[Path]
    lock = threading.Lock()
    config: dict[str, Any]

    @property
    def captures(self) -> list[dict[str, Any]]:
        return list(self.config["captures"])

    def do_GET(self) -> None:
        self.config = json.loads(self.config_path.read_text())
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/moved/"):
            self.answer(301, [("Location", self.path[len("/moved") :])], b"")
        elif path in ("/coll/cdx", "/cdx/search/cdx"):
            self.index(parse_qs(parts.query))
        elif path.startswith(("/coll/", "/web/")):
            stamp, _, url = path.split("/", 2)[2].partition("/")
            self.capture(
                stamp.removesuffix("id_"),
                url + (f"?{parts.query}" if parts.query else ""),
                raw=stamp.endswith("id_"),
            )
        elif path.startswith("/tg/"):
            self.timegate(path[len("/tg/") :])
        elif path.startswith("/agg/"):
            location = f"/tg/{path[len('/agg/') :]}"
            self.answer(302, [("Location", location), ("Vary", "accept-datetime")], b"")
        elif path.startswith("/tm/"):
            self.timemap(path[len("/tm/") :], parse_qs(parts.query))
        elif path.startswith("/tmj/"):
            self.timemap_json(path[len("/tmj/") :], parse_qs(parts.query))
        elif path == "/maintenance":
            self.answer(200, [("Content-Type", "text/html")], b"<html>Resting.</html>\n")
        elif path.startswith("/m/"):
            found = [c for c in self.captures if c.get("id") == path[len("/m/") :]]
            if found:
                self.memento(found[0])
            else:
                self.answer(404, [], b"no such memento\n")
        else:
            self.answer(404, [], b"not found\n")

    def index(self, query: dict[str, list[str]]) -> None:
        if "excluded" in self.config:
            self.excluded()
            return
        if "cdx_body" in self.config:
            self.answer(200, [("Content-Type", "text/plain")], self.config["cdx_body"].encode())
            return
        url = (query.get("url") or [""])[0]
        low = (query.get("from") or ["0"])[0].ljust(14, "0")
        high = (query.get("to") or ["9"])[0].ljust(14, "9")
        found = [c for c in self.captures if self.matches(c["url"], url) and low <= c["ts"] <= high]
        closest = (query.get("closest") or [""])[0]
        if self.config.get("cdx_time_order"):  # a CDX server ignoring sort=closest
            found.sort(key=lambda c: c["ts"])
        elif closest:  # as a CDX server sorts them: nearest that timestamp first
            wanted = moment(closest.ljust(14, "0"))
            found.sort(key=lambda c: abs(moment(c["ts"]) - wanted))
        if query.get("limit"):
            found = found[: int(query["limit"][0])]
        if self.config.get("cdx_rows_most"):  # a server's own cap, under the limit asked
            found = found[: int(self.config["cdx_rows_most"])]
        rows = [
            json.dumps({"urlkey": url, "timestamp": c["ts"], "url": c["url"],
                        "status": str(c.get("status", 200)), "mime": "text/html"})
            for c in found
        ]  # fmt: skip
        if not rows:
            self.answer(404, [], b"No Captures found\n")
            return
        body = ("\n".join(rows) + "\n").encode()
        self.answer(200, [("Content-Type", "text/x-ndjson")], body, self.config.get("cdx_cut"))

    def matches(self, listed: str, asked: str) -> bool:
        """Whether the index lists a capture of `listed` for `asked`: the very URL, or with
        ``cdx_surt`` any form of it (its SURT key drops the scheme and ``www.``)."""
        if not self.config.get("cdx_surt"):
            return listed == asked

        def key(url: str) -> str:
            return url.split("://", 1)[-1].removeprefix("www.")

        return key(listed) == key(asked)

    def capture(self, stamp: str, url: str, raw: bool = True) -> None:
        found = [c for c in self.captures if c["url"] == url and c["ts"] == stamp]
        if found and found[0].get("excluded"):
            self.excluded()
        elif not found or found[0].get("lost"):
            self.answer(404, [], b"not in this archive\n")
        elif "moved_to" in found[0]:
            target = found[0].get("moved_url", url)
            mode = "" if found[0].get("moved_plain") else "id_"
            base = found[0].get("moved_base", "")
            location = f"{base}/coll/{found[0]['moved_to']}{mode}/{target}"
            self.answer(302, [("Location", location)], b"")
        elif raw and found[0].get("no_raw"):
            self.answer(302, [("Location", f"/coll/{stamp}/{url}")], b"")
        elif not raw and self.config.get("replay_rewrites"):
            self.memento({**found[0], "word": "Rewritten"})
        else:
            self.memento(found[0])

    def excluded(self) -> None:
        """The Wayback Machine's answer for a page excluded from it (or blocked by robots)."""
        error = (
            "org.archive.util.io.RuntimeIOException: "
            "org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error"
        )
        headers = [("Content-Type", "text/plain"), ("X-Archive-Wayback-Runtime-Error", error)]
        self.answer(403, headers, error.encode() + b"\n")

    def timegate(self, url: str) -> None:
        if "timegate_links" in self.config:
            base = f"http://{self.headers.get('Host')}"
            links = [
                ("Link", link.replace("{BASE}", base)) for link in self.config["timegate_links"]
            ]
            self.answer(200, [("Content-Type", "text/html"), *links], b"<html></html>")
            return
        if "timegate_location" in self.config:
            self.answer(302, [("Location", self.config["timegate_location"])], b"")
            return
        if "timegate_body" in self.config:
            body = self.config["timegate_body"].encode()
            self.answer(200, [("Content-Type", "text/html")], body)
            return
        asked = self.headers.get("Accept-Datetime")
        found = [c for c in self.captures if c["url"] == url]
        if not found:
            self.answer(404, [], b"no mementos\n")
            return
        if asked:
            wanted = parsedate_to_datetime(asked)
            best = min(found, key=lambda c: abs(moment(c["ts"]) - wanted))
        else:  # RFC 7089: no datetime asked, the most recent memento
            best = max(found, key=lambda c: c["ts"])
        target = self.config.get("timegate_other", url)
        location = f"/m/{best['id']}" if "id" in best else f"/coll/{best['ts']}/{target}"
        self.answer(302, [("Location", location), ("Vary", "accept-datetime")], b"")

    def timemap(self, url: str, query: dict[str, list[str]]) -> None:
        if "timemap_body" in self.config:
            body = self.config["timemap_body"].encode()
            self.answer(200, [("Content-Type", "text/html")], body)
            return
        found, page, more = self.timemap_page(url, query)
        if not found or page in self.config.get("timemap_lost_pages", []):
            self.answer(404, [], b"no mementos\n")
            return
        links = [
            f'<{url}>; rel="original"',
            f'</tm/{url}>; rel="self"; type="application/link-format"',
        ]
        for capture in found:
            dated = format_datetime(moment(capture["ts"]), usegmt=True)
            links.append(f'</coll/{capture["ts"]}/{url}>; rel="memento"; datetime="{dated}"')
        if more:
            links.append(f'</tm/{url}?page={page + 1}>; rel="next"; type="application/link-format"')
        body = (",\n".join(links) + "\n").encode()
        self.answer(200, [("Content-Type", "application/link-format")], body)

    def timemap_json(self, url: str, query: dict[str, list[str]]) -> None:
        """A TimeMap in the JSON of Memento aggregators (``mementos.list``, ``pages.next``)."""
        found, page, more = self.timemap_page(url, query)
        if not found:
            self.answer(404, [], b"no mementos\n")
            return
        base = f"http://{self.headers.get('Host')}"
        listed = [
            {"datetime": moment(c["ts"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "uri": f"{base}/coll/{c['ts']}/{url}"}
            for c in found
        ]  # fmt: skip
        timemap: dict[str, Any] = {"original_uri": url, "mementos": {"list": listed}}
        if more:
            timemap["pages"] = {"next": {"uri": f"{base}/tmj/{url}?page={page + 1}"}}
        body = json.dumps(timemap).encode()
        self.answer(200, [("Content-Type", "application/json")], body)

    def timemap_page(
        self, url: str, query: dict[str, list[str]]
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """The captures of `url` on the asked page of its TimeMap (``timemap_page_size`` in
        CONFIG: that many a page, in time order), the page's number, whether more follow."""
        found = sorted((c for c in self.captures if c["url"] == url), key=lambda c: c["ts"])
        size = int(self.config.get("timemap_page_size") or 0)
        page = int((query.get("page") or ["1"])[0])
        if not size:
            return found, page, False
        return found[(page - 1) * size : page * size], page, len(found) > page * size

    def memento(self, capture: dict[str, Any]) -> None:
        dated = format_datetime(moment(capture.get("dated", capture["ts"])), usegmt=True)
        dated = capture.get("dated_text", dated)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            *map(tuple, capture.get("headers", [])),
        ]
        body = page(capture.get("page_of", capture["url"]), capture.get("word", ""))
        if capture.get("challenge"):
            body = CHALLENGE
        status = int(capture.get("status", 200))
        self.answer(status, [*headers, ("Memento-Datetime", dated)], body, capture.get("cut"))

    def answer(self, status: int, headers: list[Any], body: bytes, cut: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        with self.lock, open(self.log_path, "a") as log:
            log.write(f"GET {self.path} {status}\n")

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    Handler.config_path = Path(sys.argv[1])
    Handler.log_path = Path(tempfile.mkstemp(prefix="mementos-", suffix=".log")[1])
    serve_until_stdin_closes(Handler, log=str(Handler.log_path))


if __name__ == "__main__":
    main()
