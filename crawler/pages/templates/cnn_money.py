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

from lxml import html

from ..base import Link, PageContext, once
from ..dates import parse_date, parse_iso_in_zone
from ..text import is_hidden, text_of
from .cnn_common import CnnPage

_STORY = "//div[@id = 'storytext']"
# Body text: the lede <h2> and the paragraphs that are children of the story, not widgets'.
_BODY_XPATH = f"{_STORY}/*[self::p or self::h2 or self::h3][not(contains(@class, 'module'))]"
_RELATED_LINE_RE = re.compile(r"^related\s*:\s*", re.IGNORECASE)
_SOURCE_RE = re.compile(r"^CNN\s?Money\s*\((?P<place>[^)]+)\)$", re.IGNORECASE)
_FIRST_PUBLISHED_RE = re.compile(r"^first published\s+", re.IGNORECASE)


class CnnMoneyPage(CnnPage):
    """An article of the CNNMoney story template (money.cnn.com, 2014-2018)."""

    NAME = "cnn/money"
    REGION_CLASSES = ("article-title", "cnnbyline", "cnnDateStamp", "cnnStorySource")
    REGION_IDS = ("storytext",)

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        host = urlsplit(ctx.url).hostname or ""
        return bool(ctx.ids.equal("storytext", "div")) and (
            host.startswith("money.") or ctx.classes.has_value("article-title")
        )

    def headline(self) -> str:
        h1 = self.first("//h1[contains(@class, 'article-title')]")
        return text_of(h1) if h1 is not None else super().headline()

    def byline(self) -> str | None:
        return self.text("//span[contains(@class, 'cnnbyline')]//span[@class = 'byline']") or None

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        return self.xpath(_BODY_XPATH)

    def is_related_line(self, element: html.HtmlElement) -> bool:
        return bool(element.xpath(".//*[contains(@class, 'inStoryHeading')]")) or bool(
            _RELATED_LINE_RE.match(text_of(element))
        )

    @once
    def body_elements(self) -> list[tuple[html.HtmlElement, str]]:
        return [(e, t) for e, t in super().body_elements() if not self.is_related_line(e)]

    @once
    def related_links(self) -> list[Link]:
        """The "Related: ..." lines, in page order, their label left off the headline."""
        found = []
        for element in self.body_candidates():
            if not self.is_related_line(element):
                continue
            for anchor in element.iter("a"):
                url = self.ctx.absolute(anchor.get("href"))
                headline = _RELATED_LINE_RE.sub("", text_of(anchor))
                if url and headline:
                    found.append(Link(url=url, kind="inline", headline=headline))
        return found

    def dateline(self) -> str | None:
        source = self.text("//span[contains(@class, 'cnnStorySource')]")
        match = _SOURCE_RE.match(source)
        return match.group("place").strip() if match else super().dateline()

    # -- dates --------------------------------------------------------------------------
    def stamps(self) -> list[str]:
        return [text_of(e) for e in self.xpath("//span[contains(@class, 'cnnDateStamp')]")]

    def date_published_raw(self) -> str | None:
        stated = self.ctx.meta("date", "dc.date.issued")
        if stated and parse_iso_in_zone(stated, "ET"):
            return stated
        for stamp in self.stamps():
            if _FIRST_PUBLISHED_RE.match(stamp) and parse_date(stamp):
                return stamp
        return None

    def date_published(self) -> str | None:
        raw = self.date_published_raw()
        return parse_iso_in_zone(raw, "ET") or parse_date(raw)

    def date_modified_raw(self) -> str | None:
        for stamp in self.stamps():
            if stamp and not _FIRST_PUBLISHED_RE.match(stamp) and parse_date(stamp):
                return stamp
        return None

    def date_modified(self) -> str | None:
        return parse_date(self.date_modified_raw())

    def images(self) -> list[dict[str, Any]]:
        """Photos in the story (a video's poster is not one)."""
        found = []
        for img in self.xpath(f"{_STORY}//img[not(ancestor::*[contains(@class, 'cnnplayer')])]"):
            # Widgets' tracking pixels are hidden or have no size.
            if any(is_hidden(e) for e in (img, *img.iterancestors())) or "0px" in (
                img.get("style") or ""
            ).replace(" ", ""):
                continue
            caption = img.xpath("ancestor::*[1]//*[contains(@class, 'caption')]")
            entry = self.image(img, text_of(caption[0]) if caption else "")
            if entry and entry not in found:
                found.append(entry)
        return found
