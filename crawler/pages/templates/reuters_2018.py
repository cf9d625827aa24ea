"""Reuters 2018-2020: React pages with CSS-module classes whose hashed suffixes change.

Classes are matched on their stable prefix only: 2018-2019 pages use underscore modules
(``StandardArticleBody_body``, ``BylineBar_byline``, ``ArticleHeader_date``,
``RelatedCoverage_container``, ``Attribution_content``), 2020 pages dash modules
(``ArticleBody-para-*``, ``Paragraph-paragraph-*``, ``Byline-byline-*``,
``RelatedCoverage-container-*``, ``Attribution-attribution-*``). The stamp ("February 10,
2013 / 9:03 AM / 6 years ago") is printed in UTC without a zone.
"""

from __future__ import annotations

import re

from lxml import html

from ..base import PageContext, compiled, once
from ..dates import parse_date
from ..text import class_prefix_xpath as has_prefix
from ..text import text_of
from .reuters_common import (
    ReutersPage,
    class_prefix_test,
    classes_passing,
    outside_modules,
)

_BODY_PREFIXES = ("StandardArticleBody_body", "ArticleBodyWrapper", "ArticleBody-container")
_PARAGRAPH_PREFIXES = ("Paragraph-paragraph", "ArticleBody-para")
# The story's container (a <div>) and, on pages without one, the 2020 paragraphs (<p>s).
_IS_BODY = compiled("self::div[" + " or ".join(has_prefix(p) for p in _BODY_PREFIXES) + "]")
_IS_PARAGRAPH_2020 = compiled(
    "self::p[" + " or ".join(has_prefix(p) for p in _PARAGRAPH_PREFIXES) + "]"
)
# Boxes inside the body that are not story text.
_is_body_module = class_prefix_test(
    "RelatedCoverage",
    "Attribution",
    "StandardArticleBody_trustBadge",
    "TrustBadge",
    "PrimaryAsset",
    "Image_",
    "Image-",
    "Slideshow",
    "Video",
    "MoreCoverage",
    "Factbox",
    "ArticleBody-byline",
    "Byline",
    "AdSlot",
    "Ad-",
    "Ad_",
    "ShareBar",
    "SocialTools",
)
# Figures inside these are card thumbnails or video posters, not editorial photos.
# A slideshow's preview figure ("Slideshow (14 Images)") is a gallery teaser.
_is_not_editorial_box = class_prefix_test("RelatedCoverage", "Video", "Slideshow")
_BYLINE_CLASSES = ("BylineBar_byline", "Byline-byline")
_STAMP_CLASSES = ("ArticleHeader_date", "ArticleHeader-date")
_CREDITS_CLASSES = ("Attribution_content", "Attribution-attribution")
_RELATED_CLASSES = (
    "RelatedCoverage_container",
    "RelatedCoverage_related-coverage-module",
    "RelatedCoverage-container",
)
_has_byline_class = class_prefix_test(*_BYLINE_CLASSES)
_has_stamp_class = class_prefix_test(*_STAMP_CLASSES)
_has_credits_class = class_prefix_test(*_CREDITS_CLASSES)
_has_related_class = class_prefix_test(*_RELATED_CLASSES)


def _is_related_box(element: html.HtmlElement) -> bool:
    return element.tag == "div" and _has_related_class(element)


class Reuters2018Page(ReutersPage):
    """Reuters article pages of 2018-2020 (CSS-module class names)."""

    NAME = "reuters/2018"
    # Not scoped: the header parts come from the class index and the story is walked in
    # Python, so the regions would only filter answers that already lie in them.

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return bool(_bodies(ctx) or _paragraphs_2020(ctx))

    @once
    def body(self) -> html.HtmlElement | None:
        found = _bodies(self.ctx)
        return found[0] if found else None

    @once
    def body_elements(self) -> list[html.HtmlElement]:
        body = self.body()
        if body is None:
            return _paragraphs_2020(self.ctx)
        paragraphs = [e for e in body.iter("p", "h2", "h3") if e is not body]
        return outside_modules(body, paragraphs, _is_body_module)

    # The header's parts and the story's modules, each from the class index: the few
    # elements holding a prefix are tested in Python (class_prefix_test), in page order.
    def byline_element(self) -> html.HtmlElement | None:
        found = classes_passing(self.ctx, _has_byline_class, _BYLINE_CLASSES)
        return found[0] if found else None

    @once
    def stamp_element(self) -> html.HtmlElement | None:
        found = classes_passing(self.ctx, _has_stamp_class, _STAMP_CLASSES)
        return found[0] if found else None

    @once
    def date_published_raw(self) -> str | None:
        """The first publication: JSON-LD ``datePublished`` unless it only repeats the last
        revision (2019-2020 pages state it so), then the header stamp (printed in UTC)."""
        stated = super().date_published_raw()
        modified = self.date_modified_raw()
        element = self.stamp_element()
        stamp = text_of(element) if element is not None else ""
        if stamp and (not stated or stated == modified):
            first, latest = parse_date(stamp), parse_date(stated)
            if first and (not latest or first < latest):
                return stamp
        return stated

    def credits_elements(self) -> list[html.HtmlElement]:
        return classes_passing(self.ctx, _has_credits_class, _CREDITS_CLASSES)

    @once
    def related_containers(self) -> list[html.HtmlElement]:
        return classes_passing(self.ctx, _is_related_box, _RELATED_CLASSES)

    def images(self) -> list[dict[str, object]]:
        # A lazy image's src is a 20-pixel placeholder of the photo; its URL without the width.
        found = super().images()
        for image in found:
            image["url"] = _LAZY_WIDTH_RE.sub("", str(image["url"]))
        return found

    def image_elements(self) -> list[tuple[html.HtmlElement, html.HtmlElement | None]]:
        body = self.body()
        root = body if body is not None else self.ctx.doc
        pairs: list[tuple[html.HtmlElement, html.HtmlElement | None]] = []
        for figure in _FIGURES(root):
            if any(_is_not_editorial_box(box) for box in figure.iterancestors()):
                continue
            # 2019-2020 pages close the <figure> before its <figcaption> (both in Image_container).
            captions = _CAPTIONS(figure)
            for img in figure.iter("img"):
                pairs.append((img, captions[0] if captions else None))
        return pairs


_LAZY_WIDTH_RE = re.compile(r"&w=20$")
_FIGURES = compiled(".//figure")
_CAPTIONS = compiled(".//figcaption|following-sibling::figcaption[1]")


def _bodies(ctx: PageContext) -> list[html.HtmlElement]:
    """The page's ``_BODY`` elements, in page order, found from its class names."""
    return classes_passing(ctx, _IS_BODY, _BODY_PREFIXES)


def _paragraphs_2020(ctx: PageContext) -> list[html.HtmlElement]:
    """The page's ``_PARAGRAPHS_2020`` elements, in page order."""
    return classes_passing(ctx, _IS_PARAGRAPH_2020, _PARAGRAPH_PREFIXES)
