"""A URL that cannot be parsed (``http://[::1/x``: an unclosed IPv6 bracket; a port out of
range or not a number) is one bad link or one bad record, never the loss of a whole page's
links, of an article, or of a replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from warcio.warcwriter import WARCWriter

from crawler.pages import analyse
from crawler.pages.urls import canonicalize_url, dedup_key, resolve_link

from .conftest import run_cli, store_lines
from .one_capture import write_foreign_response
from .test_pages_fixtures import PAGES, load_fixture
from .test_replay_helpers import read_items

MALFORMED = [
    "http://[::1/x",
    "//[::1/x",
    "http://www.cnn.com:99999/x",
    "http://www.cnn.com:abc/x",
    "https://[www.reuters.com]x/y",
]
HTML = {"Content-Type": "text/html"}
# A CNN 2010-2014 story with a related-coverage box.
STORY = PAGES / "cnn_2013" / "gallery_two_authors_no_place.html"


@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_url_is_no_link_and_keys_without_raising(url: str) -> None:
    assert resolve_link(url, "https://edition.cnn.com/world/africa") in (None, url)
    for found in (canonicalize_url(url), dedup_key(url)):
        assert isinstance(found, str) and found
    assert canonicalize_url(url) == canonicalize_url(url + "#part")


@pytest.mark.parametrize("url", MALFORMED[:2])
def test_a_section_page_with_a_malformed_link_keeps_its_other_links(url: str) -> None:
    stories = ["/2013/01/12/world/africa/mali-x/index.html", "/2013/01/13/world/africa/mali-y/"]
    hrefs = [stories[0], url, stories[1]]
    items = "".join(f'<li><a href="{href}">Story</a></li>' for href in hrefs)
    body = f"<html><head><title>Africa</title></head><body><ul>{items}</ul></body></html>"
    found = analyse("https://edition.cnn.com/world/africa", HTML, body.encode(), source="cnn")
    assert [link.url for link in found.links] == [
        f"https://edition.cnn.com{path}" for path in stories
    ], found.reason


@pytest.mark.parametrize("url", MALFORMED[:2])
def test_an_article_with_a_malformed_related_link_keeps_its_item(url: str) -> None:
    expected, headers, body = load_fixture(STORY)
    first = expected["relatedLinks"][0]["url"]
    assert body.count(f'href="{first}"'.encode()) == 1
    damaged = body.replace(f'href="{first}"'.encode(), f'href="{url}"'.encode())
    found = analyse(expected["url"], headers, damaged, source=expected["source"])
    assert found.kind == "article" and found.failed_template is None, found.reason
    assert found.article is not None
    assert found.article["relatedLinks"] == expected["relatedLinks"][1:]
    assert found.article["paragraphs"] == expected["paragraphs"]


def _foreign_warc(tmp_path: Path, targets: list[str]) -> tuple[Path, dict[str, Any]]:
    """Another tool's WARC: the story under each of `targets`, then under its own URL."""
    expected, _headers, body = load_fixture(STORY)
    warc = tmp_path / "foreign.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for target in [*targets, expected["url"]]:
            write_foreign_response(writer, target, body)
    return warc, expected


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_whose_target_is_no_url_is_reported_and_the_rest_replayed(
    tmp_path: Path, jobs: str
) -> None:
    warc, expected = _foreign_warc(tmp_path, [*MALFORMED[2:], "http://[::1/2013/x/index.html"])
    items = tmp_path / "items.jsonl"
    result = run_cli("replay", str(warc), "--out", str(items), "--jobs", jobs)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert [item["url"] for item in read_items(items)] == [expected["url"]]
    refused = [line for line in result.stderr.splitlines() if "is not a URL" in line]
    assert len(refused) == 1 + len(MALFORMED[2:]), result.stderr
    assert all(f"{warc}:" in line for line in refused)


def test_a_crawl_from_such_an_archive_stores_what_it_can(tmp_path: Path) -> None:
    warc, expected = _foreign_warc(tmp_path, MALFORMED[2:])
    data = tmp_path / "data"
    result = run_cli(
        "crawl", "cnn", "--from-archive", str(warc), "--data", str(data),
        "--start-url", expected["url"],
    )  # fmt: skip
    assert "crashed" not in result.stderr and result.returncode != 70, result.stderr
    assert [line["url"] for line in store_lines(data)] == [expected["url"]]


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "cnn", "--start-url", "http://[::1/"],
        ["crawl", "cnn", "--via", "http://[::1/collection", "--at", "2013"],
        ["crawl", "cnn", "--via", "timegate:http://archive.example:99999/", "--at", "2013"],
        ["extract", str(STORY), "--url", "http://[::1/x"],
        # Not the http(s) URL of a page: the item's url broke its own schema, exit 0.
        ["extract", str(STORY), "--url", ""],
        ["extract", str(STORY), "--url", "not a url"],
        ["extract", str(STORY), "--url", "ftp://www.cnn.com/x.html"],
        ["extract", str(STORY), "--url", "javascript:alert(1)"],
        ["extract", str(STORY), "--url", "http:///x.html"],
    ],
)
def test_a_malformed_url_given_on_the_command_line_is_a_usage_error(
    args: list[str], tmp_path: Path
) -> None:
    data = ["--data", str(tmp_path / "data")] if args[0] == "crawl" else []
    result = run_cli(*args, *data)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_analyse_says_why_a_page_whose_url_is_no_url_has_no_item() -> None:
    _expected, headers, body = load_fixture(STORY)
    for url in MALFORMED[:2]:
        for source in (None, "cnn"):
            found = analyse(url, headers, body, source=source)
            assert found.kind == "not_article" and found.reason.startswith("not a URL")
