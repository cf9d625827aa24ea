"""Pages that state no charset: read as the bytes were written, as a browser reads them.

Pages of the 2000s often declared nothing, in the HTTP header or the page, and were written
in Windows-1252; read as UTF-8, every accented letter and curly quote became U+FFFD.
"""

from __future__ import annotations

import pytest

from crawler.pages import analyse
from crawler.pages.encoding import decode_html, utf8_html
from crawler.pages.rawtext import MIN_PAGE

HTML = {"Content-Type": "text/html"}
URL = "https://www.cnn.com/2031/03/02/africa/timbuktu-library/index.html"
HEADLINE = "Caf\u00e9s reopen by the \u201cold\u201d library \u2014 na\u00efve hopes"
PARAGRAPH = "Timbuktu, Mali (CNN) -- The caf\u00e9s\u2019 owners said they would stay open."


def page(encoding: str, filler: int = 0) -> bytes:
    """An article page in `encoding`, stating no charset anywhere; `filler` bytes of
    script make it large."""
    script = f"<script>var pad = '{'x' * filler}';</script>" if filler else ""
    return (
        f"<html><head><title>{HEADLINE}</title>{script}"
        "<meta property='og:type' content='article'></head><body>"
        f"<h1>{HEADLINE}</h1><article><p>{PARAGRAPH}</p>"
        "<p>More than forty people came on the first morning.</p></article></body></html>"
    ).encode(encoding)


@pytest.mark.parametrize("filler", [0, MIN_PAGE])
def test_an_undeclared_windows_1252_page_reads_as_written(filler: int) -> None:
    analysis = analyse(URL, HTML, page("cp1252", filler))
    assert analysis.article is not None
    assert analysis.article["headline"] == HEADLINE
    assert analysis.article["paragraphs"][0].endswith(PARAGRAPH.split("-- ")[1])


@pytest.mark.parametrize("filler", [0, MIN_PAGE])
def test_an_undeclared_utf8_page_stays_utf8(filler: int) -> None:
    analysis = analyse(URL, HTML, page("utf-8", filler))
    assert analysis.article is not None
    assert analysis.article["headline"] == HEADLINE


def test_a_utf8_page_with_a_stray_byte_stays_utf8() -> None:
    """One broken byte in a UTF-8 page is one U+FFFD, not every letter read as Windows-1252."""
    body = page("utf-8").replace(b"forty", b"fort\xff")
    text, encoding = decode_html(body, "text/html")
    assert HEADLINE in text and "fort\ufffd" in text
    assert encoding in ("utf8", "utf-8")


def test_a_stated_charset_is_taken_at_its_word() -> None:
    """Detection is for pages that state nothing: a stated UTF-8 keeps its U+FFFD."""
    text, encoding = decode_html(page("cp1252"), "text/html; charset=utf-8")
    assert "\ufffd" in text and encoding in ("utf8", "utf-8")


def test_a_byte_windows_1252_leaves_undefined_spoils_only_itself() -> None:
    """0x81, 0x8D, 0x8F, 0x90 and 0x9D have no Windows-1252 character (browsers show a
    control character): one of them made the whole page UTF-8, every letter U+FFFD."""
    body = b"<p>caf\xe9 \x93ici\x94 \x81</p>"
    text, encoding = decode_html(body, None)
    assert text == "<p>caf\u00e9 \u201cici\u201d \ufffd</p>" and encoding == "cp1252"
    assert utf8_html(body, None)[0] == text.encode()


def test_a_meta_stating_utf16_on_a_page_it_was_read_from_means_utf8() -> None:
    """A meta tag read as ASCII cannot be UTF-16 (the WHATWG prescan reads it as UTF-8):
    the page was decoded as big-endian UTF-16, every character a CJK one."""
    body = page("utf-8").replace(b"<head>", b'<head><meta charset="utf-16">')
    analysis = analyse(URL, HTML, body)
    assert analysis.article is not None
    assert analysis.article["headline"] == HEADLINE
    assert decode_html(body, None)[1] in ("utf8", "utf-8")


@pytest.mark.parametrize("stated", ["utf-16", "UTF-16", "utf-16le"])
def test_utf16_stated_by_the_header_without_a_byte_order_mark_is_little_endian(
    stated: str,
) -> None:
    """The WHATWG label "utf-16" is UTF-16LE, as browsers and Windows write it."""
    body = page("utf-16-le")
    analysis = analyse(URL, {"Content-Type": f"text/html; charset={stated}"}, body)
    assert analysis.article is not None
    assert analysis.article["headline"] == HEADLINE
    big = page("utf-16-be")
    assert decode_html(big, "text/html; charset=utf-16be")[0].startswith("<html>")
