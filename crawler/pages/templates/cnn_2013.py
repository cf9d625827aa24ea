"""CNN 2010-2014: ``cnn_strycntntlft`` body, ``cnnByline``, "Part of complete coverage on X".

The visible ``cnn_strytmstmp`` ("January 29, 2013 -- Updated 2238 GMT (0638 HKT)") is the
last update, so it feeds dateModified only; the publication time is ``meta[name=pubdate]``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from lxml import etree, html

from ..base import Link, PageContext, once
from ..boilerplate import EMBEDDED_POST_CLASSES
from ..text import headline_text, normalize_space, text_of
from .cnn_common import CnnPage, has_token

# Regions of the story column that are not body text.
_NOT_BODY_CLASSES = (
    "cnn_strylftcntnt",
    "cnn_html_slideshow",
    "caption",
    "cnn_stryshrwdgt",
    "cnn_strybtmcntnt",
    "cnn_stryimg",
    "cnnstrylccimg",
    "cnn_stryvid",
    "cnnVideo",
    "cnn_vid",
    "cnn_sharebar",
    "c_sharebar",
    "cnnStryHghLght",
    "cnn_strycbftrtxt",
    "cnnExplainer",
    "cnn_adspc",
    *EMBEDDED_POST_CLASSES,
)
# Classes of the era's story template and page chrome (on <div>s), or div#cnn_hdr.
_MARKERS = ("cnn_strycntntlft", "cnnByline", "cnn_strytmstmp", "cnn_maincntnr")
_SCRIPT_TEXT = etree.XPath(".//script/text()")
_ITEMS = etree.XPath("li")
# Story photos and in-story gallery photos; a still with a play button over it is a video's
# tease, not a photo. Every such box has one of these fragments in its class.
_IMAGE_FRAGMENTS = ("cnn_stryimg640", "cnnArticleGalleryPhotoContainer", "cnn_strylccimg300")


def _paragraphs(column: html.HtmlElement) -> list[html.HtmlElement]:
    """The ``<p>`` of `column` that may be body text: unclassed or of the story's paragraph
    classes, and not styled."""
    found = []
    for p in column.iter("p"):
        cls = p.get("class")
        if (
            cls is None or cls == "" or "cnn_storypgraphtxt" in cls or "cnnInline" in cls
        ) and p.get("style") is None:
            found.append(p)
    return found


def _is_photo_class(cls: str) -> bool:
    """A captioned photo, a gallery photo, or a plain or 300-pixel still."""
    return (
        "cnn_stryimg640captioned" in cls
        or "cnnArticleGalleryPhotoContainer" in cls
        or has_token(cls, "cnn_stryimg640")
        or has_token(cls, "cnn_strylccimg300")
    )


def _captions(box: html.HtmlElement) -> list[html.HtmlElement]:
    """``.//*[contains(@class, 'cnn_strycaptiontxt') or self::cite]`` of `box`."""
    return [
        found
        for found in box.iter(etree.Element)
        if (found.tag == "cite" or "cnn_strycaptiontxt" in (found.get("class") or ""))
        and found is not box
    ]


# Pages of 2010-2011 write the stamp from a script: one text for edition.cnn.com, one for
# the other hosts ("August 13, 2010 -- Updated 2308 GMT" / "August 13, 2010 7:08 p.m. EDT").
_SCRIPT_STAMP_RE = re.compile(
    r"indexOf\(\s*'edition\.'\s*\)\s*>\s*-1\)\s*\{\s*document\.write\('(?P<edition>[^']*)'\)"
    r".*?else\s*\{\s*document\.write\('(?P<other>[^']*)'\)",
    re.DOTALL,
)
# The first-publication time the same pages keep in a script variable.
_FIRST_PUB_RE = re.compile(r"cnnFirstPub\s*=\s*new Date\('(?P<stamp>[^']+)'\)")
# CNN Arabic's stamp: "<weekday>، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)".
_ARABIC_MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "آذار": 3, "مارس": 3,
    "نيسان": 4, "أبريل": 4, "ابريل": 4, "أيار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6,
    "تموز": 7, "يوليو": 7, "آب": 8, "اغسطس": 8, "أغسطس": 8, "أيلول": 9, "سبتمبر": 9,
    "تشرين الأول": 10, "أكتوبر": 10, "اكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11,
    "كانون الأول": 12, "ديسمبر": 12,
}  # fmt: skip
_ARABIC_STAMP_RE = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month>[^\d،,]+?)\s+(?P<year>\d{4}).*?"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*\((?P<zone>GMT[+-]\d{2,4})\)"
)
_ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def arabic_stamp_in_english(stamp: str) -> str | None:
    """CNN Arabic's stamp rewritten as "04 August 2013 02:21 GMT+0400", for the date parser."""
    match = _ARABIC_STAMP_RE.search(stamp)
    if not match:
        return None
    number = None
    for name in match.group("month").split("/"):
        number = number or _ARABIC_MONTHS.get(name.strip())
    if number is None:
        return None
    return (
        f"{match.group('day')} {_ENGLISH_MONTHS[number - 1]} {match.group('year')} "
        f"{match.group('hour')}:{match.group('minute')} {match.group('zone')}"
    )


class Cnn2013Page(CnnPage):
    """An article of the 2010-2014 CNN.com story template."""

    NAME = "cnn/2013"

    REGION_CLASSES = (
        "cnn_strycntntlft",
        "cnn_strytmstmp",
        "cnn_strycbftrtxt",
        "cnn_storyarea",
        "cnnByline",
        "cnnStryHghLght",
        "cnn_strycrcntr",
        "cnn_strycntntrgt",
        "cnn_stryspccvrgehdr",
    )

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        """The story template's containers, or the era's page chrome (for its video pages)."""
        return any(ctx.classes.containing(marker, "div") for marker in _MARKERS) or ctx.has_id(
            "cnn_hdr", "div"
        )

    def is_article(self) -> bool:
        if not self.ctx.classes.containing("cnn_strycntntlft", "div"):
            return False
        return super().is_article()

    @once
    def headline(self) -> str:
        for area in self.ctx.classes.containing("cnn_storyarea", "div"):
            h1 = next(area.iter("h1"), None)
            if h1 is not None:
                return text_of(h1)
        return super().headline()

    def byline(self) -> str | None:
        return text_of(self.first_classed("cnnByline", "div")) or None

    def highlights(self) -> list[str]:
        items = self.within(self.classed("cnnStryHghLght", "ul"), _ITEMS)
        return [text for text in (text_of(item) for item in items) if text]

    @once
    def body_candidates(self) -> list[html.HtmlElement]:
        in_other_box = self.box_test(_NOT_BODY_CLASSES)
        for column in ("cnn_strycntntlft", "cnn_strycntntrgt"):
            found = [
                p
                for div in self.ctx.classes.containing(column, "div")
                for p in _paragraphs(div)
                if not in_other_box(p)
            ]
            if found:
                return list(dict.fromkeys(found))
        return []

    @once
    def body_container(self) -> html.HtmlElement | None:
        """The story column: the left one, or the right one on the mirrored Arabic pages."""
        candidates = self.body_candidates()
        for ancestor in candidates[0].iterancestors() if candidates else ():
            cls = ancestor.get("class") or ""
            if "cnn_strycntntlft" in cls or "cnn_strycntntrgt" in cls:
                return ancestor
        return self.first_classed("cnn_strycntntlft", "div")

    # -- dates: the visible stamp is the last update -----------------------------------
    def stamp_element(self) -> html.HtmlElement | None:
        return self.first_classed("cnn_strytmstmp", "div")

    def credit_elements(self) -> list[html.HtmlElement]:
        return self.classed("cnn_strycbftrtxt", "p")

    @once
    def stamp(self) -> str | None:
        """The stamp as a reader saw it; 2010-2011 pages write it from a script by host."""
        element = self.stamp_element()
        if element is None:
            return None
        text = text_of(element)
        if text:
            return text
        match = _SCRIPT_STAMP_RE.search(" ".join(_SCRIPT_TEXT(element)))
        if not match:
            return None
        host = urlsplit(self.ctx.url).hostname or ""
        return normalize_space(match.group("edition" if "edition." in host else "other")) or None

    @once
    def date_published_raw(self) -> str | None:
        stated = super(CnnPage, self).date_published_raw()
        if stated:
            return stated
        # The page's scripts read in Python: a contains() query tests every element's text.
        for script in self.ctx.doc.iter("script"):
            text = script.text
            if not text or "cnnFirstPub" not in text:
                continue
            match = _FIRST_PUB_RE.search(text)
            if match and self.parsed(match.group("stamp")):
                return match.group("stamp")
        return None

    @once
    def date_modified_raw(self) -> str | None:
        stated = super(CnnPage, self).date_modified_raw()
        if stated:
            return stated
        stamp = self.stamp()
        if stamp and (self.stamp_date(stamp) or self.parsed(arabic_stamp_in_english(stamp))):
            return stamp
        return None

    def date_modified(self) -> str | None:
        raw = self.date_modified_raw()
        return self.stamp_date(raw) or self.parsed(arabic_stamp_in_english(raw or ""))

    def stamp_date(self, stamp: str | None) -> str | None:
        """The stamp's instant; a zone of several zones ("1508 AST") read by the page's
        place (:meth:`dated`)."""
        return self.parsed(stamp, self.dated)

    @once
    def related_links(self) -> list[Link]:
        """ "READ:" lines (inline) and the "Part of complete coverage" cards (related)."""
        found = self.read_line_links()
        for box in self.with_class("cnn_stryspcvbx"):
            if box.tag != "div" or not self.in_box(box, ("cnn_strycrcntr",)):
                continue
            for anchor in box.iter("a"):
                if anchor.get("href") is None:
                    continue
                headline = headline_text(anchor)
                # The photo's link (no text) comes first; its URL is the headline's.
                url = self.ctx.absolute(anchor.get("href")) if headline else None
                if headline and url:
                    found.append((anchor, Link(url=url, kind="related", headline=headline)))
                    break
        return self.in_page_order(found)

    def topics(self) -> list[str]:
        """X of "Part of complete coverage on X": the rail's box or the banner over the story."""
        found: list[str] = []
        for element in self.ctx.classes.containing("cnn_stryspcvh3"):
            if not self.in_box(element, ("cnn_strycrcntr", "cnn_stryspccvrgehdr")):
                continue
            topic = text_of(element)
            if topic and topic not in found:
                found.append(topic)
        return found

    def images(self) -> list[dict[str, Any]]:
        """Captioned story photos and the photos of an in-story gallery; not video teases."""
        found: list[dict[str, Any]] = []
        column = self.body_container()
        if column is None:
            return found
        candidates = [
            box
            for fragment in _IMAGE_FRAGMENTS
            for box in self.classed(fragment, "div")
            if _is_photo_class(box.get("class") or "")
            and column in box.iterancestors()
            and not self.in_box(box, ("cnnStryVidCont",))
            and box not in self.holders("plybttn")
        ]
        for box in self.page_ordered(candidates):
            if "cnn_strylccimg300" in (box.get("class") or ""):
                # The caption is the <div> beside the image's own container.
                holder = box.find("div")
                caption = text_of(box, skip=[holder] if holder is not None else [])
            else:
                caption_element = _captions(box)
                # Gallery captions are display:none until their slide shows; still captions.
                caption = (
                    normalize_space(caption_element[0].text_content()) if caption_element else ""
                )
            entry = self.image(box.find(".//img"), caption)
            if entry:
                found.append(entry)
        return found
