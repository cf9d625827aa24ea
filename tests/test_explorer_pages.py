"""The explorer's answers over a generated store: order, filters, paging, search, story graph.
The WSGI app is called directly (the browser tests cover the pages in Chromium)."""

from __future__ import annotations

import json
import queue
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from archive.explorer.app import Explorer
from archive.explorer.captures import CaptureIndex
from archive.explorer.queries import PAGE_SIZE
from archive.store import ArticleStore
from crawler.pages.urls import article_id

from . import test_replay_helpers as helpers
from .conftest import store_lines

site_archive = helpers.site_archive
COUNT = 2 * PAGE_SIZE + 20


def generated(line: dict[str, Any], n: int) -> dict[str, Any]:
    """Article ``n``: published on day ``n`` of 2020, outlet and topic alternating, linking to
    article ``n - 1`` (so all of them are one story)."""
    base = "https://www.reuters.com/world/generated-{}/"
    item = {k: v for k, v in line.items() if k not in ("version", "contentDigest", "changes")}
    canonical = base.format(n)
    day = f"2020-{1 + n // 28:02d}-{1 + n % 28:02d}"
    item.update(
        url=canonical,
        canonicalUrl=canonical,
        articleId=article_id(canonical),
        source="reuters" if n % 2 else "cnn",
        headline=f"Generated story number {n}",
        datePublished=f"{day}T12:00:00Z",
        topics=["Even" if n % 2 == 0 else "Odd"],
        relatedLinks=(
            [{"url": base.format(n - 1), "headline": f"number {n - 1}", "kind": "related"}]
            if n
            else []
        ),
    )
    return item


@pytest.fixture(scope="module")
def explorer(site_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    data = tmp_path_factory.mktemp("generated") / "data"
    (data / "warc").mkdir(parents=True)
    shutil.copy(site_archive / "format.json", data / "format.json")
    line = store_lines(site_archive)[0]
    with ArticleStore(data) as store:
        store.add_many(generated(line, n) for n in range(COUNT))
    return Explorer(data, data / "warc" / "index.cdxj", None)


def get(app: Explorer, path: str, **params: str) -> tuple[str, str]:
    environ = {"PATH_INFO": path, "QUERY_STRING": urlencode(params), "REQUEST_METHOD": "GET"}
    seen: list[str] = []
    body = b"".join(app(environ, lambda status, headers: seen.append(status)))
    return seen[0], body.decode("utf-8")


def numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"Generated story number (\d+)</a>", page)]


def _empty_data(site_archive: Path, tmp_path: Path) -> Path:
    """A data directory of the site archive's format holding nothing yet."""
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    shutil.copy(site_archive / "format.json", data / "format.json")
    return data


def _stored_again(data: Path, **changes: Any) -> None:
    """A second version of the store's one article, with `changes`, appended as another
    tool (or a hand) would write it: past the checks of the store's writer."""
    (path,) = (data / "articles").glob("*.jsonl")
    line = json.loads(path.read_bytes())
    line.update(version=2, **changes)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def test_pages_walk_every_article_newest_publication_first(explorer: Explorer) -> None:
    found: list[int] = []
    page = 1
    while True:
        status, body = get(explorer, "/", page=str(page))
        assert status == "200 OK"
        found += numbers(body)
        if 'rel="next"' not in body:
            break
        page += 1
    assert page == 3 and len(found) == COUNT
    assert found == sorted(found, reverse=True)


def test_filters_by_outlet_topic_and_publication_dates(explorer: Explorer) -> None:
    assert all(n % 2 for n in numbers(get(explorer, "/", source="reuters")[1]))
    assert all(n % 2 == 0 for n in numbers(get(explorer, "/", topic="Even")[1]))
    _status, body = get(explorer, "/", since="2020-01-03", until="2020-01-05")
    assert numbers(body) == [4, 3, 2]


def test_publication_dates_leave_out_undated_articles_as_the_cli_does(
    site_archive: Path, tmp_path: Path
) -> None:
    """An article stating no datePublished was listed under "Published from/to" by the day
    it was captured, which `articles --published-since` leaves it out for."""
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    dated, undated = generated(line, 3), generated(line, 4)
    undated.update(datePublished=None, datePublishedRaw=None, dateModified=None)
    undated["dateModifiedRaw"] = None
    undated["metadata"] = {**undated["metadata"], "dateDownloaded": "2020-01-04T08:00:00Z"}
    with ArticleStore(data) as store:
        store.add_many([dated, undated])
    app = Explorer(data, data / "warc" / "index.cdxj", None)
    assert sorted(numbers(get(app, "/")[1])) == [3, 4]  # listed without a date filter
    assert numbers(get(app, "/", since="2020-01-03", until="2020-01-05")[1]) == [3]
    assert numbers(get(app, "/", since="2020-01-01")[1]) == [3]
    assert numbers(get(app, "/", until="2020-12-31")[1]) == [3]


def test_search_finds_by_headline_and_survives_any_input(explorer: Explorer) -> None:
    assert numbers(get(explorer, "/", q="number 17")[1]) == [17]
    for hostile in ("AND (", "NEAR(", "-x", "' OR 1=1 --", 'x"y*'):
        status, _body = get(explorer, "/", q=hostile)
        assert status == "200 OK", hostile
    for no_word in ('"', "*", "\x00", "-- :"):  # a search for nothing would list everything
        status, body = get(explorer, "/", q=no_word)
        assert status == "400 Bad Request" and "holds none" in body, no_word


def test_story_of_a_topic_and_of_an_article_follow_links_both_ways(explorer: Explorer) -> None:
    status, body = get(explorer, "/story", topic="Odd")
    assert status == "200 OK"
    assert body.count('class="node"') > COUNT // 2  # the odd ones and the even ones between
    middle = article_id("https://www.reuters.com/world/generated-40/")
    status, body = get(explorer, "/story", article=middle)
    assert status == "200 OK" and body.count('class="edge"') >= 2


def test_unknown_article_and_story_are_404(explorer: Explorer) -> None:
    assert get(explorer, "/article/cnn-0000")[0].startswith("404")
    assert get(explorer, "/story", article="nothing")[0].startswith("404")
    assert get(explorer, "/elsewhere")[0].startswith("404")


def test_capture_lookup_finds_every_line_of_the_index_by_binary_search(
    site_archive: Path,
) -> None:
    index = site_archive / "warc" / "index.cdxj"
    lookup = CaptureIndex(index)
    lines = index.read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        key, stamp, fields = line.split(" ", 2)
        url = json.loads(fields)["url"]
        assert (stamp, url) in {(c.timestamp, c.url) for c in lookup.lookup(url)}, key
    assert lookup.lookup(json.loads(lines[0].split(" ", 2)[2])["url"] + "-not-there") == []


@pytest.mark.parametrize(
    "params",
    [
        {"since": "garbage"},
        {"since": "2023-5-1"},
        {"until": "x"},
        {"until": "2024-02-30"},
        {"q": " ".join(["gao"] * 20 + ["absent"])},
        {"q": "word " * 41},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "2.5"},
        {"page": "100001"},  # past the last page the explorer reads: it showed that one
        {"page": "9" * 5000},  # past Python's longest int string: its own error message
        {"q": "_"},  # no word to the full-text index, which splits at "_": 200, nothing
    ],
)
def test_a_filter_the_explorer_cannot_read_is_a_400_not_a_quiet_answer(
    explorer: Explorer, params: dict[str, str]
) -> None:
    """A date that is none matched everything or nothing; words past the twentieth, or past
    200 characters, were dropped, so a search could list articles lacking a word; a page
    number that is none gave the first page, as if the link followed had been right."""
    status, body = get(explorer, "/", **params)
    assert status == "400 Bad Request", params
    assert "Bad request" in body
    if "page" in params:
        assert "page takes a whole number from 1 to 100000." in body


def test_an_article_stored_after_the_explorer_started_is_found_by_its_page(
    site_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("archive.explorer.app.CHECK_EVERY", 0.0)  # each request checks
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    with ArticleStore(data) as store:
        store.add(generated(line, 1))
    app = Explorer(data, data / "warc" / "index.cdxj", None)
    assert get(app, "/")[0] == "200 OK"
    later = generated(line, 2)
    with ArticleStore(data) as store:
        store.add(later)
    assert get(app, f"/article/{later['articleId']}")[0] == "200 OK"
    assert get(app, "/story", article=later["articleId"])[0] == "200 OK"


def _answer(app: Explorer, method: str, path: str) -> tuple[str, list[tuple[str, str]]]:
    environ = {"PATH_INFO": path, "QUERY_STRING": "", "REQUEST_METHOD": method}
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    b"".join(app(environ, lambda status, headers: seen.append((status, headers))))
    return seen[0]


def test_the_explorer_only_reads(explorer: Explorer) -> None:
    for method in ("POST", "PUT", "DELETE"):
        for path in ("/", "/story", "/article/cnn-0000"):
            status, headers = _answer(explorer, method, path)
            assert status == "405 Method Not Allowed" and ("Allow", "GET, HEAD") in headers
    assert _answer(explorer, "HEAD", "/")[0] == "200 OK"


def _cdxj_line(url: str, stamp: str, status: str, mime: str) -> str:
    from archive.explorer.captures import surt_key

    fields = {"url": url, "mime": mime, "status": status, "filename": "a.warc.gz"}
    fields.update(offset="0", length="1")
    return f"{surt_key(url)} {stamp} {json.dumps(fields)}\n"


def test_a_page_captured_more_than_the_list_holds_keeps_its_newest_captures(
    tmp_path: Path,
) -> None:
    """Captures were read oldest first and cut at 200: the newest were dropped, those of the
    latest versions included, without a word."""
    url = "https://www.cnn.com/2024/05/01/world/story/index.html"
    stamps = [
        f"2024{month:02d}{day:02d}120000"
        for month in (5, 6, 7, 8, 9, 10, 11)
        for day in range(1, 31)
    ]
    index = tmp_path / "index.cdxj"
    index.write_text("".join(sorted(_cdxj_line(url, s, "200", "text/html") for s in stamps)))
    every = CaptureIndex(index).lookup(url)
    assert len(every) == len(stamps) > 200
    assert every[-1].timestamp == max(stamps)
    from archive.explorer import pages

    table = pages._captures(every)
    assert f"Captures (the newest 200 of {len(stamps)})" in table
    assert pages.replay_href(every[-1]) in table and pages.replay_href(every[0]) not in table


def test_a_not_modified_capture_replays_the_page_it_confirmed() -> None:
    """A 304 revisit replays as pywb holds it: a 304 with no body, a blank page. Its link,
    and an 'archived' link of a related story, go to the capture holding the page."""
    from archive.explorer import pages
    from archive.explorer.captures import Capture, newest_page, showing

    url = "https://www.cnn.com/2024/05/01/world/story/index.html"
    first = Capture("20240501120000", url, "200", "text/html", "response")
    same = Capture("20240502120000", url, "200", "warc/revisit", "revisit")
    confirmed = Capture("20240503120000", url, "304", "warc/revisit", "revisit")
    assert showing([first, same, confirmed], confirmed) == same
    assert showing([confirmed], confirmed) is None
    assert newest_page([first, same, confirmed]) == same
    table = pages._captures([first, same, confirmed])
    assert table.count(pages.replay_href(same)) == 2  # its own row, and the 304's


@pytest.mark.parametrize(
    "indexed",
    [
        "https://www.cnn.com/2024/05/01/world/caf%C3%A9-story/index.html",
        "https://www.cnn.com/2024/05/01/world/caf%C3%A9-story/",
        "https://www.cnn.com/2024/05/01/world/caf%C3%A9-story",
    ],
)
def test_a_capture_is_found_by_any_form_of_its_url(tmp_path: Path, indexed: str) -> None:
    index = tmp_path / "index.cdxj"
    index.write_text(_cdxj_line(indexed, "20240501120000", "200", "text/html"))
    lookup = CaptureIndex(index)
    for asked in (
        "https://www.cnn.com/2024/05/01/world/café-story/index.html",
        "https://www.cnn.com/2024/05/01/world/café-story/",
        "http://www.cnn.com/2024/05/01/world/caf%c3%a9-story",
    ):
        assert [c.url for c in lookup.lookup(asked)] == [indexed], asked


def test_a_control_character_in_a_search_is_not_echoed_into_the_page(explorer: Explorer) -> None:
    # A NUL (or another C0 control) was written into the page's search box as it came.
    status, body = get(explorer, "/", q="gao\x00\x07 timbuktu")
    assert status == "200 OK"
    assert "\x00" not in body and "\x07" not in body
    assert 'value="gao timbuktu"' in body


def test_an_archived_link_whose_capture_is_an_error_says_so() -> None:
    """A related story archived only as a 404 was shown as "archived DATE", as if its page
    were there to read."""
    import sqlite3

    from archive.explorer import pages
    from archive.explorer.captures import Capture

    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    link = db.execute(
        "SELECT 'A story' AS headline, NULL AS target_id, NULL AS target_headline,"
        " 'https://www.cnn.com/2024/05/01/world/gone/index.html' AS url, 'related' AS kind"
    ).fetchone()
    gone = Capture("20240501120000", link["url"], "404", "text/html", "response")
    shown = pages._related([(link, gone, None)], [])
    assert "archived 2024-05-01 12:00:00Z (404)" in shown
    fine = Capture("20240501120000", link["url"], "200", "text/html", "response")
    assert "archived 2024-05-01 12:00:00Z</a>" in pages._related([(link, fine, None)], [])


def test_the_diff_of_a_very_long_paragraph_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words were compared two by two in a changed paragraph whatever its length (and every
    space was a word): a 2,000-word paragraph took half a minute to show. Past a size a
    changed paragraph is shown removed and added whole; a short one word by word."""
    import difflib

    from archive.explorer import textdiff

    compared: list[int] = []

    class Counted(difflib.SequenceMatcher):
        def __init__(self, isjunk: Any, a: Any, b: Any, autojunk: bool = True) -> None:
            compared.append(len(a) * len(b))
            if compared[-1] > 1_000_000:
                raise AssertionError(f"{len(a)} by {len(b)} compared")
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(difflib, "SequenceMatcher", Counted)
    words = ["the", "river", "boat", "of", "Gao", "and", "a"]
    old = " ".join(words[n % 7] for n in range(5 * 5000))
    new = " ".join("ferry" if n % 11 == 0 else words[n % 7] for n in range(5 * 5000))
    shown = textdiff.diff_html(f"Short one.\n\n{old}\n\nAn end.", f"Short two.\n\n{new}\n\nAn end.")
    assert f'<p class="removed" dir="auto"><del>{old}</del></p>' in shown
    assert f'<p class="added" dir="auto"><ins>{new}</ins></p>' in shown
    assert '<p class="changed" dir="auto">Short <del>one.</del><ins>two.</ins></p>' in shown
    long_headline = textdiff.inline_diff(old, new)
    assert long_headline == f"<del>{old}</del><ins>{new}</ins>"


def _read(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as answer:
        return str(answer.read().decode("utf-8"))


@contextmanager
def served(make: Callable[[], Explorer]) -> Iterator[str]:
    """The explorer `make` builds, served over HTTP on a loopback port from a thread of its
    own (where it is built: its read model's connection is that thread's); its base URL."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    ready: queue.Queue[Any] = queue.Queue()

    def serve() -> None:
        try:
            server = make_server("127.0.0.1", 0, make(), handler_class=Quiet)
        except BaseException as exc:
            ready.put(exc)
            raise
        ready.put(server)
        server.serve_forever()
        server.server_close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    server = ready.get(timeout=60)
    if isinstance(server, BaseException):
        raise server
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=60)


def test_a_writer_holding_the_read_model_does_not_hold_up_the_explorer(
    site_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While `store rebuild` (or a crawl's catch-up) held the read model, the explorer's
    catch-up waited a minute for it, and with it every request to the server: it now serves
    what the model holds and catches up at a later request."""
    import sqlite3
    import urllib.request

    monkeypatch.setattr("archive.explorer.app.CHECK_EVERY", 0.0)  # each request checks
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    with ArticleStore(data) as store:
        store.add(generated(line, 1))
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as base:
        with ArticleStore(data) as store:
            store.add(generated(line, 2))
        writer = sqlite3.connect(data / "state" / "explorer.sqlite", isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            with urllib.request.urlopen(base + "/", timeout=30) as answer:
                assert numbers(answer.read().decode("utf-8")) == [1]
            writer.execute("ROLLBACK")
        finally:
            writer.close()
        with urllib.request.urlopen(base + "/", timeout=30) as answer:
            assert numbers(answer.read().decode("utf-8")) == [2, 1]


def test_an_article_linked_to_and_from_very_many_shows_a_bounded_number_and_says_so(
    site_archive: Path, tmp_path: Path
) -> None:
    """Every stored article pointing to an article was listed on its page, and every link
    it holds looked up in the capture index: an article every story of a year links to
    made a page as long as the year."""
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    base = "https://www.reuters.com/world/generated-{}/"
    hub = generated(line, 0)
    hub["relatedLinks"] = [
        {"url": base.format(n), "headline": f"number {n}", "kind": "related"} for n in range(1, 151)
    ]
    spokes = [generated(line, n) for n in range(1, 151)]
    for spoke in spokes:
        spoke["relatedLinks"] = [{"url": base.format(0), "headline": "hub", "kind": "related"}]
    with ArticleStore(data) as store:
        store.add_many([hub, *spokes])
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        page = _read(f"{url}/article/{hub['articleId']}")
    (out,) = re.findall(r'<ul class="links-out">(.*?)</ul>', page)
    assert re.findall(r"number (\d+)<", out) == [str(n) for n in range(1, 101)]
    assert "This article points to (the first 100 of 150)" in page
    (into,) = re.findall(r'<ul class="links-in">(.*?)</ul>', page)
    assert numbers(into) == list(range(150, 50, -1))  # the newest
    assert "Stored articles pointing here (the newest 100 of 150)" in page


def test_a_control_character_in_a_topic_or_outlet_is_not_echoed_into_the_page(
    site_archive: Path, tmp_path: Path
) -> None:
    """As a search's: the topic asked for was written back into the page's link to its story
    view as it came, a NUL or a bell in it."""
    import urllib.request

    data = _empty_data(site_archive, tmp_path)
    with ArticleStore(data) as store:
        store.add(generated(store_lines(site_archive)[0], 2))
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        asked = urlencode({"topic": "Ev\x00en\x07", "source": "cn\x1bn"})
        with urllib.request.urlopen(f"{url}/?{asked}", timeout=30) as answer:
            page = answer.read().decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)
    assert numbers(page) == [2]


def test_an_article_address_is_decoded_once(site_archive: Path, tmp_path: Path) -> None:
    """The server decodes a path's escapes and the explorer decoded them again: the address
    /article/ID-%2535 (the letters "%35" at its end) showed the article ID-5."""
    import urllib.error

    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    with ArticleStore(data) as store:
        store.add(item)
    twice = item["articleId"][:-1] + "%25" + f"{ord(item['articleId'][-1]):02X}"
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        assert "Generated story number 2" in _read(f"{url}/article/{item['articleId']}")
        with pytest.raises(urllib.error.HTTPError) as answer:
            _read(f"{url}/article/{twice}")
    assert answer.value.code == 404


def test_a_related_link_no_url_parser_reads_is_listed_not_archived(
    site_archive: Path, tmp_path: Path
) -> None:
    """A stored link Python's URL parser refuses ("https://[broken/", an unclosed IPv6 host)
    made its article's page a 500."""
    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    item["relatedLinks"] = [
        {"url": "https://[broken/story", "headline": "Broken host", "kind": "related"},
        {"url": "https://www.cnn.com:99999/story", "headline": "Port past all", "kind": "related"},
    ]
    with ArticleStore(data) as store:
        store.add(item)
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        page = _read(f"{url}/article/{item['articleId']}")
    (out,) = re.findall(r'<ul class="links-out">(.*?)</ul>', page)
    assert out.count("not archived") == 2


def test_an_author_stored_without_a_name_is_not_named_none(
    site_archive: Path, tmp_path: Path
) -> None:
    """A store line whose author has a nameRaw and no name (written by hand, or by another
    tool) showed the article "by None"."""
    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    with ArticleStore(data) as store:
        store.add(item)
    _stored_again(data, authors=[{"nameRaw": "By the desk"}, {"name": "Awa Kone"}])
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        pages = [_read(f"{url}/"), _read(f"{url}/article/{item['articleId']}")]
    for page in pages:
        assert re.search(r"by (<bdi>)?Awa Kone<", page)
    assert '<th>Authors</th><td dir="auto">Awa Kone</td>' in pages[1]


def test_a_search_with_its_accents_typed_apart_finds_the_word(
    site_archive: Path, tmp_path: Path
) -> None:
    """A letter typed as its base and a combining accent (NFD, as macOS input gives "é")
    split the word in two for the search, which the full-text index keeps whole: nothing
    was found."""
    import unicodedata

    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    item["headline"] = "In Ségou, Generated story number 2"
    with ArticleStore(data) as store:
        store.add(item)
    apart = unicodedata.normalize("NFD", "Ségou")
    assert len(apart) == 6
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        for asked in ("Ségou", apart, "segou"):
            assert numbers(_read(f"{url}/?{urlencode({'q': asked})}")) == [2], asked


def test_a_topic_asked_for_beyond_the_listed_ones_stays_chosen_in_the_form(
    site_archive: Path, tmp_path: Path
) -> None:
    """The topic menu lists the 300 commonest topics: a rarer one asked for (an article's
    topic link) filtered the list while the menu said "any", so the next search dropped it."""
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    items = [generated(line, n) for n in range(1, 303)]
    for n, item in enumerate(items, start=1):
        item["topics"] = [f"Topic {n:03d}"]
    with ArticleStore(data) as store:
        store.add_many(items)
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        page = _read(f"{url}/?{urlencode({'topic': 'Topic 302'})}")
    assert numbers(page) == [302]
    (menu,) = re.findall(r'<select name="topic">(.*?)</select>', page)
    assert re.findall(r'<option value="([^"]*)" selected>', menu) == ["Topic 302"]


def test_a_related_link_is_archived_by_its_newest_capture_that_replays(
    site_archive: Path, tmp_path: Path
) -> None:
    """A related page captured twice, its newest capture in a WARC file since removed, was
    shown "not replayable" though its older capture replays."""
    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    other = "https://www.cnn.com/2020/01/01/world/elsewhere/index.html"
    item["relatedLinks"] = [{"url": other, "headline": "Elsewhere", "kind": "related"}]
    with ArticleStore(data) as store:
        store.add(item)
    (data / "warc" / "a.warc.gz").write_bytes(b"a record")
    older = _cdxj_line(other, "20200101120000", "200", "text/html")
    newer = _cdxj_line(other, "20200201120000", "200", "text/html").replace("a.warc", "gone.warc")
    (data / "warc" / "index.cdxj").write_text(older + newer, "utf-8")
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        page = _read(f"{url}/article/{item['articleId']}")
    (out,) = re.findall(r'<ul class="links-out">(.*?)</ul>', page)
    assert f'href="/news/20200101120000/{other}">archived 2020-01-01 12:00:00Z</a>' in out
    assert "not replayable" not in out


def test_an_article_stored_without_a_headline_can_be_reached_from_the_list(
    site_archive: Path, tmp_path: Path
) -> None:
    """A store line with an empty headline (by hand, or by another tool) was listed as a
    link of no text: nothing to click, so its page could not be reached."""
    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    with ArticleStore(data) as store:
        store.add(item)
    _stored_again(data, headline=" ")
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        listed = _read(f"{url}/")
        page = _read(f"{url}/article/{item['articleId']}")
    href = f'href="/article/{item["articleId"]}"'
    assert re.findall(rf'<a class="headline" dir="auto" {href}>([^<]*)</a>', listed) == [
        "(no headline)"
    ]
    assert '<h1 class="headline" dir="auto">(no headline)</h1>' in page


def test_a_request_catches_the_read_model_up_by_a_bounded_number_of_lines(
    site_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request that found new store lines read all of them first: after a crawl of
    many thousand pages it waited for them all, and so did every request behind it. Each
    request now reads a bounded number; the next ones read on."""
    monkeypatch.setattr("archive.explorer.app.CHECK_EVERY", 0.0)  # each request checks
    monkeypatch.setattr("archive.explorer.app.CATCH_UP_LINES", 2)
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    with ArticleStore(data) as store:
        store.add(generated(line, 1))
    with served(lambda: Explorer(data, data / "warc" / "index.cdxj", None)) as url:
        assert numbers(_read(f"{url}/")) == [1]  # all the lines there are at the start
        with ArticleStore(data) as store:
            store.add_many(generated(line, n) for n in range(2, 7))
        seen = [numbers(_read(f"{url}/")) for _ in range(4)]
    assert seen == [[3, 2, 1], [5, 4, 3, 2, 1], [6, 5, 4, 3, 2, 1], [6, 5, 4, 3, 2, 1]]


def test_the_menus_take_the_topics_and_outlets_a_crawl_added_meanwhile(
    site_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawl catches the read model up at its end, before the explorer does: the explorer
    then had no line of its own to read, and its topic and outlet menus stayed as they were
    when it started, the new topic missing from them until the server was restarted."""
    from archive.explorer.readmodel import catch_up

    monkeypatch.setattr("archive.explorer.app.CHECK_EVERY", 0.0)  # each request checks
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    with ArticleStore(data) as store:
        store.add(generated(line, 2))  # cnn, topic Even
    app = Explorer(data, data / "warc" / "index.cdxj", None)
    page = get(app, "/")[1]
    assert '<option value="Even">' in page and '<option value="Odd">' not in page
    assert '<option value="reuters">' not in page
    with ArticleStore(data) as store:
        store.add(generated(line, 3))  # reuters, topic Odd
    assert catch_up(data) == 1  # the crawl's own catch-up, at its end
    page = get(app, "/")[1]
    assert numbers(page) == [3, 2]
    assert '<option value="Odd">' in page and '<option value="reuters">' in page


def test_an_article_linking_here_twice_is_listed_and_counted_once(
    site_archive: Path, tmp_path: Path
) -> None:
    """An article pointing here by two links of two kinds (a related card and a link in its
    text) was listed twice, and counted as two of the articles pointing here."""
    data = _empty_data(site_archive, tmp_path)
    line = store_lines(site_archive)[0]
    hub, spoke = generated(line, 0), generated(line, 1)
    spoke["relatedLinks"] = [
        {"url": hub["url"], "headline": "the hub", "kind": kind} for kind in ("related", "inline")
    ]
    with ArticleStore(data) as store:
        store.add(hub)
        store.add(spoke)
    app = Explorer(data, data / "warc" / "index.cdxj", None)
    page = get(app, f"/article/{hub['articleId']}")[1]
    (pointing,) = re.findall(r'<ul class="links-in">(.*?)</ul>', page, re.S)
    assert numbers(pointing) == [1]
    assert "Stored articles pointing here</h3>" in page  # all of them: no "the newest 1 of 2"


def test_the_story_around_an_article_without_a_headline_is_titled_so(
    site_archive: Path, tmp_path: Path
) -> None:
    """Its story page was titled 'Story around “ ”', the article named by nothing."""
    data = _empty_data(site_archive, tmp_path)
    item = generated(store_lines(site_archive)[0], 2)
    with ArticleStore(data) as store:
        store.add(item)
    _stored_again(data, headline=" ")
    app = Explorer(data, data / "warc" / "index.cdxj", None)
    status, page = get(app, "/story", article=item["articleId"])
    assert status == "200 OK"
    assert "Story around “(no headline)”" in page and "“ ”" not in page
