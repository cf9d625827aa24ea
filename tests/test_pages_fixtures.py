"""Every fixture page gives exactly its expected item, field by field.

A fixture is ``data/pages/<template>/<name>.html`` with the expected item beside it as
``<name>.json``; ``<name>.headers.json`` optionally gives the HTTP response headers
(default: ``Content-Type: text/html`` without a charset). The expected JSON holds the
extractor's item, without the crawl's ``metadata.dateDownloaded`` and ``warc``.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import jsonschema
import pytest

from archive.schema import article_schema
from crawler.pages import analyse

PAGES = Path(__file__).parent / "data" / "pages"
FIXTURES = sorted(PAGES.glob("*/*.html"))


def load_fixture(html_path: Path) -> tuple[dict, dict, bytes]:
    expected = json.loads(html_path.with_suffix(".json").read_text("utf-8"))
    headers_path = html_path.with_name(html_path.stem + ".headers.json")
    headers = (
        json.loads(headers_path.read_text("utf-8"))
        if headers_path.exists()
        else {"Content-Type": "text/html"}
    )
    return expected, headers, html_path.read_bytes()


@pytest.mark.parametrize("html_path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_page_gives_expected_item(html_path: Path) -> None:
    expected, headers, body = load_fixture(html_path)
    analysis = analyse(expected["url"], headers, body, source=expected["source"])
    assert analysis.kind == "article", analysis.reason
    item = analysis.article
    assert item is not None
    for field, value in expected.items():
        assert item.get(field) == value, f"field {field!r} of {html_path.name}"
    assert set(item) == set(expected), "the item has fields the fixture does not expect"


DATED = [path for path in FIXTURES if path.parent.name != "generic"]


@pytest.mark.parametrize("html_path", DATED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_page_cut_short_gives_no_half_item(html_path: Path) -> None:
    """A capture cut mid-body that an archive holds without saying so (no
    ``WARC-Truncated``) gave an item of half the story, its last paragraph cut mid-word,
    stored as a version; an outlet's page always ends with its ``</html>``."""
    expected, headers, body = load_fixture(html_path)
    middle = expected["paragraphs"][len(expected["paragraphs"]) // 2]
    words = middle.split()
    # Its last print, in the story (JSON-LD in the head may state the body too).
    at = body.rfind(" ".join(words[: min(4, len(words))]).encode())
    if at < 0:  # printed with entities or tags inside: cut at the middle of the page
        at = len(body) // 2
    analysis = analyse(expected["url"], headers, body[:at], source=expected["source"])
    assert analysis.article is None
    assert analysis.kind == "not_article" and "cut short" in (analysis.reason or "")


def test_a_whole_page_in_utf_16_is_not_cut_short() -> None:
    """Its ``</html>`` is in UTF-16 too: looked for in the raw bytes, it was not found."""
    path = PAGES / "cnn_2021" / "empty_related_card_videos.html"
    expected, _, body = load_fixture(path)
    page = body.decode("utf-8").replace('charset="utf-8"', 'charset="utf-16"')
    headers = {"Content-Type": "text/html; charset=utf-16"}
    utf16 = b"\xff\xfe" + page.encode("utf-16-le")
    analysis = analyse(expected["url"], headers, utf16, source=expected["source"])
    assert analysis.kind == "article", analysis.reason
    cut = utf16[: (len(utf16) // 4) * 2]
    assert "cut short" in analyse(expected["url"], headers, cut, source="cnn").reason


@pytest.mark.parametrize("html_path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_item_is_valid_against_the_published_schema(html_path: Path) -> None:
    expected, headers, body = load_fixture(html_path)
    item = analyse(expected["url"], headers, body, source=expected["source"]).article
    jsonschema.Draft202012Validator(article_schema()).validate(item)
    # The expected items are what the published schema describes, too.
    jsonschema.Draft202012Validator(article_schema()).validate(expected)


@pytest.mark.parametrize("html_path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_extraction_is_deterministic(html_path: Path) -> None:
    expected, headers, body = load_fixture(html_path)
    first = analyse(expected["url"], headers, body, source=expected["source"])
    second = analyse(expected["url"], headers, body, source=expected["source"])
    assert first == second


@pytest.mark.parametrize("html_path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_an_analysis_leaves_no_reference_cycle(html_path: Path) -> None:
    """The page's tree and objects are freed when its analysis is done: none held in a
    cycle (a page memo keeping a bound method of its page) waits for the garbage
    collector, which a crawl runs seldom."""
    expected, headers, body = load_fixture(html_path)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        analyse(expected["url"], headers, body, source=expected["source"])
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_every_template_has_three_fixtures() -> None:
    counts: dict[str, int] = {}
    for path in FIXTURES:
        counts[path.parent.name] = counts.get(path.parent.name, 0) + 1
    thin = {template: n for template, n in counts.items() if n < 3}
    assert not thin, f"templates with fewer than three fixture pages: {thin}"
