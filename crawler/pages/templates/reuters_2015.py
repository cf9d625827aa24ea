"""Reuters 2015-2016: ``span#articleText`` under the header of the 2016 layout.

Between the 2010-2014 page and the ``article-text`` one, the story kept ``span#articleText``
while the header moved to ``div.article-header``: section and stamp ("Thu Sep 17, 2015
6:46pm EDT"), ``div.related-topics`` ("Related: Tech"), the headline, ``div.article-info``
with the location and ``span.byline``. The photo sits in ``div.related-photo-container``.
"""

from __future__ import annotations

from ..base import PageContext
from .reuters_2016 import Reuters2016Page


class Reuters2015Page(Reuters2016Page):
    """Reuters article pages of 2015-2016 (``articleText`` with the ``article-header``)."""

    NAME = "reuters/2015"
    BODY_ID = "articleText"  # span#articleText

    @classmethod
    def matches(cls, ctx: PageContext) -> bool:
        return ctx.has_id(cls.BODY_ID, "span") and ctx.classes.has_value("article-header")
