"""``bench.instructions``: callgrind's dumped parts read in order and turned into rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.instructions import part_counts, table


def _dump(folder: Path, name: str, instructions: int) -> None:
    (folder / name).write_bytes(
        b"# callgrind format\nversion: 1\ncmd: python\nevents: Ir\n"
        + f"summary: {instructions}\n\nfn=(1) main\n0 {instructions}\n".encode()
    )


def test_parts_are_read_in_dump_order_and_the_exit_dump_is_left_out(tmp_path: Path) -> None:
    for number, instructions in [(10, 1000), (2, 20), (1, 1), (9, 900), (3, 30)]:
        _dump(tmp_path, f"callgrind.out.{number}", instructions)
    _dump(tmp_path, "callgrind.out", 5)  # counts after the last mark: not a measured part
    assert part_counts(tmp_path) == [1, 20, 30, 900, 1000]


def test_a_file_without_a_summary_is_refused(tmp_path: Path) -> None:
    (tmp_path / "callgrind.out.1").write_bytes(b"not a callgrind dump\n")
    with pytest.raises(ValueError, match="no summary"):
        part_counts(tmp_path)


def test_rows_give_instructions_per_page_and_run() -> None:
    # start-up, then (analyse, parse) for each template: 2 pages counted 3 times each.
    counts = [10**9, 60 * 10**6, 30 * 10**6, 12 * 10**6, 24 * 10**6]
    rows = table([("cnn/2013", 2), ("reuters/2018", 2)], counts, repeat=3)
    assert rows[2] == "| cnn/2013 | 2 | 5.00 | 10.00 | 2.00x |"
    assert rows[3] == "| reuters/2018 | 2 | 4.00 | 2.00 | 0.50x |"
    assert rows[4] == "| all | 4 | 4.50 | 6.00 | 1.33x |"


def test_rows_with_trafilatura_give_how_many_times_analyse_it_takes() -> None:
    # start-up, then (analyse, parse, trafilatura) for each template: 1 page, counted once.
    counts = [10**9, 5 * 10**6, 2 * 10**6, 60 * 10**6, 10 * 10**6, 4 * 10**6, 80 * 10**6]
    rows = table([("cnn/2021", 1), ("reuters/2018", 1)], counts, repeat=1, trafilatura=True)
    assert rows[0].endswith("| trafilatura Minstr | trafilatura / analyse |")
    assert rows[2] == "| cnn/2021 | 1 | 2.00 | 5.00 | 2.50x | 60.00 | 12.0x |"
    assert rows[3] == "| reuters/2018 | 1 | 4.00 | 10.00 | 2.50x | 80.00 | 8.0x |"
    assert rows[4] == "| all | 2 | 3.00 | 7.50 | 2.50x | 70.00 | 9.3x |"


def test_parts_that_do_not_match_the_templates_are_refused() -> None:
    with pytest.raises(ValueError, match="4 parts for 2 templates"):
        table([("a", 1), ("b", 1)], [1, 2, 3, 4], repeat=1)


def test_the_stretch_after_the_last_mark_comes_last_when_asked_for(tmp_path: Path) -> None:
    for number, instructions in [(2, 20), (1, 1)]:
        _dump(tmp_path, f"callgrind.out.{number}", instructions)
    _dump(tmp_path, "callgrind.out", 5)
    assert part_counts(tmp_path, last=True) == [1, 20, 5]
    assert part_counts(tmp_path) == [1, 20]


def test_replay_rows_give_the_floor_as_a_share_of_replay() -> None:
    from bench.replay_instructions import rows

    found = rows(replay=31_200_000_000, floor=18_570_000_000)
    assert found[2] == "| floor: warcio iteration + bare lxml parse | 18.57 | 100% |"
    assert found[3] == "| replay --jobs 1 --out | 31.20 | 59.5% |"


def test_a_missing_warc_gets_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.replay_instructions import main

    assert main([str(tmp_path / "none.warc.gz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err
