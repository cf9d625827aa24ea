"""Which template reads a page: each outlet's templates in order, then the generic fallback."""

from __future__ import annotations

from collections.abc import Callable

from .article import ArticlePage
from .base import PageContext
from .generic import GenericArticlePage

# Filled by the template modules below; order matters (the most specific first).
TEMPLATES: dict[str, list[type[ArticlePage]]] = {"cnn": [], "reuters": []}


def register(source: str) -> Callable[[type[ArticlePage]], type[ArticlePage]]:
    """Class decorator adding a template to an outlet's list."""

    def add(cls: type[ArticlePage]) -> type[ArticlePage]:
        TEMPLATES.setdefault(source, []).append(cls)
        return cls

    return add


def template_for(ctx: PageContext) -> type[ArticlePage]:
    for template in TEMPLATES.get(ctx.source or "", []):
        if template.matches(ctx):
            return template
    return GenericArticlePage


def _load_templates() -> None:
    # Imported for their @register side effect.
    from . import templates  # noqa: F401


_load_templates()
