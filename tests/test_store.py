"""The article store: versions, identity, schema, torn lines, the index and reading."""

from __future__ import annotations

import copy
import gzip
import json
import logging
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from archive.schema import store_line_validator
from archive.store import ArticleStore, InvalidLineError
from archive.store.files import append_whole, complete_lines, open_append
from archive.store.lines import (
    CONTENT_FIELDS,
    TRACKED_FIELDS,
    content_digest,
    digest_and_hashes,
    field_hashes,
)
from archive.validate import line_problems
from crawler.pages.urls import article_id, canonicalize_url

from .conftest import run_cli, store_lines

BASE = json.loads((Path(__file__).parent / "data/store_item_cnn.json").read_text("utf-8"))


def make_item(
    n: int = 0,
    *,
    body: str | None = None,
    downloaded: str = "2024-05-01T10:00:00Z",
    source: str = "cnn",
) -> dict[str, Any]:
    """A store-ready item: a real extracted item under a new URL, with capture and provenance."""
    item = copy.deepcopy(BASE)
    host = "www.cnn.com" if source == "cnn" else "www.reuters.com"
    url = f"https://{host}/2024/05/01/world/story-{n}/index.html"
    item.update(url=url, canonicalUrl=url, articleId=article_id(url), source=source)
    item.update(dateModified=None, dateModifiedRaw=None)  # a page that states no update time
    if body is not None:
        item["paragraphs"] = body.split("\n\n")
        item["articleBody"] = body
    item["metadata"] = {"dateDownloaded": downloaded, **BASE["metadata"]}
    item["warc"] = {
        "filename": "newsarchive-test-00000.warc.gz",
        "offset": 1000 * n,
        "length": 999,
        "recordId": f"<urn:uuid:{uuid.UUID(int=n + 1)}>",
        "payloadDigest": "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    }
    return item


def lines_of(data: Path) -> list[dict[str, Any]]:
    return store_lines(data)


# -- versioning ----------------------------------------------------------------------------------
def test_same_content_twice_gives_one_line(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        first = store.add(make_item(1))
        again = make_item(1, downloaded="2024-05-02T10:00:00Z")
        again["url"] += "?utm_source=x"  # fetched through another URL: same article
        again["warc"]["offset"] = 5  # another capture: still the same content
        second = store.add(again)
    assert (first.status, second.status) == ("new", "unchanged")
    assert second.version == 1
    assert len(lines_of(tmp_path)) == 1


def test_changed_body_appends_version_2_with_changes_and_date_modified(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
        changed = make_item(
            1, body="A new first paragraph.\n\nMore.", downloaded="2024-05-03T08:00:00Z"
        )
        decision = store.add(changed)
    assert decision.status == "updated" and decision.version == 2
    first, second = lines_of(tmp_path)
    assert first["version"] == 1 and second["version"] == 2
    assert second["changes"] == ["articleBody", "paragraphs"]
    assert first["changes"] == []
    assert second["contentDigest"] != first["contentDigest"]
    # The page states no dateModified: the version carries the capture it was seen in.
    assert second["dateModified"] == "2024-05-03T08:00:00Z"
    assert second["dateModifiedRaw"] is None
    assert first["dateModified"] is None


def test_earlier_versions_are_never_rewritten(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
    path = next((tmp_path / "articles").glob("*.jsonl"))
    before = path.read_bytes()
    with ArticleStore(tmp_path) as store:
        for n in range(3):
            store.add(make_item(1, body=f"Version {n}", downloaded=f"2024-05-0{n + 2}T00:00:00Z"))
    assert path.read_bytes().startswith(before)
    assert [line["version"] for line in lines_of(tmp_path)] == [1, 2, 3, 4]


def test_a_store_filled_date_modified_is_not_content(tmp_path: Path) -> None:
    """Version 2 got dateModified from its capture; the same text again is still unchanged."""
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
        store.add(make_item(1, body="Changed.", downloaded="2024-05-03T00:00:00Z"))
        third = store.add(make_item(1, body="Changed.", downloaded="2024-05-04T00:00:00Z"))
    assert third.status == "unchanged"


def test_a_stated_date_modified_change_is_a_new_version(tmp_path: Path) -> None:
    item = make_item(1)
    with ArticleStore(tmp_path) as store:
        store.add(item)
        later = make_item(1, downloaded="2024-05-02T00:00:00Z")
        later["dateModified"], later["dateModifiedRaw"] = "2024-05-02T09:00:00Z", "May 2, 2024"
        decision = store.add(later)
        metadata_only = make_item(1, downloaded="2024-05-03T00:00:00Z")
        metadata_only.update(dateModified=later["dateModified"], dateModifiedRaw="May 2, 2024")
        metadata_only["keywords"] = ["other"]  # not content: no version of its own
        assert store.add(metadata_only).status == "unchanged"
    assert decision.status == "updated"
    assert lines_of(tmp_path)[-1]["changes"] == ["dateModified", "dateModifiedRaw"]


# -- identity ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variant",
    [
        "https://www.cnn.com/2013/01/26/world/africa/mali-gao-airport/index.html",
        "http://edition.cnn.com/2013/01/26/world/africa/mali-gao-airport/index.html?hpt=hp_t1",
        "https://edition.cnn.com/2013/01/26/world/africa/mali-gao-airport/index.html#comments",
        "http://us.cnn.com/2013/01/26/world/africa/mali-gao-airport/index.html?utm_source=tw",
        "HTTPS://CNN.COM/2013/01/26/world/africa/mali-gao-airport/index.html?iid=ob&eref=x",
    ],
)
def test_article_id_is_one_across_url_variants(variant: str) -> None:
    assert article_id(canonicalize_url(variant)) == BASE["articleId"]


def test_article_id_keeps_other_sites_of_the_domain_apart() -> None:
    path = "/2013/01/26/world/africa/mali-gao-airport/index.html"
    ids = {
        article_id(f"https://{host}{path}")
        for host in ("www.cnn.com", "money.cnn.com", "arabic.cnn.com")
    }
    assert len(ids) == 3
    reuters = {
        article_id(f"http://{host}/article/2013/01/20/us-mali-idUSBRE90J0ZZ20130120")
        for host in ("www.reuters.com", "uk.reuters.com", "af.reuters.com", "reuters.com")
    }
    assert len(reuters) == 1 and next(iter(reuters)).startswith("reuters-")
    assert article_id("https://money.cnn.com/x").startswith("cnn-")


# -- the contract --------------------------------------------------------------------------------
def test_every_line_passes_the_store_line_schema(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
        store.add(make_item(1, body="Changed.", downloaded="2024-06-01T00:00:00Z"))
        store.add(make_item(2, source="reuters"))
    validator = store_line_validator()
    for line in lines_of(tmp_path):
        assert not list(validator.iter_errors(line))
        assert line_problems(line) == []


@pytest.mark.parametrize(
    "name", ["WEB-20240101-00001-4242~crawler~8443.warc.gz", "capture (1).WARC.GZ", "x.warc"]
)
def test_lines_replayed_from_other_tools_files_pass_the_store_line_schema(
    tmp_path: Path, name: str
) -> None:
    """Heritrix names its files with ``~``, a download keeps ``(1)``, a system upper-cases
    them; a WARC-Record-ID is any URI (``urn:uuid`` in upper case here): replay stored them,
    as it must, in lines its own schema refused."""
    from tests.faults.hostile import sound_warc

    written = sound_warc(tmp_path / "in")
    plain = gzip.decompress(written.read_bytes())
    plain = re.sub(rb"<urn:uuid:([0-9a-f-]+)>", lambda id: b"<urn:uuid:%s>" % id[1].upper(), plain)
    records = re.split(rb"(?<=\r\n\r\n)(?=WARC/1\.1\r\n)", plain)
    assert len(records) == 3
    gz = name.lower().endswith("gz")
    data = b"".join(gzip.compress(record, mtime=0) for record in records) if gz else plain
    written.unlink()
    (tmp_path / "in" / name).write_bytes(data)
    result = run_cli("replay", str(tmp_path / "in"), "--store", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    lines = store_lines(tmp_path / "data")
    assert [line["warc"]["filename"] for line in lines] == [name]
    assert [e.message for e in store_line_validator().iter_errors(lines[0])] == []


@pytest.mark.parametrize(
    ("breakage", "needle"),
    [
        (lambda item: item.pop("warc"), "warc"),
        (lambda item: item.update(warc=None), "warc"),
        (lambda item: item["metadata"].pop("dateDownloaded"), "dateDownloaded"),
        (lambda item: item.update(headline=""), "headline"),
    ],
)
def test_a_line_breaking_the_contract_is_refused_loudly(tmp_path: Path, breakage, needle) -> None:
    item = make_item(1)
    breakage(item)
    with ArticleStore(tmp_path) as store, pytest.raises((InvalidLineError, ValueError)) as caught:
        store.add(item)
    assert needle in str(caught.value)
    assert lines_of(tmp_path) == []
    line = dict(make_item(1), version=1, contentDigest="sha1:" + "0" * 40, changes=[])
    breakage(line)
    assert list(store_line_validator().iter_errors(line))


def test_the_published_item_schema_still_accepts_an_extracted_item() -> None:
    import jsonschema

    from archive.schema import article_schema

    jsonschema.validate(BASE, article_schema())
    assert list(store_line_validator().iter_errors(BASE))  # but it is not a store line


def test_a_batch_makes_the_warc_records_it_names_durable_before_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line must never outlive the record it names: the WARC writer only fsyncs a file
    when it closes it, so after a power cut the store could keep lines fsynced in a batch
    whose records were never on the disk."""
    warc = tmp_path / "warc"
    warc.mkdir(parents=True)
    (warc / "newsarchive-test-00000.warc.gz.open").write_bytes(b"records being written")
    synced: list[str] = []
    fsync = os.fsync

    def noting(fd: int) -> None:
        synced.append(os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", noting)
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
        store.add(make_item(2, source="reuters"))
        store.flush()
    warc_file, month = "newsarchive-test-00000.warc.gz.open", "articles-2024-05.jsonl"
    assert warc_file in synced, synced
    assert synced.index(warc_file) < synced.index(month) and synced.count(warc_file) == 1


def test_no_line_is_written_before_the_warc_record_it_names_is_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line handed to the kernel may reach the disk at any moment, before the batch is
    fsynced: the WARC file holding its record must be fsynced before the line is written,
    not at the end of the batch, or a power cut could keep the line and lose the record."""
    warc = tmp_path / "warc" / "newsarchive-test-00000.warc.gz.open"
    warc.parent.mkdir(parents=True)
    warc.write_bytes(b"the record of story 1")
    events: list[tuple[str, str]] = []
    fsync, write = os.fsync, os.write

    def name_of(fd: int) -> str:
        return os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))

    def noting_fsync(fd: int) -> None:
        events.append(("fsync", name_of(fd)))
        fsync(fd)

    def noting_write(fd: int, data: Any) -> int:
        events.append(("write", name_of(fd)))
        return write(fd, data)

    monkeypatch.setattr(os, "fsync", noting_fsync)
    monkeypatch.setattr(os, "write", noting_write)
    with ArticleStore(tmp_path, batch_size=10) as store:
        store.add(make_item(1))
        with open(warc, "ab") as more:  # the writer appends the next capture's record
            more.write(b" and the record of story 2")
        store.add(make_item(2))
        store.add(make_item(3))  # its record (an earlier one) is on the disk already
    month = "articles-2024-05.jsonl"
    order = [event for event in events if event[1] in (warc.name, month)]
    assert order == [
        ("fsync", warc.name),
        ("write", month),
        ("fsync", warc.name),
        ("write", month),
        ("write", month),
        ("fsync", month),
    ], order


# -- files ---------------------------------------------------------------------------------------
def test_files_rotate_by_month_of_date_downloaded(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1, downloaded="2024-05-31T23:59:59Z"))
        store.add(make_item(2, downloaded="2024-06-01T00:00:00Z"))
        store.add(make_item(1, body="June text.", downloaded="2024-06-02T00:00:00Z"))
    names = sorted(p.name for p in (tmp_path / "articles").glob("*.jsonl"))
    assert names == ["articles-2024-05.jsonl", "articles-2024-06.jsonl"]
    june = (tmp_path / "articles/articles-2024-06.jsonl").read_text().splitlines()
    assert [json.loads(raw)["version"] for raw in june] == [1, 2]


def test_torn_last_line_is_skipped_by_readers_and_quarantined_by_the_next_writer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ArticleStore(tmp_path) as store:
        store.add_many([make_item(1), make_item(2)])
    path = next((tmp_path / "articles").glob("*.jsonl"))
    whole = path.read_bytes()
    torn = b'{"url":"https://www.cnn.com/2024/05/01/world/story-3/index.html","canonicalUrl":"ht'
    with open(path, "ab") as handle:
        handle.write(torn)  # what a power cut mid-write leaves
    with caplog.at_level(logging.WARNING, logger="archive.store"):
        read = list(ArticleStore(tmp_path).iter_articles(all_versions=True))
    assert [line["articleId"] for line in read] == [
        make_item(1)["articleId"],
        make_item(2)["articleId"],
    ]
    assert "torn last line" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="archive.store"), ArticleStore(tmp_path) as store:
        assert store.add(make_item(3)).status == "new"
        assert len(store.stats.quarantined) == 1
    assert "moved" in caplog.text and "quarantine" in caplog.text
    quarantined = list((tmp_path / "articles/quarantine").iterdir())
    assert [p.read_bytes() for p in quarantined] == [torn]
    assert path.read_bytes().startswith(whole) and path.read_bytes().endswith(b"\n")
    assert len(lines_of(tmp_path)) == 3
    stats = run_cli("store", "stats", "--data", str(tmp_path), "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["quarantined"]["files"] == 1


def test_a_garbled_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
    path = next((tmp_path / "articles").glob("*.jsonl"))
    with open(path, "ab") as handle:
        handle.write(b"\x00\x00garbage\n")
    with ArticleStore(tmp_path) as store:
        store.add(make_item(2))
    result = run_cli("articles", "--data", str(tmp_path), "--fields", "articleId")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.startswith("newsarchive: warning: skipped a line that is not a store line")


def test_a_failed_write_takes_its_bytes_back(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    fd = open_append(path)
    append_whole(fd, b"one\n")
    os.close(fd)
    read_only = os.open(path, os.O_RDONLY)
    with pytest.raises(OSError):
        append_whole(read_only, b"two\n")
    os.close(read_only)
    assert path.read_bytes() == b"one\n"


def test_complete_lines_never_yields_a_partial_line(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"a\nbb\nccc")
    assert list(complete_lines(path)) == [(0, b"a"), (2, b"bb")]
    assert list(complete_lines(path, 2)) == [(2, b"bb")]
    assert list(complete_lines(path, 0, 3)) == [(0, b"a")]


# -- the index -----------------------------------------------------------------------------------
def batch_one() -> list[dict[str, Any]]:
    return [
        make_item(1),
        make_item(2, source="reuters"),
        make_item(3),
        make_item(1, body="Second text.", downloaded="2024-05-02T00:00:00Z"),
    ]


def batch_two() -> list[dict[str, Any]]:
    return [
        make_item(1, body="Second text.", downloaded="2024-05-05T00:00:00Z"),  # unchanged
        make_item(
            2, body="Reuters update.", downloaded="2024-06-05T00:00:00Z", source="reuters"
        ),  # updated
        make_item(4, downloaded="2024-06-05T00:00:00Z"),  # new
        make_item(3, downloaded="2024-06-06T00:00:00Z"),  # unchanged
        make_item(1, body="Third text.", downloaded="2024-06-07T00:00:00Z"),  # updated
    ]


def test_rebuilt_index_gives_the_same_decisions(tmp_path: Path) -> None:
    kept, rebuilt = tmp_path / "kept", tmp_path / "rebuilt"
    with ArticleStore(kept) as store:
        store.add_many(batch_one())
    shutil.copytree(kept, rebuilt)
    for path in (rebuilt / "state").glob("store.sqlite*"):
        path.unlink()
    result = run_cli("store", "rebuild", "--data", str(rebuilt))
    assert result.returncode == 0, result.stderr
    assert "3 articles" in result.stdout
    with ArticleStore(kept) as store:
        expected = store.add_many(batch_two())
    with ArticleStore(rebuilt) as store:
        got = store.add_many(batch_two())
    assert [d.status for d in expected] == ["unchanged", "updated", "new", "unchanged", "updated"]
    assert got == expected
    for path in sorted((kept / "articles").glob("*.jsonl")):
        assert (rebuilt / "articles" / path.name).read_bytes() == path.read_bytes()


def test_a_lost_index_is_rebuilt_on_the_next_write(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add_many(batch_one())
    shutil.rmtree(tmp_path / "state")
    with ArticleStore(tmp_path) as store:
        decisions = store.add_many(batch_two())
    assert [d.status for d in decisions] == ["unchanged", "updated", "new", "unchanged", "updated"]
    assert [d.version for d in decisions] == [2, 2, 1, 1, 3]


def test_lines_the_index_missed_are_indexed_before_deciding(tmp_path: Path) -> None:
    """A writer killed after writing lines, before committing the index, duplicates nothing."""
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
    index_before = (tmp_path / "state/store.sqlite").read_bytes()
    with ArticleStore(tmp_path) as store:
        store.add_many(batch_one())
    for path in (tmp_path / "state").glob("store.sqlite*"):
        path.unlink()
    (tmp_path / "state/store.sqlite").write_bytes(index_before)  # the index as of line 1
    with ArticleStore(tmp_path) as store:
        again = store.add_many(batch_one()[1:])
    assert [d.status for d in again] == ["unchanged", "unchanged", "unchanged"]
    assert len(lines_of(tmp_path)) == 4


# -- reading -------------------------------------------------------------------------------------
@pytest.fixture
def filled(tmp_path: Path) -> Path:
    with ArticleStore(tmp_path) as store:
        store.add_many(batch_one())
        store.add_many(batch_two())
    return tmp_path


SOURCES = {1: "cnn", 2: "reuters", 3: "cnn", 4: "cnn"}


def ids_versions(lines: list[dict[str, Any]]) -> list[tuple[str, int]]:
    names = {make_item(n, source=SOURCES[n])["articleId"]: f"a{n}" for n in range(1, 5)}
    return [(names[line["articleId"]], line["version"]) for line in lines]


def test_latest_versions_in_a_stable_order(filled: Path) -> None:
    got = ids_versions(list(ArticleStore(filled).iter_articles()))
    assert got == [("a3", 1), ("a2", 2), ("a4", 1), ("a1", 3)]
    every = ids_versions(list(ArticleStore(filled).iter_articles(all_versions=True)))
    assert every == [("a1", 1), ("a2", 1), ("a3", 1), ("a1", 2), ("a2", 2), ("a4", 1), ("a1", 3)]


def test_a_month_file_copied_under_a_workers_name_gives_each_line_once(filled: Path) -> None:
    """The store of several workers, one of whose files is a copy of the single writer's
    month file (a migration, a restore): --all-versions gave each of its lines twice."""
    data = filled
    articles = data / "articles"
    shutil.copy(articles / "articles-2024-05.jsonl", articles / "articles-2024-05.w1.jsonl")
    with ArticleStore(data, worker="w2") as store:  # a worker's own version, not a copy
        later = "2024-06-07T10:00:00Z"
        store.add(make_item(4, body="A fourth story, told again.", downloaded=later))
    every = ids_versions(list(ArticleStore(data).iter_articles(all_versions=True)))
    assert every == [
        ("a1", 1), ("a2", 1), ("a3", 1), ("a1", 2), ("a2", 2), ("a4", 1), ("a1", 3), ("a4", 2),
    ]  # fmt: skip
    listed = run_cli("articles", "--data", str(data), "--all-versions", "--fields", "articleId")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(every)


def test_source_since_until(filled: Path) -> None:
    store = ArticleStore(filled)
    assert ids_versions(list(store.iter_articles(source="reuters"))) == [("a2", 2)]
    assert ids_versions(list(store.iter_articles(since="2024-06-06"))) == [("a1", 3)]
    # The store as it stood on June 1st: article 1 at version 2, article 2 at version 1.
    assert ids_versions(list(store.iter_articles(until="2024-06-01T00:00:00Z"))) == [
        ("a2", 1),
        ("a3", 1),
        ("a1", 2),
    ]
    assert ids_versions(
        list(store.iter_articles(since="2024-05-02", until="2024-06-06", all_versions=True))
    ) == [("a1", 2), ("a2", 2), ("a4", 1)]


def test_a_month_or_a_year_bounds_from_its_first_instant() -> None:
    # ISO 8601's reduced precision ("2026-10", "2026") was refused as no date.
    from archive.store.reading import iso_instant

    assert iso_instant("2026-10") == "2026-10-01T00:00:00Z"
    assert iso_instant("2026") == "2026-01-01T00:00:00Z"
    with pytest.raises(ValueError):
        iso_instant("2026-13")


def test_fields_projection(filled: Path) -> None:
    got = list(
        ArticleStore(filled).iter_articles(
            source="reuters",
            fields=["version", "headline", "metadata.dateDownloaded", "warc.offset"],
        )
    )
    assert got == [
        {
            "version": 2,
            "headline": BASE["headline"],
            "metadata": {"dateDownloaded": "2024-06-05T00:00:00Z"},
            "warc": {"offset": 2000},
        }
    ]
    assert list(got[0]) == ["version", "headline", "metadata", "warc"]
    with pytest.raises(ValueError, match="unknown field"):
        list(ArticleStore(filled).iter_articles(fields=["nope"]))


def test_every_metadata_field_of_the_schema_can_be_chosen() -> None:
    # metadata.retrievedFrom (a --via capture's archive) was refused as an unknown field.
    from archive.schema import article_schema
    from archive.store.reading import check_fields

    nested = [f"metadata.{n}" for n in article_schema()["properties"]["metadata"]["properties"]]
    assert "metadata.retrievedFrom" in nested
    assert check_fields(nested) == nested


def test_articles_command(filled: Path) -> None:
    result = run_cli(
        "articles", "--data", str(filled), "--since", "2024-06-01", "--fields", "articleId,version"
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(raw)["version"] for raw in result.stdout.splitlines()] == [2, 1, 3]
    everything = run_cli("articles", "--data", str(filled), "--all-versions")
    assert len(everything.stdout.splitlines()) == 7
    bad = run_cli("articles", "--data", str(filled), "--until", "last tuesday")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "newsarchive: 'last tuesday' is not an ISO 8601 date or time"
    bad_field = run_cli("articles", "--data", str(filled), "--fields", "headline,bogus")
    assert bad_field.returncode == 2 and "unknown field 'bogus'" in bad_field.stderr


def test_store_stats_command(filled: Path) -> None:
    result = run_cli("store", "stats", "--data", str(filled), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "articles": {"cnn": 3, "reuters": 1},
        "lines": {"cnn": 5, "reuters": 2},
        "linesByMonth": {"2024-05": 4, "2024-06": 3},
        "articlesByVersions": {"1": 2, "2": 1, "3": 1},
        "quarantined": {"files": 0, "bytes": 0},
        "damaged": {"lines": 0, "examples": []},
    }
    text = run_cli("store", "stats", "--data", str(filled))
    assert "cnn: 3 articles, 5 lines" in text.stdout
    assert "2024-06: 3" in text.stdout
    assert "quarantined torn lines: 0" in text.stdout


# -- the scratch store's index and the one-pass digests ------------------------------------------
def test_digest_and_hashes_are_the_content_digest_and_the_field_hashes() -> None:
    items = [make_item(1), make_item(2, body="Caf\u00e9 au lait.\n\nA second\u2028paragraph.")]
    items[1]["authors"] = [{"name": "Ana\u0301 Example", "url": None}]
    items[1]["dateModifiedRaw"] = "May 2, 2024"
    items[1]["dateModified"] = "2024-05-02T10:00:00Z"
    for item in items:
        assert digest_and_hashes(item) == (content_digest(item), field_hashes(item))
    assert set(CONTENT_FIELDS) <= set(TRACKED_FIELDS)


def versions_to_store() -> list[dict[str, Any]]:
    """New, the same again, changed, changed back, an older capture, the same article later."""
    return [
        make_item(1, body="One.", downloaded="2024-05-01T10:00:00Z"),
        make_item(1, body="One.", downloaded="2024-05-02T10:00:00Z"),
        make_item(1, body="Two.", downloaded="2024-05-03T10:00:00Z"),
        make_item(2, body="Other.", downloaded="2024-05-03T11:00:00Z"),
        make_item(1, body="One.", downloaded="2024-05-04T10:00:00Z"),
        make_item(1, body="Two.", downloaded="2024-05-03T12:00:00Z"),  # older than the latest
        make_item(1, body="Three.", downloaded="2024-05-02T12:00:00Z"),  # older, new content
        make_item(1, body="Two.", downloaded="2024-06-01T10:00:00Z"),
    ]


def test_versions_decided_by_content_and_capture_time(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        statuses = [store.add(item).status for item in versions_to_store()]
    assert statuses == ["new", "unchanged", "updated", "new", "updated", "unchanged", "older",
                        "updated"]  # fmt: skip


def test_a_line_without_a_content_digest_is_no_store_line(tmp_path: Path) -> None:
    """A hand-written line with an articleId and a version but no contentDigest was read as
    a store line: the writer's index then failed on it (every later crawl FAILED with
    store_failed) and `store rebuild` crashed (exit 70)."""
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
    (path,) = (tmp_path / "articles").glob("*.jsonl")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"articleId": "cnn-hand", "version": 1, "headline": "x"}) + "\n")
    with ArticleStore(tmp_path) as store:
        assert store.add(make_item(2)).status == "new"
        assert [line["articleId"] for line in store.iter_lines()] == [
            make_item(1)["articleId"],
            make_item(2)["articleId"],
        ]
    rebuilt = run_cli("store", "rebuild", "--data", str(tmp_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    stats = run_cli("store", "stats", "--json", "--data", str(tmp_path))
    assert json.loads(stats.stdout)["damaged"]["lines"] == 1, stats.stdout
