"""A replay in one process reads each record once: the scan reads the payloads of the pages
with their headers. What it reads is what a read by offset gives, damaged archives included,
and the items and the report are those of a replay that reads payloads by offset."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from archive.replay.extract import Outcome, extract
from archive.replay.plan import Planner, is_page
from archive.warc.read.payload import OpenFiles, Payload, RecordError, read_payload
from archive.warc.read.reader import RecordFacts, scan
from archive.warc.read.sources import Source, find_sources

from . import test_replay_helpers as helpers
from .conftest import run_cli
from .test_replay_damage import damaged_folder

site_archive = helpers.site_archive


@pytest.fixture(scope="module")
def damaged(site_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("once") / "damaged"
    damaged_folder(site_archive, folder)
    return folder


def read_by_offset(files: OpenFiles, facts: RecordFacts) -> object:
    try:
        return read_payload(files, facts.source, facts.offset)
    except RecordError as exc:
        return f"RecordError: {exc}"


def test_a_scan_keeping_payloads_reads_what_a_read_by_offset_reads(damaged: Path) -> None:
    files = OpenFiles()
    kept = 0
    failed = 0
    for source in find_sources([damaged]):
        plain = list(scan(source))
        with_payloads = list(scan(source, keep=lambda f: True))
        assert with_payloads == plain  # the same records and damage, at the same offsets
        none_kept = list(scan(source, keep=lambda f: False))  # digests then not computed
        assert none_kept == plain
        assert all(getattr(f, "payload", None) is None for f in none_kept)
        for facts in with_payloads:
            if not isinstance(facts, RecordFacts) or facts.rec_type == "metadata":
                continue
            assert facts.payload is not None, facts
            found: object = facts.payload
            if isinstance(found, RecordError):
                failed += 1
                found = f"RecordError: {found}"
            kept += 1
            assert found == read_by_offset(files, facts), facts
    files.close()
    assert kept > 20
    assert failed == 1  # the record whose payload no longer matches its digest


def test_a_scan_keeps_only_the_payloads_asked_for(site_archive: Path) -> None:
    source = find_sources([site_archive / "warc"])[0]
    found = [f for f in scan(source, keep=is_page) if isinstance(f, RecordFacts)]
    pages = [f for f in found if f.rec_type != "metadata" and is_page(f)]
    assert pages and all(f.payload is not None for f in pages)
    assert all(f.payload is None for f in found if f not in pages)


def outcomes(sources: list[Source], planner: Planner) -> tuple[list[Outcome], int]:
    files = OpenFiles()
    done = []
    held = 0
    for source in sources:
        for facts in scan(source, keep=planner.wants_payload):
            if isinstance(facts, RecordFacts):
                for task in planner.feed(facts):
                    held += isinstance(task.facts.payload, Payload)
                    done.append(extract(task, {}, files))
        for task in planner.end_of_source(source):
            held += isinstance(task.facts.payload, Payload)
            done.append(extract(task, {}, files))
    for task in planner.finish():
        held += isinstance(task.facts.payload, Payload)
        done.append(extract(task, {}, files))
    files.close()
    assert planner.payload_bytes == 0  # every payload held was let go
    return done, held


def test_payloads_past_the_budget_are_read_again_by_offset(damaged: Path) -> None:
    sources = find_sources([damaged])
    kept, held = outcomes(sources, Planner())
    dropped, none_held = outcomes(sources, Planner(payload_budget=1))
    assert held > 10 and none_held == 0
    assert dropped == kept
    assert any(o.kind == "article" for o in kept)
    assert any(o.kind == "problem" for o in kept)


def test_one_job_and_two_give_the_same_items_and_report(damaged: Path, tmp_path: Path) -> None:
    """One job reads payloads with the scan, two read them by offset in their workers (the
    lines on stderr come in another order: workers run ahead of the scan's own lines)."""
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"items-{jobs}.jsonl"
        result = run_cli("replay", str(damaged), "--out", str(out), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        results[jobs] = (out.read_bytes(), sorted(result.stderr.splitlines()))
    assert results["1"] == results["2"]
    assert b'"articleId"' in results["1"][0]
    assert any("digest failed" in line for line in results["1"][1])


def test_a_record_id_seen_twice_lets_go_of_the_first_payload(
    site_archive: Path, tmp_path: Path
) -> None:
    """Another tool's archive (no metadata records of ours) merged with a copy of itself:
    each record id comes twice while the first is still waiting, and the payload held for
    it must leave the budget when the second takes its place."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    merged = tmp_path / "merged.warc.gz"
    with open(merged, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for _copy in range(2):
            for path in sorted((site_archive / "warc").glob("*.warc.gz")):
                with open(path, "rb") as stream:
                    for record in ArchiveIterator(stream):
                        if record.rec_type == "response":
                            writer.write_record(record)
    done, held = outcomes(find_sources([merged]), Planner())  # asserts the budget is back to 0
    assert held and done


def test_one_job_reads_a_pages_own_record_once(
    site_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one job the scan's copy of each page is extracted: a payload is read again by
    offset only for a revisit, whose payload is its original's."""
    from archive.replay import extract as extract_module
    from archive.replay.run import replay

    reads: list[tuple[object, int]] = []
    read_payload = extract_module.read_payload

    def counted(files: OpenFiles, source: Source, offset: int) -> Payload:
        reads.append((source, offset))
        return read_payload(files, source, offset)

    monkeypatch.setattr(extract_module, "read_payload", counted)
    items: list[dict[str, object]] = []
    report = replay([site_archive / "warc"], items.append, jobs=1, err=io.StringIO())
    assert items and report.plan.responses
    assert len(reads) == report.plan.revisits_resolved
