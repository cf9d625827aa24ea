"""Which template reads a page: its outlet's templates in their declared order.

The order is the outlet declaration's (``crawler/pages/outlets/<name>.py``), never the
order modules happen to be imported in; a page of no known outlet gets the generic reading.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from .article import ArticlePage
from .base import PageContext
from .generic import GenericArticlePage
from .outlets import by_name


def template_for(ctx: PageContext) -> type[ArticlePage]:
    for template in templates_of(ctx.source):
        if template.matches(ctx):
            return template
    return GenericArticlePage


@cache
def templates_of(source: str | None) -> tuple[type[ArticlePage], ...]:
    """The outlet's template classes in priority order; () for no declared outlet."""
    outlet = by_name(source)
    return tuple(resolve(t) for t in outlet.templates) if outlet else ()


def resolve(template: str | type) -> type[ArticlePage]:
    """A template class from its ``"package.module:Class"`` name (or the class itself)."""
    if isinstance(template, str):
        module, _, name = template.partition(":")
        template = getattr(import_module(module), name)
    if not (isinstance(template, type) and issubclass(template, ArticlePage)):
        raise TypeError(f"{template!r} is not an ArticlePage template")
    return template


@cache
def generic_reader(source: str | None) -> type[GenericArticlePage]:
    """The outlet's generic reading (its last template reading any page of it, minus its
    non-articles), else the generic reader: what reads a page its template could not."""
    for template in reversed(templates_of(source)):
        if issubclass(template, GenericArticlePage):
            return template
    return GenericArticlePage
