"""Parsing a page without the code it carries: long script and style contents left out.

A modern CNN page is 1.5-3 MB, four fifths of it inline JavaScript and CSS that no field is
read from, and the parser's cost is in its bytes (each one read, copied into a text node,
freed). Each long ``<style>`` or ``<script>`` content (not JSON-LD) is replaced by a marker
before parsing, and the marked elements are emptied in the tree.

A cut is made only where the HTML tokenizer is sure to read the content as the element's
text up to the end tag found: a style up to its first ``</style``; a script up to its first
``</script``, with no ``<script`` in an escaped part (after ``<!--``, before ``-->``), where
the tokenizer would stop looking for the end tag. Whether each ``<script`` or ``<style``
found was a tag at all (not inside an attribute, a comment or a ``<textarea>``) the tree
says: each marker must be the whole text of the element it was put in, or the page is
parsed again as it is. So the tree is the whole page's, but for those elements' text.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator

from lxml import html

# Contents shorter than this are kept: templates read short scripts (a stamp written by
# ``document.write``, ``cnnFirstPub``), and cutting them saves next to nothing.
MIN_CUT = 4096
# Pages smaller than this are parsed as they are: what the cut saves there is no more than
# what finding the cuts costs.
MIN_PAGE = 256 * 1024
# libxml2 refuses a text node over 10 MB (without XML_PARSE_HUGE): a page that long is
# parsed as it is, so that it fails or succeeds as it would have.
MAX_PAGE = 10_000_000

# One marker per cut: this prefix, which no page can guess, and the cut's number.
_TOKEN = "newsarchive" + secrets.token_hex(8)
# Tags in any case; the character after the name ends it (as the tokenizer reads a name).
_OPEN = re.compile(rb"<([sS][cC][rR][iI][pP][tT]|[sS][tT][yY][lL][eE])[\t\n\f\r />]")
_STYLE_END = re.compile(rb"</[sS][tT][yY][lL][eE]")
_SCRIPT_SIGNS = re.compile(rb"<!--|</?[sS][cC][rR][iI][pP][tT]")
_DELIMITERS = frozenset(b"\t\n\f\r />")


def without_code(data: bytes, min_cut: int = MIN_CUT) -> tuple[bytes, list[str]]:
    """`data` with each long script or style content replaced by a marker, and the tag of
    each element cut, in page order (`data` itself and ``[]`` when nothing was cut)."""
    if len(data) > MAX_PAGE:
        return data, []
    pieces: list[bytes] = []
    tags: list[str] = []
    kept = 0  # data[kept:] is not in pieces yet
    at = 0
    while True:
        found = _OPEN.search(data, at)
        if found is None:
            break
        name = found.group(1).lower()
        opened = _tag_end(data, found.end() - 1)
        if opened < 0:
            break
        content = opened + 1
        end = _style_end(data, content) if name == b"style" else _script_end(data, content)
        if end < 0:
            break
        at = end + 2
        if end - content < min_cut or (
            name == b"script" and b"ld+json" in data[found.start() : content].lower()
        ):
            continue
        pieces.append(data[kept:content])
        pieces.append(f"{_TOKEN}{len(tags)}".encode())
        tags.append(name.decode())
        kept = end
    if not tags:
        return data, []
    pieces.append(data[kept:])
    return b"".join(pieces), tags


def _tag_end(data: bytes, at: int) -> int:
    """Index of the ``>`` closing the start tag whose attributes begin at `at` (quoted
    values skipped), or -1."""
    if data.find(b">", at) < 0:  # a page cut off inside a tag: no regex pass over its rest
        return -1
    found = _TAG_REST.match(data, at)
    return -1 if found is None else found.end() - 1


# A start tag's rest: unquoted runs and whole quoted values up to the first ">" outside
# them. A run must reach a ">" or a quote, so a tag that fails (a quote never closed, no
# ">") fails in one pass back, not by trying every way to split its runs.
_TAG_REST = re.compile(rb"""(?:[^>"']+(?=[>"'])|"[^"]*"|'[^']*')*>""")


def _delimited(data: bytes, at: int) -> bool:
    """Whether the byte at `at` ends a tag name (whitespace, ``/``, ``>``)."""
    return at < len(data) and data[at] in _DELIMITERS


def _style_end(data: bytes, content: int) -> int:
    """Index of the ``</`` ending a style whose content starts at `content`, or -1 when the
    first ``</style`` is not plainly its end tag."""
    found = next(signs_from(data, content, _STYLE_END), None)
    if found is None or not _delimited(data, found.end()):
        return -1
    return found.start()


def _script_end(data: bytes, content: int) -> int:
    """Index of the ``</`` ending a script whose content starts at `content`, or -1 when it
    is not plain: the first ``</script`` is its end unless a ``<script`` in an escaped part
    (``<!--`` not yet closed by ``-->``) made the tokenizer skip it."""
    escaped_from = -1  # where the last ``<!--`` ends, while it may be open
    for sign in signs_from(data, content, _SCRIPT_SIGNS):
        text = sign.group()
        if text == b"<!--":
            escaped_from = sign.end()
        elif text[1] == 0x2F:  # "</script"
            return sign.start() if _delimited(data, sign.end()) else -1
        elif escaped_from >= 0 and data.find(b"-->", escaped_from, sign.start()) < 0:
            return -1  # "<script" while escaped: maybe double-escaped from here on
    return -1


def signs_from(
    data: bytes, start: int, signs: re.Pattern[bytes], stretch: int = 1024
) -> Iterator[re.Match[bytes]]:
    """``signs.finditer(data, start)`` for a pattern whose every match holds one ``<``, its
    first byte, and is shorter than `stretch`.

    ``bytes.find`` (a memchr, some thirty times the speed of the regex's own scan) reaches
    each ``<``. One with no other within a stretch after it is tried where it stands, so
    a long script or style with few ``<`` is mostly skipped; where they come closer, the
    regex scans the stretch from there (trying each would cost more). A match crossing a
    stretch's end starts at its last ``<`` (a match holds no other).
    """
    at = data.find(b"<", start)
    while at >= 0:
        end = at + stretch
        if data.find(b"<", at + 1, end) < 0:  # alone in its stretch
            found = signs.match(data, at)
        else:
            found = signs.search(data, at, end)
            if found is None and end < len(data):
                last = data.rfind(b"<", at + 1, end)
                found = signs.match(data, last) if last >= 0 else None
        if found is not None:
            yield found
            at = data.find(b"<", found.end())
        elif end >= len(data):
            return
        else:
            at = data.find(b"<", end)


def parse_without_code(
    data: bytes,
    parse: Callable[[bytes], html.HtmlElement],
    *,
    min_page: int = MIN_PAGE,
    min_cut: int = MIN_CUT,
) -> html.HtmlElement:
    """The tree `parse` gives of `data`, with the script and style contents of `min_cut`
    bytes or more empty when `data` has `min_page` bytes or more (tests lower both)."""
    if len(data) < min_page:
        return parse(data)
    cut, tags = without_code(data, min_cut)
    doc = parse_cut(cut, tags, parse) if tags else None
    return parse(data) if doc is None else doc


def parse_cut(
    cut: bytes, tags: list[str], parse: Callable[[bytes], html.HtmlElement]
) -> html.HtmlElement | None:
    """The tree of the page :func:`without_code` gave as `cut` and `tags`, the cut elements
    emptied; None where the tree shows a marker elsewhere than as the whole text of the
    element it was put in (the page must then be parsed as it is)."""
    try:
        doc = parse(cut)
    except Exception:
        return None
    marked = _marked(doc)
    if len(marked) != len(tags) or not all(
        element.tag == tag and element.text == f"{_TOKEN}{index}" and not len(element)
        for index, (element, tag) in enumerate(zip(marked, tags, strict=True))
    ):
        return None
    for element in marked:
        element.text = None
    return doc


def _marked(doc: html.HtmlElement) -> list[html.HtmlElement]:
    """The scripts and styles whose text starts with the markers' prefix, in page order.

    One walk of each root of the document (a page may hold a second ``<html>`` after the
    first), where a query for either tag walks the tree twice and sorts what both found.
    """
    found = []
    for root in (doc, *doc.itersiblings()):
        for element in root.iter("script", "style"):
            text = element.text
            if text is not None and text.startswith(_TOKEN):
                found.append(element)
    return found
