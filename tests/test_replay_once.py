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
from .conftest import SiteServer, run_cli
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


def with_revisits(site_archive: Path, folder: Path, status: str) -> None:
    """The site's archive and, in a later file, a revisit of each page's response, stating
    its payload and HTTP headers with `status` (a 200's the original's own)."""
    from datetime import datetime, timedelta, timezone

    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir()
    for path in sorted((site_archive / "warc").glob("*.warc.gz")):
        (folder / path.name).write_bytes(path.read_bytes())
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(folder / "zz-revisits.warc.gz", "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for path in sorted((site_archive / "warc").glob("*.warc.gz")):
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type != "response":
                        continue
                    if record.http_headers.get_statuscode() != "200":
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    http = StatusAndHeaders(status, record.http_headers.headers, "HTTP/1.1")
                    writer.write_record(
                        writer.create_revisit_record(
                            url,
                            digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                            refers_to_uri=url,
                            refers_to_date=record.rec_headers.get_header("WARC-Date"),
                            http_headers=http,
                            warc_headers_dict={"WARC-Date": later},
                        )
                    )


@pytest.mark.parametrize(
    ("status", "again"), [("200 OK", False), ("203 Non-Authoritative Information", True)]
)
def test_a_revisit_of_a_page_analysed_before_takes_its_analysis(
    site_archive: Path,
    site: SiteServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: str,
    again: bool,
) -> None:
    """With one job, a revisit whose page is its original's (URL, status, content type,
    outlet) takes the analysis made of the original, which is not read again; one stating
    another status is read and analysed itself. The items are those of two jobs, which
    analyse every capture."""
    from archive.replay import extract as extract_module
    from archive.replay.run import replay

    folder = tmp_path / "archive"
    with_revisits(site_archive, folder, status)
    sites = {site.url(o, "").split("//", 1)[1].rstrip("/"): o for o in ("cnn", "reuters")}
    analysed: list[str] = []
    analyse = extract_module.analyse

    def counted(url: str, *args: object, **kwargs: object) -> object:
        analysed.append(url)
        return analyse(url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_module, "analyse", counted)
    one: list[dict[str, object]] = []
    report = replay([folder], one.append, jobs=1, sites=sites, err=io.StringIO())
    monkeypatch.setattr(extract_module, "analyse", analyse)
    two: list[dict[str, object]] = []
    replay([folder], two.append, jobs=2, sites=sites, err=io.StringIO())
    assert one == two
    revisits = report.plan.revisits_resolved
    assert revisits and not report.problems
    pages = sum(report.pages.values())
    assert len(analysed) == (pages if again else pages - revisits)
    later = [i for i in one if i["warc"]["filename"] == "zz-revisits.warc.gz"]  # type: ignore[index]
    assert later


def test_the_analyses_held_start_afresh_past_their_limit(tmp_path: Path) -> None:
    """Disk and memory stay bounded: past its limit the file of analyses is emptied, and
    the revisits of the analyses let go are analysed again."""
    from archive.replay.memo import Analyses, Page, Said

    source = Source(str(tmp_path / "a.warc.gz"))
    page = Page("http://a/story", "text/html", 200, "cnn", None)
    said = Said("article", "", {"headline": "x" * 60})
    analyses = Analyses(limit=200)
    analyses.keep((source, 0), page, said)
    analyses.keep((source, 1), page, said)
    assert analyses.said((source, 0)) == analyses.said((source, 1)) == said
    analyses.keep((source, 2), page, said)  # past 200 bytes
    assert analyses.page((source, 0)) is None and analyses.page((source, 1)) is None
    assert analyses.page((source, 2)) == page and analyses.said((source, 2)) == said
    analyses.close()


def test_a_revisit_is_given_a_kept_analysis_only_where_both_state_the_digest(
    tmp_path: Path,
) -> None:
    """An original that states no payload digest (another tool's WARC) is read again for its
    revisit, which checks its payload against the digest the revisit names: a kept analysis
    would have taken the revisit's word for it."""
    from dataclasses import replace

    from archive.replay.memo import Page
    from archive.warc.read.reader import RecordFacts

    digest = "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    source = Source(str(tmp_path / "a.warc.gz"))
    revisit = RecordFacts(
        source, 0, 1, "revisit", "http://a/story", "2024-01-01T00:00:00Z", "<urn:x>", digest
    )
    stated = Page("http://a/story", "text/html", 200, "cnn", digest)
    assert stated.same_page(revisit, "text/html", 200, "cnn")
    assert not stated._replace(payload_digest=None).same_page(revisit, "text/html", 200, "cnn")
    named_none = replace(revisit, payload_digest=None)
    assert not stated.same_page(named_none, "text/html", 200, "cnn")


def test_analyses_not_kept_where_no_temporary_file_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No temporary directory (or a full one): each page is analysed itself, the replay goes
    on; the file of analyses was made at the start, and its failure ended the replay."""
    import tempfile

    from archive.replay.memo import Analyses, Page, Said

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    source = Source(str(tmp_path / "a.warc.gz"))
    analyses = Analyses()
    analyses.keep(
        (source, 0), Page("http://a/story", "text/html", 200, "cnn", None), Said("x", "", None)
    )
    assert analyses.page((source, 0)) is None
    analyses.close()
