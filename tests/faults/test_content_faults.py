"""Hostile or broken content and malicious links, in one crawl beside a healthy article.

Extraction must return no article or a correct one, never raise out of the callback; links
must never leave the site, and no file name may come from page content.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archive.schema import article_schema
from crawler.pages import analyse

from .harness import (
    HEALTHY_HEADLINE,
    HEALTHY_PATH,
    article_path,
    crawl,
    fault_server,
    healthy,
    report,
    responses_for,
    run_log,
    store_lines,
    variant,
    warc_records,
    write,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def content_cases(tmp: Path) -> dict[str, dict[str, Any]]:
    """name -> route: every broken or hostile body of the issue."""
    utf8 = variant("x", headline="Gao’s market reopens — «finally»").decode("utf-8")

    def page(name: str, **kw: Any) -> bytes:
        return variant(name, **kw)

    nested = (
        b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>"
    )
    one_line = page("ten-mb-line", body_extra="<p>" + "word " * 2_000_000 + "</p>").replace(
        b"\n", b" "
    )
    return {
        "wrong-charset": {
            "headers": [["Content-Type", "text/html; charset=iso-8859-1"]],
            "body": utf8.replace("x)", "wrong-charset)"),
        },
        "missing-charset": {
            "headers": [["Content-Type", "text/html"]],
            "body_path": write(
                tmp,
                "missing",
                page("missing-charset").replace(
                    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', b""
                ),
            ),
        },
        "double-charset": {
            "headers": [
                ["Content-Type", "text/html; charset=utf-8"],
                ["Content-Type", "text/html; charset=windows-1251"],
            ],
            "body_path": write(
                tmp,
                "double",
                page("double-charset").replace(b"<head>", b'<head><meta charset="shift_jis">'),
            ),
        },
        "invalid-utf8": {
            "body_path": write(
                tmp, "invalid", page("invalid-utf8").replace(b"Armored", b"Arm\xff\xfe\xc3(ored", 1)
            ),
        },
        "utf-16": {
            "headers": [["Content-Type", "text/html; charset=utf-16"]],
            "body_path": write(
                tmp,
                "utf16",
                codecs.BOM_UTF16_LE
                + page("utf-16")
                .decode()
                .replace("charset=utf-8", "charset=utf-16")
                .encode("utf-16-le"),
            ),
        },
        "nul-bytes": {
            "body_path": write(tmp, "nul", page("nul-bytes").replace(b"Armored", b"Arm\0ored\0")),
        },
        "ten-mb-line": {"body_path": write(tmp, "line", one_line)},
        "nested-100000": {"body_path": write(tmp, "nested", nested)},
        "pdf-as-html": {"body_path": write(tmp, "pdf", PDF)},
        "png-as-html": {"body_path": write(tmp, "png", PNG)},
        "json-as-html": {"body": json.dumps({"headline": "not a page", "body": "<p>x</p>"})},
        "poisoned-item": {"body_path": write(tmp, "poisoned", POISONED)},
    }


POISON = 'one\ntwo\r\u2028three\u2029\x01\x07\x1b[31m "},{"headline":"fake"}\n'
POISONED = variant("poisoned-item", headline="Poisoned " + POISON, body_extra=f"<p>{POISON}</p>")

MALICIOUS = [
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PGgxPmhpPC9oMT4=",
    "/2013/01/29/world/faults/" + "a" * 5000 + "/index.html",
    "/2013/01/29/world/../../../../etc/passwd/x/index.html",
    "/2013/01/29/world/faults/..%2F..%2F..%2Fetc%2Fpasswd/index.html",
    "/2013/01/29/world/faults/nul%00byte/index.html",
    "http://xn--nws-wla.example/2013/01/29/world/idna/index.html",
    "http://ñews.example/2013/01/29/world/idna/index.html",
    "http://www.сnn.com/2013/01/29/world/homograph/index.html",
    "http://10.0.0.1/2013/01/29/world/private/index.html",
    "http://169.254.169.254/2013/01/29/world/metadata/index.html",
    "http://[::1]/2013/01/29/world/loopback/index.html",
    "http://localhost/2013/01/29/world/localhost/index.html",
    "http://www.cnn.com@127.0.0.1/2013/01/29/world/userinfo/index.html",
    "ftp://127.0.0.1/2013/01/29/world/ftp/index.html",
    "file:///etc/passwd",
    "@@other@@/2013/01/29/world/other-site/index.html",
]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("content-faults")
    cases = content_cases(tmp)
    routes: dict[str, dict[str, Any]] = {HEALTHY_PATH: healthy()}
    routes.update({article_path(name): route for name, route in cases.items()})
    links = [HEALTHY_PATH, *(article_path(n) for n in cases), *MALICIOUS]
    anchors = "".join(f'<li><a href="{html.escape(h)}">story</a></li>\n' for h in links)
    routes["/"] = {"body": f"<html><body><ul>{anchors}</ul></body></html>"}
    sites = {"main": routes, "other": {"/2013/01/29/world/other-site/index.html": healthy()}}
    with fault_server(tmp, sites) as server:
        result = crawl(tmp / "data", server.url("main", "/"))
        yield Content(tmp / "data", server, result, cases)


class Content:
    def __init__(self, data: Path, server: Any, result: Any, cases: dict[str, Any]):
        self.data, self.server, self.result, self.cases = data, server, result, cases
        self.report = report(data)
        self.records = warc_records(data)
        self.log = run_log(data)
        self.lines = store_lines(data)

    def url(self, name: str) -> str:
        return self.server.url("main", article_path(name))


def test_no_exception_escapes_the_callback(content: Content) -> None:
    assert content.result.returncode == 0, content.result.stderr
    assert "Traceback" not in content.log and "Traceback" not in content.result.stderr
    assert "spider_exceptions" not in content.log
    assert content.report["errors"] == {}
    # Every broken page was fetched, archived and parsed to the end (its metadata record
    # lists what was followed, written when the callback finished).
    finished = {
        r.rec_headers.get_header("WARC-Target-URI")
        for r in content.records
        if r.rec_type == "metadata"
    }
    for name in content.cases:
        assert responses_for(content.records, content.url(name)), name
        assert content.url(name) in finished, name


def test_healthy_article_still_stored(content: Content) -> None:
    assert HEALTHY_HEADLINE in {line["headline"] for line in content.lines}


def test_articles_from_broken_pages_are_correct_or_absent(content: Content) -> None:
    schema = article_schema()
    by_url = {line["url"]: line for line in content.lines}
    for line in content.lines:
        jsonschema.validate(line, schema)
        assert "\0" not in json.dumps(line, ensure_ascii=False)
        assert "\ufffd" not in line["headline"]
    for name in ("pdf-as-html", "png-as-html", "json-as-html", "nested-100000"):
        assert content.url(name) not in by_url, name
    # Pages whose bytes can be decoded carry the right story.
    for name in ("missing-charset", "double-charset", "utf-16", "invalid-utf8", "nul-bytes"):
        found = by_url.get(content.url(name))
        assert found is not None, name
        line = found
        assert line["headline"] == f"{HEALTHY_HEADLINE} ({name})"
        assert "Timbuktu" in line["articleBody"]
    line = by_url[content.url("ten-mb-line")]
    assert line["headline"] == f"{HEALTHY_HEADLINE} (ten-mb-line)"
    # The HTTP header says Latin-1 and wins (as in browsers): mojibake, but the page's story.
    wrong = by_url[content.url("wrong-charset")]
    assert "Gao" in wrong["headline"] and "market reopens" in wrong["headline"]


def test_malicious_links_never_followed(content: Content) -> None:
    requested = content.server.requested()
    assert not [line for line in requested if line.startswith("other ")]
    allowed = {"/", "/robots.txt", HEALTHY_PATH, *(article_path(n) for n in content.cases)}
    strays = sorted(line for line in requested if line.split(" ", 1)[1] not in allowed)
    # Percent-encoded slashes and NULs stay encoded: on this site, sent verbatim, harmless.
    # Everything else (other schemes, other hosts, private addresses, IDNA and homograph
    # hosts, over-long URLs, /../ escapes) was never requested at all.
    assert strays == [
        f"main {article_path('..%2F..%2F..%2Fetc%2Fpasswd')}",
        f"main {article_path('nul%00byte')}",
    ]


def test_no_file_name_comes_from_page_content(content: Content) -> None:
    pattern = re.compile(
        r"^(warc/[\w.-]+\.warc\.gz|warc/index\.cdxj|warc/\.index\.cdxj\.(lock|files)"
        r"|articles/articles-\d{4}-\d{2}\.jsonl"
        r"|articles/\.[\w.-]+|runs/[\w.-]+\.(json|log)|state/[\w.-]+|[\w.-]+)$"
    )
    for path in content.data.rglob("*"):
        if path.is_file():
            relative = path.relative_to(content.data).as_posix()
            assert pattern.match(relative), relative
            assert "passwd" not in relative and "%" not in relative


@pytest.mark.parametrize(
    "name, body",
    [
        ("nested", b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000),
        ("nested-spans", b"<p>" + b"<span><b><i>" * 50_000 + b"x"),
        ("nul-only", b"\0" * 10_000),
        ("utf16-no-bom", "<html><body><h1>x</h1></body></html>".encode("utf-16-le")),
        ("huge-line", b"<html><body><p>" + b"a" * 10_000_000 + b"</p></body></html>"),
        ("garbage", bytes(range(256)) * 1000),
        ("empty", b""),
    ],
)
def test_analyse_never_raises(name: str, body: bytes) -> None:
    for content_type in ("text/html", "text/html; charset=utf-16", "application/json", None):
        headers = {"Content-Type": content_type} if content_type else {}
        analysis = analyse("http://www.cnn.com/2013/01/29/world/x/index.html", headers, body)
        assert analysis.kind in ("article", "not_article", "listing", "blocked")


def test_poisoned_item_stays_one_line_and_parses_back_the_same(content: Content) -> None:
    url = content.url("poisoned-item")
    expected = analyse(url, {"Content-Type": "text/html; charset=utf-8"}, POISONED, source="cnn")
    assert expected.article is not None
    (line,) = [line for line in content.lines if line["url"] == url]
    assert line["headline"] == expected.article["headline"]
    assert line["articleBody"] == expected.article["articleBody"]
    assert "fake" in line["headline"] and "fake" in line["articleBody"]
    # store_lines() parsed every physical line as one JSON document: count them too.
    raw = b"".join(p.read_bytes() for p in (content.data / "articles").glob("articles-*.jsonl"))
    assert raw.count(b"\n") == len(content.lines)
    for text in raw.decode("utf-8").split("\n")[:-1]:
        assert "\u2028" not in text and "\u2029" not in text and "\r" not in text
