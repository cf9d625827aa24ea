"""A file of ``state/`` that is no database any more (a damaged block, a copy cut short):
set aside as ``NAME.damaged`` with a warning, and started afresh from what it was made of,
never an internal error on every run until someone moves it. And a data directory that
is not one a command can use: one line, exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from archive.store import ArticleStore

from .conftest import FAST, run_cli
from .one_capture import write_one_capture
from .test_store import make_item

GARBAGE = b"this was a database once\n" * 200


def _stored(data: Path) -> None:
    with ArticleStore(data) as store:
        for n in range(3):
            store.add(make_item(n))


@pytest.mark.parametrize("name", ["store.sqlite", "explorer.sqlite"])
def test_store_rebuild_recreates_a_damaged_index(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    _stored(data)
    assert run_cli("store", "rebuild", "--data", str(data)).returncode == 0
    (data / "state" / name).write_bytes(GARBAGE)
    for extra in ("-wal", "-shm"):
        (data / "state" / f"{name}{extra}").unlink(missing_ok=True)

    result = run_cli("store", "rebuild", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert f"{name} was not a usable database" in result.stderr
    assert (data / "state" / f"{name}.damaged").read_bytes() == GARBAGE
    assert "3 articles" in result.stdout
    listed = run_cli("articles", "--data", str(data))
    assert len(listed.stdout.splitlines()) == 3, listed.stderr
    stats = run_cli("store", "stats", "--data", str(data), "--json")
    assert json.loads(stats.stdout)["articles"] == {"cnn": 3}, stats.stderr


def test_a_damaged_store_index_is_rebuilt_by_the_next_writer(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _stored(data)
    (data / "state" / "store.sqlite").write_bytes(GARBAGE)
    with ArticleStore(data) as store:
        assert store.add(make_item(1)).status == "unchanged"  # known again, from the lines
        assert store.add(make_item(9)).status == "new"


@pytest.mark.parametrize("name", ["fetch.sqlite", "warc-digests.sqlite3"])
def test_a_crawl_with_a_damaged_state_file_runs(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    (data / "state").mkdir(parents=True)
    (data / "state" / name).write_bytes(GARBAGE)
    start = ["--start-url", "http://127.0.0.1:9/world/africa/"]
    result = run_cli("crawl", "cnn", "--data", str(data), *start, *FAST, "-s", "RETRY_TIMES=0")
    assert "crashed" not in result.stderr and "internal error" not in result.stderr
    assert result.returncode == 1, result.stderr  # the closed port: no site reached
    assert (data / "state" / f"{name}.damaged").read_bytes() == GARBAGE
    log = next((data / "runs").glob("*.log")).read_text()
    assert f"{name} was not a usable database" in log


def test_store_rebuild_where_state_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _stored(data)
    shutil.rmtree(data / "state")
    (data / "state").write_bytes(b"")
    result = run_cli("store", "rebuild", "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith("is not usable: state is no folder")


def test_index_refuses_a_newer_archive_and_an_index_it_cannot_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    write_one_capture(data / "warc", 1)
    (data / "format.json").write_text('{"layout": 99}')
    newer = run_cli("index", "--data", str(data))
    assert newer.returncode == 2 and "refused, nothing written" in newer.stderr, newer.stderr
    assert not (data / "warc" / "index.cdxj").exists()
    (data / "format.json").unlink()
    (data / "warc" / "index.cdxj").mkdir()
    blocked = run_cli("index", "--data", str(data))
    assert blocked.returncode == 2, blocked.stderr
    assert blocked.stderr.strip().endswith("index.cdxj: Is a directory")


@pytest.mark.parametrize("args", [["articles"], ["store", "stats"], ["store", "rebuild"]])
def test_a_reader_where_articles_is_a_file_is_a_usage_error(
    tmp_path: Path, args: list[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "articles").write_bytes(b"")
    result = run_cli(*args, "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith("is not usable: articles is no folder")


@pytest.mark.parametrize(
    "args",
    [
        ["articles"],
        ["store", "stats"],
        ["export", "sqlite", "OUT"],
        ["export", "wacz", "OUT"],
        ["runs"],
    ],
)
def test_a_reader_refuses_a_data_directory_of_a_newer_newsarchive(
    tmp_path: Path, args: list[str]
) -> None:
    """A newer layout may keep its files otherwise: read as ours, it gave nothing or the
    wrong thing, and exit 0. Readers now refuse it as the writers do."""
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "runs").mkdir()
    (data / "format.json").write_text('{"layout": 99}')
    args = [str(tmp_path / "out.file") if a == "OUT" else a for a in args]
    result = run_cli(*args, "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "refused" in result.stderr, result.stderr


def test_index_names_a_leftover_file_it_cannot_close_and_exits_1(tmp_path: Path) -> None:
    """A leftover ``.open`` file whose closed name is taken: index printed "failed NAME" on
    stdout, without the reason, and exited 0 with its records out of the index."""
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    write_one_capture(data / "warc", 1)
    (closed,) = list((data / "warc").glob("*.warc.gz"))
    leftover = closed.with_name(closed.name + ".open")
    leftover.write_bytes(closed.read_bytes())
    result = run_cli("index", "--data", str(data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"could not close leftover WARC file {leftover.name}: " in result.stderr, result.stderr
    assert "failed" not in result.stdout


def test_index_names_what_it_leaves_out_of_the_warc_folder(tmp_path: Path) -> None:
    """A WACZ put into warc/ and an empty WARC file were passed over without a word (exit 0):
    pywb and browse then showed none of their captures, and nothing said why."""
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    write_one_capture(data / "warc", 1)
    (data / "warc" / "other.wacz").write_bytes(b"PK\x05\x06" + bytes(18))
    (data / "warc" / "empty.warc.gz").write_bytes(b"")
    result = run_cli("index", "--data", str(data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not indexed: other.wacz: a WACZ" in result.stderr, result.stderr
    assert "not indexed: empty.warc.gz: an empty file" in result.stderr, result.stderr
    assert "indexed 1 records" in result.stdout
