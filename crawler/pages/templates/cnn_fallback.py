"""CNN pages no dated template knows: the generic reading, minus CNN's non-articles.

CNN redesigns every few years; a story in a new template still gives its item from what
every news page states. Video, gallery, live and section pages are not articles.
"""

from __future__ import annotations

from ..base import PageContext
from ..generic import GenericArticlePage
from .cnn_common import CnnPage


class CnnFallbackPage(GenericArticlePage):
    """Any other CNN page: an article only if it reads as one story."""

    NAME = "cnn/generic"
    SOURCE = "cnn"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return True

    def is_article(self) -> bool:
        if CnnPage.is_non_article_page(self):  # type: ignore[arg-type]
            return False
        return super().is_article()

    def not_article_reason(self) -> str:
        if CnnPage.is_non_article_page(self):  # type: ignore[arg-type]
            return "a video, gallery, live or section page"
        return super().not_article_reason()
