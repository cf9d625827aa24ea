"""A large WARC file cut into parts scanned apart: the parts start at records, and joined
they give exactly the records and damage of one scan of the whole file, damaged or not."""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.replay.run import scanned_in_pool, worker_pool
from archive.warc.read import parts
from archive.warc.read.parts import Part, PartScan, joined, scan_part, split
from archive.warc.read.reader import Problem, RecordFacts, scan
from archive.warc.read.sources import Source

from . import test_replay_helpers as helpers
from .conftest import run_cli

site_archive = helpers.site_archive


def one_large_file(site_archive: Path, folder: Path, copies: int = 6) -> dict[str, Path]:
    """The crawl's WARC files, `copies` times, as one large ``.warc.gz`` and one ``.warc``,
    each also damaged in the middle: a gzip member cut short, bytes cut out of a block."""
    folder.mkdir(exist_ok=True)
    warcs = sorted((site_archive / "warc").glob("*.warc.gz"))
    joined_gz = b"".join(p.read_bytes() for _ in range(copies) for p in warcs)
    plain = gzip.decompress(joined_gz)
    starts = record_offsets(joined_gz)
    middle = starts[len(starts) // 2]
    following = starts[len(starts) // 2 + 1]
    cut_gz = joined_gz[: middle + (following - middle) // 2] + joined_gz[following:]
    plain_starts = record_offsets(plain)
    at = plain_starts[len(plain_starts) // 2] + 600
    cut_plain = plain[:at] + plain[at + 900 :]
    files = {
        "gz": folder / "large.warc.gz",
        "plain": folder / "large.warc",
        "gz-damaged": folder / "large-damaged.warc.gz",
        "plain-damaged": folder / "large-damaged.warc",
    }
    for name, data in (
        ("gz", joined_gz),
        ("plain", plain),
        ("gz-damaged", cut_gz),
        ("plain-damaged", cut_plain),
    ):
        files[name].write_bytes(data)
    return files


def record_offsets(data: bytes) -> list[int]:
    """Where warcio finds each record of a sound WARC (gzipped or not)."""
    iterator = ArchiveIterator(io.BytesIO(data))
    found = []
    for _record in iterator:
        iterator.read_to_end()
        found.append(iterator.get_record_offset())
    return found


def scanned_in_parts(source: Source, part_size: int) -> list[object]:
    parts = split(source, part_size)
    return list(joined(((part, partial(scan_part, part)) for part in parts), scan_part))


@pytest.fixture(scope="module")
def large(site_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return one_large_file(site_archive, tmp_path_factory.mktemp("large"))


@pytest.mark.parametrize("kind", ["gz", "plain"])
def test_parts_start_at_records_and_cover_the_file(large: dict[str, Path], kind: str) -> None:
    path = large[kind]
    starts = set(record_offsets(path.read_bytes()))
    size = path.stat().st_size
    for part_size in (4_000, 25_000, size // 3 + 1):
        parts = split(Source(str(path)), part_size)
        assert len(parts) >= 3
        assert parts[0].start == 0 and parts[-1].end is None
        for before, after in itertools.pairwise(parts):
            assert before.end == after.start and after.start in starts
            # The first record starting at or after a multiple of the part size.
            previous = max(start for start in starts if start < after.start)
            assert previous < after.start // part_size * part_size <= after.start
    assert split(Source(str(path)), size) == [Part(Source(str(path)), 0, None)]
    assert split(Source(str(path)), 0) == [Part(Source(str(path)), 0, None)]


@pytest.mark.parametrize("kind", ["gz", "plain", "gz-damaged", "plain-damaged"])
def test_parts_scanned_apart_give_the_whole_scan(large: dict[str, Path], kind: str) -> None:
    source = Source(str(large[kind]))
    whole = list(scan(source))
    assert sum(isinstance(f, RecordFacts) for f in whole) > 20
    problems = [f for f in whole if isinstance(f, Problem)]
    assert bool(problems) == kind.endswith("damaged")
    size = large[kind].stat().st_size
    # Many part sizes: boundaries fall before, on and after the damage.
    for part_size in (1, 3_000, 7_919, 20_000, 50_021, size // 4, size // 2, size):
        assert scanned_in_parts(source, part_size) == whole, part_size


def test_a_part_stops_at_the_first_record_past_its_end(large: dict[str, Path]) -> None:
    source = Source(str(large["gz"]))
    starts = record_offsets(large["gz"].read_bytes())
    first, second, third = starts[3], starts[4], starts[5]
    done = scan_part(Part(source, first, second))
    assert done.stop == second
    assert all(f.offset == first for f in done.found)
    # A boundary inside a record: the record is read whole, the scan stops after it.
    inside = scan_part(Part(source, first, second + 1))
    assert inside.stop == third


def test_a_boundary_that_is_not_a_record_start_is_scanned_again(large: dict[str, Path]) -> None:
    """A part starting inside a record (as a payload looking like a record could make it)
    is scanned again from where the previous part's scan stopped."""
    source = Source(str(large["gz"]))
    starts = record_offsets(large["gz"].read_bytes())
    wrong = starts[6] + 10
    parts = [
        Part(source, 0, wrong),
        Part(source, wrong, starts[20]),
        Part(source, starts[20], None),
    ]
    rescanned: list[Part] = []

    def rescan(part: Part) -> PartScan:
        rescanned.append(part)
        return scan_part(part)

    found = list(joined(((p, partial(scan_part, p)) for p in parts), rescan))
    assert found == list(scan(source))
    assert rescanned == [Part(source, starts[7], starts[20])]


def test_a_negative_part_size_is_a_usage_error(large: dict[str, Path]) -> None:
    result = run_cli("replay", str(large["gz"]), "--cluster", "local:1", "--part-size", "-1")
    assert result.returncode == 2
    assert "--part-size takes a number of bytes" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["gz", "plain-damaged"])
def test_a_process_pool_scans_parts_as_one_scan_of_the_file(
    large: dict[str, Path], kind: str
) -> None:
    source = Source(str(large[kind]))
    submitted: list[Part] = []
    with worker_pool(2, {}) as pool:

        def submit(part: Part) -> Callable[[], PartScan]:
            submitted.append(part)
            return pool.submit(scan_part, part).result

        found = [(s, list(records)) for s, records in parts.scanned([source], 20_000, submit, 4)]
        assert found == [(source, list(scan(source)))]
        assert [(s, list(r)) for s, r in scanned_in_pool(pool, [source], 20_000, 2)] == found
    assert len(submitted) >= 3 and len({p.start for p in submitted}) == len(submitted)


@pytest.mark.parametrize("kind", ["gz", "gz-damaged"])
@pytest.mark.parametrize("mode", [(), ("--all-captures",)])
def test_jobs_replay_one_large_file_in_parts_as_one_process_does(
    large: dict[str, Path], kind: str, mode: tuple[str, ...], tmp_path: Path
) -> None:
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"items-{jobs}.jsonl"
        command = ["replay", str(large[kind]), "--out", str(out), "--jobs", jobs, *mode]
        result = run_cli(*command, "--part-size", "20000")
        assert result.returncode == 0, result.stderr
        # Lines on stderr come in another order: workers run ahead of the scan's own lines.
        results[jobs] = (out.read_bytes(), sorted(result.stderr.splitlines()))
    assert results["2"] == results["1"]
    items, stderr = results["1"]
    assert items.count(b"\n") > (20 if mode else 5)
    assert any(line.endswith(", 1 problem") for line in stderr) == (kind == "gz-damaged")


@pytest.mark.parametrize("kind", ["gz", "plain"])
def test_records_scanned_in_parts_move_the_progress_by_their_bytes(
    large: dict[str, Path], kind: str
) -> None:
    """Records scanned elsewhere (by the pool, on a cluster) advance the progress bar's bytes
    and records as a scan in this process does, up to the file's end."""
    from archive.replay.plan import Planner
    from archive.replay.progress import Progress
    from archive.replay.run import ReplayReport, iter_tasks

    path = large[kind]
    source = Source(str(path))
    counts = {}
    for name, scanned in (
        ("here", None),
        ("in parts", [(source, scanned_in_parts(source, path.stat().st_size // 5))]),
    ):
        progress = Progress(io.StringIO(), path.stat().st_size)
        report = ReplayReport()
        seen = []
        for _task in iter_tasks([source], Planner(), report, lambda _p: None, progress, scanned):
            seen.append(progress.bytes_done)
        assert seen == sorted(seen)  # never backwards
        counts[name] = (progress.bytes_done, progress.records, report.records)
    assert counts["in parts"] == counts["here"]
    # At the end of the last record: the file's end (an uncompressed WARC's last record may
    # leave its closing CRLF CRLF out of its length).
    assert path.stat().st_size - 4 <= counts["here"][0] <= path.stat().st_size
    assert counts["here"][1] == counts["here"][2] > 10
