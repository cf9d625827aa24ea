"""Reuters pages no dated template knows: the generic reading, minus the outlet's non-articles.

Section fronts list story cards as ``<article>`` elements and video or picture pages
carry a headline and captions, which the generic reading could mistake for a story.
"""

from __future__ import annotations

from ..base import PageContext
from ..generic import GenericArticlePage
from .reuters_common import non_article_kind

# <article> cards holding text besides their links (a teaser): an "Editor's pick" module's
# cards, all link, stand beside a story too.
_TEASER_CARDS = "//article[.//text()[normalize-space()][not(ancestor::a)]]"


class ReutersFallbackPage(GenericArticlePage):
    """Any other Reuters page: an article only if it looks like one story."""

    NAME = "reuters/generic"
    SOURCE = "reuters"

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return True

    def not_article_reason(self) -> str:
        return non_article_kind(self.canonical_url()) or super().not_article_reason()

    def is_article(self) -> bool:
        if non_article_kind(self.canonical_url()):
            return False
        og_type = (self.ctx.meta("og:type") or "article").lower()
        if og_type != "article":
            return False
        # Several <article> cards with teasers and no structured data: a section front.
        if not self.ld and len(self.xpath(_TEASER_CARDS)) > 1:
            return False
        return super().is_article()
