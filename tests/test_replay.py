"""``newsarchive replay``: a crawl's WARCs give back that crawl's items, exactly."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from archive.cli import main
from archive.replay.plan import Planner, Task
from archive.replay.run import run_outcomes
from archive.warc.read.reader import RecordFacts
from archive.warc.read.sources import Source

from . import test_replay_helpers as helpers
from .conftest import REPO, SiteServer, cli_env, run_cli, store_lines
from .test_replay_helpers import read_items, stores_equal

site_archive = helpers.site_archive
no_network = helpers.no_network

CAMPS = "/2013/01/27/world/africa/mali-refugees-niger-camps/index.html"
MOVED = "/2013/01/27/world/africa/mali-refugees-niger/index.html"


def test_replay_into_a_fresh_store_reproduces_the_crawl(site_archive: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    result = run_cli("replay", str(site_archive / "warc"), "--store", str(fresh), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert store_lines(site_archive), "the crawl stored nothing"
    assert stores_equal(site_archive, fresh) == []
    for line in store_lines(fresh):
        assert line["warc"]["filename"].endswith(".warc.gz")
        assert line["metadata"]["dateDownloaded"].endswith("Z")


def test_replaying_again_adds_nothing(site_archive: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    first = run_cli("replay", str(site_archive / "warc"), "--store", str(fresh))
    assert first.returncode == 0, first.stderr
    before = store_lines(fresh)
    second = run_cli("replay", str(site_archive / "warc"), "--store", str(fresh))
    assert second.returncode == 0, second.stderr
    assert store_lines(fresh) == before
    assert f"store 0 new / 0 updated / {len(before)} unchanged" in second.stderr


def test_jsonl_output_is_the_store_lines_in_the_same_order_with_any_jobs(
    site_archive: Path, tmp_path: Path
) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for path, jobs in ((one, "1"), (two, "2")):
        result = run_cli("replay", str(site_archive / "warc"), "--out", str(path), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
    assert one.read_bytes() == two.read_bytes()
    stored = {line["warc"]["recordId"]: line for line in store_lines(site_archive)}
    items = read_items(one)
    assert len(items) == len(stored)
    for item in items:
        assert item == stored[item["warc"]["recordId"]]


def test_stdout_is_jsonl(site_archive: Path) -> None:
    result = run_cli("replay", str(site_archive / "warc"), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(json.loads(line)["articleId"] for line in lines)
    assert "newsarchive: replay: " in result.stderr
    assert ", 1 blocked," in result.stderr  # the 403 challenge page is analysed and counted


def test_redirect_chain_followed_item_has_the_final_url(
    site_archive: Path, site: SiteServer, tmp_path: Path
) -> None:
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", str(site_archive / "warc"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    urls = [item["url"] for item in read_items(out)]
    assert site.url("cnn", CAMPS) in urls
    assert site.url("cnn", MOVED) not in urls
    assert "1/1 redirects followed" in result.stderr


def test_planner_follows_redirects_through_the_archive() -> None:
    source = Source("x.warc")
    planner = Planner()

    def response(url: str, status: int, location: str | None = None) -> RecordFacts:
        return RecordFacts(
            source,
            0,
            1,
            "response",
            url,
            "2024-01-01T00:00:00Z",
            f"<{url}>",
            status=status,
            content_type="text/html",
            location=location,
            has_http=True,
        )

    list(planner.feed(response("http://a/1", 301, "/2")))
    list(planner.feed(response("http://a/2", 302, "http://a/3?utm_source=x")))
    list(planner.feed(response("http://a/loop", 301, "/loop")))
    assert planner.final_url("http://a/1") == "http://a/3?utm_source=x"
    assert planner.final_url("http://a/loop") is None


def test_planner_reads_a_304_from_the_capture_it_confirms() -> None:
    """A 304 revisit naming a payload is a capture of the page at its own time; one that
    names none (it confirms nothing we can read) stays out."""
    source = Source("x.warc")
    planner = Planner()

    def record(
        offset: int, rec_type: str, status: int, digest: str | None, refers: bool = True
    ) -> RecordFacts:
        return RecordFacts(
            source,
            offset,
            1,
            rec_type,
            "http://a/story",
            f"2024-01-0{offset}T00:00:00Z",
            f"<r{offset}>",
            payload_digest=digest,
            refers_to_url="http://a/story" if rec_type == "revisit" and refers else None,
            status=status,
            content_type="text/html" if status in (200, 301) else None,
            has_http=True,
        )

    empty = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"  # the digest of no bytes
    tasks = [
        task
        for facts in (
            record(1, "response", 200, "sha1:A"),
            record(2, "response", 200, "sha1:B"),
            record(3, "revisit", 304, "sha1:A"),
            record(4, "revisit", 304, None),
            # Another tool's: the digest of the 304's own empty body, or no capture named.
            record(5, "revisit", 304, empty),
            record(7, "revisit", 304, empty.lower()),
            record(8, "revisit", 304, "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            record(6, "revisit", 304, "sha1:A", refers=False),
        )
        for task in planner.feed(facts)
    ]
    tasks += planner.finish()
    assert [(t.facts.offset, t.payload_offset) for t in tasks] == [(1, 1), (2, 2), (3, 1)]
    assert (planner.stats.revisits, planner.stats.revisits_resolved) == (1, 1)


def _old_store(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    """A data directory whose store is `lines` (in the month file of the first)."""
    old = tmp_path / "old"
    (old / "articles").mkdir(parents=True)
    month = lines[0]["metadata"]["dateDownloaded"][:7]
    with open(old / "articles" / f"articles-{month}.jsonl", "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    return old


def test_diff_shows_per_article_and_field_what_would_change(
    site_archive: Path, tmp_path: Path
) -> None:
    same = run_cli("replay", str(site_archive / "warc"), "--diff", str(site_archive))
    assert same.returncode == 0, same.stderr
    assert same.stdout == ""
    assert " 0 would change" in same.stderr

    lines = store_lines(site_archive)
    lines[0]["headline"] = "An older headline"
    lines[0]["authors"] = []
    old = _old_store(tmp_path, lines)
    changed = run_cli("replay", str(site_archive / "warc"), "--diff", str(old))
    assert changed.returncode == 0, changed.stderr
    assert f"~ {lines[0]['articleId']} " in changed.stdout
    assert '    headline: "An older headline" -> ' in changed.stdout
    assert "    authors: [] -> " in changed.stdout
    assert " 1 would change" in changed.stderr


def test_diff_and_store_cannot_be_combined(site_archive: Path, tmp_path: Path) -> None:
    result = run_cli(
        "replay", str(site_archive / "warc"), "--diff", str(site_archive), "--store", str(tmp_path)
    )
    assert result.returncode == 2
    assert "--diff" in result.stderr and "Traceback" not in result.stderr


def test_site_maps_a_mirror_host_to_an_outlet(
    site_archive: Path, site: SiteServer, tmp_path: Path
) -> None:
    host = site.url("cnn", "").split("//", 1)[1].rstrip("/")
    out = tmp_path / "items.jsonl"
    result = run_cli(
        "replay", str(site_archive / "warc"), "--site", f"{host}=reuters", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    cnn_host = [i for i in read_items(out) if i["url"].startswith(site.url("cnn", ""))]
    assert cnn_host and all(i["source"] == "reuters" for i in cnn_host)
    bad = run_cli("replay", str(site_archive / "warc"), "--site", "example.org=bbc")
    assert bad.returncode == 2 and "HOST=SOURCE" in bad.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("replay", str(tmp_path / "nothing.warc.gz"))
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_progress_bar_on_a_terminal_only(site_archive: Path, tmp_path: Path) -> None:
    quiet = run_cli("replay", str(site_archive / "warc"), "--out", str(tmp_path / "a.jsonl"))
    assert "pages/s" not in quiet.stderr and "\r" not in quiet.stderr

    master, slave = pty.openpty()
    try:
        process = subprocess.run(
            [
                sys.executable,
                "-m",
                "archive",
                "replay",
                str(site_archive / "warc"),
                "--out",
                str(tmp_path / "b.jsonl"),
                "--jobs",
                "1",
            ],
            stderr=slave,
            stdout=subprocess.DEVNULL,
            cwd=REPO,
            env=cli_env(),
            timeout=120,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert process.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "pages/s" in text and "records" in text and "left" in text


def test_replay_needs_no_network(
    site_archive: Path, tmp_path: Path, site: SiteServer, no_network: None
) -> None:
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen(site.url("cnn", "/robots.txt"), timeout=5)
    fresh = tmp_path / "fresh"
    assert main(["replay", str(site_archive / "warc"), "--store", str(fresh), "--jobs", "2"]) == 0
    assert stores_equal(site_archive, fresh) == []


def test_each_folder_is_walked_once(
    site_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folders given were walked twice: once to check they hold archives, once to
    replay them (on a large tree of files, or a network mount, twice the listing)."""
    from archive.warc.read import sources

    walked: list[str] = []
    walk = sources.os.walk

    def counting(folder: Any, *args: Any, **kwargs: Any) -> Any:
        walked.append(str(folder))
        return walk(folder, *args, **kwargs)

    monkeypatch.setattr(sources.os, "walk", counting)
    out = tmp_path / "items.jsonl"
    assert main(["replay", str(site_archive / "warc"), "--out", str(out), "--jobs", "1"]) == 0
    assert walked == [str(site_archive / "warc")]
    assert read_items(out)


def test_archives_found_and_paths_given_together_are_all_replayed(
    site_archive: Path, tmp_path: Path
) -> None:
    """`replay` given archives a command found and paths to look in, together: the found
    ones were dropped, the paths alone replayed."""
    from archive.replay.run import replay
    from archive.warc.read.sources import find_sources

    first, *rest = sorted((site_archive / "warc").glob("*.warc.gz"))
    assert rest
    (folder := tmp_path / "rest").mkdir()
    for path in rest:
        (folder / path.name).symlink_to(path)
    items: list[dict[str, Any]] = []
    given: list[Any] = [*find_sources([first]), folder]
    report = replay(given, items.append, jobs=1, err=io.StringIO())
    assert report.files == 1 + len(rest)


def test_waiting_captures_are_bounded_by_the_window() -> None:
    source = Source("foreign.warc")
    planner = Planner(window=10)
    released = 0
    for n in range(100):
        facts = RecordFacts(
            source,
            n,
            1,
            "response",
            f"http://a/{n}",
            "2024-01-01T00:00:00Z",
            f"<{n}>",
            status=200,
            content_type="text/html",
            has_http=True,
        )
        released += len(list(planner.feed(facts)))
        assert len(planner.pending) <= 10
    assert released == 90
    assert len(list(planner.finish())) == 10


def test_tasks_are_pulled_as_workers_need_them() -> None:
    pulled = count()

    def endless() -> object:
        for n in pulled:
            facts = RecordFacts(
                Source("/nonexistent.warc"),
                n,
                1,
                "response",
                "http://a/",
                "2024-01-01T00:00:00Z",
                f"<{n}>",
            )
            yield Task(facts, facts.source, n)

    outcomes = run_outcomes(endless(), 2, {})  # type: ignore[arg-type]
    first = next(outcomes)
    assert first.kind == "problem"
    assert next(pulled) <= 2 * 8 + 1  # never more than a few tasks per worker in flight
    outcomes.close()  # type: ignore[attr-defined]  # a generator


def test_diff_shows_the_changed_part_of_a_long_value_in_context() -> None:
    from archive.replay.diff import show_change

    body = "An opening paragraph. " * 40
    before, after = show_change(body + "The rebels fled north.", body + "The rebels fled south.")
    assert "north" in before and "south" in after
    assert before.startswith("...") and len(before) < 120
    short = show_change("a headline", "another headline")
    assert short == ('"a headline"', '"another headline"')
    middle = show_change("x" * 300 + "old" + "y" * 300, "x" * 300 + "new" + "y" * 300)
    assert "old" in middle[0] and "new" in middle[1] and middle[0].endswith("...")


def test_diff_of_the_captures_a_store_was_made_from_shows_nothing(tmp_path: Path) -> None:
    """Three captures of one article: A (stored as version 1), A again (an unchanged
    re-fetch: no line of its own), B (version 2). The same extraction of the same captures
    changes nothing; before, the re-fetch was compared with the latest version (B), and
    showed a body change back to A, its capture time and its WARC record."""
    import io

    from archive.replay.diff import StoreDiff
    from archive.store import ArticleStore

    from .test_store import make_item

    def capture(n: int, day: int, body: str) -> dict:
        item = make_item(1, body=body, downloaded=f"2024-05-0{day}T10:00:00Z")
        item["warc"] = {**item["warc"], "offset": n * 1000, "recordId": f"<urn:uuid:0-{n}>"}
        return item

    first, again, later = capture(1, 1, "Text A."), capture(2, 2, "Text A."), capture(3, 3, "B.")
    with ArticleStore(tmp_path) as store:
        decisions = [store.add(i).status for i in (first, again, later)]
    assert decisions == ["new", "unchanged", "updated"]
    shown = io.StringIO()
    diff = StoreDiff(tmp_path, shown)
    for item in (first, again, later):
        diff.add(item)
    assert shown.getvalue() == ""
    assert " 0 would change" in diff.summary()
    # An extractor that reads the re-fetch otherwise: that capture would be a new version.
    changed = capture(2, 2, "Text C.")
    diff.add(changed)
    assert "~ " in shown.getvalue() and "Text C." in shown.getvalue()


def test_diff_holds_no_line_of_the_old_store_in_memory(tmp_path: Path) -> None:
    """``replay --diff`` read every line of the old store into memory: a store of years
    of news ran the replay out of memory before it compared anything."""
    import tracemalloc

    from archive.replay.diff import StoreDiff
    from archive.store import ArticleStore

    from .test_store import make_item

    items = [make_item(n, body=f"Paragraph {n} " + "word " * 8000) for n in range(120)]
    with ArticleStore(tmp_path) as store:
        for item in items:
            store.add(item)
    stored = sum(path.stat().st_size for path in (tmp_path / "articles").glob("*.jsonl"))
    assert stored > 4_000_000
    tracemalloc.start()
    try:
        diff = StoreDiff(tmp_path, io.StringIO())
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert held < stored // 8, f"{held} bytes held for a store of {stored}"
        for item in items:  # each line still read when it is compared
            diff.add(item)
        changed = make_item(7, body="Another text")
        diff.add(changed)
    finally:
        diff.close()
    assert " 1 would change" in diff.summary() and "121 captures compared" in diff.summary()


def test_diff_names_an_article_new_to_the_old_store_once(tmp_path: Path) -> None:
    """An article captured under two URLs (a mirror on two ports, ``.../slug`` and
    ``.../slug/index.html``) was listed as new once per capture."""
    from archive.replay.diff import StoreDiff
    from archive.store import ArticleStore

    from .test_store import make_item

    with ArticleStore(tmp_path):
        pass  # an empty store
    one = make_item(1, downloaded="2024-05-01T10:00:00Z")
    other = make_item(1, downloaded="2024-05-02T10:00:00Z")
    other["url"] = one["url"].replace("/index.html", "/")
    shown = io.StringIO()
    diff = StoreDiff(tmp_path, shown)
    diff.add(one)
    diff.add(other)
    assert shown.getvalue().count("not in the old store") == 1, shown.getvalue()
    assert "1 not in the old store" in diff.summary()


def test_diff_names_the_articles_re_extraction_no_longer_gives(
    site_archive: Path, tmp_path: Path
) -> None:
    """The regression a parser review most needs to see: a stored article whose capture
    now gives no item. Before, it was not listed, and the summary did not count it."""
    from archive.replay.diff import StoreDiff
    from archive.replay.extract import Outcome

    line = store_lines(site_archive)[0]
    shown = io.StringIO()
    diff = StoreDiff(site_archive, shown)
    diff.gone(
        Outcome(
            "not_article", line["url"], problem="no headline", record_id=line["warc"]["recordId"]
        )
    )
    diff.gone(Outcome("listing", "http://other/", record_id="<urn:uuid:not-stored>"))
    assert (
        shown.getvalue()
        == f"- {line['articleId']} {line['url']}: no article now (not_article: no headline)\n"
    )
    assert "1 no longer an article" in diff.summary()


def test_diff_lists_a_stored_article_whose_capture_gives_no_item_now(
    site_archive: Path, tmp_path: Path
) -> None:
    from warcio.archiveiterator import ArchiveIterator

    section = None
    for path in sorted((site_archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response" and record.rec_headers.get_header(
                    "WARC-Target-URI"
                ).endswith("/world/africa/"):
                    section = record.rec_headers.get_header("WARC-Record-ID")
    assert section is not None
    lines = store_lines(site_archive)
    lines[0]["warc"]["recordId"] = section  # as if the section page had been an article
    old = _old_store(tmp_path, lines)
    result = run_cli("replay", str(site_archive / "warc"), "--diff", str(old))
    assert result.returncode == 0, result.stderr
    assert f"- {lines[0]['articleId']} {lines[0]['url']}: no article now (" in result.stdout
    assert " 1 no longer an article" in result.stderr


def test_an_archive_named_twice_in_two_spellings_is_read_once(
    site_archive: Path, tmp_path: Path
) -> None:
    """A folder given by its path and by an absolute one (or a link to it) was two sets of
    archives: every record was read twice, and --all-captures wrote each capture twice."""
    warc = site_archive / "warc"
    once, twice = tmp_path / "once.jsonl", tmp_path / "twice.jsonl"
    (tmp_path / "link").symlink_to(warc)
    args = ["--all-captures", "--jobs", "1"]
    assert main(["replay", str(warc), "--out", str(once), *args]) == 0
    spelled = [os.path.relpath(warc), str(warc.resolve()), str(tmp_path / "link")]
    assert main(["replay", *spelled, "--out", str(twice), *args]) == 0
    assert read_items(twice) == read_items(once)


@pytest.mark.parametrize(
    "into", [["--store", "{tmp}/data"], ["--out", "{tmp}/items.jsonl"], ["--all-captures"], []]
)
def test_replay_into_a_store_refuses_a_warc_whose_file_name_is_not_utf8(
    site_archive: Path, tmp_path: Path, into: list[str]
) -> None:
    """A store line names its WARC file in JSON, which holds text, not bytes: the name was
    stored escaped, every reader took it as U+FFFD, and ``export wacz`` found no such file.
    The lines of ``--out`` (or standard output) are store lines: they held a lone surrogate
    escape (``caf\\udce9``), which jq and every strict JSON reader take for U+FFFD."""
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    original = sorted((site_archive / "warc").glob("*.warc.gz"))[0]
    odd = os.path.join(os.fsencode(warcs), b"caf\xe9-" + os.fsencode(original.name))
    with open(original, "rb") as source, open(odd, "wb") as copy:
        copy.write(source.read())
    result = run_cli("replay", str(warcs), *[a.format(tmp=tmp_path) for a in into])
    assert result.returncode == 2, result.stderr
    shown = os.fsencode(odd).decode("utf-8", "backslashreplace")
    assert result.stderr == (
        f"newsarchive: {shown}: its file name is not UTF-8, which a store line cannot name "
        "as it is; rename the file (convmv) and replay it\n"
    )
    assert result.stdout == ""
    assert not (tmp_path / "data" / "articles").exists()
    assert not (tmp_path / "items.jsonl").exists()


def test_replay_diff_reads_a_warc_whose_file_name_is_not_utf8(
    site_archive: Path, tmp_path: Path
) -> None:
    """``--diff`` writes no store line: such a file is compared as any other (its name
    printed as its bytes are, as ``ls`` prints it)."""
    warcs = tmp_path / "warcs"
    warcs.mkdir()
    for original in sorted((site_archive / "warc").glob("*.warc.gz")):
        odd = os.path.join(os.fsencode(warcs), b"caf\xe9-" + os.fsencode(original.name))
        with open(original, "rb") as source, open(odd, "wb") as copy:
            copy.write(source.read())
    command = [sys.executable, "-m", "archive", "replay", str(warcs), "--diff", str(site_archive)]
    result = subprocess.run(command, capture_output=True, env=cli_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert b"not UTF-8" not in result.stderr
    assert b'"filename": "caf\xe9-' in result.stdout
