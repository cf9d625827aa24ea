"""Arguments a command parses but no run can use, and file names that are not UTF-8: each is
one line and exit 2, or a run as usual; never a wait without end, a crash or a held lock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from archive.store import ArticleStore
from archive.store.files import StoreLock

from .conftest import run_cli
from .one_capture import write_foreign_response
from .test_pages_fixtures import PAGES, load_fixture
from .test_store import make_item


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "cnn", "--max-runtime", "nan"],
        ["crawl", "cnn", "--max-runtime", "inf"],
        ["crawl", "cnn", "--via", "wayback", "--at", "2013", "--window", "nan"],
        ["replay", "{warc}", "--store", "{data}", "--wait", "nan"],
        ["replay", "{warc}", "--store", "{data}", "--wait", "-5"],
        ["store", "rebuild", "--data", "{data}", "--wait", "nan"],
        ["replay", "{warc}", "--out", "{data}.jsonl", "--jobs", "1000000"],
        ["browse", "--data", "{data}", "--port", "-1"],
        ["browse", "--data", "{data}", "--port", "70000"],
    ],
)
def test_a_number_no_run_can_use_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    if args[0] in ("store", "browse"):
        (data / "warc").mkdir(parents=True)
    warc = tmp_path / "none.warc.gz"
    warc.write_bytes(b"")
    filled = [a.format(warc=warc, data=data) for a in args]
    if args[0] == "crawl":  # a closed loopback port: nothing is asked of an outlet, ever
        filled += ["--data", str(data), "--start-url", "http://127.0.0.1:9/world/africa/"]
    result = run_cli(*filled)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "takes" in result.stderr
    assert not (tmp_path / "data.jsonl").exists()
    assert not (data / "articles").exists()


def test_a_lock_taken_by_a_command_naming_a_file_that_is_not_utf8_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["newsarchive", "replay", os.fsdecode(b"/tmp/a\xff.warc")])
    lock = StoreLock(tmp_path, timeout=0)
    lock.acquire()
    assert (tmp_path / lock.path.name).read_bytes().endswith(b"a\\udcff.warc\n")
    lock.release()
    again = StoreLock(tmp_path, timeout=0)
    again.acquire()  # raised StoreLockedError when the first one leaked its lock
    again.release()


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_replay_into_a_store_whose_name_is_not_utf8_stores_its_article(tmp_path: Path) -> None:
    """An argument that is not UTF-8 goes into the store lock's holder line (escaped). A WARC
    file of such a name is refused (test_replay): a store line could not name it."""
    story = PAGES / "cnn_2013" / "gallery_two_authors_no_place.html"
    expected, _headers, body = load_fixture(story)
    name = tmp_path / "one.warc.gz"
    with open(name, "wb") as out:
        write_foreign_response(WARCWriter(out, gzip=True), expected["url"], body)
    data = tmp_path / os.fsdecode(b"caf\xe9-data")
    result = run_cli("replay", str(name), "--store", str(data), "--wait", "0")
    assert result.returncode == 0, result.stderr
    assert "not stored" not in result.stderr
    assert len(list((data / "articles").glob("articles-*.jsonl"))) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_replay_out_to_a_full_disk_names_the_output(tmp_path: Path) -> None:
    story = PAGES / "cnn_2013" / "gallery_two_authors_no_place.html"
    expected, _headers, body = load_fixture(story)
    warc = tmp_path / "one.warc.gz"
    with open(warc, "wb") as out:
        write_foreign_response(WARCWriter(out, gzip=True), expected["url"], body)
    result = run_cli("replay", str(warc), "--out", "/dev/full")
    assert result.returncode == 74, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("newsarchive: cannot write /dev/full: the disk is full"), last


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["replay", "{empty}", "--out", "{empty}/items.jsonl"], "no WARC or WACZ files in"),
        (["verify"], "no WARC files named, and no data/warc here"),
        (["verify", "{empty}/typo.warc.gz"], "no such file or folder: "),
        (["crawl", "cnn", "--via", "wayback", "--at", "99999999999999"], "not a timestamp"),
        (["crawl", "cnn", "--from-archive", "{empty}", "--at", "20131399"], "not a timestamp"),
        (["crawl", "cnn", "--via", "commoncrawl:", "--at", "2013"], "--via takes"),
    ],
)
def test_nothing_to_read_or_no_moment_is_a_usage_error(
    args: list[str], says: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    filled = [a.format(empty=empty) for a in args]
    if args[0] == "crawl":
        filled += ["--data", str(tmp_path / "data")]
    result = run_cli(*filled, cwd=empty)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert not (empty / "items.jsonl").exists() and not (tmp_path / "data").exists()


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with ArticleStore(data) as store:
        for n in range(3):
            store.add(make_item(n))
    return data


@pytest.mark.parametrize(
    "args",
    [
        ["articles", "--since", "9999-12-31T23:59:59-01:00"],
        ["articles", "--until", "0001-01-01T00:00+01:00"],
        ["articles", "--since="],
        ["articles", "--published-until="],
        ["articles", "--fields=,"],
        ["articles", "--fields=metadata."],
        ["export", "sqlite", "{out}", "--until="],
        ["export", "sqlite", "{out}", "--since", "9999-12-31T23:59-01:00"],
    ],
)
def test_a_reader_given_no_moment_or_no_field_says_so(
    small_store: Path, tmp_path: Path, args: list[str]
) -> None:
    filled = [a.format(out=tmp_path / "out.db") for a in args]
    result = run_cli(*filled, "--data", str(small_store))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and not result.stdout
    assert not (tmp_path / "out.db").exists()


def test_a_year_before_1000_bounds_as_any_other(small_store: Path) -> None:
    since = run_cli("articles", "--data", str(small_store), "--since", "0999-01-01")
    until = run_cli("articles", "--data", str(small_store), "--until", "0999-01-01")
    assert len(since.stdout.splitlines()) == 3, since.stderr
    assert until.stdout == "", until.stderr
