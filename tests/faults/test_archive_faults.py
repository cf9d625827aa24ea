"""Hostile and damaged archives: what recovery, verify, index, replay and the store do with them.

Each input is built in the test's folder with a few lines of code (a WARC written by our
writer, then cut, bloated or edited), so every case is a regression test of its own.
"""

from __future__ import annotations

from pathlib import Path

from archive.warc import WarcWriter
from archive.warc.recovery import complete_length, recover_directory
from archive.warc.verify import verify_file

from ..conftest import run_cli
from .hostile import MiB, big_records_open, capture


def test_recovery_keeps_complete_records_larger_than_4_mib(tmp_path: Path) -> None:
    big_records_open(tmp_path)
    results = recover_directory(tmp_path)
    assert [r.action for r in results] == ["closed"]
    closed = results[0].path
    assert results[0].cut < 1000, results[0]  # only the member the kill hit
    report = verify_file(closed)
    assert report.sound, report.problems
    assert report.records == 1 + 5 * 2 - 1  # warcinfo, 5 responses, 4 whole requests


def test_verify_accepts_a_sound_file_with_records_of_5_and_50_mib(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="newsarchive-cnn")
    for n, size in enumerate((5 * MiB, 300, 50 * MiB, 300)):
        writer.write_capture(capture(n, size))
    writer.close()
    path = tmp_path / writer.files_written[0]
    assert complete_length(path) == path.stat().st_size
    report = verify_file(path)
    assert report.sound, report.problems


def test_index_closes_an_open_file_with_big_records_keeping_them(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    open_path = big_records_open(folder)
    result = run_cli("index", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    closed = folder / open_path.name[: -len(".open")]
    report = verify_file(closed)
    assert report.sound and report.records == 10, report.problems
    assert "indexed 5 records" in result.stdout, result.stdout  # the 5 responses
