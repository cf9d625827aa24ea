"""CNNMoney 2014-2018 (money.cnn.com): ``h1.article-title``, ``#storytext``, ``cnnDateStamp``.

The lede is an ``<h2>`` opening ``#storytext``; "Related: ..." lines (``inStoryHeading``)
are inline links, not text. The stamp beside the byline is the last update ("February 1,
2016: 12:41 PM ET"); the footer may say "First published ..."; ``meta[name=date]`` is the
publication time in US Eastern without a zone. The dateline is the footer's source line,
"CNNMoney (New Delhi)".
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree, html

from ..base import Link, PageContext, once
from ..boilerplate import is_read_line, read_link_headline
from ..dates import parse_iso_in_zone
from ..text import is_hidden, text_of
from .cnn_common import CnnPage

# Body text: the lede <h2> and the paragraphs that are children of div#storytext, not
# widgets'.
_BODY = etree.XPath("*[self::p or self::h2 or self::h3][not(contains(@class, 'module'))]")
# The story's images; a video's poster is not one.
_BYLINE = etree.XPath(".//span[@class = 'byline']")
_RELATED_LINE_RE = re.compile(r"^related\s*:\s*", re.IGNORECASE)
# "CNNMoney (Bamako)", and the site's other brands: "CNNTech (...)", "CNN Business (...)".
_SOURCE_RE = re.compile(r"^CNN\s?(?:Money|Tech|Business)\s*\((?P<place>[^)]+)\)$", re.IGNORECASE)
_FIRST_PUBLISHED_RE = re.compile(r"^first published\s+", re.IGNORECASE)
# A caption anywhere in the image's parent.
_CAPTION = etree.XPath("ancestor::*[1]//*[contains(@class, 'caption')]")


def _in_eastern(value: str | None) -> str | None:
    """An ISO value without a zone, read in US Eastern time (``meta[name=date]``)."""
    return parse_iso_in_zone(value, "ET")


class CnnMoneyPage(CnnPage):
    """An article of the CNNMoney story template (money.cnn.com, 2014-2018)."""

    NAME = "cnn/money"
    REGION_CLASSES = ("article-title", "cnnbyline", "cnnDateStamp", "cnnStorySource")
    REGION_IDS = ("storytext",)

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        host = urlsplit(ctx.url).hostname or ""
        return ctx.has_id("storytext", "div") and (
            host.startswith("money.") or ctx.classes.has_value("article-title")
        )

    @once
    def headline(self) -> str:
        h1 = self.first_classed("article-title", "h1")
        return text_of(h1) if h1 is not None else super().headline()

    def byline(self) -> str | None:
        bylines = self.within(self.classed("cnnbyline", "span"), _BYLINE)
        return (text_of(bylines[0]) or None) if bylines else None

    @once
    def story(self) -> list[html.HtmlElement]:
        """The ``div#storytext`` elements."""
        return self.ctx.ids.equal("storytext", "div")

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        return self.within(self.story(), _BODY)

    @once
    def related_lines(self) -> list[html.HtmlElement]:
        """The body candidates that are "Related: ..." lines, or read lines ("Read More:
        ...", "READ: ..."), which leave the body too: their links are listed."""
        return [
            element
            for element, text in self.candidate_texts()
            if element in self.holders("inStoryHeading")
            or _RELATED_LINE_RE.match(text)
            or is_read_line(text)
        ]

    @once
    def body_elements(self) -> list[tuple[html.HtmlElement, str]]:
        related = set(self.related_lines())
        return [(e, t) for e, t in super().body_elements() if e not in related]

    @once
    def related_links(self) -> list[Link]:
        """The "Related: ..." lines, in page order, their label left off the headline."""
        found = []
        for element in self.related_lines():
            for anchor in element.iter("a"):
                headline = _RELATED_LINE_RE.sub("", read_link_headline(anchor))
                url = self.ctx.absolute(anchor.get("href")) if headline else None
                if url and headline:
                    found.append(Link(url=url, kind="inline", headline=headline))
        return found

    def dateline(self) -> str | None:
        source = text_of(self.first_classed("cnnStorySource", "span"))
        match = _SOURCE_RE.match(source)
        return match.group("place").strip() if match else super().dateline()

    # -- dates --------------------------------------------------------------------------
    @once
    def stamps(self) -> list[str]:
        return [text_of(e) for e in self.classed("cnnDateStamp", "span")]

    @once
    def date_published_raw(self) -> str | None:
        stated = self.ctx.meta("date", "dc.date.issued")
        if stated and self.parsed(stated, _in_eastern):
            return stated
        for stamp in self.stamps():
            if _FIRST_PUBLISHED_RE.match(stamp) and self.parsed(stamp):
                return stamp
        return None

    def date_published(self) -> str | None:
        raw = self.date_published_raw()
        return self.parsed(raw, _in_eastern) or self.parsed(raw)

    @once
    def date_modified_raw(self) -> str | None:
        for stamp in self.stamps():
            if stamp and not _FIRST_PUBLISHED_RE.match(stamp) and self.parsed(stamp):
                return stamp
        return None

    def date_modified(self) -> str | None:
        return self.parsed(self.date_modified_raw())

    def images(self) -> list[dict[str, Any]]:
        """Photos in the story (a video's poster is not one)."""
        found = []
        in_player = self.box_test(("cnnplayer",))
        images = self.within(self.story(), lambda story: list(story.iter("img")))
        for img in [img for img in images if not in_player(img)]:
            # Widgets' tracking pixels are hidden or have no size.
            if any(is_hidden(e) for e in (img, *img.iterancestors())) or "0px" in (
                img.get("style") or ""
            ).replace(" ", ""):
                continue
            caption = _CAPTION(img)
            entry = self.image(img, text_of(caption[0]) if caption else "")
            if entry and entry not in found:
                found.append(entry)
        return found
