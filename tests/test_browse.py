"""``newsarchive browse``: pywb on loopback serves the start page and archived articles."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import test_replay_helpers as helpers
from .conftest import REPO, browsing, cli_env, copy_data_dir, store_lines

site_archive = helpers.site_archive


@pytest.fixture
def browser(site_archive: Path) -> Iterator[str]:
    """`newsarchive browse` on a free loopback port; yields its base URL."""
    with browsing(site_archive) as base:
        yield base + "/"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.read().decode("utf-8", "replace")


@pytest.mark.pywb
def test_start_page_lists_articles_and_article_pages_link_to_framed_replays(
    browser: str, site_archive: Path
) -> None:
    page = fetch(browser)
    stored = store_lines(site_archive)
    for line in stored:
        assert html.escape(line["headline"]) in page
    links = re.findall(r'href="(/article/[^"]+)"', page)
    assert len(links) == len({line["articleId"] for line in stored})
    article = next(line for line in stored if line["source"] == "cnn")
    detail = fetch(browser.rstrip("/") + "/article/" + article["articleId"])
    replays = re.findall(r'class="replay" href="(/news/\d{14}/[^"]+)"', detail)
    link = next(link for link in replays if link.endswith(article["url"]))
    framed = fetch(browser.rstrip("/") + link)
    assert "wb_frame.js" in framed  # pywb's frame, with its banner
    timestamp, url = re.match(r"/news/(\d{14})/(.+)", link).groups()  # type: ignore[union-attr]
    archived = fetch(f"{browser.rstrip('/')}/news/{timestamp}mp_/{url}")
    assert article["headline"] in archived
    assert any(paragraph[:30] in archived for paragraph in article["paragraphs"])


@pytest.mark.pywb
def test_options_on_a_replay_path_is_answered_whole(browser: str) -> None:
    """pywb answered OPTIONS with a 200 stating a Content-Length and sent no body: the
    client waited for the body until its own timeout."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(browser)
    for path in ("/news/", "/static/wb.js"):
        connection = http.client.HTTPConnection(parts.netloc, timeout=30)
        try:
            connection.request("OPTIONS", path)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        assert response.status == 204, path
        assert body == b"" and response.getheader("Content-Length") in (None, "0")
        assert response.getheader("Allow") == "GET, HEAD, POST"


def test_browse_without_an_archive_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archive", "browse", "--data", str(tmp_path / "none")],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "no warc/" in result.stderr


def test_browse_with_an_unusable_read_model_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "warc").mkdir()
    (tmp_path / "state" / "explorer.sqlite").mkdir(parents=True)  # not a database file
    result = subprocess.run(
        [sys.executable, "-m", "archive", "browse", "--data", str(tmp_path), "--port", "0"],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "explorer.sqlite" in result.stderr


def _browse(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive", "browse", "--data", str(data), "--port", "0"],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), timeout=60,
    )  # fmt: skip


def test_browse_refuses_a_data_directory_of_a_newer_newsarchive(tmp_path: Path) -> None:
    """As store rebuild and index do: before, browse served it, wrote its own config into
    it and dropped the newer read model's tables to build its own."""
    (tmp_path / "warc").mkdir()
    (tmp_path / "format.json").write_text('{"layout": 99, "storeSchemaVersion": 1}')
    result = _browse(tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "refused" in result.stderr, result.stderr
    assert not (tmp_path / "state").exists()


def test_browse_of_a_data_directory_it_cannot_write_serves_from_a_scratch_copy(
    site_archive: Path, tmp_path: Path
) -> None:
    """A read-only data directory (a snapshot, a read-only mount, another user's cron data)
    could not be browsed at all: browse wrote its pywb config and its read model into
    state/ (an internal error, exit 70). It now keeps them in a scratch folder, says so, and
    serves; the data directory is left as it was. (A file where ``state/browse`` goes meets
    the same refusal to write as a read-only mount, which a test cannot make as root.)"""
    import shutil

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    shutil.rmtree(data / "state" / "browse", ignore_errors=True)
    (data / "state" / "browse").write_text("a file where a folder goes")
    (data / "warc" / "index.cdxj").unlink()  # the index is to be built too
    before = sorted(p.name for p in (data / "state").iterdir())
    with browsing(data) as base, urllib.request.urlopen(base + "/") as answer:
        assert answer.status == 200
        page = answer.read().decode()
    line = store_lines(site_archive)[0]
    assert html.escape(line["headline"]) in page
    assert sorted(p.name for p in (data / "state").iterdir()) == before
    assert not (data / "warc" / "index.cdxj").exists()


def test_the_address_printed_for_an_ipv6_host_is_a_usable_url() -> None:
    # `browse --host ::1` printed http://::1:8000/, which no browser opens.
    from archive.commands.browse import base_url

    assert base_url("::1", 8000) == "http://[::1]:8000/"
    assert base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert base_url("localhost", 80) == "http://localhost:80/"


def test_the_index_browse_builds_holds_a_killed_crawls_open_warc(
    site_archive: Path, tmp_path: Path
) -> None:
    """A first crawl killed before its end leaves no warc/index.cdxj and its WARC as
    NAME.warc.gz.open: browse indexed *.warc.gz only, so every article said "No capture in
    the index" until the next crawl recovered the file."""

    from archive.commands.browse import cdxj_index

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    (data / "warc" / "index.cdxj").unlink()
    (warc,) = sorted((data / "warc").glob("*cnn*.warc.gz"))
    warc.rename(warc.with_name(warc.name + ".open"))
    index = cdxj_index(data)
    assert f'"filename": "{warc.name}.open"' in index.read_text("utf-8")


def test_a_damaged_line_of_the_capture_index_is_skipped_and_the_rest_served(
    site_archive: Path, tmp_path: Path
) -> None:
    """A line of warc/index.cdxj whose offset is no number, or whose fields are no JSON
    object, made the page of the article it indexed a 500; its other captures are listed."""
    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    index = data / "warc" / "index.cdxj"
    article = next(line for line in store_lines(data) if line["source"] == "cnn")
    lines = index.read_text("utf-8").splitlines(keepends=True)
    good = next(line for line in lines if f'"url": "{article["url"]}"' in line)
    key, stamp, _fields = good.split(" ", 2)
    damaged = [
        good.replace(stamp, "20200101000000").replace('"offset": "', '"offset": "x'),
        f"{key} 20200102000000 [1, 2]\n",
        f'{key} 20200103000000 "fields"\n',
        good.replace(stamp, "2020-01-04"),
    ]
    index.write_text("".join(sorted(lines + damaged)), "utf-8")
    with browsing(data) as base:
        page = fetch(f"{base}/article/{article['articleId']}")
    replays = re.findall(r'class="replay" href="/news/(\d{14})/([^"]+)"', page)
    assert (stamp, article["url"]) in replays
    assert not any(found.startswith("2020") for found, _url in replays)


def test_a_stored_text_cannot_mark_words_in_a_search_result(
    site_archive: Path, tmp_path: Path
) -> None:
    """The search snippet's marks were the control characters U+0002 and U+0003: a text
    holding them marked its own words in the result page."""
    from archive.store import ArticleStore

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    line = store_lines(data)[0]
    item = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    paragraphs = ["Quokkas \x02were\x03 counted at \x02\x02 dawn \x03 by wardens.", "More."]
    item.update(paragraphs=paragraphs, articleBody="\n\n".join(paragraphs))
    with ArticleStore(data) as store:
        assert store.add(item).status == "updated"
    with browsing(data) as base:
        page = fetch(base + "/?q=quokkas")
    (snippet,) = re.findall(r'<div class="snippet"[^>]*>(.*?)</div>', page, re.S)
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == ["Quokkas"]
    assert "<mark>" not in snippet.replace("<mark>Quokkas</mark>", "")


def test_a_capture_whose_warc_file_is_missing_is_said_to_be_not_replayable(
    site_archive: Path, tmp_path: Path
) -> None:
    """An article page linked a capture whose WARC file is gone as any other, and its replay
    was pywb's error page (a 503 naming the folders of this machine)."""

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    (warc,) = sorted((data / "warc").glob("*cnn*.warc.gz"))
    warc.unlink()
    article = next(line for line in store_lines(data) if line["source"] == "cnn")
    with browsing(data) as base:
        page = fetch(f"{base}/article/{article['articleId']}")
        (captures,) = re.findall(r'<section class="captures">(.*?)</section>', page, re.S)
        assert 'class="replay"' not in captures
        assert f"not replayable: its WARC file {warc.name} is missing" in captures
        index = (data / "warc" / "index.cdxj").read_text("utf-8")
        (stamp,) = re.findall(rf' (\d{{14}}) {{"url": "{re.escape(article["url"])}"', index)
        _replay_says_missing(f"{base}/news/{stamp}", article["url"], warc.name, data)


def _replay_says_missing(capture: str, url: str, filename: str, data: Path) -> None:
    """The replay of `url` at `capture` (the address up to its timestamp), with and without
    pywb's frame modifier, is the explorer's 404 naming the missing WARC file, and no
    folder of this machine."""
    for modifier in ("", "mp_"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            fetch(f"{capture}{modifier}/{url}")
        assert answer.value.code == 404
        said = answer.value.read().decode("utf-8")
        assert f"its WARC file {filename} is missing" in said
        assert str(data) not in said


def test_a_revisit_whose_original_warc_file_is_missing_is_said_to_be_not_replayable(
    site_archive: Path, tmp_path: Path
) -> None:
    """A revisit (the page fetched again with the same payload) replays from the response
    it refers to: with that response's WARC file gone, the revisit was linked as any other
    and its replay was pywb's 503 error page."""
    import json

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from archive.warc.cdxj import update_index

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    article = next(line for line in store_lines(data) if line["source"] == "cnn")
    index = data / "warc" / "index.cdxj"
    (first,) = [
        json.loads(line.split(" ", 2)[2])
        for line in index.read_text("utf-8").splitlines()
        if f'"url": "{article["url"]}"' in line
    ]
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    with open(data / "warc" / "revisits-00000.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(
            writer.create_revisit_record(
                article["url"],
                digest=first["digest"],
                refers_to_uri=article["url"],
                refers_to_date="2020-01-01T00:00:00Z",
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2099-01-02T03:04:05Z"},
            )
        )
    update_index(data / "warc")
    (data / "warc" / first["filename"]).unlink()
    with browsing(data) as base:
        page = fetch(f"{base}/article/{article['articleId']}")
        (captures,) = re.findall(r'<section class="captures">(.*?)</section>', page, re.S)
        assert 'class="replay"' not in captures, captures
        assert captures.count(f"its WARC file {first['filename']} is missing") == 2
        _replay_says_missing(f"{base}/news/20990102030405", article["url"], first["filename"], data)


def _with_headline(site_archive: Path, tmp_path: Path, headline: str) -> Path:
    """A copy of the site's data directory whose first article has a new version under
    `headline`."""
    from archive.store import ArticleStore

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    line = store_lines(data)[0]
    item = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    item["headline"] = headline
    with ArticleStore(data) as store:
        assert store.add(item).status == "updated"
    return data


def test_a_query_of_raw_utf8_bytes_is_read_as_utf8(site_archive: Path, tmp_path: Path) -> None:
    """A client sending a search's letters unescaped (raw UTF-8 bytes, as curl does) had
    them read as Latin-1: "Ségou" was searched, and written back, as "SÃ©gou"."""
    import socket
    from urllib.parse import urlsplit

    data = _with_headline(site_archive, tmp_path, "Ferries of Ségou run again")
    with browsing(data) as base:
        address = urlsplit(base).netloc.rsplit(":", 1)
        with socket.create_connection((address[0], int(address[1])), timeout=30) as connection:
            connection.sendall(
                "GET /?q=Ségou HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    page = body.decode("utf-8")
    assert 'name="q" value="Ségou"' in page
    assert "Ferries of Ségou run again" in re.findall(r'class="headline"[^>]*>([^<]*)<', page)
    assert "Ã" not in page


def test_an_article_of_very_many_versions_shows_the_newest_hundred_and_says_so(
    site_archive: Path, tmp_path: Path
) -> None:
    """Every version was read, diffed and shown: a live page stored 5,000 times made an
    article page as long and as slow as all of them."""
    from archive.store import ArticleStore

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    line = store_lines(data)[0]
    item = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    with ArticleStore(data) as store:
        for n in range(2, 131):
            item.update(articleBody=f"Update {n}: the ferries ran.", paragraphs=[f"Update {n}"])
            assert store.add(dict(item)).version == n
    with browsing(data) as base:
        page = fetch(f"{base}/article/{line['articleId']}")
    shown = [int(n) for n in re.findall(r'<article class="version" id="v(\d+)"', page)]
    assert shown == list(range(31, 131))
    assert "Versions (the newest 100 of 130)" in page
    assert "30 older versions are not shown" in page
    assert "Update <del>30: </del><ins>31: </ins>the ferries" in page  # the oldest shown, diffed


def test_a_page_asked_for_with_a_trailing_slash_is_redirected_to_its_own_path(
    site_archive: Path,
) -> None:
    """/story/, /article/ID/ and /index.html/ were a 404 (or pywb's), though each names an
    explorer page."""
    import http.client
    from urllib.parse import urlsplit

    article = store_lines(site_archive)[0]["articleId"]
    asked = {
        f"/article/{article}/": f"/article/{article}",
        f"/story/?article={article}": f"/story?article={article}",
        "/story//?topic=Mali&q=S%C3%A9gou": "/story?topic=Mali&q=S%C3%A9gou",
        "/index.html/": "/index.html",
    }
    with browsing(site_archive) as base:
        for path, location in asked.items():
            connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
            try:
                connection.request("GET", path)
                answer = connection.getresponse()
                answer.read()
            finally:
                connection.close()
            assert (answer.status, answer.getheader("Location")) == (301, location), path
            assert fetch(base + location)


def test_browse_started_while_the_read_model_is_written_serves_what_it_holds(
    site_archive: Path, tmp_path: Path
) -> None:
    """browse started during a `store rebuild` (one transaction, as long as the store is
    big) waited a minute for it, then stopped: "cannot use the read model ... locked"."""
    import sqlite3

    data = _with_headline(site_archive, tmp_path, "Ferries of Kidal run again")
    writer = sqlite3.connect(data / "state" / "explorer.sqlite", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with browsing(data) as base:
            page = fetch(base + "/")
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert html.escape(store_lines(site_archive)[0]["headline"]) in page


def test_a_page_none_of_whose_captures_replays_is_not_pywbs_error_page(
    site_archive: Path, tmp_path: Path
) -> None:
    """The replay of a page by its newest capture (no timestamp), a part of a timestamp or a
    moment none of its captures has (a replayed page's link carries the page's own), where
    every capture's WARC file is missing, was pywb's 503 error page naming this machine's
    folders."""
    import urllib.error

    data = tmp_path / "data"
    copy_data_dir(site_archive, data)
    (warc,) = sorted((data / "warc").glob("*cnn*.warc.gz"))
    warc.unlink()
    article = next(line for line in store_lines(data) if line["source"] == "cnn")
    with browsing(data) as base:
        for stamp in ("", "2020/", "2020mp_/", "20200101000000/", "20200101000000mp_/", "mp_/"):
            with pytest.raises(urllib.error.HTTPError) as answer:
                fetch(f"{base}/news/{stamp}{article['url']}")
            assert answer.value.code == 404, stamp
            said = answer.value.read().decode("utf-8")
            assert f"its WARC file {warc.name} is missing" in said, stamp
            assert str(data) not in said
        reuters = next(line for line in store_lines(data) if line["source"] == "reuters")
        assert "replay_iframe" in fetch(f"{base}/news/{reuters['url']}")  # pywb replays it
