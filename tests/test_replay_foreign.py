"""Other tools' archives: wget, warcio's writer, WARC/1.0 and 1.1, plain and gzip, WACZ."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from . import test_replay_helpers as helpers
from .conftest import SiteServer, run_cli, store_lines
from .test_replay_helpers import article_fields, read_items

site_archive = helpers.site_archive


def ours(data: Path) -> dict[str, dict]:
    return {line["articleId"]: line for line in store_lines(data)}


def mirror_sites(site: SiteServer) -> list[str]:
    """``--site`` arguments naming the outlet of each test-site host (a mirror's host says none)."""
    args = []
    for outlet in ("cnn", "reuters"):
        args += ["--site", f"{site.url(outlet, '').split('//', 1)[1].rstrip('/')}={outlet}"]
    return args


def replay_items(*args: str, tmp_path: Path) -> list[dict]:
    out = tmp_path / "items.jsonl"
    result = run_cli("replay", *args, "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert " 0 problems" in result.stderr, result.stderr
    return read_items(out)


def rewrite_with_warcio(
    source_dir: Path, target: Path, *, version: str, gzip: bool, requests: bool
) -> None:
    """Copy every response (and request) record into one file written by warcio itself."""
    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=gzip, warc_version=f"WARC/{version}")
        for path in sorted(source_dir.glob("*.warc.gz")):
            with open(path, "rb") as handle:
                for record in ArchiveIterator(handle):
                    if record.rec_type not in ("response", "request"):
                        continue
                    if record.rec_type == "request" and not requests:
                        continue
                    copy = writer.create_warc_record(
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.rec_type,
                        payload=io.BytesIO(record.raw_stream.read()),
                        http_headers=record.http_headers,
                        warc_headers_dict={"WARC-Date": record.rec_headers.get_header("WARC-Date")},
                    )
                    writer.write_record(copy)


@pytest.mark.parametrize(
    ("version", "gzip", "requests"),
    [("1.0", True, True), ("1.1", False, False), ("1.0", False, True), ("1.1", True, False)],
)
def test_warcio_written_archives_give_the_same_articles(
    site_archive: Path, site: SiteServer, tmp_path: Path, version: str, gzip: bool, requests: bool
) -> None:
    target = tmp_path / ("foreign.warc.gz" if gzip else "foreign.warc")
    rewrite_with_warcio(
        site_archive / "warc", target, version=version, gzip=gzip, requests=requests
    )
    expected = ours(site_archive)
    items = replay_items(str(target), *mirror_sites(site), tmp_path=tmp_path)
    assert {i["articleId"] for i in items} == set(expected)
    for item in items:
        line = expected[item["articleId"]]
        assert article_fields(item) == article_fields(line)
        assert item["url"] == line["url"]
        assert item["metadata"]["dateDownloaded"] == line["metadata"]["dateDownloaded"]
        assert item["warc"]["filename"] == target.name


@pytest.mark.parametrize("compressed", [True, False])
def test_wget_archives_give_the_same_articles(
    site_archive: Path, site: SiteServer, tmp_path: Path, compressed: bool
) -> None:
    wget = shutil.which("wget")
    assert wget, "wget is needed (the CI script installs it)"
    work = tmp_path / "wget"
    work.mkdir()
    command = [
        wget, "--quiet", "--recursive", "--level=3", "-e", "robots=off",
        "--warc-file=site", "--directory-prefix", str(work / "files"),
        site.url("cnn", "/world/africa/"),
    ]  # fmt: skip
    if not compressed:
        command.insert(1, "--no-warc-compression")
    subprocess.run(command, cwd=work, timeout=120, check=False)
    archive = work / ("site.warc.gz" if compressed else "site.warc")
    assert archive.exists()
    with open(archive, "rb") as handle:
        assert any(r.rec_type == "request" for r in ArchiveIterator(handle))
    expected = ours(site_archive)
    items = replay_items(str(archive), *mirror_sites(site), tmp_path=tmp_path)
    common = [i for i in items if i["articleId"] in expected]
    assert len(common) >= 4, [i["url"] for i in items]
    for item in common:
        assert article_fields(item) == article_fields(expected[item["articleId"]])


def test_wacz_gives_the_store_items(site_archive: Path, tmp_path: Path) -> None:
    from archive.warc.cdxj import index_lines

    warcs = sorted((site_archive / "warc").glob("*.warc.gz"))
    package = tmp_path / "site.wacz"
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_STORED) as wacz:
        for path in warcs:
            wacz.write(path, f"archive/{path.name}")
        wacz.writestr("indexes/index.cdxj", "".join(index_lines(warcs)))
        wacz.writestr("datapackage.json", json.dumps({"profile": "data-package"}))
    items = replay_items(str(package), tmp_path=tmp_path)
    stored = {line["warc"]["recordId"]: line for line in store_lines(site_archive)}
    assert len(items) == len(stored)
    for item in items:
        assert item == stored[item["warc"]["recordId"]]


@pytest.mark.parametrize("marked", [{}, {"WARC-Truncated": "length"}], ids=["plain", "wget"])
def test_revisits_resolved_within_files_and_through_the_cdxj_index(
    site_archive: Path, site: SiteServer, tmp_path: Path, marked: dict[str, str]
) -> None:
    """A revisit's payload comes from its original: in the files read, else via index.cdxj.
    wget marks each revisit ``WARC-Truncated: length`` (the payload it leaves out by
    design): such revisits were dropped as truncated records, without a word."""
    from archive.warc.cdxj import index_lines

    # Captured after the crawl, not in the future (a capture from the future is refused).
    revisit_date = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    folder = tmp_path / "archive"
    folder.mkdir()
    original = folder / "original.warc.gz"
    rewrite_with_warcio(site_archive / "warc", original, version="1.1", gzip=True, requests=False)
    (folder / "index.cdxj").write_text("".join(index_lines([original])), "utf-8")
    revisits = folder / "revisits.warc.gz"
    count = 0
    with open(original, "rb") as handle, open(revisits, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers.get_statuscode() != "200":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            revisit = writer.create_revisit_record(
                url,
                digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                refers_to_uri=url,
                refers_to_date=record.rec_headers.get_header("WARC-Date"),
                http_headers=record.http_headers,
                warc_headers_dict={"WARC-Date": revisit_date, **marked},
            )
            writer.write_record(revisit)
            count += "html" in (record.http_headers.get_header("Content-Type") or "")
    articles = len(store_lines(site_archive))

    both = replay_items(str(folder), *mirror_sites(site), "--all-captures", tmp_path=tmp_path)
    assert len(both) == 2 * articles
    later = [i for i in both if i["metadata"]["dateDownloaded"] == revisit_date]
    assert len(later) == articles and all(i["warc"]["filename"] == revisits.name for i in later)

    alone = run_cli(
        "replay",
        str(revisits),
        *mirror_sites(site),
        "--all-captures",
        "--out",
        str(tmp_path / "alone.jsonl"),
    )
    assert alone.returncode == 0, alone.stderr
    through_index = read_items(tmp_path / "alone.jsonl")
    assert len(through_index) == articles
    assert f"{count}/{count} revisits resolved" in alone.stderr
    by_id = {i["articleId"]: i for i in both if i in later}
    for item in through_index:
        assert item == by_id[item["articleId"]]


def test_without_metadata_or_site_the_page_itself_names_the_outlet(
    site_archive: Path, tmp_path: Path
) -> None:
    """A loopback host names no outlet; og:site_name or the JSON-LD publisher still may."""
    target = tmp_path / "bare.warc.gz"
    rewrite_with_warcio(site_archive / "warc", target, version="1.1", gzip=True, requests=False)
    expected = ours(site_archive)
    items = replay_items(str(target), tmp_path=tmp_path)
    assert items, "no page named its outlet"
    for item in items:
        assert article_fields(item) == article_fields(expected[item["articleId"]])


def test_a_segmented_record_is_never_half_an_article(site_archive: Path, tmp_path: Path) -> None:
    """A response split into segments (WARC 1.1: ``WARC-Segment-Number`` 1, then a
    ``continuation`` record): its first segment alone gave an article of half the page,
    silently. Continuations are not joined: the segment is a truncated capture."""
    from warcio.statusandheaders import StatusAndHeaders

    from archive.store import ArticleStore

    line = next(iter(ArticleStore(site_archive).iter_lines()))
    url = line["url"]
    _head, body = helpers.archived_response(site_archive, url)
    assert body
    head = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    # Cut inside the story: after its second paragraph.
    second = line["paragraphs"][1].split()[-1].encode()
    cut = body.index(second, body.index(line["paragraphs"][0].split()[-1].encode())) + len(second)
    segmented = tmp_path / "segmented.warc.gz"
    with open(segmented, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        first = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body[:cut]), http_headers=head,
            warc_headers_dict={"WARC-Date": line["metadata"]["dateDownloaded"],
                               "WARC-Segment-Number": "1"},
        )  # fmt: skip
        writer.write_record(first)
        origin = first.rec_headers.get_header("WARC-Record-ID")
        rest = writer.create_warc_record(
            url, "continuation", payload=io.BytesIO(body[cut:]),
            warc_headers_dict={"WARC-Date": line["metadata"]["dateDownloaded"],
                               "WARC-Segment-Number": "2", "WARC-Segment-Origin-ID": origin,
                               "WARC-Segment-Total-Length": str(len(body))},
        )  # fmt: skip
        writer.write_record(rest)
    items = tmp_path / "items.jsonl"
    site = f"--site={url.split('/')[2]}=cnn"
    result = run_cli("replay", str(segmented), site, "--out", str(items))
    assert result.returncode == 0, result.stderr
    assert " 0 articles" in result.stderr, result.stderr
    assert read_items(items) == []


def test_a_revisit_whose_index_names_another_payload_is_not_resolved(
    site_archive: Path, site: SiteServer, tmp_path: Path
) -> None:
    """A stale ``index.cdxj`` (a WARC rewritten under the same name, a repacked WACZ) names,
    for a revisit's payload digest, the record of another page: the revisit was given that
    page's text under its own URL, with "0 problems"."""
    from archive.warc.cdxj import index_lines

    folder = tmp_path / "archive"
    folder.mkdir()
    original = folder / "original.warc.gz"
    rewrite_with_warcio(site_archive / "warc", original, version="1.1", gzip=True, requests=False)
    lines = index_lines([original])
    # A revisit of a payload nobody holds, and an index line for that digest that points
    # at the first page's record.
    with open(original, "rb") as handle:
        first = next(
            r
            for r in ArchiveIterator(handle)
            if r.rec_type == "response"
            and "html" in (r.http_headers.get_header("Content-Type") or "")
            and "/20" in r.rec_headers.get_header("WARC-Target-URI")  # an article
        )
        url, http = first.rec_headers.get_header("WARC-Target-URI"), first.http_headers
    other = "sha1:" + "A" * 32
    stale = next(line for line in lines if f'"url": "{url}"' in line)
    stale = re.sub(r'"digest": "[^"]*"', f'"digest": "{other}"', stale)
    (folder / "index.cdxj").write_text(stale, "utf-8")
    revisits = tmp_path / "revisits.warc.gz"
    with open(revisits, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        revisit = writer.create_revisit_record(
            url + "?another", digest=other, refers_to_uri=url, refers_to_date=later,
            http_headers=http, warc_headers_dict={"WARC-Date": later},
        )  # fmt: skip
        writer.write_record(revisit)
    shutil.copy(revisits, folder / revisits.name)
    items = tmp_path / "items.jsonl"
    result = run_cli(
        "replay", str(folder / revisits.name), *mirror_sites(site), "--out", str(items)
    )  # fmt: skip
    assert read_items(items) == [], result.stderr
    assert "0/1 revisits resolved" in result.stderr or "1 problem" in result.stderr


def test_two_records_sharing_a_record_id_are_two_captures(
    site_archive: Path, tmp_path: Path
) -> None:
    """Record ids are unique by the spec, but a tool that reuses one gave two pages one
    item, silently: a second record under an id is one record again (a merged archive's
    copy) only when it is the same capture, the same URL and payload."""
    with open(sorted((site_archive / "warc").glob("*.warc.gz"))[0], "rb") as handle:
        pages = [
            (r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(handle)
            if r.rec_type == "response"
            and "/20" in r.rec_headers.get_header("WARC-Target-URI")
            and "html" in (r.http_headers.get_header("Content-Type") or "")
        ][:2]
    assert len(pages) == 2
    from warcio.statusandheaders import StatusAndHeaders

    same = "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    shared = tmp_path / "shared-id.warc.gz"
    with open(shared, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-01-01T00:00:00Z", "WARC-Record-ID": same},
            )  # fmt: skip
            writer.write_record(record)
    items = tmp_path / "items.jsonl"
    host = pages[0][0].split("/")[2]
    result = run_cli("replay", str(shared), f"--site={host}=cnn", "--out", str(items))
    assert result.returncode == 0, result.stderr
    assert len(read_items(items)) == 2, result.stderr


def test_strict_counts_a_revisit_without_its_original_as_a_capture_lost(
    site_archive: Path, site: SiteServer, tmp_path: Path
) -> None:
    """--strict exited 0 when revisits could not be resolved: the captures were lost as
    surely as by damage, and a rebuilt store lacked them without a failing exit code."""
    line = store_lines(site_archive)[0]
    head, _body = helpers.archived_response(site_archive, line["url"])
    assert head is not None
    alone = tmp_path / "revisit.warc.gz"
    with open(alone, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        revisit = writer.create_revisit_record(
            line["url"], digest="sha1:" + "B" * 32, refers_to_uri=line["url"],
            refers_to_date=line["metadata"]["dateDownloaded"], http_headers=head,
            warc_headers_dict={"WARC-Date": line["metadata"]["dateDownloaded"]},
        )  # fmt: skip
        writer.write_record(revisit)
    items = tmp_path / "items.jsonl"
    args = ("replay", str(alone), *mirror_sites(site), "--out", str(items))
    assert run_cli(*args).returncode == 0
    strict = run_cli(*args, "--strict")
    assert strict.returncode == 1, strict.stderr
    assert "1 revisit without its original" in strict.stderr and "(--strict)" in strict.stderr
