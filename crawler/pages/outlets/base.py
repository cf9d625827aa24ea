"""What an outlet is to the crawler: one frozen declaration, read by everything that names it."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    """Everything the tree knows about one outlet, declared once in ``outlets/<name>.py``.

    `templates` are tried in the order given, the first whose ``matches`` accepts a page
    reads it; the last one is the fallback and should accept any page of the outlet. A
    template is named ``"package.module:Class"`` (imported when first needed, so the
    modules below the templates can read the declarations) or given as the class itself.
    """

    name: str
    """The ``source`` of its articles, its spider's name, the prefix of its article ids."""
    domains: tuple[str, ...]
    """A host equal to or under one of these belongs to the outlet (``uk.reuters.com``)."""
    same_site_hosts: frozenset[str]
    """Hosts serving one site under the same paths: a story on any of them is one article.
    Other hosts of the outlet's domains (``money.cnn.com``) keep their host in its identity."""
    article_paths: tuple[re.Pattern[str], ...]
    """URL paths of its article pages: only these are followed from listings and articles."""
    start_points: tuple[str, ...]
    """Where a crawl starts by default: sections, news sitemaps, feeds."""
    templates: tuple[str | type, ...]
    """Its page templates in priority order, the fallback last."""
    byline_words: frozenset[str] = frozenset()
    """Lower-case words naming the outlet in a byline ("cnn", "cnni"): never a person."""
    headline_suffixes: tuple[str, ...] = ()
    """What its pages append to a headline in <title> or og:title (" - CNN.com")."""
    site_names: tuple[str, ...] = ()
    """Lower-case words that name it in og:site_name or a JSON-LD publisher: how its pages
    are recognised in another tool's archive, whose host is not the outlet's."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"outlet name {self.name!r}: lower-case letters, digits, '_'")
        # A collection of the right items, not one item where several go (a missing comma
        # makes ("x.test") a string, whose every letter would then be a domain).
        for field, kind in (
            ("domains", str),
            ("same_site_hosts", str),
            ("article_paths", re.Pattern),
            ("start_points", str),
            ("templates", (str, type)),
            ("byline_words", str),
            ("headline_suffixes", str),
            ("site_names", str),
        ):
            value = getattr(self, field)
            if isinstance(value, (str, bytes, re.Pattern)) or not isinstance(
                value, (tuple, list, frozenset, set)
            ):
                raise ValueError(
                    f"outlet {self.name!r}: {field} takes a tuple (or set) of values, not "
                    f"{type(value).__name__} {value!r:.60}"
                )
            wrong = [item for item in value if not isinstance(item, kind)]
            if wrong:
                raise ValueError(f"outlet {self.name!r}: {field} holds {wrong[0]!r:.60}")
        if not self.templates:
            raise ValueError(f"outlet {self.name!r} declares no template")

    def owns_host(self, host: str) -> bool:
        """True for a (lower-case, port-less) host of the outlet's domains."""
        return any(host == d or host.endswith("." + d) for d in self.domains)
