"""Incremental crawls: the schedule by age, conditional requests, pages that change between runs."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.fetchstate import FetchRecord, FetchState
from archive.testsite import SITE_ROOT
from crawler.incremental import refetch_due
from crawler.linkpolicy import dedup_key

from .conftest import FAST, SiteServer, run_cli, start_site_server, stop_site_server, store_lines

DAY = 86400.0
NOW = 1_800_000_000.0
CNN_A = "/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"
CNN_B = "/2013/01/30/world/africa/mali-manuscripts-saved/index.html"


def iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def record(*, age: float | None, since: float, first: float | None = None) -> FetchRecord:
    published = iso(NOW - age) if age is not None else None
    return FetchRecord(
        key="k",
        url="u",
        fetched_at=NOW - since,
        first_fetched_at=NOW - (first if first is not None else since),
        status=200,
        date_published=published,
    )


# -- the schedule by age ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("age", "since", "due"),
    [
        (3600, 60, True),  # younger than a day: every run
        (DAY - 1, 1, True),
        (3 * DAY, 3600, False),  # younger than a week: daily
        (3 * DAY, DAY + 1, True),
        (6 * DAY, DAY - 60, False),
        (8 * DAY, 30 * DAY, False),  # older: never
        (4000 * DAY, 4000 * DAY, False),
    ],
)
def test_schedule_follows_the_articles_age(age: float, since: float, due: bool) -> None:
    assert refetch_due(record(age=age, since=since), NOW) is due


def test_dateModified_makes_an_old_article_young_again() -> None:
    old = record(age=300 * DAY, since=3600)
    assert not refetch_due(old, NOW)
    touched = replace(old, date_modified=iso(NOW - 3600))
    assert refetch_due(touched, NOW)


def test_without_dates_age_runs_from_the_first_fetch() -> None:
    assert refetch_due(record(age=None, since=60, first=3600), NOW)
    assert not refetch_due(record(age=None, since=60, first=30 * DAY), NOW)


def test_recrawl_modes_override_the_schedule() -> None:
    young, old = record(age=60, since=1), record(age=900 * DAY, since=900 * DAY)
    assert refetch_due(old, NOW, "all") and refetch_due(young, NOW, "all")
    assert not refetch_due(old, NOW, "none") and not refetch_due(young, NOW, "none")


def test_schedule_is_a_setting() -> None:
    hourly_for_a_month = {30 * DAY: 3600}
    assert refetch_due(record(age=20 * DAY, since=3601), NOW, "auto", hourly_for_a_month)
    assert not refetch_due(record(age=20 * DAY, since=60), NOW, "auto", hourly_for_a_month)


# -- the fetch state ----------------------------------------------------------------------
def test_fetch_state_round_trip_and_frontier(tmp_path: Path) -> None:
    state = FetchState(tmp_path / "fetch.sqlite")
    state.enqueue(
        "cnn", [("a", "http://a", 2, "related", "http://r"), ("b", "http://b", 0, "start", None)]
    )
    state.enqueue("cnn", [("a", "http://a", 1, "related", "http://s")])  # fewer hops win
    state.enqueue("cnn", [("a", "http://a", 2, "related", "http://t")])  # more hops do not
    entries = {e.key: e for e in state.frontier("cnn")}
    assert entries["a"].hops == 1 and not entries["a"].done
    links = [("http://c", "related")]
    rec = FetchRecord("a", "http://a", 5.0, 1.0, 200, '"e"', "lm", "sha1:x", None, None, links)
    state.record(rec, spider="cnn")
    state.close()
    again = FetchState(tmp_path / "fetch.sqlite")  # survives a new process
    assert again.get("a") == rec
    entries = {e.key: e for e in again.frontier("cnn")}
    assert entries["a"].done and entries["a"].links == [("http://c", "related")]
    assert not entries["b"].done
    assert again.frontier("reuters") == []
    again.finish("cnn")
    assert again.frontier("cnn") == [] and again.get("a") == rec


# -- against the test site: pages that change between runs --------------------------------
@pytest.fixture
def copied_site(tmp_path: Path) -> Iterator[tuple[SiteServer, Path]]:
    root = tmp_path / "site"
    shutil.copytree(SITE_ROOT, root)
    server = start_site_server(root)
    yield server, root / "cnn"
    stop_site_server(server)


def crawl(server: SiteServer, data: Path, *extra: str):
    result = run_cli(
        "crawl", "cnn", "-q", "--data", str(data),
        "--start-url", server.url("cnn", "/world/africa/"), *FAST, *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(sorted((data / "runs").glob("*.json"))[-1].read_text())


def requests_sent(data: Path, url: str) -> list[dict[str, str]]:
    sent = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for rec in ArchiveIterator(handle):
                target = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type == "request" and target == url:
                    sent.append(dict(rec.http_headers.headers))
    return sent


def test_changed_page_new_version_unchanged_pages_304(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    server, cnn = copied_site
    data = tmp_path / "data"
    first = crawl(server, data)
    stored = store_lines(data)
    articles = first["articles"]["new"]
    assert articles == len(stored) >= 3
    page = cnn / CNN_A.lstrip("/")
    page.write_text(
        page.read_text("utf-8").replace("burned a library annex", "burned two library annexes"),
        "utf-8",
    )
    second = crawl(server, data, "--recrawl", "all")
    assert second["articles"] == {"new": 0, "updated": 1, "unchanged": 0, "older": 0}
    assert second["pages"]["notModified"] == articles - 1
    assert second["pagesByStatus"]["304"] == articles - 1
    lines = store_lines(data)
    assert lines[: len(stored)] == stored  # append-only
    (update,) = lines[len(stored) :]
    assert update["version"] == 2 and "articleBody" in update["changes"]
    assert "two library annexes" in update["articleBody"]
    assert second["bytesWritten"]["store"] > 0
    # The requests were conditional, with the validators the first fetch returned.
    sent = requests_sent(data, server.url("cnn", CNN_B))
    assert len(sent) == 2 and "If-None-Match" not in sent[0]
    assert sent[1]["If-None-Match"].startswith('"') and sent[1]["If-Modified-Since"]
    # Each 304 is archived naming the capture it confirms, a page linked with a tracking
    # parameter (archived under the URL asked, "?utm_source=...") as well.
    revisits = [
        rec
        for rec in _records(data, "revisit")
        if rec.rec_headers.get_header("WARC-Profile", "").endswith("server-not-modified")
    ]
    assert len(revisits) == articles - 1
    assert all(rec.rec_headers.get_header("WARC-Refers-To") for rec in revisits), [
        rec.rec_headers.get_header("WARC-Target-URI")
        for rec in revisits
        if not rec.rec_headers.get_header("WARC-Refers-To")
    ]
    # Nothing changed since: a third run stores nothing, writes nothing to the store.
    third = crawl(server, data, "--recrawl", "all")
    assert third["pages"]["notModified"] == articles and third["articles"]["updated"] == 0
    assert third["bytesWritten"]["store"] == 0 and store_lines(data) == lines


def test_identical_payload_without_304_is_not_extracted(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    server, cnn = copied_site
    data = tmp_path / "data"
    first = crawl(server, data)
    config = json.loads((cnn / "_server.json").read_text())
    config["unconditional"] = [CNN_A, CNN_B]  # these ignore If-None-Match from now on
    (cnn / "_server.json").write_text(json.dumps(config))
    stop_site_server(server)
    restarted = start_site_server(cnn.parent)
    try:
        # A new port is a new site to the crawler: copy the history over by crawling it once.
        crawl(restarted, data)
        second = crawl(restarted, data, "--recrawl", "all")
    finally:
        stop_site_server(restarted)
    assert second["pages"]["identical"] == 2
    assert second["pages"]["notModified"] == first["articles"]["new"] - 2
    assert second["articles"] == {"new": 0, "updated": 0, "unchanged": 0, "older": 0}


def test_schedule_by_age_against_the_site(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    server, _ = copied_site
    data = tmp_path / "data"
    articles = crawl(server, data)["articles"]["new"]
    # Every article of the test site is years old: auto re-requests none of them.
    auto = crawl(server, data)
    assert auto["pages"]["skipped"] == articles and auto["pages"]["notModified"] == 0
    assert auto["pagesFetched"] < articles
    # One published an hour ago is due on every run.
    state = FetchState(data / "state" / "fetch.sqlite")
    state.set_dates(
        dedup_key(server.url("cnn", CNN_B)), published=iso(time.time() - 3600), modified=None
    )
    state.close()
    young = crawl(server, data)
    assert young["pages"]["notModified"] == 1 and young["pages"]["skipped"] == articles - 1
    assert young["recrawl"] == "auto"
    none = crawl(server, data, "--recrawl", "none")
    assert none["pages"]["notModified"] == 0 and none["pages"]["skipped"] == articles


def test_a_page_reverted_to_an_earlier_text_is_confirmed_as_that_text(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    """A -> B -> A, then 304s: the revisit of the revert names A's record, but each later
    304 was archived as confirming B (the digest index's latest capture of the URL), so
    pywb and the explorer replayed B for every moment after the revert."""
    server, cnn = copied_site
    data = tmp_path / "data"
    page = cnn / CNN_A.lstrip("/")
    original = page.read_bytes()
    crawl(server, data)  # A
    page.write_bytes(original.replace(b"burned a library annex", b"burned two library annexes"))
    crawl(server, data, "--recrawl", "all")  # B
    page.write_bytes(original)
    crawl(server, data, "--recrawl", "all")  # A again: an identical-payload revisit
    crawl(server, data, "--recrawl", "all")  # 304
    first_a, b, reverted, confirmed = _captures_of(data, server.url("cnn", CNN_A))
    assert first_a[0] == b[0] == "response" and first_a[1] != b[1]
    assert reverted[0] == "revisit" and reverted[1] == first_a[1]
    assert confirmed[0] == "revisit" and confirmed[1] == first_a[1], "the 304 confirms A"


def _records(data: Path, kind: str) -> list[Any]:
    """The WARC records of `kind` the crawls wrote, in order (headers only)."""
    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            found += [rec for rec in ArchiveIterator(handle) if rec.rec_type == kind]
    return found


def _captures_of(data: Path, url: str) -> list[tuple[str, str, str | None, str]]:
    """(record type, payload digest, WARC-Refers-To, WARC-Record-ID) of the page's
    captures, in order."""
    found = []
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for rec in ArchiveIterator(handle):
                head = rec.rec_headers
                if (
                    rec.rec_type in ("response", "revisit")
                    and head.get_header("WARC-Target-URI") == url
                ):
                    found.append((rec.rec_type, head.get_header("WARC-Payload-Digest"),
                                  head.get_header("WARC-Refers-To"),
                                  head.get_header("WARC-Record-ID")))  # fmt: skip
    return found


def _stored_a_archived_b_then_304_to_a(server: SiteServer, cnn: Path, data: Path) -> None:
    """A stored; B archived but not stored (the store stayed locked: exit 75); the page
    back to A answers the next run's If-None-Match (A's) with a 304."""
    from archive.store.files import StoreLock

    page = cnn / CNN_A.lstrip("/")
    original = page.read_bytes()
    crawl(server, data)  # A, stored
    page.write_bytes(original.replace(b"burned a library annex", b"burned two library annexes"))
    lock = StoreLock(data / "articles", timeout=0)
    lock.acquire()
    try:
        locked = run_cli(
            "crawl", "cnn", "-q", "--data", str(data), "--recrawl", "all",
            "--start-url", server.url("cnn", "/world/africa/"), *FAST,
            "-s", "NEWSARCHIVE_STORE_LOCK_TIMEOUT=0.2",
        )  # fmt: skip
    finally:
        lock.release()
    assert locked.returncode == 75, locked.stderr  # B archived, its article not stored
    page.write_bytes(original)
    crawl(server, data, "--recrawl", "all")  # A again: 304 to A's validators


def test_a_304_confirms_the_text_its_validators_came_from_not_the_last_archived(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    """The 304 was archived as confirming B, the last payload archived: pywb showed B."""
    server, cnn = copied_site
    data = tmp_path / "data"
    _stored_a_archived_b_then_304_to_a(server, cnn, data)
    first_a, b, confirmed = _captures_of(data, server.url("cnn", CNN_A))
    assert first_a[0] == b[0] == "response" and first_a[1] != b[1]
    assert confirmed[0] == "revisit" and confirmed[1] == first_a[1], "the 304 confirms A"


def test_a_store_rebuilt_from_the_archive_ends_on_the_text_a_304_confirmed(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    """Replay left 304 revisits out: the store rebuilt from the WARCs ended on B, a text
    the server had since said the page no longer had (the live store holds A)."""
    server, cnn = copied_site
    data = tmp_path / "data"
    _stored_a_archived_b_then_304_to_a(server, cnn, data)
    rebuilt = tmp_path / "rebuilt"
    done = run_cli("replay", str(data / "warc"), "--store", str(rebuilt))
    assert done.returncode == 0, done.stderr
    url = server.url("cnn", CNN_A)
    versions = [line for line in store_lines(rebuilt) if line["url"] == url]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert "two library annexes" in versions[1]["articleBody"]
    latest = versions[-1]
    assert "two library annexes" not in latest["articleBody"]
    assert latest["articleBody"] == versions[0]["articleBody"]
    # The version comes from the 304: its line points at that revisit record.
    assert latest["warc"]["recordId"] == _captures_of(data, url)[-1][3]
    (live,) = [line for line in store_lines(data) if line["url"] == url]
    assert live["contentDigest"] == latest["contentDigest"]


@pytest.mark.parametrize("lost", ["damaged", "dedup off"])
def test_a_page_the_digest_index_does_not_know_is_fetched_whole_not_confirmed_blind(
    copied_site: tuple[SiteServer, Path], tmp_path: Path, lost: str
) -> None:
    """The digest index set aside as damaged (or off for the first run) while the fetch
    history kept its validators: every later run got 304s archived as revisits that
    named nothing (no WARC-Refers-To, no payload digest), and a 304 never filled the
    index again. The page is fetched whole once instead, and confirmed after."""
    server, _cnn = copied_site
    data = tmp_path / "data"
    url = server.url("cnn", CNN_A)
    if lost == "dedup off":
        crawl(server, data, "-s", "NEWSARCHIVE_WARC_DEDUP_ENABLED=False")
    else:
        crawl(server, data)
        index = data / "state" / "warc-digests.sqlite3"
        for extra in ("-wal", "-shm"):
            index.with_name(index.name + extra).unlink(missing_ok=True)
        index.write_bytes(b"this was a database once\n" * 200)
    crawl(server, data, "--recrawl", "all")
    crawl(server, data, "--recrawl", "all")
    sent = requests_sent(data, url)
    assert len(sent) == 3
    assert "If-None-Match" not in sent[1], "validators of a capture the index does not know"
    assert "If-None-Match" in sent[2]
    captures = _captures_of(data, url)
    assert [kind for kind, *_ in captures] == ["response", "response", "revisit"]
    assert captures[2][2] == captures[1][3], "the 304 names the capture it confirms"


def test_a_history_kept_before_warc_digests_reads_and_learns_them(tmp_path: Path) -> None:
    """A fetch history written by an earlier version lacks the column of the capture its
    validators are of: it is added, old rows read without it."""
    import sqlite3

    path = tmp_path / "fetch.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE fetches (key TEXT PRIMARY KEY, url TEXT NOT NULL, fetched_at REAL NOT"
        " NULL, first_fetched_at REAL NOT NULL, status INTEGER NOT NULL, etag TEXT,"
        " last_modified TEXT, payload_digest TEXT, date_published TEXT, date_modified TEXT,"
        " links TEXT)"
    )
    old.execute("INSERT INTO fetches VALUES ('k', 'u', 1.0, 1.0, 200, '\"e\"', NULL, 'sha1:x',"
                " NULL, NULL, NULL)")  # fmt: skip
    old.commit()
    old.close()
    state = FetchState(path)
    try:
        kept = state.get("k")
        assert kept is not None and kept.etag == '"e"' and kept.warc_digest is None
        state.record(replace(kept, key="n", warc_digest="sha1:ABC"))
        assert state.get("n") == replace(kept, key="n", warc_digest="sha1:ABC")
    finally:
        state.close()


def test_a_resumed_crawl_reads_its_sections_again(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    """A crawl cut short (--max-pages, --max-runtime, a kill) is resumed by the next run,
    which did not request the section pages its predecessor had read: a story added
    meanwhile was missed, and by a cron crawl cut short every run, missed for good."""
    server, cnn = copied_site
    data = tmp_path / "data"
    first = crawl(server, data, "--max-pages", "3")
    assert first["status"] == "limited"
    story = "/2013/02/01/world/africa/mali-new-story/index.html"
    source = (cnn / CNN_A.lstrip("/")).read_text("utf-8")
    page = cnn / story.lstrip("/")
    page.parent.mkdir(parents=True)
    page.write_text(
        source.replace(CNN_A, story).replace("Troops enter Timbuktu", "A story added later"),
        "utf-8",
    )
    section = cnn / "world" / "africa" / "index.html"
    section.write_text(
        section.read_text("utf-8").replace(
            f'href="{CNN_A}"', f'href="{story}">A story added later</a> <a href="{CNN_A}"', 1
        ),
        "utf-8",
    )
    second = crawl(server, data)
    assert second["resumed"] is True
    assert story in {line["url"].removeprefix(server.url("cnn", "")) for line in store_lines(data)}


def test_store_rebuild_forgets_a_torn_later_version_of_a_stored_article(
    copied_site: tuple[SiteServer, Path], tmp_path: Path
) -> None:
    """The torn line was version 2 of an article whose version 1 is whole: its page's
    history was kept (the URL is stored), every later fetch was a 304, and the change
    version 2 held was never stored again."""
    from archive.fetchstate import FetchState

    server, cnn = copied_site
    data = tmp_path / "data"
    crawl(server, data)
    page = cnn / CNN_A.lstrip("/")
    page.write_bytes(page.read_bytes().replace(b"burned a library annex", b"burned two"))
    crawl(server, data, "--recrawl", "all")
    (month,) = sorted((data / "articles").glob("articles-*.jsonl"))
    raw = month.read_bytes()
    last = raw.rstrip(b"\n").rfind(b"\n") + 1
    assert json.loads(raw[last:])["version"] == 2
    month.write_bytes(raw[: last + 300])
    assert run_cli("store", "rebuild", "--data", str(data)).returncode == 0
    history = FetchState(data / "state" / "fetch.sqlite")
    try:
        known = {dedup_key(url) for _key, url, _article in history.pages()}
    finally:
        history.close()
    assert dedup_key(server.url("cnn", CNN_A)) not in known
    crawl(server, data)  # fetched whole again: its version 2 is stored once more
    versions = [line["version"] for line in store_lines(data) if "two" in line["articleBody"]]
    assert versions == [2]


def test_a_frontier_left_on_another_site_is_dropped_not_failed(
    site: SiteServer, tmp_path: Path
) -> None:
    """A crawl cut short on one mirror, the next run started on another (the mirror moved to
    another port): the old frontier's pages are not this crawl's site. Before, each was
    refused as offsite, an error, and the run failed (exit 1) once."""
    first = crawl(site, tmp_path, "--max-pages", "3")
    assert first["limitedBy"], first
    moved = start_site_server()
    try:
        result = run_cli(
            "crawl", "cnn", "-q", "--data", str(tmp_path),
            "--start-url", moved.url("cnn", "/world/africa/"), *FAST,
        )  # fmt: skip
    finally:
        stop_site_server(moved)
    assert result.returncode == 0, result.stderr
    report = json.loads(sorted((tmp_path / "runs").glob("*.json"))[-1].read_text())
    assert "offsite" not in report["errors"], report["errors"]
    assert report["articles"]["new"] > 0
    assert "of an unfinished crawl of another site" in Path(report["logFile"]).read_text()
