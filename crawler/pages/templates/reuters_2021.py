"""Reuters 2021+: Arc/Fusion pages with ``data-testid`` hooks and hashed module classes.

Paragraphs are ``[data-testid="paragraph-N"]`` (``article-body__paragraph__*``), sub-heads
``h2[data-testid="Heading"]``; the byline is ``[data-testid="AuthorByline"]``; related
stories are the "Related Coverage" and "Read Next" cards; topics the tag navigation.
Dates come from JSON-LD ``datePublished``: its ``dateCreated`` and the Fusion payload's
``published_time`` (``script#fusion-metadata``) are creation times, never read here.
"""

from __future__ import annotations

import re

from lxml import etree, html

from ..base import PageContext, compiled, in_page_order, once
from ..credits import is_credits_line
from ..lines import stamp_label
from ..text import class_prefix_xpath as has_prefix
from ..text import text_of
from .reuters_common import (
    ReutersPage,
    class_prefix_test,
    modules_headed,
    without_descendants_of,
)

_RELATED_TITLES = ("Related Coverage", "Read Next")
# A stamp's reading time: "2 minute read", "4 min read".
_READING_TIME_RE = re.compile(r"\d{1,3}\s*min(?:ute)?s?\.?\s+read", re.IGNORECASE)
# Boxes that are not story text wherever they sit (cards, badges, media, ads).
_MODULES = (
    "@data-testid='RelatedCoverage' or @data-testid='ReadNext' or @data-testid='Video'"
    " or @data-testid='primary-image' or @data-testid='primary-gallery'"
    f" or {has_prefix('related-coverage')} or {has_prefix('read-next')}"
    f" or {has_prefix('trust-badge')} or {has_prefix('article-body__trust')}"
    f" or {has_prefix('ad-slot')} or {has_prefix('video-player')} or self::figure or self::aside"
)
_MODULE_TEST_IDS = ("RelatedCoverage", "ReadNext", "Video", "primary-image", "primary-gallery")
_MODULE_CLASSES = (
    "related-coverage",
    "read-next",
    "trust-badge",
    "article-body__trust",
    "ad-slot",
    "video-player",
)
# The story's container inside the <article>.
_BODY = f"(self::div and {has_prefix('article-body__content')}) or @data-testid='ArticleBody'"
# Paragraphs and sub-heads inside the story's container: data-testid "paragraph-N", an
# <h2>/<h3> "Heading", or a class starting "article-body__paragraph"/"article-body__heading".
_BODY_PART_CLASSES = ("article-body__paragraph", "article-body__heading")
_has_body_part_class = class_prefix_test(*_BODY_PART_CLASSES)


# The tag navigation's boxes (their links are the topics).
_TAG_BOXES = (
    "(self::nav and @aria-label='Tags') or @data-testid='TagsList'"
    f" or {has_prefix('tags-with-label')} or (self::nav and {has_prefix('article-header__tags')})"
)
_IS_TAG_BOX = compiled(f"self::*[{_TAG_BOXES}]")
_LINKS_IN = compiled("$boxes//a")
# Tags looked for anywhere on the page, found in one walk (Reuters2021Page.walked).
_WALKED_TAGS = ("article", "main", "h1", "h2", "h3", "h4", "header", "nav")
# The header's byline: a data-testid hook (2021-2022), else the author block of the header
# ("article-header__author" in 2023, "info-content__author" in 2024).
_BYLINE = (
    "@data-testid='AuthorByline'"
    f" or {has_prefix('article-header__author__')} or {has_prefix('info-content__author__')}"
)
# The sign-off under the story ("Reporting by ...; Editing by ..."): a sign-off span, or a
# plain Body paragraph after the numbered ones.
_SIGN_OFF_CLASSES = ("sign-off__text",)
_has_sign_off_class = class_prefix_test(*_SIGN_OFF_CLASSES)
# Every class the two tests above look for holds one of these: most of a story's elements
# hold none and are told by two substring tests (a regex alternation of the two, without a
# common prefix, tries every position and costs several times more).
_MARKING = ("article-body__", "sign-off__")


def _may_mark(classes: str) -> bool:
    return _MARKING[0] in classes or _MARKING[1] in classes


# A gallery's slides and the caption it shows (of the first slide, "[1/5]" before it).
_GALLERY_SLIDE = compiled(f".//*[{has_prefix('primary-gallery__slide')}]")
_GALLERY_CAPTION = compiled(f".//*[{has_prefix('primary-gallery__caption')}]")
_IMAGES = compiled(".//img")
_CAPTION = compiled(
    f".//figcaption|.//*[{has_prefix('primary-image__caption')}]"
    f"|.//*[@data-testid='Body' and {has_prefix('article-image__figcaption')}]"
)
# A byline naming a desk, not people ("By Reuters Fact Check").
_DESK_BYLINE = re.compile(r"^(?:by\s+)?reuters\b", re.IGNORECASE)


class Reuters2021Page(ReutersPage):
    """Reuters article pages from 2021 on (Arc/Fusion)."""

    NAME = "reuters/2021"
    # Not scoped: the Fusion app is one <body> child holding the whole page but its
    # scripts, so finding the story's regions cost more than it saved. Queries go through
    # the attribute indexes and tag iterators instead of class-predicate XPath.

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return (
            ctx.has_id("fusion-metadata", "script")
            or "\nparagraph-" in ctx.test_ids.joined
            or ctx.test_ids.has_value("AuthorByline")
        )

    @once
    def walked(self) -> list[html.HtmlElement]:
        """The page's elements of :data:`_WALKED_TAGS`, in page order: one walk of the page
        for the article, the headline, the module headings and the tag navigation (each
        walk of a large page costs about as much, wherever it stops)."""
        return list(self.ctx.doc.iter(*_WALKED_TAGS))

    def tagged(self, *tags: str) -> list[html.HtmlElement]:
        """The page's elements of `tags` (among :data:`_WALKED_TAGS`), in page order."""
        return [element for element in self.walked() if element.tag in tags]

    @once
    def article(self) -> html.HtmlElement:
        for tag in ("article", "main"):
            found = self.tagged(tag)
            if found:
                return found[0]
        return self.ctx.doc

    @once
    def body(self) -> html.HtmlElement:
        article = self.article()
        found = self.indexed_inside(
            article, _BODY, classes=("article-body__content",), test_ids=("ArticleBody",)
        )
        return found[0] if found else article

    def indexed_inside(
        self,
        root: html.HtmlElement,
        test: str,
        *,
        classes: tuple[str, ...] = (),
        test_ids: tuple[str, ...] = (),
    ) -> list[html.HtmlElement]:
        """What ``root.xpath(".//*[test]")`` finds, from the attribute indexes (see
        :meth:`indexed`): a class-predicate query walks every element of `root` slowly."""
        found = self.indexed(test, classes=classes, test_ids=test_ids)
        if root is self.ctx.doc:
            return [element for element in found if element is not root]
        return [element for element in found if root in element.iterancestors()]

    @once
    def modules(self) -> list[html.HtmlElement]:
        """Boxes that are not story text, where one can hold a part of the story: inside its
        container or around it. The page's other ad slots, cards and asides (most of a page's
        modules) hold none, so they are not tested."""
        body = self.body()
        if body is self.ctx.doc:
            found = self.indexed(
                _MODULES,
                classes=_MODULE_CLASSES,
                test_ids=_MODULE_TEST_IDS,
                tags=("figure", "aside"),
            )
            return found + self.related_containers()
        around = list(body.iterancestors())
        near = {*around, *body.iter(etree.Element)}
        ctx = self.ctx
        candidates = [e for m in _MODULE_CLASSES for e in ctx.classes.containing(m)]
        candidates += [e for m in _MODULE_TEST_IDS for e in ctx.test_ids.containing(m)]
        candidates += [e for e in around if e.tag in ("figure", "aside")]
        candidates += body.iter("figure", "aside")
        passes = compiled(f"self::*[{_MODULES}]")
        found = [e for e in dict.fromkeys(candidates) if e in near and passes(e)]
        return found + self.related_containers()

    @once
    def story_lines(self) -> tuple[list[html.HtmlElement], list[html.HtmlElement]]:
        """The story's paragraphs and sub-heads, and its sign-off lines, in page order:
        found in one walk of its container, each element's attributes read once."""
        body = self.body()
        parts: list[html.HtmlElement] = []
        sign_offs: list[html.HtmlElement] = []
        for element in body.iter(etree.Element):
            if element is body:
                continue
            test_id = element.get("data-testid")
            classes = element.get("class")
            marked = classes is not None and _may_mark(classes)
            if (
                test_id is not None
                and (
                    test_id.startswith("paragraph-")
                    or (test_id == "Heading" and element.tag in ("h2", "h3"))
                )
            ) or (marked and _has_body_part_class(element)):
                parts.append(element)
            if (marked and _has_sign_off_class(element)) or (
                test_id == "Body" and element.tag == "p"
            ):
                sign_offs.append(element)
        return parts, sign_offs

    @once
    def body_elements(self) -> list[html.HtmlElement]:
        parts = self.story_lines()[0]
        # A paragraph-N wrapper may hold a p.article-body__paragraph: keep the outer one.
        inside = set(parts)
        outer = [p for p in parts if not any(a in inside for a in p.iterancestors())]
        return without_descendants_of(outer, self.modules())

    @once
    def headline(self) -> str:
        for found in self.tagged("h1"):
            if found.get("data-testid") == "Heading":
                text = text_of(found)
                if text:
                    return text
                break
        return super().headline()

    def byline_element(self) -> html.HtmlElement | None:
        found = self.indexed(
            _BYLINE,
            classes=("article-header__author__", "info-content__author__"),
            test_ids=("AuthorByline",),
        )
        return found[0] if found else None

    def authors(self) -> list[dict[str, str]]:
        byline = self.byline()
        if not byline or _DESK_BYLINE.match(byline):
            return []
        return super().authors()

    def credits_elements(self) -> list[html.HtmlElement]:
        found = without_descendants_of(self.story_lines()[1], self.modules())
        language = self.in_language()
        return [element for element in found if is_credits_line(text_of(element), language)]

    def stamp_element(self) -> html.HtmlElement | None:
        return self.first(
            "//article//time|//*[@data-testid='Body' and contains(@class, 'date-line')]"
        )

    def stamp_text(self, element: html.HtmlElement) -> str:
        """The stamp's date and time, a space between: its spans are printed apart, each a
        part ("March 7, 2024", "7:55 AM UTC"); the reading time ("2 minute read") and the
        update's part ("Updated ... ago") say no publication time."""
        if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
            return text_of(element)
        parts = [text_of(child) for child in element if isinstance(child.tag, str)]
        kept = [
            part
            for part in parts
            if part and not _READING_TIME_RE.match(part) and stamp_label(part) != "updated"
        ]
        return " ".join(kept) or text_of(element)

    @once
    def related_containers(self) -> list[html.HtmlElement]:
        found = modules_headed(self.headings(), _RELATED_TITLES)
        for box in self.indexed(
            "@data-testid='RelatedCoverage' or @data-testid='ReadNext'",
            test_ids=("RelatedCoverage", "ReadNext"),
        ):
            if box not in found and not any(a in found for a in box.iterancestors()):
                found.append(box)
        # In page order (an XPath node set is), without numbering every element of the page.
        return in_page_order(self.ctx.doc, found)

    def headings(self) -> list[html.HtmlElement]:
        """Headings that may title a module (not the page's root element), each once."""
        doc = self.ctx.doc
        found = [*self.tagged("h2", "h3", "h4", "header"), *self.ctx.test_ids.equal("Heading")]
        return [heading for heading in dict.fromkeys(found) if heading is not doc]

    def topic_anchors(self) -> list[html.HtmlElement]:
        # What self.indexed(_TAG_BOXES, ..., tags=("nav",)) finds, the <nav>s from the walk.
        ctx = self.ctx
        candidates = [*ctx.classes.containing("tags-with-label"), *self.tagged("nav")]
        candidates += ctx.test_ids.containing("TagsList")
        boxes = [element for element in candidates if _IS_TAG_BOX(element)]
        return list(_LINKS_IN(ctx.doc, boxes=boxes))

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        cards = self.related_containers() + self.indexed(
            "@data-testid='Video' or " + has_prefix("video-player"),
            classes=("video-player",),
            test_ids=("Video",),
        )
        figures = without_descendants_of(self.article().iter("figure"), cards)
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for figure in figures:
            captions = _CAPTION(figure)
            for img in figure.iter("img"):
                pairs.append((img, captions[0] if captions else None))
        for gallery in self.indexed(
            "@data-testid='PrimaryGalleryWrapper'", test_ids=("PrimaryGalleryWrapper",)
        ):
            captions = _GALLERY_CAPTION(gallery)
            for index, slide in enumerate(_GALLERY_SLIDE(gallery)):
                caption = captions[0] if captions and index == 0 else None
                for img in _IMAGES(slide)[:1]:
                    pairs.append((img, caption))
        return pairs

    def caption_skip_xpath(self) -> str:
        return f".//*[{has_prefix('primary-gallery__pagination')}]"
