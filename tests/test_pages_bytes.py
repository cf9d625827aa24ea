"""Byte-level shortcuts taken before a page is parsed agree with the plain way on every input."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from crawler.pages.encoding import is_utf8

# Multi-byte characters, a stray continuation byte, a cut sequence, an overlong form, a
# surrogate: each placed anywhere, chunk boundaries included.
_PIECES = [
    b"a",
    b"<p>",
    "é".encode(),
    "€".encode(),
    "😀".encode(),
    b"\x80",
    b"\xe2\x82",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
]


def _valid(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=0, max_value=20),
)
@example([b"\xe2\x82", b"\xac"], 1, 0)
@example(["😀".encode()], 3, 2)
@example([b"\xe2\x82", b"ab"], 2, 0)  # a character left open before a chunk all ASCII
def test_chunked_utf8_check_agrees_with_a_decode(pieces: list[bytes], chunk: int, pad: int) -> None:
    body = b"x" * pad + b"".join(pieces)
    assert is_utf8(body, chunk) == _valid(body)


def test_chunked_utf8_check_at_the_default_chunk_boundary() -> None:
    for offset in range((1 << 14) - 4, (1 << 14) + 1):
        body = b"x" * offset + "😀".encode() + b"y"
        assert is_utf8(body)
        assert not is_utf8(body[:-2] + b"y")


# -- parsing without the code: long script and style contents cut before the parse -------

# Pieces of markup that decide where the tokenizer reads a script or style as text: end
# tags in any case and with or without a delimiter, comments and escapes inside scripts
# (a "<script" after "<!--" hides the next "</script"), quotes around a ">", and places
# where "<script" is no tag at all (an attribute, a comment, a <textarea>, a <title>).
_MARKUP = [
    b"<script>",
    b"<SCRIPT>",
    b"<script src='a>b'>",
    b'<script type="application/ld+json">',
    b"</script>",
    b"</SCRIPT >",
    b"</scriptx>",
    b"</script",
    b"<style>",
    b"<Style media=x>",
    b"</style>",
    b"</STYLE/>",
    b"<!--",
    b"-->",
    b"<!-->",
    b"<p>",
    b"</p>",
    b'<div title="',
    b'">',
    b"<textarea>",
    b"</textarea>",
    b"<title>",
    b"</title>",
    b"<svg>",
    b"</html><html>",
    b"'",
    b"<",
    b">",
    b"-",
    b" ",
    b"\n",
    "é".encode(),
    b"var a = 1;",
    b"some words of text",
]


def _parse(data: bytes) -> html.HtmlElement:
    from crawler.pages import _parse as parse

    return parse(data)


def _differences(whole: html.HtmlElement, cut: html.HtmlElement, min_cut: int) -> list[str]:
    """Where the tree of the cut page differs from the whole page's, other than a long
    script or style content left out (empty in the cut tree)."""
    found = []
    # Every root of each document: a page may hold a second <html> after the first.
    ours = [e for root in (cut, *cut.itersiblings()) for e in root.iter()]
    theirs = [e for root in (whole, *whole.itersiblings()) for e in root.iter()]
    if len(ours) != len(theirs):
        return [f"{len(ours)} nodes, not {len(theirs)}"]
    for mine, full in zip(ours, theirs, strict=True):
        if mine.tag != full.tag or mine.tail != full.tail or dict(mine.attrib) != dict(full.attrib):
            found.append(f"{mine.tag!r} differs from {full.tag!r}")
        elif mine.text != full.text and not (
            mine.tag in ("script", "style")
            and mine.text is None
            and len((full.text or "").encode()) >= min_cut
        ):
            found.append(f"<{mine.tag}> text {mine.text!r}, not {full.text!r}")
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_MARKUP), max_size=30))
@example([b"<style>", b"var a = 1;", b"</style>"])
@example([b"<script>", b"<!--", b"<script>", b"</script>", b"var a = 1;", b"</script>"])
@example([b"<script>", b"<!--", b"-->", b"<script>", b"var a = 1;", b"</script>"])
@example([b"<script>", b"<!-->", b"<script>", b"var a = 1;", b"</script>", b"</script>"])
@example([b'<div title="', b"<script>", b"var a = 1;", b"</script>", b'">'])
@example([b"<textarea>", b"<script>", b"var a = 1;", b"</script>", b"</textarea>"])
@example([b"<script>", b"var a = 1;", b"</SCRIPT >", b"var a = 1;", b"</script>"])
@example([b"<style>", b"var a = 1;", b"</STYLE/>", b"var a = 1;", b"</style>"])
@example([b"</html><html>", b"<script>", b"var a = 1;", b"</script>"])
def test_a_page_parsed_without_its_code_is_the_whole_page_less_that_code(
    pieces: list[bytes],
) -> None:
    from crawler.pages.rawtext import parse_without_code

    data = b"<html><body><p>x</p>" + b"".join(pieces)
    whole = _parse(data)
    cut = parse_without_code(data, _parse, min_page=0, min_cut=8)
    assert _differences(whole, cut, 8) == []


def test_long_styles_and_scripts_are_cut_short_ones_and_json_ld_kept() -> None:
    from crawler.pages.rawtext import parse_without_code, without_code

    code = b"var x = 1; " * 500
    data = (
        b"<html><head><style>" + b"p { color: red }" * 300 + b"</style>"
        b'<script type="application/ld+json">{"@type": "NewsArticle", "x": "'
        + b"y"
        * 5000
        + b'"}</script><script>var cnnFirstPub = 1;</script></head><body><p>Text</p>'
        b"<script>" + code + b"</script></body></html>"
    )
    cut, tags = without_code(data)
    assert tags == ["style", "script"]
    assert len(cut) < len(data) - len(code)
    doc = parse_without_code(data, _parse, min_page=0)
    assert [(e.tag, e.text is None) for e in doc.iter("script", "style")] == [
        ("style", True),
        ("script", False),
        ("script", False),
        ("script", True),
    ]
    assert doc.findtext(".//p") == "Text"


@pytest.mark.parametrize(
    "content",
    [
        b"a<!--b<script>c</script>d",  # double-escaped: the first </script> is not the end
        b"a</scriptx>b",  # no end tag, yet a "</script" a simpler scan would stop at
    ],
)
def test_a_script_the_tokenizer_may_read_otherwise_is_not_cut(content: bytes) -> None:
    from crawler.pages.rawtext import without_code

    data = b"<script>" + content + b"x" * 5000 + b"</script><p>after</p>"
    assert without_code(data) == (data, [])


def test_a_marker_the_tree_does_not_show_in_its_element_means_the_whole_page_is_parsed() -> None:
    from crawler.pages.rawtext import parse_without_code, without_code

    # The "<script>" is inside an attribute value: no element holds the marker.
    data = b'<html><body><div title="<script>' + b"x" * 5000 + b'</script>">y</div></body></html>'
    assert without_code(data)[1] == ["script"]
    doc = parse_without_code(data, _parse, min_page=0)
    assert doc.find(".//div").get("title") == "<script>" + "x" * 5000 + "</script>"


def test_code_after_a_second_html_root_is_cut_too() -> None:
    from crawler.pages.rawtext import parse_cut, without_code

    data = b"<html><body><p>x</p></html><html><body><script>" + b"var a = 1;" * 500 + b"</script>"
    cut, tags = without_code(data)
    doc = parse_cut(cut, tags, _parse)
    assert tags == ["script"] and doc is not None
    (second,) = doc.itersiblings()
    assert [(e.tag, e.text) for e in second.iter("script")] == [("script", None)]


# Bytes that are not UTF-8 (a stray continuation byte, a cut sequence, a byte no UTF-8
# holds, a lead byte before ASCII) and some that are.
_BYTES = [b"\xff", b"\x80", b"\xe2\x82", b"\xc3", "é".encode(), "😀".encode(), b"x"]


@settings(max_examples=150, deadline=None)
@given(
    inside=st.lists(st.sampled_from(_BYTES), max_size=4),
    at_edges=st.sampled_from([b"", b"\xe2\x82", b"\x82", b"\xff"]),
    pieces=st.lists(st.sampled_from(_MARKUP + _BYTES), max_size=12),
    charset=st.sampled_from(["<meta charset=utf-8>", "", "<meta charset=iso-8859-1>"]),
)
@example(inside=[b"\xff"], at_edges=b"", pieces=[], charset="<meta charset=utf-8>")
@example(inside=[], at_edges=b"\xe2\x82", pieces=[b"\xff"], charset="")
def test_a_large_page_checked_outside_its_cuts_reads_as_one_checked_whole(
    inside: list[bytes], at_edges: bytes, pieces: list[bytes], charset: str
) -> None:
    from crawler.pages import _large_utf8_page, parse_html
    from crawler.pages.encoding import utf8_html

    code = at_edges + b"var a = 1; " * 20_000 + b"".join(inside) + b"var b;" * 15_000 + at_edges
    body = (
        f"<html><head>{charset}</head><body><p>caf\u00e9</p><script>".encode()
        + code
        + b"</script>"
        + b"".join(pieces)
        + b"</body></html>"
    )
    data, _ = utf8_html(body, "text/html")
    whole = parse_html(data)
    found = _large_utf8_page(body, "text/html")
    if found is not None:
        assert whole is not None
        assert etree.tostring(found[0]) == etree.tostring(whole)


def test_a_large_page_with_bad_bytes_only_in_its_code_is_checked_outside_it() -> None:
    from crawler.pages import _large_utf8_page

    body = (
        b"<html><head><meta charset=utf-8></head><body><p>caf\xc3\xa9</p><script>"
        + b"var a = '\xff'; " * 30_000
        + b"</script></body></html>"
    )
    found = _large_utf8_page(body, "text/html")
    assert found is not None
    assert found[0].findtext(".//p") == "café"
    assert _large_utf8_page(body.replace(b"caf\xc3\xa9", b"caf\xe9"), "text/html") is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*_MARKUP, b"a < b", b"x" * 40]), max_size=30),
    st.integers(min_value=9, max_value=64),
    st.integers(min_value=0, max_value=12),
)
@example([b"x" * 40, b"</script>"], 45, 0)
@example([b"a < b", b"x" * 40, b"a < b", b"</style>"], 48, 0)
@example([b"<", b"x" * 40, b"</script>", b"a < b", b"</style>"], 16, 0)
def test_signs_found_from_each_lt_are_the_regex_scans(
    pieces: list[bytes], stretch: int, start: int
) -> None:
    from crawler.pages.rawtext import _SCRIPT_SIGNS, _STYLE_END, signs_from

    data = b"".join(pieces)
    for signs in (_SCRIPT_SIGNS, _STYLE_END):
        found = [m.span() for m in signs_from(data, start, signs, stretch)]
        assert found == [m.span() for m in signs.finditer(data, start)]


def _tag_end_by_quotes(data: bytes, at: int) -> int:
    """The ``>`` ending a start tag, found quote by quote (what the regex must agree with)."""
    while True:
        close = data.find(b">", at)
        if close < 0:
            return -1
        double = data.find(b'"', at, close)
        single = data.find(b"'", at, close)
        if double < 0 and single < 0:
            return close
        quote = double if single < 0 or 0 <= double < single else single
        closing = data.find(data[quote : quote + 1], quote + 1)
        if closing < 0:
            return -1
        at = closing + 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'"', b"'", b">", b"a", b" ", b"=", b"<"]), max_size=20))
def test_the_end_of_a_start_tag_is_the_first_unquoted_gt(pieces: list[bytes]) -> None:
    from crawler.pages.rawtext import _tag_end

    data = b"".join(pieces)
    assert _tag_end(data, 0) == _tag_end_by_quotes(data, 0)
