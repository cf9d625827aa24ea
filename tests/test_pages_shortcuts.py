"""Extraction's shortcuts give the items the long way gives, on every fixture and its variants.

Templates query only the ``<body>`` children where one of their queries can start; the
page is parsed from its own bytes when they already are UTF-8. Both are checked against the
plain reading: the whole page queried, the body decoded and re-encoded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from crawler.pages import analyse, parse_html
from crawler.pages.article import ArticlePage
from crawler.pages.base import _DISTINCT_FROM, AttributeIndex, PageContext
from crawler.pages.encoding import decode_html, utf8_html
from crawler.pages.registry import template_for

from .test_pages_fixtures import FIXTURES, load_fixture

PADDING_HEAD = (
    '<nav class="site-nav"><ul>'
    + "".join(f'<li><a href="/section-{n}">Section {n}</a></li>' for n in range(60))
    + "</ul></nav>"
    + '<div class="ad-slot" id="ad-top"></div><script>var state = {"a": 1};</script>'
)
PADDING_TAIL = (
    '<div class="ad-slot" id="ad-bottom"></div><footer class="site-footer"><h2>More</h2>'
    '<a href="/about">About</a></footer><script>window.done = true;</script>'
)


def flattened(body: bytes, levels: int) -> bytes:
    """The page with its <body> children's tags dropped `levels` times (their content lifted)."""
    doc = html.document_fromstring(body)
    page_body = doc.find("body")
    assert page_body is not None
    for _ in range(levels):
        for child in list(page_body):
            if isinstance(child.tag, str) and len(child):
                child.drop_tag()
    return etree.tostring(doc, encoding="utf-8", method="html")


def padded(body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    opening = text.lower().find("<body")
    start = text.index(">", opening) + 1 if opening >= 0 else 0
    closing = text.lower().rfind("</body>")
    end = closing if closing >= 0 else len(text)
    return (text[:start] + PADDING_HEAD + text[start:end] + PADDING_TAIL + text[end:]).encode()


def variants(body: bytes) -> dict[str, bytes]:
    found = {"as is": body, "padded": padded(body)}
    for levels in range(1, 9):
        found[f"flattened {levels}"] = flattened(body, levels)
    return found


@pytest.mark.parametrize("html_path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_regions_never_change_what_is_extracted(
    html_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, headers, fixture = load_fixture(html_path)
    if "latin1" in html_path.stem:  # re-serialised as UTF-8 by the variants
        headers = {"Content-Type": "text/html; charset=utf-8"}
        fixture = fixture.decode("latin-1").encode()
    pages = variants(fixture)
    urls = [(expected["url"], expected["source"]), ("https://mirror.example/a", None)]
    scoped = {
        (name, url): analyse(url, headers, body, source=source)
        for name, body in pages.items()
        for url, source in urls
    }
    assert scoped[("padded", expected["url"])].article == scoped[("as is", expected["url"])].article
    monkeypatch.setattr(ArticlePage, "regions", lambda self: None)
    for (name, url), analysis in scoped.items():
        source = dict(urls)[url]
        assert analysis == analyse(url, headers, pages[name], source=source), (name, url)


def test_regions_leave_out_the_padding() -> None:
    expected, _, fixture = load_fixture(FIXTURES[0])
    doc = parse_html(padded(fixture))
    assert doc is not None
    ctx = PageContext(expected["url"], doc, expected["source"], "utf-8")
    regions = template_for(ctx)(ctx).regions()
    assert regions, "the story's regions"
    assert not [r for r in regions if r.tag in ("nav", "script", "footer")]


@settings(max_examples=300, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(lambda t: t.encode("cp1252", "ignore")),
        st.sampled_from(
            [
                b"\xef\xbb\xbf<p>caf\xc3\xa9</p>",
                b"\xff\xfe<\x00p\x00>\x00",
                b'<meta charset="iso-8859-1"><p>caf\xe9</p>',
                b'<meta charset="utf-16"><p>x</p>',
                b"<?xml version='1.0' encoding='latin-1'?><p>caf\xe9</p>",
            ]
        ),
    ),
    content_type=st.sampled_from(
        [
            None,
            "text/html",
            "text/html; charset=utf-8",
            "text/html; charset=windows-1252",
            "text/html; charset=utf-16",
            "text/html; charset=shift_jis",
            "text/html; charset=bogus",
        ]
    ),
)
def test_bytes_given_to_the_parser_are_the_decoded_text(body: bytes, content_type: str) -> None:
    text, encoding = decode_html(body, content_type)
    assert utf8_html(body, content_type) == (text.encode("utf-8", "surrogatepass"), encoding)


BLANKS = [b"", b" \n\t", "\u00a0 \u2028".encode(), b"\x1c\x1d", b" <p>x</p>", "\u00a0<p>".encode()]


@pytest.mark.parametrize("body", BLANKS)
def test_blank_pages_are_those_whose_text_is_blank(body: bytes) -> None:
    assert (parse_html(body) is None) == (not body.decode("utf-8").strip())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"var dd={",
                b"var  dd = {",
                b"vardd={",
                b"please enable js",
                b"please enable jsx",
                b"please enable javascript",
                b"px-captcha",
                b"cf-chl-",
                b"are you a robot",
                b"dd",
                b"captcha-delivery.com",
                b"access to this page has been denied",
                b"<p>x</p>",
                b" ",
            ]
        ),
        max_size=8,
    )
)
def test_block_markers_ruled_out_as_the_regex_would(parts: list[bytes]) -> None:
    from crawler.pages.blocks import _MARKERS, has_marker

    head = b"".join(parts)
    assert has_marker(head) == (_MARKERS.search(head) is not None)


@pytest.mark.parametrize(
    ("fragment", "tag"),
    [("el__video", None), ("a", None), ("zn-body", "em"), ("el__leafmedia", "p"), ("zz", None)],
)
def test_containing_agrees_with_a_scan_of_every_value(fragment: str, tag: str | None) -> None:
    doc = html.fromstring(
        "<div class='zn-body a'><p class='el__leafmedia el__leafmedia--x'>x</p>"
        "<div class='el__video b'><span class='el__video__play'>y</span></div>"
        "<i class=''>z</i><b class='ab aa'>w</b><em class='zn-body__paragraph'>v</em></div>"
    )
    index = AttributeIndex(doc.xpath("//@class"))
    scanned = [
        v.getparent()
        for v in index.values
        if fragment in v and (tag is None or v.getparent().tag == tag)
    ]
    assert index.containing(fragment, tag) == scanned


_HREF_PIECES = [
    "/", "//", "/..", "/./", ".", "a", "B9", "%2e", "-_~", ":", "@", ";p", "?", "&", "=",
    "#", "#top", "?utm_source=x&id=1", "http://", "https://", "HTTP://", "www.cnn.com",
    ":8080", "[::1]", "user@", " ", "\t", "\n", "\\", "é", "javascript:", "x" * 1100,
]  # fmt: skip
_BASES = [
    "https://edition.cnn.com/2013/01/29/world/index.html?x=1#f",
    "http://www.reuters.com:8080/article/",
    "HTTPS://WWW.REUTERS.COM",
    "http://[::1]/x",
    "http://[::1/x",
    "ftp://host/file",
    "http://user@host/p;q",
    "https://www.reuters.com/" + "a" * 1100,
    "",
]


@settings(max_examples=500, deadline=None)
@given(
    prefix=st.sampled_from(["", "/", "http://a.b/", "https://A.b:81", "/2013/01/"]),
    pieces=st.lists(st.sampled_from(_HREF_PIECES), max_size=6),
    base=st.sampled_from(_BASES),
)
def test_hrefs_resolve_as_urljoin_would(prefix: str, pieces: list[str], base: str) -> None:
    """Plain hrefs skip urljoin; every href still resolves as through it. Neither raises:
    what urljoin cannot read (an unclosed IPv6 bracket) is no link, and its canonical form
    an opaque string."""
    from urllib.parse import urljoin

    from crawler.pages.urls import _resolve, canonicalize_url, resolve_link

    def outcome(read, *args):
        try:
            return read(*args)
        except ValueError as exc:
            return type(exc)

    href = prefix + "".join(pieces)
    stripped = href.strip()
    joined = None if not stripped or stripped.startswith("#") else outcome(_resolve, stripped, base)
    assert resolve_link(href, base) == (None if joined is ValueError else joined)
    if base:
        # The "#" keeps a joined URL's own trailing space ("/ #" joins to ".../ ") from the
        # strip canonicalize_url gives what it is handed; the fragment goes anyway.
        through_urljoin = outcome(lambda: canonicalize_url(urljoin(base, stripped) + "#"))
        found = canonicalize_url(href, base)
        assert found == through_urljoin or (through_urljoin is ValueError and found)


@settings(max_examples=300, deadline=None)
@given(
    classes=st.lists(
        st.sampled_from(["a", "ab", "b a", "a\nb", "", "\n", "ba-b", "x"]), max_size=12
    ),
    tags=st.lists(st.sampled_from(["div", "p"]), min_size=12, max_size=12),
    fragments=st.lists(st.sampled_from(["a", "b", "a\nb", "", "-b", "x"]), min_size=1, max_size=3),
    wanted=st.sampled_from(["a", "b a", "", "\n", "a\nb", "x", "zz"]),
    tag=st.sampled_from([None, "div", "p"]),
    large=st.booleans(),
)
def test_index_lookups_agree_with_a_scan_of_every_value(
    classes: list[str],
    tags: list[str],
    fragments: list[str],
    wanted: str,
    tag: str | None,
    large: bool,
) -> None:
    """containing() and equal() find from the joined values what a scan of
    each value finds; on a large page too, where absent ones are ruled out first."""
    root = etree.Element("div")
    for value, name in zip(classes, tags, strict=False):
        etree.SubElement(root, name, {"class": value})
    for number in range(_DISTINCT_FROM // 14 if large else 0):
        # Repeated values, as a large page's are.
        etree.SubElement(root, "p", {"class": f"filler-value-{number % 5}"})
    index = AttributeIndex(root.xpath("//@class"))
    assert (index._distinct is not None) == large
    for fragment in fragments:
        if "\n" not in fragment:
            assert index.containing(fragment) == [
                v.getparent() for v in index.values if fragment in v
            ]
    assert index.equal(wanted, tag) == [
        v.getparent() for v in index.values if v == wanted and tag in (None, v.getparent().tag)
    ]


@settings(max_examples=300, deadline=None)
@given(
    elements=st.lists(
        st.tuples(
            st.sampled_from(["div", "span", "a", "script"]),
            st.sampled_from(["id", "name", "class"]),
            st.sampled_from(["x", "y", "x y", " x", ""]),
        ),
        max_size=8,
    ),
    value=st.sampled_from(["x", "y", "z"]),
    tag=st.sampled_from([None, "div", "span", "script"]),
)
def test_has_id_agrees_with_a_scan_of_every_element(
    elements: list[tuple[str, str, str]], value: str, tag: str | None
) -> None:
    """has_id() says what a look at every element's id says, with ids repeated, on other
    tags, and ``<a name>`` (which a parser's table of ids would also hold)."""
    markup = "".join(f'<{t} {attr}="{v}">.</{t}>' for t, attr, v in elements)
    doc = parse_html(f"<html><body>{markup}</body></html>".encode())
    assert doc is not None
    ctx = PageContext("https://example.com/", doc, None, "utf-8")
    scan = any(
        e.get("id") == value and (tag is None or e.tag == tag)
        for e in doc.iter()
        if isinstance(e.tag, str)
    )
    assert ctx.has_id(value, tag) == scan


_CREDIT_PIECES = [
    "Reporting", "REPORTED", "reportıng", "wrıtten", "Written", "compiled", "Edited",
    "editing", "Additional\u00a0 reporting", "by", "BY", "bY", " ", "\u00a0", "\u2009", "\n",
    "\u200b", "(", ")", ".", ";", ",", "-", "and", "Jane Doe", "contributed", "CONTRİBUTED",
    "contrıbuted", "to this report", "story", "reporting", "\u212a", "x" * 390, "in Cairo",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_CREDIT_PIECES), min_size=1, max_size=9))
@example(["reportıng", "by", "Jane Doe"])
@example(["Jane Doe", "CONTRİBUTED", "to this report"])
@example(["(", "Jane Doe", "wrıtten", "BY", "x", ")"])
def test_credits_lines_found_as_the_patterns_would(pieces: list[str]) -> None:
    """The substring tests before the credits patterns never turn a line away they match."""
    from crawler.pages.credits import _MARKER_RE, _contributed, _strip_edges, is_credits_line
    from crawler.pages.text import normalize_space

    text = " ".join(pieces)
    line = normalize_space(text)
    inner = _strip_edges(line)
    first = _MARKER_RE.search(inner)
    wrapped = line.startswith("(") and line.rstrip(". ").endswith(")")
    expected = (
        bool(line)
        and len(line) <= 400
        and (
            _contributed(inner) is not None
            or (first is not None and (first.start() == 0 or (wrapped and first.start() < 40)))
        )
    )
    assert is_credits_line(text) == expected


def test_an_empty_fragment_is_in_every_value() -> None:
    """containing("") gives every element with the attribute (it looped forever)."""
    import signal

    def stuck(_signum: int, _frame: object) -> None:
        raise AssertionError("containing('') did not return")

    root = etree.Element("div")
    for value in ("a", "", "b c"):
        etree.SubElement(root, "p", {"class": value})
    index = AttributeIndex(root.xpath("//@class"))
    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(10)  # a guard against a hang, not a measure of speed
    try:
        found = index.containing("")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert found == [v.getparent() for v in index.values]


def test_a_value_spanning_lines_is_not_each_of_its_lines() -> None:
    """has_value() means the whole value, as equal() does, also where a value holds a
    newline (a class attribute written over two lines)."""
    root = etree.Element("div")
    for value in ("story\nbody", "x"):
        etree.SubElement(root, "p", {"class": value})
    index = AttributeIndex(root.xpath("//@class"))
    assert not index.has_value("story") and not index.has_value("body")
    assert not index.has_value("body\nx")  # across two values
    assert index.has_value("story\nbody") and index.has_value("x")
    assert index.has_value("story") == bool(index.equal("story"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["name", "property", "itemprop", "http-equiv"]),
            st.sampled_from(["author", "Author", "og:title"]),
            st.sampled_from(["", " ", "\u200b", "\x07", "Jane  Doe", " Ann\nLee ", None]),
        ),
        max_size=6,
    )
)
def test_meta_contents_normalised_when_asked_are_the_first_non_blank(
    metas: list[tuple[str, str, str | None]],
) -> None:
    from crawler.pages.text import normalize_space

    tags = "".join(
        f'<meta {attr}="{name}">'
        if content is None
        else f'<meta {attr}="{name}" content="{content}">'
        for attr, name, content in metas
    )
    doc = html.fromstring(f"<html><head>{tags}</head><body><p>x</p></body></html>")
    ctx = PageContext("https://example.com/a", doc, None, "utf-8")
    for wanted in ("author", "og:title"):
        expected = next(
            (
                normalize_space(content)
                for attr, name, content in metas
                if attr != "http-equiv" and name.lower() == wanted and normalize_space(content)
            ),
            None,
        )
        assert ctx.meta(wanted) == expected


@settings(max_examples=300, deadline=None)
@given(
    elements=st.lists(
        st.tuples(
            st.sampled_from(["div", "span", "a", "p"]),
            st.sampled_from(["class", "rel", "itemprop", "data-testid", "id"]),
            st.sampled_from(
                [
                    "byline",
                    "ByLine",
                    "BYLINE",
                    "x-bYlInE-y",
                    "by line",
                    "author",
                    "Author",
                    "author-name",
                    "Author-Name",
                    "bylıne",
                    "a\nbyline",
                    "",
                ]
            ),
            st.integers(min_value=0, max_value=3),
        ),
        max_size=10,
    ),
    scoped=st.booleans(),
)
def test_byline_candidates_are_what_the_byline_query_finds(
    elements: list[tuple[str, str, str, int]], scoped: bool
) -> None:
    """The generic reading's byline candidates come from the class and data-testid indexes:
    the same elements, in the same order, as its query (case folded as translate() folds
    it), under the story's element or the whole page, nested or not."""
    from crawler.pages.generic import _BYLINE_XPATH, GenericArticlePage

    markup, open_tags = "", list[str]()
    for tag, attr, value, depth in elements:
        while len(open_tags) > depth:
            markup += f"</{open_tags.pop()}>"
        markup += f'<{tag} {attr}="{value}">t'
        open_tags.append(tag)
    while open_tags:
        markup += f"</{open_tags.pop()}>"
    page_text = f"<html class='byline'><body><main class='byline'>{markup}</main></body></html>"
    doc = parse_html(page_text.encode())
    assert doc is not None
    page = GenericArticlePage(PageContext("https://example.com/", doc, None, "utf-8"))
    root = doc.find(".//main") if scoped else doc
    assert page.byline_elements(root) == root.xpath("." + _BYLINE_XPATH)


_PAGE_URLS = [
    "https://edition.cnn.com/2013/01/29/world/index.html",
    "http://127.0.0.1:8080/2013/01/29/world/index.html?x=1",
    "http://localhost/a",
    "http://mirror.example:80/a#f",
    "https://www.reuters.com/article/x",
]
_LINK_URLS = [
    "http://127.0.0.1:8080/2013/other.html?y=2",
    "http://127.0.0.1:8081/x",
    "http://localhost/b",
    "http://mirror.example/c",
    "https://edition.cnn.com/d",
    "https://www.reuters.com/e?f=1",
]


@settings(max_examples=200, deadline=None)
@given(
    link=st.sampled_from(_LINK_URLS),
    page_url=st.sampled_from(_PAGE_URLS),
    canonical=st.sampled_from([*_PAGE_URLS, "https://example.org/z"]),
)
def test_links_move_home_as_each_link_was_tested_alone(
    link: str, page_url: str, canonical: str
) -> None:
    """Whether a page is on a mirror is found once per page; each link comes out as when
    the page and its canonical URL were read again for it."""
    from urllib.parse import urlsplit, urlunsplit

    from crawler.pages.urls import canonicalize_url, link_home, outlet_of_host

    def alone(link: str, page_url: str, canonical_url: str) -> str:
        page, home, target = urlsplit(page_url), urlsplit(canonical_url), urlsplit(link)
        if outlet_of_host(page.hostname) is not None or outlet_of_host(home.hostname) is None:
            return link
        if urlsplit(canonicalize_url(page_url)).netloc != target.netloc:
            return link
        return urlunsplit((home.scheme, home.netloc, target.path, target.query, ""))

    link = canonicalize_url(link)
    assert link_home(link, page_url, canonical) == alone(link, page_url, canonical)
