"""``warc/index.cdxj`` updated by two processes at once, as two workers sharing one ``--data``.

Each worker indexes the WARC files it finds closed when it stops. Without a lock, one worker's
rename could replace the other's update with an index read before it (a file lost), or index a
file the other had just added (lines twice). The steps are interleaved by messages, not time.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archive.warc import cdxj
from archive.warc.cdxj import INDEX_NAME, update_index
from tests.one_capture import write_one_capture


def _first_worker(folder: str, conn: Connection) -> None:
    """Update the index, stopping once it knows which files to add until told to go on."""
    real = cdxj.index_lines

    def paused(*args: Any, **kwargs: Any) -> list[str]:
        conn.send("listed")
        assert conn.recv() == "go"
        return real(*args, **kwargs)

    cdxj.index_lines = paused
    update_index(folder)
    conn.send("done")


def _second_worker(folder: str, conn: Connection) -> None:
    """Update the index, saying when it waits for a lock or knows which files to add."""
    real_flock, real_lines = fcntl.flock, cdxj.index_lines

    def flock(handle: Any, operation: int) -> None:
        if operation == fcntl.LOCK_EX:
            conn.send("waiting")
        real_flock(handle, operation)

    def lines(*args: Any, **kwargs: Any) -> list[str]:
        conn.send("listed")
        return real_lines(*args, **kwargs)

    fcntl.flock = flock
    cdxj.index_lines = lines
    update_index(folder)
    conn.send("done")


def _start(target: Any, folder: Path) -> tuple[Any, Connection]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(str(folder), theirs))
    process.start()
    theirs.close()  # a dead child then ends our recv() with EOFError, never a hang
    return process, ours


def test_two_workers_updating_the_index_at_once_lose_and_repeat_nothing(tmp_path: Path) -> None:
    first_file = write_one_capture(tmp_path, 1)
    first, to_first = _start(_first_worker, tmp_path)
    assert to_first.recv() == "listed"  # it knows its new files: only the first one
    second_file = write_one_capture(tmp_path, 2)  # meanwhile the other worker closes its file
    second, to_second = _start(_second_worker, tmp_path)
    if to_second.recv() == "listed":  # no lock: it reads the index the first has not written
        assert to_second.recv() == "done"
        second.join()
        to_first.send("go")
    else:  # it waits for the first one's lock
        to_first.send("go")
        assert to_second.recv() == "listed"
        assert to_second.recv() == "done"
        second.join()
    assert to_first.recv() == "done"
    first.join()
    assert first.exitcode == 0 and second.exitcode == 0

    lines = (tmp_path / INDEX_NAME).read_text().splitlines()
    assert lines == sorted(lines)
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    places = [(e["filename"], e["offset"]) for e in entries]
    assert len(places) == len(set(places)), "a record indexed twice"
    assert {e["filename"] for e in entries} == {first_file, second_file}
    alone = cdxj.index_lines([tmp_path / first_file, tmp_path / second_file])
    assert lines == [line.rstrip("\n") for line in alone]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".index-")]
