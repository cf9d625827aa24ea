"""Public web archives behind one small interface: find captures, fetch one, read it back.

Three kinds (``--via``):

- ``wayback``: the Internet Archive's Wayback Machine. Captures from its CDX API
  (``/cdx/search/cdx?url=...&output=json``, a JSON array of rows with a header row), the
  raw capture from the ``id_`` form (``/web/TIMESTAMPid_/URL``): the original payload, the
  original headers given as ``x-archive-orig-*``.
- an archive's base URL (``http://host/collection``): a pywb or OpenWayback collection,
  whose CDX endpoint is ``BASE/cdx`` (pywb answers ``output=json`` with one JSON object per
  line) and whose raw captures are ``BASE/TIMESTAMPid_/URL``. ``timegate:URL`` asks any
  Memento TimeGate (RFC 7089) instead, with ``Accept-Datetime``.
- ``commoncrawl`` (or ``commoncrawl:CRAWL-NAME``): the Common Crawl index API (one JSON
  object per line: filename, offset, length) and an HTTP range request into the WARC file,
  which answers the original record exactly as Common Crawl wrote it.

Nothing here touches the network: the middleware (:mod:`crawler.viaarchive`) sends the
requests these build and hands the answers back to be read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

WAYBACK_URL = "https://web.archive.org"
COMMONCRAWL_INDEX_URL = "https://index.commoncrawl.org"
COMMONCRAWL_DATA_URL = "https://data.commoncrawl.org"

# A memento URL: BASE/TIMESTAMP[modifier]/ORIGINAL (Wayback, pywb and OpenWayback alike).
_MEMENTO = re.compile(r"/(\d{4,14})([a-z]{2}_)?/+(https?:/+.*)$", re.IGNORECASE)
# Headers the archive adds about the memento itself, never the original server's.
ARCHIVE_HEADERS = frozenset(
    {
        "memento-datetime",
        "link",
        "content-location",
        "preference-applied",
        "server-timing",
        "x-archive-src",
        "x-archive-guessed-content-type",
        "x-archive-guessed-charset",
        "x-app-server",
        "x-ts",
        "x-tr",
        "x-location",
        "x-page-cache",
        "x-cache-key",
        "x-rl",
        "x-na",
        "x-nid",
        "x-archive-screenname",
        "access-control-allow-origin",
    }
)
ORIG_PREFIX = "x-archive-orig-"
# Framing headers describe the bytes as the archive sent them, so they are the archive's.
FRAMING = frozenset({"content-length", "content-encoding", "transfer-encoding"})


@dataclass(frozen=True)
class Snapshot:
    """One capture an archive's index lists (CDX fields, in their own words)."""

    url: str
    timestamp: str  # 14 digits, UTC
    status: int | None = None
    mime: str = ""
    digest: str = ""
    filename: str = ""
    offset: int = -1
    length: int = -1

    @property
    def moment(self) -> datetime:
        return datetime.strptime(self.timestamp.ljust(14, "0")[:14], "%Y%m%d%H%M%S").replace(
            tzinfo=timezone.utc
        )

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def timestamp14(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def nearest(snapshots: list[Snapshot], at: datetime, window: timedelta) -> Snapshot | None:
    """The capture nearest `at` within `window` (of two equally near, the earlier).

    Captures of a server error (5xx, 429) are taken only when the window holds nothing
    else: any good capture says more of the page than the error the archive happened on.
    """
    within = [s for s in snapshots if abs(s.moment - at) <= window]
    good = [s for s in within if not (s.status and (s.status >= 500 or s.status == 429))]
    best: Snapshot | None = None
    for snap in good or within:
        if best is None or abs(snap.moment - at) < abs(best.moment - at):
            best = snap
    return best


def memento_moment(value: bytes | str | None, fallback: datetime) -> datetime:
    """A ``Memento-Datetime`` header (RFC 7089: an HTTP date) as a datetime, else `fallback`."""
    text = value.decode("latin-1") if isinstance(value, bytes) else (value or "")
    if not text.strip():
        return fallback
    try:
        return parsedate_to_datetime(text).astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError):
        return fallback


_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,<]+=(?:\"[^\"]*\"|[^;,<]*))*)")
_PARAM = re.compile(r';\s*([^=\s]+)\s*=\s*(?:"([^"]*)"|([^;,<]*))')


def memento_links(link_header: str) -> list[tuple[str, datetime]]:
    """The mementos a ``Link`` header lists (RFC 7089: rel containing "memento", a datetime)."""
    found = []
    for match in _LINK.finditer(link_header or ""):
        params = {
            m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)).strip()
            for m in _PARAM.finditer(match.group(2))
        }
        if "memento" not in params.get("rel", "").split() or "datetime" not in params:
            continue
        try:
            moment = parsedate_to_datetime(params["datetime"]).astimezone(timezone.utc)
        except (TypeError, ValueError, IndexError):
            continue
        found.append((match.group(1), moment))
    return found


def original_of(memento_url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a memento URL, or None."""
    found = _MEMENTO.search(urlsplit(memento_url)._replace(scheme="", netloc="").geturl())
    if found is None:
        return None
    original = re.sub(r"^(https?:)/+", r"\1//", found.group(3))
    return found.group(1), original


class Archive:
    """What every kind answers: where to look a URL up, how to read the index, what to fetch."""

    name: str
    #: The record comes back whole (a WARC record), not as an HTTP response to re-record.
    whole_records = False

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        raise NotImplementedError

    def parse_lookup(self, body: bytes) -> list[Snapshot]:
        return parse_cdx(body)

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        """The memento URL of a capture and the request headers to fetch it with."""
        raise NotImplementedError

    @property
    def host(self) -> str:
        raise NotImplementedError


class WaybackArchive(Archive):
    """A Wayback-style archive: CDX server for lookups, ``id_`` replay for raw captures."""

    def __init__(self, name: str, base: str, cdx: str):
        self.name = name
        self.base = base.rstrip("/")
        self.cdx = cdx

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        query = {
            "url": url,
            "output": "json",
            "from": timestamp14(at - window),
            "to": timestamp14(at + window),
        }
        return f"{self.cdx}?{urlencode(query)}"

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        return f"{self.base}/{snap.timestamp}id_/{snap.url}", {}


class TimeGateArchive(Archive):
    """Any Memento archive (RFC 7089): its TimeGate picks the memento nearest a datetime."""

    def __init__(self, base: str):
        self.name = f"timegate:{base}"
        self.base = base.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        return f"{self.base}/{url}"

    def lookup_headers(self, at: datetime) -> dict[str, str]:
        return {"Accept-Datetime": format_datetime(at.astimezone(timezone.utc), usegmt=True)}

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        # The memento the TimeGate named (kept in `filename`), in its raw form when the
        # archive has the Wayback URL scheme: BASE/TIMESTAMP/URL -> BASE/TIMESTAMPid_/URL.
        return raw_form(snap.filename), {}


def raw_form(memento_url: str) -> str:
    """``.../TIMESTAMP[mp_]/URL`` as ``.../TIMESTAMPid_/URL``; other memento URLs as they are."""
    return re.sub(r"/(\d{4,14})(?:[a-z]{2}_)?/(https?:/)", r"/\1id_/\2", memento_url, count=1)


class CommonCrawlArchive(Archive):
    """Common Crawl: its index API for lookups, a byte range of its WARC files for records."""

    whole_records = True

    def __init__(self, crawls: list[str], index_url: str, data_url: str):
        self.name = "commoncrawl"
        self.crawls = crawls
        self.index_url = index_url.rstrip("/")
        self.data_url = data_url.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.data_url).netloc

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        # One crawl per lookup: the caller asks each crawl in turn (see lookup_urls).
        raise NotImplementedError

    def lookup_urls(self, url: str, at: datetime, window: timedelta) -> list[str]:
        query = urlencode(
            {
                "url": url,
                "output": "json",
                "from": timestamp14(at - window),
                "to": timestamp14(at + window),
            }
        )
        return [f"{self.index_url}/{crawl}-index?{query}" for crawl in self.crawls]

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        end = snap.offset + snap.length - 1
        return f"{self.data_url}/{quote(snap.filename)}", {"Range": f"bytes={snap.offset}-{end}"}


def crawls_near(collinfo: bytes, at: datetime, window: timedelta, most: int = 2) -> list[str]:
    """Common Crawl crawls (``collinfo.json``) whose span comes nearest `at`, nearest first."""
    found = []
    for entry in json.loads(collinfo or b"[]"):
        try:
            start = _iso(entry["from"])
            end = _iso(entry["to"])
        except (KeyError, ValueError):
            continue
        distance = max(start - at, at - end, timedelta(0))
        if distance <= window:
            found.append((distance, str(entry["id"])))
    return [name for _, name in sorted(found)[:most]]


def _iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_cdx(body: bytes) -> list[Snapshot]:
    """CDX answers: a JSON array with a header row (Wayback), or one object per line (pywb, CC)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    rows: list[dict[str, Any]] = []
    if text.startswith("["):
        table = json.loads(text)
        if table:
            head = table[0]
            rows = [dict(zip(head, row, strict=False)) for row in table[1:]]
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
    snapshots = []
    for row in rows:
        url = row.get("original") or row.get("url")
        stamp = str(row.get("timestamp") or "")
        if not url or not stamp.isdigit():
            continue
        status = str(row.get("statuscode") or row.get("status") or "")
        snapshots.append(
            Snapshot(
                url=url,
                timestamp=stamp,
                status=int(status) if status.isdigit() else None,
                mime=str(row.get("mimetype") or row.get("mime") or ""),
                digest=str(row.get("digest") or ""),
                filename=str(row.get("filename") or ""),
                offset=int(row.get("offset") or -1),
                length=int(row.get("length") or -1),
            )
        )
    return snapshots


def original_headers(
    served: list[tuple[str, str]], captured: datetime | None = None
) -> list[tuple[str, str]]:
    """The original server's headers, from what the archive served with a raw capture.

    Wayback gives them as ``x-archive-orig-NAME`` and the rest are its own; pywb serves the
    original headers as they were, adding Memento ones. Framing headers (length, encoding)
    always describe the bytes as served; the original's, where they differ, stay
    ``X-Archive-Orig-...``.
    """
    prefixed = [(n, v) for n, v in served if n.lower().startswith(ORIG_PREFIX)]
    if not prefixed:
        # pywb serves the original headers, and a Date of its own where the capture had none.
        return [
            (n, v)
            for n, v in served
            if n.lower() not in ARCHIVE_HEADERS
            and not (n.lower() == "date" and not _near(v, captured))
        ]
    headers: list[tuple[str, str]] = []
    for name, value in prefixed:
        bare = name[len(ORIG_PREFIX) :]
        if bare.lower() in FRAMING or bare.lower() in ("date", "connection"):
            if bare.lower() == "date":
                headers.append((bare, value))
            else:
                headers.append((f"X-Archive-Orig-{bare}", value))
        else:
            headers.append((bare, value))
    have = {n.lower() for n, _ in headers}
    for name, value in served:
        lower = name.lower()
        if lower in FRAMING or (lower == "content-type" and "content-type" not in have):
            headers.append((name, value))
    return headers


def _near(http_date: str, captured: datetime | None) -> bool:
    """Whether an HTTP date lies within a day of the capture (so the original server's)."""
    if captured is None:
        return True
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return True
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return abs(moment - captured) <= timedelta(days=1)


def make_archive(spec: str, settings: Any, at: datetime, window: timedelta) -> Archive:
    """The archive `spec` names (``wayback``, ``commoncrawl[:CRAWL]``, ``timegate:URL``, a URL)."""
    if spec == "wayback":
        base = settings.get("NEWSARCHIVE_VIA_WAYBACK_URL") or WAYBACK_URL
        return WaybackArchive("wayback", f"{base.rstrip('/')}/web", f"{base}/cdx/search/cdx")
    if spec == "commoncrawl" or spec.startswith("commoncrawl:"):
        crawls = [c for c in spec.partition(":")[2].split(",") if c]
        return CommonCrawlArchive(
            crawls,
            settings.get("NEWSARCHIVE_VIA_COMMONCRAWL_INDEX_URL") or COMMONCRAWL_INDEX_URL,
            settings.get("NEWSARCHIVE_VIA_COMMONCRAWL_DATA_URL") or COMMONCRAWL_DATA_URL,
        )
    if spec.startswith("timegate:"):
        return TimeGateArchive(spec.partition(":")[2])
    if spec.startswith(("http://", "https://")):
        base = spec.rstrip("/")
        return WaybackArchive(base, base, f"{base}/cdx")
    raise ValueError(
        f"unknown archive {spec!r}: wayback, commoncrawl[:CRAWL], timegate:URL or an archive's URL"
    )
