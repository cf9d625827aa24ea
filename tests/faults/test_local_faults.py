"""Local faults: an unusable data directory, a full disk, a data directory of another version.

A full disk is met two ways: through a test-only extension (``diskfull_ext``) that gives the
crawl a budget of free bytes, so each writer's failure is reached on purpose; and for real,
on a small tmpfs mounted for the test (root only: skipped, with the reason, elsewhere).
"""

from __future__ import annotations

import base64
import errno
import gzip
import json
import os
import random
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from archive import exitcodes
from archive.dataformat import FORMAT_NAME, LAYOUT_VERSION, STORE_SCHEMA_VERSION
from archive.store.files import StoreLock
from archive.warc import Capture, HttpMessage, WarcWriter

from ..conftest import REPO, run_cli
from .harness import (
    HEALTHY_PAGE,
    article_path,
    crawl,
    fault_server,
    hub,
    store_lines,
    variant,
    warc_records,
)


@pytest.mark.parametrize("where", ["a-file-in-the-way", "under-a-file"])
def test_unusable_data_directory_refused_before_any_fetch(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    data = blocker if where == "a-file-in-the-way" else blocker / "data"
    with fault_server(tmp_path, {"main": {"/": hub([article_path("x")])}}) as server:
        result = crawl(data, server.url("main", "/"))
        assert server.requested() == []
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "data directory" in lines[0] and "Traceback" not in result.stderr
    assert blocker.read_text() == "not a directory"


@pytest.mark.parametrize("name", ["warc", "articles", "runs", "state", "newsarchive.lock"])
def test_a_part_of_the_data_directory_in_the_way_is_named(tmp_path: Path, name: str) -> None:
    """A file where one of its folders goes (a folder where the lock goes): the line said
    "data directory DATA is not usable: File exists", naming none of them."""
    data = tmp_path / "data"
    data.mkdir()
    if name.endswith(".lock"):
        (data / name).mkdir()
    else:
        (data / name).write_text("in the way")
    line = refused_before_any_fetch(tmp_path, data)
    assert str(data / name) in line, line


def refused_before_any_fetch(tmp_path: Path, data: Path, code: int = exitcodes.USAGE) -> str:
    """Crawl into `data`; assert exit `code`, one line, nothing requested; return the line."""
    with fault_server(tmp_path, {"main": {"/": hub([article_path("x")])}}) as server:
        result = crawl(data, server.url("main", "/"))
        assert server.requested() == []
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_missing_parent_is_refused_not_created(tmp_path: Path) -> None:
    data = tmp_path / "not-mounted" / "data"
    line = refused_before_any_fetch(tmp_path, data)
    assert f"its parent folder {data.parent} does not exist" in line
    assert not data.parent.exists()  # never created: it could be a disk that is not mounted


def test_data_directory_in_an_unwritable_place(tmp_path: Path) -> None:
    # /proc takes no new files, not even from root: the path every platform can test.
    line = refused_before_any_fetch(tmp_path, Path("/proc"))
    assert "data directory /proc is not usable" in line


@contextmanager
def mounted_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `where`, for a real full or read-only disk; skip if we cannot mount."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except OSError as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); the hook-driven tests still run")
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root; "
            "the hook-driven tests still run"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True, timeout=30)


def test_read_only_data_directory_refused_before_any_fetch(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "ro", "1m") as disk:
        data = disk / "data"
        for name in ("warc", "articles", "runs", "state"):
            (data / name).mkdir(parents=True)
        remount(disk, "ro")
        line = refused_before_any_fetch(tmp_path, data, exitcodes.CANT_CREATE)
        assert f"data directory {data} is not usable: Read-only file system" in line
        assert sorted(p.name for p in data.iterdir()) == ["articles", "runs", "state", "warc"]


@pytest.mark.parametrize(
    "command",
    [
        ["store", "rebuild", "--data", "DATA"],
        ["replay", "DATA/warc", "--store", "DATA"],
        ["export", "sqlite", "DISK/news.db", "--data", "DATA"],
        ["export", "wacz", "DISK/news.wacz", "--data", "DATA"],
        ["index", "--data", "DATA"],
        ["replay", "DATA/warc", "--out", "DISK/items.jsonl"],
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_a_command_writing_to_a_read_only_disk_says_so_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    """A store rebuilt, replayed into or exported onto a read-only mount (a snapshot, a
    disk remounted read-only after errors) was an internal error (exit 70), then a usage
    error (2), which it is not: 73 (EX_CANTCREAT), the line naming the path refused."""
    with mounted_tmpfs(tmp_path / "ro", "4m") as disk:
        data = disk / "data"
        routes = {"/": hub([article_path("x")]), article_path("x"): {"body": variant("x").decode()}}
        with fault_server(tmp_path, {"main": routes}) as server:
            assert crawl(data, server.url("main", "/")).returncode == 0
        assert store_lines(data)
        remount(disk, "ro")
        args = [a.replace("DATA", str(data)).replace("DISK", str(disk)) for a in command]
        result = run_cli(*args)
    assert result.returncode == exitcodes.CANT_CREATE == 73, result.stderr
    assert result.stderr.count("\n") == 1 and "Read-only file system" in result.stderr
    assert str(disk) in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@contextmanager
def unprivileged(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A folder and the command prefix running a command the system holds to file modes:
    as root, without the capabilities that override them (else skipped: no setpriv)."""
    import shutil

    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to run a command as root held to file modes")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    folder = tmp_path / "held"
    folder.mkdir()
    try:
        yield folder, prefix
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o700)


def test_a_folder_the_user_may_not_write_is_73_and_a_file_it_may_not_read_66(
    tmp_path: Path,
) -> None:
    """Permission denied was a usage error (2), which cron cannot tell from a typo."""
    import sys

    with unprivileged(tmp_path) as (folder, held):
        data = folder / "data"
        (data / "warc").mkdir(parents=True)
        (data / "warc").chmod(0o555)
        page = folder / "page.html"
        page.write_text("<html><body><p>a page</p></body></html>")
        page.chmod(0o000)
        run = [*held, sys.executable, "-m", "archive"]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        indexed = subprocess.run(
            [*run, "index", "--data", str(data)],
            capture_output=True, text=True, cwd=folder, env=env, timeout=120,
        )  # fmt: skip
        read = subprocess.run(
            [*run, "extract", str(page), "--url", "https://www.cnn.com/a.html"],
            capture_output=True, text=True, cwd=folder, env=env, timeout=120,
        )  # fmt: skip
    assert indexed.returncode == exitcodes.CANT_CREATE, indexed.stderr
    assert indexed.stderr.count("\n") == 1 and "Permission denied" in indexed.stderr
    assert str(data / "warc") in indexed.stderr, indexed.stderr
    assert read.returncode == exitcodes.NO_INPUT == 66, read.stderr
    assert read.stderr == f"newsarchive: cannot read {page}: Permission denied\n"


@pytest.mark.parametrize("command", ["verify", "replay", "crawl"])
def test_an_input_in_a_folder_the_user_may_not_search_is_66(tmp_path: Path, command: str) -> None:
    """An archive named on the command line inside a folder the user may not enter (no x
    bit) is an input the system does not let us read: exit 66, as a file of mode 000. It
    was exit 73, "cannot use PATH", a path we may not write."""
    import sys

    with unprivileged(tmp_path) as (folder, held):
        shut = folder / "shut"
        shut.mkdir()
        archive = shut / "a.warc.gz"
        archive.write_bytes(b"")
        shut.chmod(0o600)
        args = {
            "verify": ["verify", str(archive)],
            "replay": ["replay", "--store", str(folder / "store"), str(archive)],
            "crawl": ["crawl", "cnn", "--data", str(folder / "data"),
                      "--from-archive", str(archive)],
        }[command]  # fmt: skip
        result = subprocess.run(
            [*held, sys.executable, "-m", "archive", *args],
            capture_output=True, text=True, cwd=folder, timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
    assert result.returncode == exitcodes.NO_INPUT == 66, result.stderr
    assert result.stderr == f"newsarchive: cannot read {archive}: Permission denied\n"


@pytest.mark.parametrize("command", [["crawl", "cnn"], ["articles"], ["store", "stats"]])
def test_a_folder_where_a_month_of_the_store_goes_is_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    """``articles/articles-YYYY-MM.jsonl`` made a folder (a copy gone wrong, a sync tool):
    every command, readers included, was an internal error (exit 70) and a crawl wrote no
    report."""
    data = tmp_path / "data"
    (data / "articles" / "articles-2026-11.jsonl").mkdir(parents=True)
    result = run_cli(
        *command,
        "--data",
        str(data),
        *(["--start-url", "http://127.0.0.1:9/"] if command[0] == "crawl" else []),
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "articles-2026-11.jsonl" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


# -- a full disk --------------------------------------------------------------------------
ARTICLES = [f"full-{n}" for n in range(8)]


def full_disk_site(noise: int = 0) -> dict[str, dict[str, dict[str, Any]]]:
    """Eight articles; with `noise`, each carries that many incompressible bytes (a comment)."""
    rng = random.Random(7)
    routes: dict[str, dict[str, Any]] = {}
    for name in ARTICLES:
        page = variant(name).decode()
        if noise:
            junk = base64.b64encode(rng.randbytes(noise)).decode()
            page = page.replace("</body>", f"<!-- {junk} --></body>")
        routes[article_path(name)] = {"body": page}
    routes["/"] = hub([article_path(n) for n in ARTICLES])
    return {"main": routes}


def filling(free: int, who: str) -> tuple[str, ...]:
    """Settings that load the test-only full-disk extension into the crawl."""
    from crawler import settings as project

    extensions = {**project.EXTENSIONS, "tests.faults.diskfull_ext.FillingDisk": 0}
    return (
        "-s", f"EXTENSIONS={json.dumps(extensions)}",
        "-s", f"FAULTS_DISK_FREE_BYTES={free}",
        "-s", f"FAULTS_DISK_WRITERS={who}",
    )  # fmt: skip


def reports(data: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((data / "runs").glob("*.json"))]


def assert_whole(data: Path) -> list[dict[str, Any]]:
    """WARC files closed and sound (warcio and `newsarchive verify`), store lines whole and
    each traceable to its response record; returns the store lines."""
    assert not list((data / "warc").glob("*.open"))
    assert not [p for p in data.rglob("*") if p.name.endswith(".tmp")]
    records = warc_records(data)  # digests checked: a cut record would fail here
    verify = run_cli("verify", str(data / "warc"))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    lines = store_lines(data)  # each file ends with a newline: no torn line
    ids = {r.rec_headers.get_header("WARC-Record-ID") for r in records}
    assert all(line["warc"]["recordId"] in ids for line in lines)
    return lines


def assert_stopped_for_disk_full(result: Any) -> None:
    assert result.returncode == exitcodes.DISK_FULL == 74, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    (line,) = [x for x in result.stderr.splitlines() if "No space left on device" in x]
    assert line.startswith("newsarchive: the disk is full (")
    assert "the next run continues" in line


def assert_next_run_finishes(data: Path, start: str, before: list[dict[str, Any]]) -> None:
    again = crawl(data, start, extra=("-q",))
    assert again.returncode == 0, again.stderr
    last = reports(data)[-1]
    assert last["resumed"] is True and last["exitCode"] == 0
    lines = assert_whole(data)
    assert lines[: len(before)] == before  # what the full disk left is kept as it was
    headlines = sorted(line["headline"] for line in lines)
    assert len(headlines) == len(ARTICLES) == len(set(headlines))  # each stored once
    assert all(line["version"] == 1 for line in lines)


@pytest.mark.parametrize("who", ["warc", "store"])
def test_disk_full_stops_cleanly_and_the_next_run_continues(tmp_path: Path, who: str) -> None:
    """The disk fills under the WARC writer, or under the store: exit 74, nothing torn."""
    data = tmp_path / "data"
    # Room for the WARC's first records (or the store's first lines), not for all eight.
    free = 6_000 if who == "warc" else 4_000
    with fault_server(tmp_path, full_disk_site()) as server:
        start = server.url("main", "/")
        result = crawl(data, start, extra=("-q", *filling(free, who)))
        assert_stopped_for_disk_full(result)
        (first,) = reports(data)
        assert first["exitCode"] == 74 and first["finishReasons"] == {"cnn": "disk_full"}
        assert first["completed"] is False and "disk is full" in first["message"]
        writer = "WARC files" if who == "warc" else "the article store"
        assert f"writing {writer}" in first["message"]
        before = assert_whole(data)
        assert len(before) < len(ARTICLES)
        assert_next_run_finishes(data, start, before)


def test_disk_full_for_real_on_a_small_tmpfs(tmp_path: Path) -> None:
    """A real ENOSPC from every writer at once (WARC, store, SQLite state, log, report)."""
    sites = full_disk_site(noise=150_000)  # ~200 KB of WARC per article: 1.6 MB in all
    with mounted_tmpfs(tmp_path / "disk", "1m") as disk, fault_server(tmp_path, sites) as server:
        data = disk / "data"
        start = server.url("main", "/")
        result = crawl(data, start, extra=("-q",))
        assert_stopped_for_disk_full(result)
        for found in reports(data):  # the report may itself not have fitted
            assert found["exitCode"] == 74
        before = assert_whole(data)
        assert len(before) < len(ARTICLES)
        remount(disk, "size=16m")
        assert_next_run_finishes(data, start, before)


def test_disk_full_before_the_crawl_is_74_and_fetches_nothing(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "64k") as disk:
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle, pytest.raises(OSError):
            while True:
                handle.write(b"\0" * 4096)
        with fault_server(tmp_path, full_disk_site()) as server:
            result = crawl(disk / "data", server.url("main", "/"))
            assert server.requested() == []
        assert result.returncode == exitcodes.DISK_FULL, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert "is full (No space left on device); nothing was fetched" in line


def test_exit_code_74_is_documented() -> None:
    assert "74 the data directory's disk is full" in " ".join(exitcodes.EPILOG.split())
    assert "| 74 |" in (REPO / "README.md").read_text("utf-8")
    assert "| disk full" in (REPO / "docs" / "faults.md").read_text("utf-8")


# -- a data directory written by another version ----------------------------------------
ARTICLE_URL = "http://www.cnn.com/2013/01/29/world/africa/mali-timbuktu-retaken/index.html"


def article_warc(folder: Path) -> Path:
    """A WARC file holding one CNN article: something for `replay` to store."""
    from datetime import datetime, timezone

    body = HEALTHY_PAGE.read_bytes()
    writer = WarcWriter(folder, prefix="input")
    writer.write_capture(
        Capture(
            url=ARTICLE_URL,
            date=datetime(2024, 5, 1, tzinfo=timezone.utc),
            request=HttpMessage("GET /2013/01/29/world/africa/mali-timbuktu-retaken/index.html "
                                "HTTP/1.1", [("Host", "www.cnn.com")]),
            response=HttpMessage("HTTP/1.1 200 OK", [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ], body),
        )
    )  # fmt: skip
    writer.close()
    (name,) = writer.files_written
    return folder / name


def newer_store(data: Path) -> None:
    line = {"articleId": "cnn-x", "version": 1, "metadata": {"schemaVersion": 2}, "x": "y"}
    (data / "articles").mkdir(parents=True)
    (data / "articles" / "articles-2031-01.jsonl").write_text(json.dumps(line) + "\n")


def newer_format_file(data: Path) -> None:
    data.mkdir(parents=True)
    (data / FORMAT_NAME).write_text(
        json.dumps({"layout": 2, "storeSchemaVersion": 2, "software": "newsarchive/9.0.0"})
    )


def newer_warc(data: Path) -> None:
    (data / "warc").mkdir(parents=True)
    record = b"WARC/2.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    (data / "warc" / "next-20310101000000-00000-host.warc.gz.open").write_bytes(
        gzip.compress(record)
    )


NEWER = {
    "format.json": (newer_format_file, "written by newsarchive/9.0.0 (data layout 2"),
    "store lines": (newer_store, "holds store lines of schemaVersion 2"),
    "WARC folder": (newer_warc, "is a WARC/2.0 file"),
}


def snapshot(data: Path) -> dict[str, bytes | None]:
    """Every path under `data` with its bytes (None for a folder)."""
    return {
        str(p.relative_to(data)): p.read_bytes() if p.is_file() else None
        for p in sorted(data.rglob("*"))
    }


@pytest.mark.parametrize("command", ["crawl", "replay --store", "store rebuild"])
@pytest.mark.parametrize("marker", list(NEWER))
def test_data_of_a_newer_version_is_refused_and_left_untouched(
    tmp_path: Path, marker: str, command: str
) -> None:
    data = tmp_path / "data"
    make, found = NEWER[marker]
    make(data)
    before = snapshot(data)
    if command == "crawl":
        line = refused_before_any_fetch(tmp_path, data)
    else:
        if command == "replay --store":
            args = ["replay", str(article_warc(tmp_path / "input")), "--store", str(data)]
        else:
            args = ["store", "rebuild", "--data", str(data)]
        result = run_cli(*args)
        assert result.returncode == exitcodes.USAGE, result.stderr
        (line,) = result.stderr.strip().splitlines()
    assert found in line
    assert "this is newsarchive" in line and "refused, nothing written" in line
    assert snapshot(data) == before  # nothing written, renamed or cut; no lock, no format.json


def test_a_new_data_directory_is_marked_with_its_format(tmp_path: Path) -> None:
    from crawler.pages import SCHEMA_VERSION

    assert STORE_SCHEMA_VERSION == SCHEMA_VERSION  # the store lines say what format.json says
    data = tmp_path / "data"
    result = run_cli("replay", str(article_warc(tmp_path / "input")), "--store", str(data))
    assert result.returncode == 0, result.stderr
    marked = json.loads((data / FORMAT_NAME).read_text())
    assert marked["layout"] == LAYOUT_VERSION and marked["storeSchemaVersion"] == SCHEMA_VERSION
    assert [line["metadata"]["schemaVersion"] for line in store_lines(data)] == [SCHEMA_VERSION]
    # Our own data directory is accepted again, and the article is not stored twice.
    again = run_cli("replay", str(article_warc(tmp_path / "input2")), "--store", str(data))
    assert again.returncode == 0, again.stderr
    assert len(store_lines(data)) == 1


# -- replay into a store another process holds -------------------------------------------
def test_replay_into_a_locked_store_exits_75_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    lock = StoreLock(data / "articles", timeout=0)
    lock.acquire()
    try:
        result = run_cli(
            "replay", str(article_warc(tmp_path / "input")), "--store", str(data), "--wait", "0.2"
        )
    finally:
        lock.release()
    assert result.returncode == exitcodes.LOCKED == 75, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "being written by another process" in line and "gave up after 0.2s" in line
    assert "Traceback" not in result.stderr
    assert store_lines(data) == []
    # Once the store is free, the same replay stores the article.
    assert run_cli("replay", str(tmp_path / "input"), "--store", str(data)).returncode == 0
    assert len(store_lines(data)) == 1


def test_a_full_disk_reads_the_same_from_sqlite_and_from_a_file() -> None:
    from archive.diskspace import reason

    from_sqlite = sqlite3.OperationalError("database or disk is full")
    from_file = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert reason(from_sqlite) == reason(from_file) == "No space left on device"
    assert reason(OSError(errno.EACCES, "Permission denied")) == "Permission denied"
