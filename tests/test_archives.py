"""The archive kinds' protocol rules (pure functions: no network, no Scrapy)."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest

from crawler.archives import (
    CommonCrawlArchive,
    IndexUnreadable,
    Snapshot,
    TimeGateArchive,
    TimeMapArchive,
    WaybackArchive,
    asked_url,
    crawls_near,
    make_archive,
    memento_datetime,
    memento_links,
    nearest,
    original_headers,
    original_of,
    parse_cdx,
    raw_form,
    read_timemap,
    same_form,
    sends_to_login,
    timemap_snapshots,
    whole_record,
)

AT = datetime(2013, 1, 29, tzinfo=timezone.utc)
URL = "http://www.cnn.com/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"


def test_wayback_cdx_rows_with_a_header_row() -> None:
    body = json.dumps(
        [
            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
            ["com,cnn)/x", "20130129223800", URL, "text/html", "200", "ABC", "9000"],
            ["com,cnn)/x", "20130202010101", URL, "warc/revisit", "-", "ABC", "700"],
        ]
    ).encode()
    first, second = parse_cdx(body)
    assert first == Snapshot(URL, "20130129223800", 200, "text/html", "ABC", "", -1, 9000)
    assert second.status is None and second.timestamp == "20130202010101"
    assert parse_cdx(b"") == [] and parse_cdx(b"[]") == []


def test_pywb_and_commoncrawl_answer_one_object_a_line() -> None:
    body = (
        b'{"urlkey": "k", "timestamp": "20130129100000", "url": "' + URL.encode() + b'", '
        b'"status": "301", "offset": "790", "length": "1654", "filename": "a.warc.gz"}\n'
    )
    (snap,) = parse_cdx(body)
    assert (snap.status, snap.offset, snap.length, snap.filename) == (301, 790, 1654, "a.warc.gz")


def test_nearest_within_the_window() -> None:
    early = Snapshot(URL, "20130120000000")
    late = Snapshot(URL, "20130201000000")
    far = Snapshot(URL, "20160301000000")
    assert nearest([early, late, far], AT, timedelta(days=30)) == late
    assert nearest([far], AT, timedelta(days=30)) is None
    error = Snapshot(URL, "20130129000000", status=503)
    assert nearest([early, error], AT, timedelta(days=30)) == early, "an error only if alone"
    assert nearest([error], AT, timedelta(days=30)) == error
    # A 304 the archive kept (its crawler asked conditionally) holds no page either: a
    # revisit of nothing, and an http_304 error, though a page lay in the window.
    unmodified = Snapshot(URL, "20130129000000", status=304)
    assert nearest([early, unmodified], AT, timedelta(days=30)) == early
    # The outlet refusing the archive's crawler (401, 403: a block page) holds no page.
    for status in (401, 403):
        refused = Snapshot(URL, "20130129000000", status=status)
        assert nearest([early, refused], AT, timedelta(days=30)) == early
    # pywb lists a revisit with no status: it may be a 304 (pywb then answers an empty
    # 304), so a capture known to hold the page is taken first; a revisit before an error.
    revisit = Snapshot(URL, "20130129100000", mime="warc/revisit")
    assert nearest([early, revisit], AT, timedelta(days=30)) == early
    assert nearest([revisit, error], AT, timedelta(days=30)) == revisit
    assert nearest([revisit], AT, timedelta(days=30)) == revisit
    # A page back to an earlier text: the revisit names that text's digest, so the
    # capture holding it is taken (pywb replays a 304 revisit as an empty 304, an
    # identical-payload one as that text; the capture gives the text either way).
    alpha = Snapshot(URL, "20130120000000", 200, "text/html", "A")
    bravo = Snapshot(URL, "20130125000000", 200, "text/html", "B")
    back = Snapshot(URL, "20130129000000", mime="warc/revisit", digest="A")
    assert nearest([alpha, bravo, back], AT, timedelta(days=30)) == alpha
    # Its text held only outside the window: the revisit itself (pywb replays an identical
    # payload one as that text), not the later version.
    early_alpha = Snapshot(URL, "20121201000000", 200, "text/html", "A")
    later = Snapshot(URL, "20130131000000", 200, "text/html", "B")
    assert nearest([early_alpha, back, later], AT, timedelta(days=30)) == back
    # A revisit bearing an empty body's digest (another tool's 304) names no page: never
    # an empty redirect with the same digest.
    empty = "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
    moved = Snapshot(URL, "20130110000000", 301, "text/html", empty)
    blank = Snapshot(URL, "20130129000000", mime="warc/revisit", digest=empty.lower())
    assert nearest([moved, alpha, blank], AT, timedelta(days=30)) == alpha
    for listed in ([early, late], [late, early]):  # whichever the index lists first
        assert nearest(listed, datetime(2013, 1, 26, tzinfo=timezone.utc), timedelta(30)) == (
            early
        ), "equally near: the earlier"


def test_wayback_original_headers_from_x_archive_orig() -> None:
    served = [
        ("Server", "nginx"),
        ("Date", "Mon, 30 Nov 2026 01:00:00 GMT"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("x-archive-orig-server", "Apache"),
        ("x-archive-orig-date", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("x-archive-orig-content-encoding", "gzip"),
        ("x-archive-orig-set-cookie", "a=1"),
        ("Memento-Datetime", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("Content-Length", "9000"),
    ]
    assert original_headers(served) == [
        ("server", "Apache"),
        ("date", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("X-Archive-Orig-content-encoding", "gzip"),
        ("set-cookie", "a=1"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "9000"),
    ]


def test_a_location_is_the_originals_whatever_the_archive_prefixes() -> None:
    """pywb prefixes a capture's Date and Server, never its Location (nor does Wayback,
    which rewrites it into its own URLs): the redirect was kept without its Location."""
    memento = f"https://web.archive.org/web/20130129223800id_/{URL}"
    served = [
        ("X-Archive-Orig-Date", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("X-Archive-Orig-Server", "Apache"),
        ("Location", "/2013/01/29/world/africa/moved/index.html"),
        ("Content-Length", "0"),
    ]
    assert ("Location", "/2013/01/29/world/africa/moved/index.html") in original_headers(
        served, memento_url=memento
    )
    rewritten = [*served[:2], ("Location", f"/web/20130129223800id_/{URL}x"), served[3]]
    assert ("Location", f"{URL}x") in original_headers(rewritten, memento_url=memento)
    stated = [*served, ("X-Archive-Orig-Location", f"{URL}y")]
    assert [v for n, v in original_headers(stated) if n.lower() == "location"] == [f"{URL}y"]
    assert ("Location", f"{URL}x") in original_headers(
        [("Location", f"https://web.archive.org/web/20130129223800id_/{URL}x")], memento_url=memento
    )


def test_pywb_original_headers_without_its_own() -> None:
    captured = datetime(2013, 1, 29, 10, tzinfo=timezone.utc)
    served = [
        ("Content-Type", "text/html"),
        ("Memento-Datetime", "Tue, 29 Jan 2013 10:00:00 GMT"),
        ("Link", "<x>; rel=original"),
        ("Date", "Mon, 30 Nov 2026 01:00:00 GMT"),
    ]
    assert original_headers(served, captured=captured) == [("Content-Type", "text/html")]
    kept = [("Date", "Tue, 29 Jan 2013 10:00:01 GMT")]
    assert original_headers(kept, captured=captured) == kept


def test_pywb_prefixing_some_headers_serves_the_others_as_they_were() -> None:
    """pywb prefixes only the headers of its list (Cache-Control, ETag, Date, Server ...)
    and serves the original's others as they were: they were dropped as the archive's."""
    served = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("X-Archive-Orig-Cache-Control", "max-age=60"),
        ("Set-Cookie", "edition=intl; Path=/"),
        ("X-Served-By", "cache-a1"),
        ("Content-Language", "en"),
        ("X-Archive-Orig-Date", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("Content-Length", "973"),
        ("Memento-Datetime", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("Content-Location", f"http://127.0.0.1:8080/news/20130129223800id_/{URL}"),
        ("Date", "Mon, 30 Nov 2026 01:00:00 GMT"),
    ]
    assert original_headers(served) == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "max-age=60"),
        ("Set-Cookie", "edition=intl; Path=/"),
        ("X-Served-By", "cache-a1"),
        ("Content-Language", "en"),
        ("Date", "Tue, 29 Jan 2013 22:38:00 GMT"),
        ("Content-Length", "973"),
    ]


def test_memento_urls_and_links() -> None:
    memento = f"https://web.archive.org/web/20130129223800/{URL}"
    assert original_of(memento) == ("20130129223800", URL)
    assert original_of(f"http://127.0.0.1:8080/news/20130129id_/{URL}") == ("20130129", URL)
    assert original_of("https://example.org/no/memento") is None
    assert raw_form(memento) == f"https://web.archive.org/web/20130129223800id_/{URL}"
    header = (
        f'<{URL}>; rel="original", <http://a/tg/{URL}>; rel="timegate", '
        f'<http://a/20130101000000/{URL}>; rel="first memento"; datetime="Tue, 01 Jan 2013 '
        f'00:00:00 GMT", <http://a/20130129100000mp_/{URL}>; rel="memento"; '
        f'datetime="Tue, 29 Jan 2013 10:00:00 GMT"; collection="news"'
    )
    assert [url for url, _ in memento_links(header)] == [
        f"http://a/20130101000000/{URL}",
        f"http://a/20130129100000mp_/{URL}",
    ]


@pytest.mark.parametrize(
    "params",
    [
        ' ; rel = "memento" ; datetime = "Tue, 29 Jan 2013 10:00:00 GMT"',
        '; rel="Memento"; datetime="Tue, 29 Jan 2013 10:00:00 GMT"',
        ';\trel=first\tmemento;datetime="Tue, 29 Jan 2013 10:00:00 GMT"',
    ],
    ids=["spaces-around-equals", "rel-in-capitals", "tabs"],
)
def test_memento_links_in_any_spelling_rfc_8288_allows(params: str) -> None:
    """Link (RFC 8288) allows white space around "=" and compares relation types without
    regard to case: such a memento was not read."""
    memento = f"http://a/20130129100000/{URL}"
    assert memento_links(f"<{URL}>; rel=original, <{memento}>{params}") == [
        (memento, datetime(2013, 1, 29, 10, tzinfo=timezone.utc))
    ]


def test_commoncrawl_crawls_near_at_and_ranges() -> None:
    collinfo = json.dumps(
        [
            {"id": "CC-MAIN-2013-20", "from": "2013-05-18T00:00:00", "to": "2013-05-31T23:59:59"},
            {"id": "CC-MAIN-2013-48", "from": "2013-12-04T00:00:00", "to": "2013-12-21T23:59:59"},
            {"id": "CC-MAIN-2020-05", "from": "2020-01-17T00:00:00", "to": "2020-01-29T23:59:59"},
        ]
    ).encode()
    at = datetime(2013, 5, 25, tzinfo=timezone.utc)
    assert crawls_near(collinfo, at, timedelta(days=30)) == ["CC-MAIN-2013-20"]
    assert crawls_near(collinfo, AT, timedelta(days=30)) == []
    archive = make_archive("commoncrawl:CC-MAIN-2013-20", {}, AT, timedelta(days=30))
    assert isinstance(archive, CommonCrawlArchive) and archive.crawls == ["CC-MAIN-2013-20"]
    snap = Snapshot(URL, "20130520000000", filename="crawl-data/x.warc.gz", offset=10, length=5)
    assert archive.fetch(snap) == (
        "https://data.commoncrawl.org/crawl-data/x.warc.gz",
        {"Range": "bytes=10-14"},
    )


def test_wayback_lookup_and_capture_urls() -> None:
    archive = make_archive("wayback", {}, AT, timedelta(days=30))
    assert isinstance(archive, WaybackArchive)
    lookup = archive.lookup_url(URL, AT, timedelta(days=30))
    assert lookup.startswith("https://web.archive.org/cdx/search/cdx?url=http")
    assert "output=json" in lookup and "from=20121230" in lookup and "to=20130228" in lookup
    # Only the captures nearest --at: a front page has thousands in a window.
    assert "closest=20130129000000" in lookup and "sort=closest" in lookup
    assert "limit=100" in lookup
    few = make_archive("wayback", {"NEWSARCHIVE_VIA_CDX_LIMIT": 5}, AT, timedelta(days=30))
    assert "limit=5" in few.lookup_url(URL, AT, timedelta(days=30))
    snap = Snapshot(URL, "20130129223800")
    assert archive.fetch(snap) == (f"https://web.archive.org/web/20130129223800id_/{URL}", {})


def test_an_archive_host_gets_one_slot_of_two_requests_at_a_time() -> None:
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    import crawler.settings as project_settings
    from crawler.spiders.outlets import CnnSpider
    from crawler.viaarchive import MIDDLEWARE

    def crawler_with(**extra: str):
        settings = Settings()
        settings.setmodule(project_settings, priority="project")
        settings.set("TWISTED_REACTOR_ENABLED", False)
        settings.update(extra)
        return get_crawler(CnnSpider, settings_dict=settings.copy_to_dict())

    via = crawler_with(NEWSARCHIVE_VIA="wayback").settings
    assert MIDDLEWARE in via.getdict("DOWNLOADER_MIDDLEWARES")
    assert via.getdict("DOWNLOAD_SLOTS")["archive:web.archive.org"]["concurrency"] == 2
    # With no delay at all (AutoThrottle off, NEWSARCHIVE_VIA_DELAY=0), Scrapy's asyncio
    # downloader started a slot's whole queue at once: six lookups at one archive.
    bare = crawler_with(
        NEWSARCHIVE_VIA="wayback", AUTOTHROTTLE_ENABLED="False", NEWSARCHIVE_VIA_DELAY="0"
    ).settings
    assert bare.getdict("DOWNLOAD_SLOTS")["archive:web.archive.org"]["delay"] > 0
    live = crawler_with().settings
    assert MIDDLEWARE not in live.getdict("DOWNLOADER_MIDDLEWARES")


def test_a_cdx_row_the_index_could_not_fill_is_skipped_not_the_whole_answer() -> None:
    """CDX servers print ``-`` for a field they lack (9-field CDX: no offset, no length),
    and a row may carry an impossible timestamp: that row is skipped; before, the whole
    answer failed with an error named after Python's (``value``)."""
    body = (
        b'{"timestamp": "20130129100000", "url": "' + URL.encode() + b'", "offset": "-", '
        b'"length": "-"}\n'
        b'{"timestamp": "20131399000000", "url": "' + URL.encode() + b'"}\n'
        b'{"timestamp": "20130130100000", "url": "' + URL.encode() + b'", "length": "12", '
        b'"offset": "0"}\n'
    )
    first, second = parse_cdx(body)
    assert (first.timestamp, first.offset, first.length) == ("20130129100000", -1, -1)
    assert (second.timestamp, second.length, second.offset) == ("20130130100000", 12, 0)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>The archive is down for maintenance</body></html>",
        b"com,cnn)/x 20130129100000 http://www.cnn.com/x text/html 200 ABC 900\nthen prose",
        b'[["urlkey", "timestamp", "original"], ["com,cnn)/x", "2013012910',  # cut short
        b'{"timestamp": "20130129100000", "url": "http://www.cnn.com/x"',
        b'{"a": 1}',  # JSON, but no CDX row
        b"[1, 2]",
    ],
)
def test_an_index_answer_that_is_no_cdx_is_unreadable_not_no_captures(body: bytes) -> None:
    """An archive's maintenance page or a cut answer said "no captures" (cached for good)."""
    with pytest.raises(IndexUnreadable):
        parse_cdx(body)


def test_plain_cdx_lines_of_7_9_and_11_fields() -> None:
    """What an OpenWayback or Wayback CDX server prints where it answers no JSON."""
    body = (
        " CDX N b a m s k r M S V g\n"  # the legend line an OpenWayback CDX file opens with
        f"com,cnn)/x 20130129100000 {URL} text/html 200 ABC 900\n"
        f"com,cnn)/x 20130130100000 {URL} text/html 301 ABC - 790 a.warc.gz\n"
        f"com,cnn)/x 20130131100000 {URL} text/html 200 ABC - - 1654 790 b.warc.gz\n"
    ).encode()
    first, second, third = parse_cdx(body)
    assert (first.timestamp, first.status, first.length) == ("20130129100000", 200, 900)
    assert (second.status, second.offset, second.filename) == (301, 790, "a.warc.gz")
    assert (third.length, third.offset, third.filename) == (1654, 790, "b.warc.gz")


def test_a_timegate_lookup_is_remembered_per_date() -> None:
    """The TimeGate is asked with Accept-Datetime, not in its URL: a lookup remembered by
    URL alone answered a later run at another --at with the first run's memento."""
    archive = TimeGateArchive("http://archive.example/tg")
    lookup = archive.lookup_url(URL, AT, timedelta(days=30))
    later = AT + timedelta(days=7)
    assert archive.lookup_url(URL, later, timedelta(days=30)) == lookup
    assert archive.cache_key(lookup, AT) != archive.cache_key(lookup, later)
    cdx = make_archive("http://archive.example/coll", {}, AT, timedelta(days=30))
    cdx_lookup = cdx.lookup_url(URL, AT, timedelta(days=30))
    assert cdx.cache_key(cdx_lookup, AT) == cdx.cache_key(cdx_lookup, later) == cdx_lookup


@pytest.mark.parametrize(
    "location",
    [
        "https://www.reuters.com/login?redirect=%2Farticle",
        "/signin",
        "https://www.cnn.com/account/log-in",
        "https://www.cnn.com/accounts/sign-in/",
        "https://login.example.com/",
        "https://auth.cnn.com/callback",
        "/subscribe?from=paywall",
        "/auth/start",
        "/Login.aspx?ReturnUrl=%2F",
    ],
)
def test_a_redirect_to_a_login_is_told_by_its_path(location: str) -> None:
    assert sends_to_login(location)


@pytest.mark.parametrize(
    "location",
    [
        "https://edition.cnn.com/2013/01/29/world/africa/mali-accountability-hearing/index.html",
        "/2013/01/29/business/ad-subscribers-fall/index.html",
        "https://www.reuters.com/journalists/author-name",
        "/2013/01/21/tech/login-troubles-for-voters/index.html",
        "https://www.reuters.com/article/us-mali-authority-idUSBRE90K0AA20130121",
    ],
)
def test_a_story_whose_slug_holds_such_a_word_is_no_login(location: str) -> None:
    """A substring test took "accountability", "subscribers" and "/author" for logins, so
    an archived redirect to such a story was dropped as ``archive_login_redirect``."""
    assert not sends_to_login(location)


def test_commoncrawl_revisit_rows_are_no_captures_to_fetch() -> None:
    """A Common Crawl range is fetched as the record it holds: a revisit row's range holds
    no page (its payload lies in another crawl's file), so the nearest row being a revisit
    made the page ``archive_down`` though a response lay in the window."""
    archive = make_archive("commoncrawl:CC-MAIN-2013-05", {}, AT, timedelta(days=30))
    body = (
        b'{"timestamp": "20130120100000", "url": "' + URL.encode() + b'", "mime": "text/html",'
        b' "status": "200", "offset": "0", "length": "900", "filename": "a.warc.gz"}\n'
        b'{"timestamp": "20130129100000", "url": "' + URL.encode() + b'", "mime": '
        b'"warc/revisit", "status": "-", "offset": "900", "length": "400", '
        b'"filename": "a.warc.gz"}\n'
    )
    (snap,) = archive.parse_lookup(body)
    assert snap.timestamp == "20130120100000"
    wayback = make_archive("wayback", {}, AT, timedelta(days=30))
    assert len(wayback.parse_lookup(body)) == 2  # Wayback serves a revisit's payload itself


@pytest.mark.parametrize(
    "digest",
    [
        "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
        "sha1:3i42h3s6nnfq2msvx7xzkyayscx5qbyj",
        "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
        "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ],
)
def test_an_empty_bodys_digest_in_any_spelling(digest: str) -> None:
    from archive.warc.records import is_empty_payload_digest

    assert is_empty_payload_digest(digest)
    assert not is_empty_payload_digest("sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")


def test_a_whole_record_is_cut_from_a_range_that_holds_more_or_less() -> None:
    """A gzip member, or a plain record, alone; None where the range ends inside it."""
    plain = b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
    member = gzip.compress(plain)
    assert whole_record(member + gzip.compress(b"next")) == member
    assert whole_record(member[:-9]) is None
    assert whole_record(plain + b"WARC/1.1\r\n") == plain
    assert whole_record(plain[:-6]) is None
    assert whole_record(b"\x1f\x8bnot gzip") is None


def test_a_timemaps_mementos() -> None:
    """RFC 7089's link-format TimeMap: relative memento URLs resolved against it, a memento
    of the Wayback shape naming its own original, one named by an id the page asked."""
    timemap = "http://archive.example/tm/" + URL
    body = (
        f'<{URL}>; rel="original",\n'
        f'<{timemap}>; rel="self"; type="application/link-format",\n'
        f'</coll/20130129100000/{URL}>; rel="first memento";'
        ' datetime="Tue, 29 Jan 2013 10:00:00 GMT",\n'
        '<https://other.example/Xy12>; rel="memento"; datetime="Wed, 30 Jan 2013 08:00:00 GMT",\n'
        f'</tg/{URL}>; rel="timegate"\n'
    ).encode()
    first, second = timemap_snapshots(body, timemap, URL)
    assert (first.url, first.timestamp) == (URL, "20130129100000")
    assert first.filename == f"http://archive.example/coll/20130129100000/{URL}"
    assert (second.url, second.timestamp, second.filename) == (
        URL, "20130130080000", "https://other.example/Xy12",
    )  # fmt: skip
    archive = make_archive("timemap:http://archive.example/tm", {}, AT, timedelta(days=30))
    assert isinstance(archive, TimeMapArchive)
    assert archive.lookup_url(URL, AT, timedelta(days=30)) == timemap
    # Remembered for its --at: a later run may find mementos the archive gained since.
    assert archive.cache_key(timemap, AT) != archive.cache_key(timemap, AT + timedelta(days=9))
    assert archive.fetch(first) == (f"http://archive.example/coll/20130129100000id_/{URL}", {})
    # A TimeMap listing the page but no memento lists none; an error page is no TimeMap.
    assert timemap_snapshots(f'<{URL}>; rel="original"\n'.encode(), timemap, URL) == []
    with pytest.raises(IndexUnreadable):
        timemap_snapshots(b"<html><body>Back soon</body></html>", timemap, URL)
    # An empty answer lists nothing, as an empty CDX answer does.
    assert timemap_snapshots(b"\n", timemap, URL) == []


def test_a_list_of_crawls_naming_none_is_unreadable() -> None:
    """Entries with a span but no ``id`` (another shape of answer) raised KeyError from
    the crawl's every page, named by that exception, not the archive down."""
    nameless = json.dumps(
        [{"name": "January 2013", "from": "2013-01-01T00:00:00", "to": "2013-02-28T23:59:59"}]
    ).encode()
    with pytest.raises(IndexUnreadable):
        crawls_near(nameless, AT, timedelta(days=30))
    # One nameless entry among crawls is left out.
    named = {"id": "CC-MAIN-2013-05", "from": "2013-01-01T00:00:00", "to": "2013-02-28T23:59:59"}
    both = json.dumps([json.loads(nameless)[0], named]).encode()
    assert crawls_near(both, AT, timedelta(days=30)) == ["CC-MAIN-2013-05"]


def test_an_http_date_of_unknown_zone_is_utc_on_any_machine(monkeypatch) -> None:
    """``-0000`` (RFC 5322: UTC, the sender's zone unknown; what Python writes for a naive
    date) read as naive and then as this machine's local time: a capture nine and a half
    hours off on a machine set to Adelaide."""
    import time

    monkeypatch.setenv("TZ", "Australia/Adelaide")
    time.tzset()
    try:
        at = datetime(2013, 1, 29, 10, tzinfo=timezone.utc)
        assert memento_datetime("Tue, 29 Jan 2013 10:00:00 -0000") == at
        memento = f"http://a.example/20130129100000/{URL}"
        link = f'<{memento}>; rel="memento"; datetime="Tue, 29 Jan 2013 10:00:00 -0000"'
        assert memento_links(link) == [(memento, at)]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_timemaps_in_every_form_archives_give() -> None:
    """pywb's ``timemap/cdxj`` (a SURT key and timestamp before each JSON object), an index
    TimeMap naming others by their spans, the JSON of aggregators with ISO 8601 datetimes;
    a JSON object with no mementos is no TimeMap."""
    coll = "http://archive.example/coll"
    cdxj = f'com,cnn)/x 20130129100000 {{"url": "{URL}", "status": "200", "digest": "AB"}}\n'
    (row,) = read_timemap(cdxj.encode(), f"{coll}/timemap/cdxj/{URL}", URL).mementos
    assert (row.url, row.timestamp, row.status) == (URL, "20130129100000", 200)
    assert row.filename == f"{coll}/20130129100000/{URL}"
    index = (
        f'<{URL}>; rel="original",\n'
        '</tm/1>; rel="timemap"; type="application/link-format";'
        ' from="Mon, 01 Jan 2001 00:00:00 GMT"; until="Sun, 31 Dec 2006 00:00:00 GMT",\n'
        '</tm/2>; rel="timemap"; type="application/link-format";'
        ' from="Mon, 01 Jan 2007 00:00:00 GMT"\n'
    ).encode()
    page = read_timemap(index, "http://archive.example/tm/0", URL)
    assert page.mementos == [] and [url for url, *_ in page.others] == [
        "http://archive.example/tm/1",
        "http://archive.example/tm/2",
    ]
    assert page.others[1][2] is None  # no "until": open to now
    aggregated = {
        "original_uri": URL,
        "mementos": {
            "list": [{"datetime": "2013-01-29T10:00:00Z", "uri": f"{coll}/20130129100000/{URL}"}]
        },
        "pages": {"prev": {"uri": "/tmj/1"}},
    }
    page = read_timemap(json.dumps(aggregated).encode(), "http://archive.example/tmj/2", URL)
    assert [s.timestamp for s in page.mementos] == ["20130129100000"]
    assert page.earlier == ["http://archive.example/tmj/1"] and page.later == []
    with pytest.raises(IndexUnreadable):
        read_timemap(b'{"error": "down for maintenance"}', "http://archive.example/tmj/x", URL)


def test_one_form_of_a_url_and_its_others() -> None:
    """A CDX server matching by SURT key lists the http:// and www. forms with the page's."""
    page = "https://edition.cnn.com/2013/01/29/world/index.html"
    assert same_form(page, "HTTPS://Edition.CNN.com:443/2013/01/29/world/index.html")
    for other in (
        "http://edition.cnn.com/2013/01/29/world/index.html",
        "https://www.edition.cnn.com/2013/01/29/world/index.html",
        "https://edition.cnn.com:8443/2013/01/29/world/index.html",
        "https://edition.cnn.com/2013/01/29/world/index.html?page=2",
    ):
        assert not same_form(page, other)
    lookup = WaybackArchive("a", "http://a/web", "http://a/cdx").lookup_url(
        page, AT, timedelta(days=1)
    )
    assert asked_url(lookup) == page


def test_a_link_parameter_without_a_value() -> None:
    """RFC 8288 lets a link parameter go without a value (``; crossorigin``): the memento's
    parameters after it were not read, and the memento lost."""
    memento = f"http://a/20130129100000/{URL}"
    header = (
        f'<{URL}>; rel="original"; crossorigin, <{memento}>; anchor-free; rel="memento"; '
        'datetime="Tue, 29 Jan 2013 10:00:00 GMT"'
    )
    assert memento_links(header) == [(memento, datetime(2013, 1, 29, 10, tzinfo=timezone.utc))]


def test_a_link_parameter_given_twice_counts_once_the_first() -> None:
    """RFC 8288 (3.3): a ``rel`` after the first is ignored. The last was read: the
    original, its rel given again as "memento", was taken for a memento, and a memento
    whose rel was repeated as "alternate" was lost."""
    memento = f"http://a/20130129100000/{URL}"
    dated = 'datetime="Tue, 29 Jan 2013 10:00:00 GMT"'
    header = (
        f'<{URL}>; rel="original"; rel="memento"; {dated}, '
        f'<{memento}>; rel="memento"; rel="alternate"; {dated}'
    )
    assert memento_links(header) == [(memento, datetime(2013, 1, 29, 10, tzinfo=timezone.utc))]


@pytest.mark.parametrize(
    "dated",
    ['; datetime="2013-01-29T10:00:00Z"', '; datetime="yesterday"', ""],
    ids=["iso-8601", "no-date", "none-given"],
)
def test_a_memento_link_whose_datetime_does_not_read_is_dated_by_its_url(dated: str) -> None:
    """A ``rel="memento"`` link whose datetime reads as no HTTP date (or is missing) was
    dropped, though its URL of the Wayback shape dates it, as a capture's unreadable
    Memento-Datetime is; one named by an id has no date that reads: still none."""
    memento = f"/coll/20130129100000/{URL}"
    header = (
        f'<{URL}>; rel="original", <{memento}>; rel="memento"{dated}, </m/x>; rel="memento"{dated}'
    )
    assert memento_links(header) == [(memento, datetime(2013, 1, 29, 10, tzinfo=timezone.utc))]
    (found,) = timemap_snapshots(header.encode(), "http://a/tm/x", URL)
    assert (found.timestamp, found.filename) == ("20130129100000", f"http://a{memento}")
