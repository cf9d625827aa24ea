"""An update of ``warc/index.cdxj`` costs what it adds, not what the index already holds.

A cron job adds a few hundred lines a run to an index that grows for years. Each update used
to parse every line to learn which WARC files the index names, and to rewrite it line by
line; now the old lines are copied unread between the places of the new ones, and the
names are listed beside the index (``.index.cdxj.files``) for the next update. The list is
trusted only for the index it was written with: any other is read as before.
"""

from __future__ import annotations

import heapq
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from archive.warc import cdxj
from archive.warc.cdxj import INDEX_NAME, NAMES_NAME, update_index, write_merged
from tests.one_capture import write_one_capture

# Sorted old lines with what a merge must get right: equal lines, a line that is a prefix of
# the next (a newline sorts before a space), multi-byte UTF-8, and a last line.
OLD = sorted(
    [
        "com,example)/a 20240101000000 {}\n",
        "com,example)/a 20240101000000 {}\n",
        "com,example)/a 20240101000000 {x}\n",
        "com,example)/a/b 20240101000000 {}\n",
        "com,example)/caf\u00e9 20240101000000 {}\n",
        "com,example)/z 20240101000000 {}\n",
    ]
)
ADDED = [
    [],
    ["a 1\n"],  # before every old line
    ["zz 1\n"],  # after every old line
    ["com,example)/a 20240101000000 {}\n"],  # equal: after the old ones
    ["com,example)/a 20240101000000 {}\n", "com,example)/a 20240101000000 {}\n"],
    ["com,example)/a 20240101000000 {y}\n", "com,example)/a/a 1\n", "com,example)/cafe 1\n"],
    ["com,example)/caf\u00e9 20240101000000 {}\n", "com,example)/caf\u00ff 1\n"],
    sorted([*OLD, "a\n", "com,example)/m 1\n", "zz\n"]),
]


@pytest.mark.parametrize("added", ADDED)
@pytest.mark.parametrize("old", [OLD, OLD[:1], []])
def test_merging_puts_each_new_line_where_a_full_merge_would(
    old: list[str], added: list[str]
) -> None:
    expected = "".join(heapq.merge(old, sorted(added))).encode("utf-8")
    out = io.BytesIO()
    write_merged(io.BytesIO("".join(old).encode("utf-8")), [a.encode() for a in added], out)
    assert out.getvalue() == expected


def test_an_old_last_line_without_its_end_is_not_glued_to_a_new_one() -> None:
    out = io.BytesIO()
    write_merged(io.BytesIO(b"a 1\nb 1"), [b"c 1\n"], out)
    assert out.getvalue() == b"a 1\nb 1\nc 1\n"


def _names_in(index: Path) -> list[tuple[str, str]]:
    """(filename, offset) of every line of `index`."""
    lines = index.read_text("utf-8").splitlines()
    assert lines == sorted(lines)
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    return [(f["filename"], f["offset"]) for f in fields]


def _index_of_alone(folder: Path, names: list[str]) -> list[str]:
    return cdxj.index_lines([folder / name for name in names])


def test_the_next_update_reads_the_list_and_not_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    listed = json.loads((tmp_path / NAMES_NAME).read_text())
    assert listed["files"] == [first]

    def unread(index: Path) -> set[str]:
        raise AssertionError(f"{index} was read line by line")

    monkeypatch.setattr(cdxj, "indexed_filenames", unread)
    second = write_one_capture(tmp_path, 2)
    assert update_index(tmp_path) == 1
    assert update_index(tmp_path) == 0  # nothing new: the list says so
    index = tmp_path / INDEX_NAME
    assert index.read_text().splitlines(keepends=True) == _index_of_alone(tmp_path, [first, second])
    assert json.loads((tmp_path / NAMES_NAME).read_text())["files"] == sorted([first, second])


def test_an_index_another_tool_rewrote_is_read_again(tmp_path: Path) -> None:
    first = write_one_capture(tmp_path, 1)
    second = write_one_capture(tmp_path, 2)
    update_index(tmp_path)
    # cdxj-indexer run by hand over the first file alone: the list names both, wrongly now.
    index = tmp_path / INDEX_NAME
    index.write_text("".join(_index_of_alone(tmp_path, [first])))
    assert update_index(tmp_path) == 1  # the second file, found missing by reading the index
    places = _names_in(index)
    assert len(places) == len(set(places))
    assert {name for name, _ in places} == {first, second}


def test_a_kill_between_the_index_and_its_list_adds_nothing_twice(tmp_path: Path) -> None:
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    stale = tmp_path / "stale-list"
    shutil.copy(tmp_path / NAMES_NAME, stale)
    second = write_one_capture(tmp_path, 2)
    update_index(tmp_path)
    shutil.copy(stale, tmp_path / NAMES_NAME)  # the new index renamed, its list not yet
    stale.unlink()
    assert update_index(tmp_path) == 0
    assert (tmp_path / INDEX_NAME).read_text().splitlines(keepends=True) == _index_of_alone(
        tmp_path, [first, second]
    )


@pytest.mark.parametrize("listed", ["", "{not json", '{"index": 1, "files": "x"}', "[]"])
def test_an_unreadable_list_is_no_list(tmp_path: Path, listed: str) -> None:
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    (tmp_path / NAMES_NAME).write_text(listed)
    second = write_one_capture(tmp_path, 2)
    assert update_index(tmp_path) == 1
    assert (tmp_path / INDEX_NAME).read_text().splitlines(keepends=True) == _index_of_alone(
        tmp_path, [first, second]
    )


def test_an_index_of_an_older_version_gets_its_list(tmp_path: Path) -> None:
    """An archive indexed before the list existed: its first update reads the index once."""
    first = write_one_capture(tmp_path, 1)
    (tmp_path / INDEX_NAME).write_text("".join(_index_of_alone(tmp_path, [first])))
    assert update_index(tmp_path) == 0
    assert json.loads((tmp_path / NAMES_NAME).read_text())["files"] == [first]


def test_an_update_that_adds_no_line_leaves_the_index_file_alone(tmp_path: Path) -> None:
    """A WARC file that gives no line (a gzip member cut short) is tried again every run:
    the index holding everything else is not copied again for it."""
    sound = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    before = (tmp_path / INDEX_NAME).stat()
    cut = (tmp_path / sound).read_bytes()[:40]  # a gzip member cut short
    (tmp_path / "newsarchive-cnn-damaged.warc.gz").write_bytes(cut)
    assert update_index(tmp_path, skipped=[]) == 0
    after = (tmp_path / INDEX_NAME).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_update_clears_what_a_killed_update_left(tmp_path: Path) -> None:
    """A kill -9 while the index was rewritten left its half copy (``.index-XXXX.cdxj``,
    cut mid-line) for good: pywb, pointed at the folder, read its lines as captures too."""
    write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    left = [tmp_path / ".index-k1ll3d.cdxj", tmp_path / ".index-files-k1ll3d"]
    for path in left:
        path.write_bytes(b'com,cnn)/ 2024 {"url": "https://www.cnn.com/", "off')
    write_one_capture(tmp_path, 2)
    assert update_index(tmp_path) >= 1
    assert not any(path.exists() for path in left)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".index-")) == []


def test_damaged_lines_of_an_index_read_again_are_dropped_and_named(tmp_path: Path) -> None:
    """A line that names no record (a bad block, an edit by hand) stopped every later update
    with a JSONDecodeError, and pywb trips on it; a CDXJ header line (``!``) is kept."""
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    index = tmp_path / INDEX_NAME
    sound = index.read_text()
    index.write_text(f"!meta 0 {{}}\n{sound}garbage from a bad block\n\n")
    skipped: list[str] = []
    assert update_index(tmp_path, skipped=skipped) == 0
    assert index.read_text() == f"!meta 0 {{}}\n{sound}"
    assert skipped == [
        "index.cdxj: 2 damaged lines dropped (the first, line 3: 'garbage from a bad block'):"
        " `newsarchive index` indexes their records again"
    ]
    index.write_text(f"{sound}{{not an index line\n")
    second = write_one_capture(tmp_path, 2)
    skipped.clear()
    assert update_index(tmp_path, skipped=skipped) == 1
    assert index.read_text().splitlines(keepends=True) == _index_of_alone(tmp_path, [first, second])
    assert len(skipped) == 1 and "1 damaged line dropped (the first, line 2" in skipped[0]
    assert update_index(tmp_path, skipped=skipped) == 0 and len(skipped) == 1


def test_an_index_damaged_in_place_under_a_trusted_list_is_read_again(tmp_path: Path) -> None:
    """Bytes of the index spoiled where they lie (a bad block, an edit that kept its size
    and time): the list still vouched for it, and an update copied the damaged line into
    the new index, for pywb to trip on, without a word."""
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    index = tmp_path / INDEX_NAME
    before = index.stat()
    sound = index.read_bytes()
    with open(index, "r+b") as damaged:
        damaged.write(b"#" * (len(sound) - 1))  # its one line, naming no record now
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = write_one_capture(tmp_path, 2)
    skipped: list[str] = []
    assert update_index(tmp_path, skipped=skipped) == 2  # the first file's, indexed again
    assert index.read_text().splitlines(keepends=True) == _index_of_alone(tmp_path, [first, second])
    assert len(skipped) == 1 and skipped[0].startswith(
        "index.cdxj: 1 damaged line dropped (the first, line 1: '####"
    ), skipped
    assert json.loads((tmp_path / NAMES_NAME).read_text())["files"] == sorted([first, second])
    skipped.clear()
    third = write_one_capture(tmp_path, 3)
    assert update_index(tmp_path, skipped=skipped) == 1 and skipped == []
    assert index.read_text().splitlines(keepends=True) == _index_of_alone(
        tmp_path, [first, second, third]
    )


@pytest.mark.parametrize("adds", ["nothing", "a file that gives no line"])
def test_an_index_damaged_in_place_is_read_again_by_an_update_adding_nothing(
    tmp_path: Path, adds: str
) -> None:
    """An update with no new line to write (a run that wrote no WARC file, or only one that
    cannot be indexed) returned before the copy that checks the index against its list's
    crc32: a damaged line stayed for pywb to trip on until a run added lines."""
    first = write_one_capture(tmp_path, 1)
    update_index(tmp_path)
    index = tmp_path / INDEX_NAME
    before = index.stat()
    sound = index.read_bytes()
    with open(index, "r+b") as damaged:
        damaged.write(b"#" * (len(sound) - 1))
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
    if adds != "nothing":
        cut = (tmp_path / first).read_bytes()[:40]  # a gzip member cut short
        (tmp_path / "newsarchive-cnn-damaged.warc.gz").write_bytes(cut)
    skipped: list[str] = []
    assert update_index(tmp_path, skipped=skipped) == 1  # the first file's, indexed again
    assert index.read_text().splitlines(keepends=True) == _index_of_alone(tmp_path, [first])
    assert skipped[0].startswith("index.cdxj: 1 damaged line dropped (the first, line 1: '####")
    skipped.clear()
    assert update_index(tmp_path, skipped=skipped) == 0
    assert not any(line.startswith("index.cdxj") for line in skipped)
