"""Public web archives behind one small interface: find captures, fetch one, read it back.

Three kinds (``--via``):

- ``wayback``: the Internet Archive's Wayback Machine. Captures from its CDX API
  (``/cdx/search/cdx?url=...&output=json``, a JSON array of rows with a header row), the
  raw capture from the ``id_`` form (``/web/TIMESTAMPid_/URL``): the original payload, the
  original headers given as ``x-archive-orig-*``.
- an archive's base URL (``http://host/collection``): a pywb or OpenWayback collection,
  whose CDX endpoint is ``BASE/cdx`` (pywb answers ``output=json`` with one JSON object per
  line) and whose raw captures are ``BASE/TIMESTAMPid_/URL``. ``timegate:URL`` asks any
  Memento TimeGate (RFC 7089) instead, with ``Accept-Datetime``; ``timemap:URL`` reads
  a Memento archive's TimeMaps (every memento of a page, with its datetime).
- ``commoncrawl`` (or ``commoncrawl:CRAWL-NAME``): the Common Crawl index API (one JSON
  object per line: filename, offset, length) and an HTTP range request into the WARC file,
  which answers the original record exactly as Common Crawl wrote it.

Nothing here touches the network: the middleware (:mod:`crawler.viaarchive`) sends the
requests these build and hands the answers back to be read.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from archive.warc.read.timestamps import parse_at
from archive.warc.records import is_empty_payload_digest

WAYBACK_URL = "https://web.archive.org"
COMMONCRAWL_INDEX_URL = "https://index.commoncrawl.org"
COMMONCRAWL_DATA_URL = "https://data.commoncrawl.org"
# The captures a CDX lookup asks for: those nearest --at (a front page has thousands a month).
CDX_LIMIT = 100

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
# The headers pywb serves prefixed (its header rules' "prefix" ones; Wayback prefixes every
# header of the original): an answer prefixing only these is pywb's, which serves the
# original's others as they were.
PYWB_PREFIXED = frozenset(
    {"access-control-allow-origin", "access-control-allow-credentials", "age", "alt-svc"}
    | {"access-control-expose-headers", "access-control-max-age", "cache-control"}
    | {"access-control-allow-methods", "access-control-allow-headers", "connection"}
    | {"content-encoding", "content-md5", "content-security-policy", "date", "etag"}
    | {"content-security-policy-report-only", "expires", "last-modified", "p3p", "pragma"}
    | {"public-key-pins", "retry-after", "server", "status", "strict-transport-security"}
    | {"trailer", "tk", "upgrade", "upgrade-insecure-requests", "vary", "via", "warning"}
    | {"x-frame-options", "x-xss-protection"}
)
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
    # The archive gave no capture time (a TimeGate's memento named by an id): `timestamp`
    # is --at's, until the memento's Memento-Datetime says when it was captured.
    undated: bool = False

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

    Captures of a server error (5xx, 429), of the outlet refusing the archive's crawler
    (401, 403: a block page), or of a 304 (the archive's crawler asked conditionally: no
    page in it), are taken only when the window holds nothing else: any good capture says
    more of the page than the answer the archive happened on. A revisit
    listed without its status (pywb's) may be such a 304: it comes after the good ones,
    unless a capture in the window holds the payload it names, which is then taken.
    """
    within = [s for s in snapshots if abs(s.moment - at) <= window]
    anywhere = {s.digest for s in snapshots if _holds_page(s)}
    chosen = min(
        within,
        key=lambda s: (
            (0 if s.digest in anywhere else 1) if _unsure(s) else _doubt(s),
            abs(s.moment - at),
            s.moment,
        ),
        default=None,
    )
    if chosen is not None and _unsure(chosen):
        # A revisit naming a payload a capture in the window holds: that capture, nearest
        # (pywb answers a 304 revisit with an empty 304). One held only outside the window
        # is taken itself: an identical-payload revisit replays as that payload.
        holders = [s for s in within if s.digest == chosen.digest and _holds_page(s)]
        if holders:
            return min(holders, key=lambda s: (abs(s.moment - chosen.moment), s.moment))
    return chosen


def _unsure(snapshot: Snapshot) -> bool:
    """A revisit listed without its status: identical payload, or a 304."""
    return snapshot.status is None and snapshot.mime == "warc/revisit"


def _holds_page(snapshot: Snapshot) -> bool:
    """A capture (no revisit) of a page with a payload: a 2xx, or a status not listed."""
    status = snapshot.status
    return (
        snapshot.mime != "warc/revisit"
        and bool(snapshot.digest)
        and not is_empty_payload_digest(snapshot.digest)
        and (status is None or 200 <= status < 300)
    )


def _doubt(snapshot: Snapshot) -> int:
    """0 for a capture of the page, 1 for a revisit of unknown status, 2 for an error, a
    refusal or a 304."""
    status = snapshot.status
    if status and (status in (304, 401, 403, 429) or status >= 500):
        return 2
    return 1 if _unsure(snapshot) else 0


def memento_moment(value: bytes | str | None, fallback: datetime) -> datetime:
    """A ``Memento-Datetime`` header (RFC 7089: an HTTP date) as a datetime, else `fallback`."""
    return memento_datetime(value) or fallback


def memento_datetime(value: bytes | str | None) -> datetime | None:
    """A ``Memento-Datetime`` header as a datetime; None where there is none or it reads as
    no HTTP date."""
    text = value.decode("latin-1") if isinstance(value, bytes) else (value or "")
    if not text.strip():
        return None
    try:
        return http_date(text)
    except (TypeError, ValueError, IndexError):
        return None


def http_date(text: str) -> datetime:
    """An HTTP date in UTC. ``-0000`` (RFC 5322: UTC, the sender's zone unknown) is UTC too,
    where Python reads it as naive, which ``astimezone`` would take for local time."""
    moment = parsedate_to_datetime(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def memento_datetime_unread(value: bytes | str | None) -> bool:
    """Whether a ``Memento-Datetime`` was given but reads as no HTTP date."""
    text = value.decode("latin-1") if isinstance(value, bytes) else (value or "")
    return bool(text.strip()) and memento_datetime(text) is None


# RFC 8288: white space may stand around ";" and "=", values are tokens or quoted strings,
# and a parameter may have none ("; crossorigin").
_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,<=\s]+\s*(?:=\s*(?:\"[^\"]*\"|[^;,<]*))?)*)")
_LINK_WITH_REL = re.compile(r"<[^>]*>\s*;[^<]*?\brel\s*=", re.IGNORECASE)
_PARAM = re.compile(r';\s*([^=\s;,]+)\s*(?:=\s*(?:"([^"]*)"|([^;,<]*)))?')


def web_links(link_header: str) -> list[tuple[str, dict[str, str]]]:
    """Each link of a ``Link`` header (or an application/link-format text) with its
    parameters, their names in lower case (RFC 8288); of a parameter given twice, the first
    (RFC 8288, 3.3: a ``rel`` after the first is ignored)."""
    found = []
    for match in _LINK.finditer(link_header or ""):
        params: dict[str, str] = {}
        for m in _PARAM.finditer(match.group(2)):
            value = m.group(2) if m.group(2) is not None else m.group(3) or ""
            params.setdefault(m.group(1).lower(), value.strip())
        found.append((match.group(1), params))
    return found


def _rels(params: dict[str, str]) -> list[str]:
    # Relation types compare without regard to case (RFC 8288, section 2.1.1).
    return params.get("rel", "").lower().split()


def memento_links(link_header: str) -> list[tuple[str, datetime]]:
    """The mementos a ``Link`` header lists (RFC 7089: rel containing "memento", a datetime).
    One whose datetime reads as no HTTP date (or is missing) is dated by its URL's timestamp
    where it has the Wayback shape, as a capture's unreadable Memento-Datetime is; else it
    has no date we know, and is left out."""
    found = []
    for link, params in web_links(link_header):
        if "memento" not in _rels(params):
            continue
        moment = memento_datetime(params.get("datetime"))
        if moment is None:
            named = original_of(link)
            if named is None:
                continue
            moment = parse_at(named[0])
        found.append((link, moment))
    return found


# Path segments (and first host labels) of the pages a site sends a reader to sign in or pay.
LOGIN_SEGMENTS = frozenset(
    {
        "login", "log-in", "logon", "signin", "sign-in", "sign_in", "auth", "sso",
        "account", "accounts", "myaccount", "subscribe", "subscription", "register",
        "signup", "sign-up", "paywall",
    }
)  # fmt: skip


def sends_to_login(location: str) -> bool:
    """Whether a redirect's target is a sign-in or subscription page: one of its path
    segments (its extension aside), or its host's first label, is such a word. A story
    whose slug merely holds one ("accountability", "subscribers") is none."""
    parts = urlsplit(location.strip())
    labels = (parts.hostname or "").split(".")
    if len(labels) > 2 and labels[0] in LOGIN_SEGMENTS:
        return True
    return any(
        segment.lower().rsplit(".", 1)[0] in LOGIN_SEGMENTS
        for segment in parts.path.split("/")
        if segment
    )


def original_of(memento_url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a memento URL, or None (also for a timestamp naming no
    moment, such as a 29 February of 2013: no archive captured then)."""
    found = _MEMENTO.search(urlsplit(memento_url)._replace(scheme="", netloc="").geturl())
    if found is None:
        return None
    try:
        parse_at(found.group(1))
    except ValueError:
        return None
    original = re.sub(r"^(https?:)/+", r"\1//", found.group(3))
    return found.group(1), original


def impossible_timestamp(memento_url: str) -> str:
    """The timestamp of a memento URL of the Wayback shape whose digits name no moment (a
    13th month, a 29 February of 2013): the archive's error, never a memento named by an
    id; "" for any other URL."""
    found = _MEMENTO.search(urlsplit(memento_url)._replace(scheme="", netloc="").geturl())
    if found is None:
        return ""
    try:
        parse_at(found.group(1))
    except ValueError:
        return found.group(1)
    return ""


class Archive:
    """What every kind answers: where to look a URL up, how to read the index, what to fetch."""

    name: str
    #: The record comes back whole (a WARC record), not as an HTTP response to re-record.
    whole_records = False
    #: Every header of the original is served prefixed (``x-archive-orig-``): the Wayback
    #: Machine's way, so none served bare is the original's (see :func:`original_headers`).
    prefixes_all = False

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        raise NotImplementedError

    def cache_key(self, lookup: str, at: datetime) -> str:
        """What a lookup is remembered by: all it asked (the URL, for a CDX query)."""
        return lookup

    def page_of(self, lookup: str) -> str:
        """The page a lookup address asks about (a CDX query's ``url``)."""
        return asked_url(lookup)

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

    def __init__(
        self, name: str, base: str, cdx: str, prefixes_all: bool = False, limit: int = CDX_LIMIT
    ):
        self.name = name
        self.base = base.rstrip("/")
        self.cdx = cdx
        self.prefixes_all = prefixes_all
        self.limit = limit

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        # The window's captures nearest `at`, `limit` of them: pywb sorts by `closest`, the
        # Wayback CDX server (the Internet Archive's, OpenWayback's) by it with `sort=closest`.
        query = {
            "url": url,
            "output": "json",
            "from": timestamp14(at - window),
            "to": timestamp14(at + window),
            "closest": timestamp14(at),
            "sort": "closest",
            "limit": str(self.limit),
        }
        return f"{self.cdx}?{urlencode(query)}"

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        return f"{self.base}/{snap.timestamp}id_/{snap.url}", {}

    @staticmethod
    def narrowed(lookup: str, start: datetime, end: datetime) -> str:
        """The CDX lookup `lookup` asking for the captures from `start` to `end` only."""
        head, _, query = lookup.partition("?")
        asked = dict(parse_qsl(query, keep_blank_values=True))
        asked.update({"from": timestamp14(start), "to": timestamp14(end)})
        return f"{head}?{urlencode(asked)}"


def asked_url(lookup: str) -> str:
    """The URL a CDX lookup (:meth:`WaybackArchive.lookup_url`) asks about."""
    return dict(parse_qsl(lookup.partition("?")[2], keep_blank_values=True)).get("url", "")


def same_form(url: str, other: str) -> bool:
    """Whether two URLs are one form of a page: one scheme, host and port (the scheme's
    default or none alike), path and query. ``http://`` and ``https://``, ``www.`` or not,
    are other forms, which a CDX server matching by SURT key lists together."""

    def form(text: str) -> tuple[str, str, str, str]:
        parts = urlsplit(text.strip())
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:  # a port that is no number: kept as written
            return scheme, parts.netloc.lower(), parts.path or "/", parts.query
        default = {"http": 80, "https": 443}.get(scheme)
        host = (parts.hostname or "") + (f":{port}" if port and port != default else "")
        return scheme, host, parts.path or "/", parts.query

    return form(url) == form(other)


def cut_before(snapshots: list[Snapshot], at: datetime, limit: int) -> bool:
    """Whether a CDX answer is the window's first captures in time order, all before `at`:
    a server that ignored ``sort=closest``, its limit (or its own cap on rows, which may be
    under `limit`) leaving out the captures nearest `at`. An answer sorted nearest first is
    the one asked for; one shorter than a cap cannot be told from one cut by it."""
    if len(snapshots) < 2 or max(s.moment for s in snapshots) >= at:
        return False
    distances = [abs(s.moment - at) for s in snapshots]
    return distances != sorted(distances)


def closest_first(snapshots: list[Snapshot], at: datetime) -> list[Snapshot]:
    """`snapshots` once each, sorted as ``sort=closest`` sorts them: nearest `at` first, of
    two as near the earlier, of one timestamp in the index's order."""
    unique = list(dict.fromkeys(snapshots))
    return sorted(unique, key=lambda s: (abs(s.moment - at), s.moment))


class MementoArchive(Archive):
    """A Memento archive (RFC 7089) asked at ``BASE/URL`` for a page's mementos."""

    kind = ""  # the --via prefix naming how it is asked

    def __init__(self, base: str):
        self.name = f"{self.kind}:{base}"
        self.base = base.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def lookup_url(self, url: str, at: datetime, window: timedelta) -> str:
        return f"{self.base}/{url}"

    def page_of(self, lookup: str) -> str:
        """The page a lookup address (:meth:`lookup_url`) asks about."""
        return lookup[len(self.base) + 1 :]


class TimeGateArchive(MementoArchive):
    """Any Memento archive (RFC 7089): its TimeGate picks the memento nearest a datetime."""

    kind = "timegate"

    def cache_key(self, lookup: str, at: datetime) -> str:
        # The date travels in Accept-Datetime, not in the URL: the TimeGate answers per date.
        return f"{lookup} {timestamp14(at)}"

    def lookup_headers(self, at: datetime) -> dict[str, str]:
        return {"Accept-Datetime": format_datetime(at.astimezone(timezone.utc), usegmt=True)}

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        # The memento the TimeGate named (kept in `filename`), in its raw form when the
        # archive has the Wayback URL scheme: BASE/TIMESTAMP/URL -> BASE/TIMESTAMPid_/URL.
        return raw_form(snap.filename), {}


class TimeMapArchive(MementoArchive):
    """A Memento archive's TimeMaps (RFC 7089, section 5): every memento of a page, listed
    with its datetime (link-format, JSON or CDXJ: :func:`read_timemap`); the one nearest
    --at is fetched."""

    kind = "timemap"

    def __init__(self, base: str, window: timedelta = timedelta(0)):
        super().__init__(base)
        self.window = window  # only the mementos within it of --at are kept

    def cache_key(self, lookup: str, at: datetime) -> str:
        # Kept for its window of --at only, as a CDX lookup is: a TimeMap asked once would
        # otherwise answer every later run (a daily crawl of --at now) without the mementos
        # the archive gained since; and of a TimeMap only the window's mementos are kept.
        return f"{lookup} {timestamp14(at - self.window)} {timestamp14(at + self.window)}"

    def parse_lookup(self, body: bytes) -> list[Snapshot]:
        raise NotImplementedError  # read with read_timemap: it needs the TimeMap's URL

    def fetch(self, snap: Snapshot) -> tuple[str, dict[str, str]]:
        return raw_form(snap.filename), {}


def timemap_snapshots(body: bytes, timemap_url: str, original: str) -> list[Snapshot]:
    """The mementos a TimeMap lists (their URLs resolved against `timemap_url`; a memento URL
    of the Wayback shape names its own original). A TimeMap lists the original (or itself)
    even with no memento: a text listing no link is no TimeMap (:class:`IndexUnreadable`);
    an empty answer is one with none.
    """
    text = body.decode("utf-8", "replace")
    if not text.strip():
        return []  # an empty TimeMap, as an empty CDX answer: no mementos
    if not _LINK_WITH_REL.search(text):
        raise IndexUnreadable("the TimeMap's answer lists no links")
    found = []
    for link, moment in memento_links(text):
        memento = urljoin(timemap_url, link)
        named = original_of(memento)
        url = named[1] if named else original
        found.append(Snapshot(url=url, timestamp=timestamp14(moment), filename=memento))
    return found


@dataclass
class TimeMapPage:
    """What one TimeMap answer gives: its mementos, and the TimeMaps it links to (the
    next and previous pages of a paged TimeMap, those an index TimeMap lists), each with
    the span it says it covers where it says one."""

    mementos: list[Snapshot]
    later: list[str]
    earlier: list[str]
    others: list[tuple[str, datetime | None, datetime | None]]


def read_timemap(body: bytes, timemap_url: str, original: str) -> TimeMapPage:
    """One TimeMap answer, in any of the forms archives give: application/link-format (RFC
    7089; pages linked by ``rel="next"``/``"prev"``, other TimeMaps by ``rel="timemap"``
    with ``from``/``until``), the JSON of Memento aggregators (``mementos.list`` of
    ``{datetime, uri}``, ``pages.next``/``prev``) or pywb's ``timemap/json`` and
    ``timemap/cdxj`` (CDX rows: the mementos are the collection's ``TIMESTAMP/URL``). A
    text that is none of them raises :class:`IndexUnreadable`."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None  # one CDX object a line (pywb's timemap/json)
        if isinstance(whole, dict) and "mementos" in whole:
            return _json_timemap(whole, timemap_url, original)
    if text[:1] == "{" or _CDXJ_LINE.match(text):
        return TimeMapPage(_cdx_timemap(text, timemap_url), [], [], [])
    page = TimeMapPage(timemap_snapshots(body, timemap_url, original), [], [], [])
    for link, params in web_links(text):
        target, rels = urljoin(timemap_url, link), _rels(params)
        if "next" in rels:
            page.later.append(target)
        elif "prev" in rels or "previous" in rels:
            page.earlier.append(target)
        elif "timemap" in rels and "self" not in rels and target != timemap_url:
            span = (memento_datetime(params.get("from")), memento_datetime(params.get("until")))
            page.others.append((target, *span))
    return page


# A line of CDXJ (pywb's timemap/cdxj): SURT key, timestamp, JSON.
_CDXJ_LINE = re.compile(r"\S+ \d{4,14} \{")


def _json_timemap(whole: dict[str, Any], timemap_url: str, original: str) -> TimeMapPage:
    """A TimeMap in the JSON of Memento aggregators (MemGator, Time Travel, SolrWayback)."""
    mementos = whole.get("mementos")
    listed = mementos.get("list") if isinstance(mementos, dict) else None
    if not isinstance(listed, list):
        raise IndexUnreadable("the JSON TimeMap holds no list of mementos")
    found = []
    for entry in listed:
        if not isinstance(entry, dict) or not isinstance(entry.get("uri"), str):
            continue
        moment = _any_date(entry.get("datetime"))
        if moment is None:
            continue
        memento = urljoin(timemap_url, entry["uri"])
        named = original_of(memento)
        url = named[1] if named else original
        found.append(Snapshot(url=url, timestamp=timestamp14(moment), filename=memento))
    pages = whole.get("pages")
    pages = pages if isinstance(pages, dict) else {}
    page = TimeMapPage(found, [], [], [])
    for name, into in (("next", page.later), ("prev", page.earlier)):
        linked = pages.get(name)
        uri = linked.get("uri") if isinstance(linked, dict) else linked
        if isinstance(uri, str) and uri:
            into.append(urljoin(timemap_url, uri))
    return page


def _any_date(value: Any) -> datetime | None:
    """A JSON TimeMap's datetime: ISO 8601 (MemGator's) or an HTTP date."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _iso(value.strip())
    except ValueError:
        return memento_datetime(value)


def _cdx_timemap(text: str, timemap_url: str) -> list[Snapshot]:
    """pywb's ``timemap/json`` or ``timemap/cdxj``: CDX rows, each a memento of the
    collection the TimeMap's URL names (``COLL/timemap/FORMAT/URL``) at ``COLL/TS/URL``."""
    collection = re.match(r"(.+?)/timemap/[^/]+/", timemap_url)
    if collection is None:
        raise IndexUnreadable("CDX rows from a TimeMap whose URL names no collection")
    found = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        key, stamp, rest = ("", "", line) if line.startswith("{") else line.split(" ", 2)
        try:
            row = json.loads(rest)
        except ValueError as exc:
            raise IndexUnreadable(f"the TimeMap's answer is no CDX ({exc})") from None
        if not isinstance(row, dict) or not (row.get("timestamp") or stamp):
            raise IndexUnreadable("the TimeMap's lines are no CDX objects")
        row = {"urlkey": key, "timestamp": stamp, **row}
        snapshot = _snapshot(row)
        if snapshot is not None:
            memento = f"{collection.group(1)}/{snapshot.timestamp}/{snapshot.url}"
            found.append(replace(snapshot, filename=memento, offset=-1, length=-1))
    return found


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

    def parse_lookup(self, body: bytes) -> list[Snapshot]:
        # A revisit row's range holds no page (its payload lies in another record, maybe of
        # another crawl): only responses are captures to fetch.
        return [s for s in parse_cdx(body) if s.mime != "warc/revisit"]

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


def whole_record(data: bytes) -> bytes | None:
    """The first WARC record of a byte range, whole (its gzip member, or a plain record up
    to its end), or None where the range cuts it: an index's length may be off either way.
    """
    if data[:2] == b"\x1f\x8b":
        member = zlib.decompressobj(wbits=31)
        try:
            member.decompress(data)
        except zlib.error:
            return None
        return data[: len(data) - len(member.unused_data)] if member.eof else None
    head_end = data.find(b"\r\n\r\n")
    found = re.search(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$", data[:head_end])
    if head_end < 0 or found is None:
        return None
    end = head_end + 4 + int(found.group(1)) + 4  # the block, then CRLF CRLF
    return data[:end] if len(data) >= end else None


def crawls_near(collinfo: bytes, at: datetime, window: timedelta, most: int = 2) -> list[str]:
    """Common Crawl crawls (``collinfo.json``) whose span comes nearest `at`, nearest first.

    An answer that is no JSON list of crawls (an error page served with 200) raises
    :class:`IndexUnreadable`: the archive's failure, never "no crawls".
    """
    try:
        entries = json.loads(collinfo)
    except ValueError as exc:
        raise IndexUnreadable(f"the list of crawls is no JSON ({exc})") from None
    crawls = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    crawls = [e for e in crawls if isinstance(e.get("id"), str) and e["id"]]  # named ones
    if entries and not crawls:
        raise IndexUnreadable("the list of crawls is no JSON list of crawls")
    found = []
    for entry in crawls:
        try:
            start = _iso(entry["from"])
            end = _iso(entry["to"])
        except (KeyError, ValueError, AttributeError):  # AttributeError: no text
            continue
        distance = max(start - at, at - end, timedelta(0))
        if distance <= window:
            found.append((distance, str(entry["id"])))
    return [name for _, name in sorted(found)[:most]]


def _iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class IndexUnreadable(ValueError):
    """An index answer that is no CDX (an error page served with 200, an answer cut short):
    the archive's failure, never "no captures"."""


def parse_cdx(body: bytes) -> list[Snapshot]:
    """CDX answers: a JSON array with a header row (Wayback), or one object per line (pywb, CC).

    A row the index could not fill (``-`` for an offset, an impossible timestamp) is skipped;
    an answer that is not CDX raises :class:`IndexUnreadable`.
    """
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        rows = _cdx_rows(text)
    except (ValueError, TypeError) as exc:  # json's errors, a header row that is no list
        raise IndexUnreadable(f"the index's answer is no CDX ({exc})") from None
    snapshots = []
    for row in rows:
        snapshot = _snapshot(row)
        if snapshot is not None:
            snapshots.append(snapshot)
    return snapshots


def _cdx_rows(text: str) -> list[dict[str, Any]]:
    """The rows of a CDX answer as dicts; ValueError for one that is not CDX."""
    if text.startswith("["):
        table = json.loads(text)
        if not isinstance(table, list) or not all(isinstance(row, list) for row in table):
            raise ValueError("a JSON array that is no table")
        if not table:
            return []
        head = table[0]
        return [dict(zip(head, row, strict=False)) for row in table[1:]]
    lines = [line for line in text.splitlines() if line.strip()]
    if not text.startswith("{"):
        # A plain answer may open with the CDX legend (" CDX N b a m s k ..."), no capture.
        return [_plain_cdx_row(line) for line in lines if line.split()[0] != "CDX"]
    rows = [json.loads(line) for line in lines]
    if not all(isinstance(row, dict) and "timestamp" in row for row in rows):
        raise ValueError("lines that are no CDX objects")
    return rows


# Plain CDX lines by their number of fields (the CDX legend: N b a m s k [r [M]] [S] [V g]):
# a Wayback CDX server's default 7, the 9 of " CDX N b a m s k r V g" and the 11 of
# "CDX N b a m s k r M S V g".
_PLAIN_CDX_FIELDS = {
    7: ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"),
    9: ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "redirect",
        "offset", "filename"),
    11: ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "redirect",
         "metatags", "length", "offset", "filename"),
}  # fmt: skip


def _plain_cdx_row(line: str) -> dict[str, Any]:
    """One line of a plain (space-separated) CDX answer as a dict; ValueError for other text."""
    fields = line.split()
    names = _PLAIN_CDX_FIELDS.get(len(fields))
    if names is None or not fields[1].isdigit() or "://" not in fields[2]:
        raise ValueError("text that is no CDX")
    return dict(zip(names, fields, strict=True))


def _snapshot(row: dict[str, Any]) -> Snapshot | None:
    """One row as a :class:`Snapshot`, or None for a row that names no capture."""
    url = row.get("original") or row.get("url")
    stamp = str(row.get("timestamp") or "")
    if not isinstance(url, str) or not url or not stamp.isdigit():
        return None
    snapshot = Snapshot(
        url=url,
        timestamp=stamp,
        status=_number(row.get("statuscode") or row.get("status")),
        mime=str(row.get("mimetype") or row.get("mime") or ""),
        digest=str(row.get("digest") or ""),
        filename=str(row.get("filename") or ""),
        offset=_place(row.get("offset")),
        length=_place(row.get("length")),
    )
    try:
        _ = snapshot.moment
    except ValueError:  # 14 digits that name no moment (a 13th month)
        return None
    return snapshot


def _number(value: Any) -> int | None:
    """A CDX field as a number; None for ``-``, empty or anything else."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _place(value: Any) -> int:
    """An offset or length of a CDX row; -1 where the index gives none."""
    number = _number(value)
    return -1 if number is None else number


def original_headers(
    served: list[tuple[str, str]],
    captured: datetime | None = None,
    memento_url: str = "",
    prefixes_all: bool = False,
) -> list[tuple[str, str]]:
    """The original server's headers, from what the archive served with a raw capture.

    Wayback gives them as ``x-archive-orig-NAME`` and the rest are its own; pywb serves the
    original headers as they were, adding Memento ones, and prefixes the original's Date
    and Server where it has its own. Framing headers (length, encoding) always describe
    the bytes as served; the original's, where they differ, stay ``X-Archive-Orig-...``.
    Neither prefixes ``Location``: an archive rewrites it into its own URLs (given back as
    the original's, resolved against `memento_url`) or leaves it as it was. With
    `prefixes_all` (the Wayback Machine, known by name) the answer is never read as pywb's,
    whichever of the original's headers it prefixed.
    """
    prefixed = [(n, v) for n, v in served if n.lower().startswith(ORIG_PREFIX)]
    pywb_like = all(n[len(ORIG_PREFIX) :].lower() in PYWB_PREFIXED for n, _ in prefixed)
    if prefixed and pywb_like and not prefixes_all:
        return _pywb_originals(served, memento_url)
    if not prefixed and not prefixes_all:
        # pywb serves the original headers, and a Date of its own where the capture had none.
        return [
            (n, _original_location(v, memento_url) if n.lower() == "location" else v)
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
        elif lower == "location" and "location" not in have:
            headers.append((name, _original_location(value, memento_url)))
    return headers


def _pywb_originals(served: list[tuple[str, str]], memento_url: str) -> list[tuple[str, str]]:
    """The original's headers from pywb's answer, in their order: those it prefixed given
    back, the others as served but for its own (Memento ones, a Date where it prefixed
    the original's, anything it also served prefixed)."""
    prefixed = {
        n.lower()[len(ORIG_PREFIX) :] for n, _ in served if n.lower().startswith(ORIG_PREFIX)
    }
    headers: list[tuple[str, str]] = []
    for name, value in served:
        lower = name.lower()
        if lower.startswith(ORIG_PREFIX):
            bare = name[len(ORIG_PREFIX) :]
            keep_prefixed = bare.lower() in FRAMING or bare.lower() == "connection"
            headers.append((name if keep_prefixed else bare, value))
        elif lower == "location":
            headers.append((name, _original_location(value, memento_url)))
        elif lower not in ARCHIVE_HEADERS and lower not in prefixed and lower != "date":
            headers.append((name, value))
    return headers


def _original_location(value: str, memento_url: str) -> str:
    """A served ``Location`` as the original server sent it: an archive's rewritten URL
    (``/web/TIMESTAMPid_/URL``) gives URL back; any other value is kept as it is."""
    found = original_of(urljoin(memento_url, value.strip())) if memento_url else None
    return found[1] if found else value


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
    """The archive `spec` names (``wayback``, ``commoncrawl[:CRAWL]``, ``timegate:URL``,
    ``timemap:URL``, a URL)."""
    limit = int(settings.get("NEWSARCHIVE_VIA_CDX_LIMIT") or CDX_LIMIT)
    if spec == "wayback":
        base = settings.get("NEWSARCHIVE_VIA_WAYBACK_URL") or WAYBACK_URL
        return WaybackArchive(
            "wayback",
            f"{base.rstrip('/')}/web",
            f"{base}/cdx/search/cdx",
            prefixes_all=True,
            limit=limit,
        )
    if spec == "commoncrawl" or spec.startswith("commoncrawl:"):
        crawls = [c for c in spec.partition(":")[2].split(",") if c]
        return CommonCrawlArchive(
            crawls,
            settings.get("NEWSARCHIVE_VIA_COMMONCRAWL_INDEX_URL") or COMMONCRAWL_INDEX_URL,
            settings.get("NEWSARCHIVE_VIA_COMMONCRAWL_DATA_URL") or COMMONCRAWL_DATA_URL,
        )
    if spec.startswith("timegate:"):
        return TimeGateArchive(spec.partition(":")[2])
    if spec.startswith("timemap:"):
        return TimeMapArchive(spec.partition(":")[2], window)
    if spec.startswith(("http://", "https://")):
        base = spec.rstrip("/")
        return WaybackArchive(base, base, f"{base}/cdx", limit=limit)
    raise ValueError(
        f"unknown archive {spec!r}: wayback, commoncrawl[:CRAWL], timegate:URL, timemap:URL or "
        "an archive's URL"
    )
