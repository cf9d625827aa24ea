"""A store line whose fields have the wrong JSON types (a damaged disk block that still
parses, an edit by hand) is a damaged line to every reader: skipped with a warning,
counted by ``store stats``, never a crash of ``store rebuild``, an export or a crawl."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archive.store import ArticleStore
from archive.store.reading import well_shaped

from .conftest import run_cli
from .test_store import make_item


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def damage(line: dict[str, Any]) -> None:
        *parents, name = path.split(".")
        target = line
        for parent in parents:
            target = target[parent]
        target[name] = value

    return damage


DAMAGES = {
    "metadata a list": _set("metadata", [1]),
    "metadata a string": _set("metadata", "x"),
    "warc a string": _set("warc", "x"),
    "relatedLinks a number": _set("relatedLinks", 5),
    "topics a number": _set("topics", 5),
    "a paragraph a number": _set("paragraphs", ["one", 2]),
    "an author a string": _set("authors", ["Jane Doe"]),
    "version too large": _set("version", 2**70),
    "version a boolean": _set("version", True),
    "warc offset a string": _set("warc.offset", "abc"),
    "dateDownloaded a number": _set("metadata.dateDownloaded", 20240501),
}


def _store_with_damage(data: Path, damage: Callable[[dict[str, Any]], None]) -> tuple[str, str]:
    """Three articles stored, the second one's line damaged; the other two's URLs."""
    with ArticleStore(data) as store:
        for n in range(3):
            store.add(make_item(n))
    (month,) = (data / "articles").glob("articles-*.jsonl")
    lines = [json.loads(line) for line in month.read_text("utf-8").splitlines()]
    damage(lines[1])
    month.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    return str(lines[0]["url"]), str(lines[2]["url"])


def test_every_line_the_store_writes_is_well_shaped() -> None:
    assert all(well_shaped(make_item(n) | {"version": 1}) for n in range(3))


@pytest.mark.parametrize("damage", list(DAMAGES.values()), ids=list(DAMAGES))
def test_readers_skip_a_line_of_the_wrong_shape(
    tmp_path: Path, damage: Callable[[dict[str, Any]], None]
) -> None:
    data = tmp_path / "data"
    kept = _store_with_damage(data, damage)
    shutil.rmtree(data / "state")  # the index is rebuilt from the files, damaged line and all

    for args in (
        ["store", "rebuild"],
        ["export", "sqlite", str(tmp_path / "out.sqlite")],
        ["articles"],
    ):
        result = run_cli(*args, "--data", str(data))
        assert result.returncode == 0, (args, result.stderr)
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        if args == ["articles"]:
            assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == list(kept)
    stats = run_cli("store", "stats", "--data", str(data), "--json")
    assert json.loads(stats.stdout)["damaged"]["lines"] == 1, stats.stderr

    # A crawl's writer (its index caught up from the files) goes on storing.
    shutil.rmtree(data / "state")
    with ArticleStore(data) as store:
        assert store.add(make_item(7)).status == "new"
