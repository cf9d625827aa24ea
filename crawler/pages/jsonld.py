"""JSON-LD read as a news page states itself: which object is its story, who its people are.

A page's JSON-LD objects come flattened from :attr:`crawler.pages.base.PageContext.jsonld`
(``@graph``, arrays, nested ``mainEntity``); these choose among them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from .text import normalize_space

# Structured-data types that are one story (the JSON-LD "@type" values).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
    }
)


def jsonld_types(obj: dict[str, Any]) -> list[str]:
    types = obj.get("@type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def jsonld_story(
    objects: list[dict[str, Any]], url: str = "", titles: Collection[str] = ()
) -> dict[str, Any]:
    """The story object of a page's JSON-LD: an Article type, else one a WebPage holds
    (``mainEntity``: of several, the one at the page's `url`), else a WebPage that
    carries a headline and a body, else one an object of no type wraps (Reuters 2016:
    ``{"@context": ..., "article": {"@type": "NewsArticle", ...}}``) whose headline is
    within one of the page's `titles` (not a section front's featured story)."""
    for obj in objects:
        if ARTICLE_TYPES.intersection(jsonld_types(obj)):
            return obj
    for obj in objects:
        entity = obj.get("mainEntity") or obj.get("mainEntityOfPage")
        candidates = entity if isinstance(entity, list) else [entity]
        stories = [
            c
            for c in candidates
            if isinstance(c, dict) and ARTICLE_TYPES.intersection(jsonld_types(c))
        ]
        if len(stories) > 1:  # a collection (a section front) lists its stories...
            stories = [c for c in stories if url and _same_page(c.get("url") or c.get("@id"), url)]
        if len(stories) == 1:  # ...unless one of them is the page's
            return stories[0]
    for obj in objects:
        if "WebPage" in jsonld_types(obj) and obj.get("headline") and obj.get("articleBody"):
            return obj
    for obj in objects:  # an object of no type holding the story under a key of its own
        if not jsonld_types(obj):
            held = [v for v in obj.values() if isinstance(v, dict)]
            stories = [v for v in held if ARTICLE_TYPES.intersection(jsonld_types(v))]
            if len(stories) == 1 and _titled(stories[0], titles):
                return stories[0]
    return {}


def _titled(story: dict[str, Any], titles: Collection[str]) -> bool:
    """Whether `story`'s headline is within one of `titles` (case aside)."""
    headline = story.get("headline")
    if not isinstance(headline, str) or not normalize_space(headline):
        return False
    key = normalize_space(headline).casefold()
    return any(key in normalize_space(title).casefold() for title in titles)


# schema.org's types of organisations not named "...Organization".
_ORGANISATION_TYPES = frozenset({"Corporation", "NGO", "Consortium", "Airline", "SportsTeam"})


def is_organisation_type(name: str) -> bool:
    """Whether a JSON-LD ``@type`` is an organisation (``NewsMediaOrganization`` and every
    other subtype of ``Organization``), not a person."""
    return name.endswith("Organization") or name in _ORGANISATION_TYPES


def _same_page(stated: Any, url: str) -> bool:
    """Whether a JSON-LD ``url`` names the page at `url` (scheme, "www." and a final
    slash aside)."""
    if not isinstance(stated, str):
        return False

    def key(value: str) -> str:
        parts = urlsplit(value.strip())
        host = (parts.hostname or "").removeprefix("www.")
        return f"{host}{parts.path.rstrip('/')}"

    return key(stated) == key(url)


def jsonld_people(value: Any, nodes: Mapping[str, dict[str, Any]] | None = None) -> list[str]:
    """Names of JSON-LD ``author`` values: strings, Person objects, lists of either; an
    object that is only a reference (``{"@id": ...}``) read from the node of that id."""
    names: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict) and "name" not in entry and nodes:
            entry = nodes.get(str(entry.get("@id")), entry)
        if isinstance(entry, str):
            name = normalize_space(entry)
        elif isinstance(entry, dict) and not any(map(is_organisation_type, jsonld_types(entry))):
            name = normalize_space(entry.get("name") if isinstance(entry.get("name"), str) else "")
        else:
            name = ""
        if name and name not in names:
            names.append(name)
    return names
