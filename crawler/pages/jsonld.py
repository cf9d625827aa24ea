"""JSON-LD read as a news page states itself: which object is its story, who its people are.

A page's JSON-LD objects come flattened from :attr:`crawler.pages.base.PageContext.jsonld`
(``@graph``, arrays, nested ``mainEntity``); these choose among them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .article import headline_suffixes
from .lines import plain_typography
from .text import normalize_space, strip_suffixes
from .urls import amp_original, dedup_key, resolve_link, same_page_form, story_form

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
    objects: list[dict[str, Any]], pages: Sequence[str] = (), titles: Collection[str] = ()
) -> dict[str, Any]:
    """The story object of a page's JSON-LD, the page's own (:func:`is_own_story`: not that
    of a story a section front lists): an Article type, else one a WebPage holds
    (``mainEntity``: of several, the one at one of the page's `pages`, its address first),
    else a WebPage that carries a headline and a body, else one an object of no type wraps
    (Reuters 2016: ``{"@context": ..., "article": {"@type": "NewsArticle", ...}}``)."""
    articles = [obj for obj in objects if ARTICLE_TYPES.intersection(jsonld_types(obj))]
    found = own_story_of(articles, pages, titles)
    if found is not None:
        return found
    for obj in objects:
        entity = obj.get("mainEntity") or obj.get("mainEntityOfPage")
        candidates = entity if isinstance(entity, list) else [entity]
        stories = [
            c
            for c in candidates
            if isinstance(c, dict) and ARTICLE_TYPES.intersection(jsonld_types(c))
        ]
        if len(stories) > 1:  # a collection (a section front) lists its stories...
            stories = [c for c in stories if _names_page(c, pages)]
        if len(stories) != 1:  # ...unless one of them is the page's
            continue
        # The only one a WebPage that is the page holds, naming no other page, is its own.
        only = _names_page(obj, pages) and not _addresses(stories[0], pages[0] if pages else "")
        if only or is_own_story(stories[0], pages, titles):
            return stories[0]
    for obj in objects:
        page_story = (
            "WebPage" in jsonld_types(obj) and obj.get("headline") and obj.get("articleBody")
        )
        if page_story and is_own_story(obj, pages, titles):
            return obj
    for obj in objects:  # an object of no type holding the story under a key of its own
        if not jsonld_types(obj):
            held = [v for v in obj.values() if isinstance(v, dict)]
            stories = [v for v in held if ARTICLE_TYPES.intersection(jsonld_types(v))]
            if len(stories) == 1 and is_own_story(stories[0], pages, titles):
                return stories[0]
    return {}


def own_story_of(
    stories: Sequence[dict[str, Any]], pages: Sequence[str], titles: Collection[str]
) -> dict[str, Any] | None:
    """Of several `stories`, the page's own: the first naming the page by its address, else
    the first :func:`is_own_story` (a related story's shorter headline may be within the
    page's title), else None."""
    named = next((story for story in stories if _names_page(story, pages)), None)
    if named is not None:
        return named
    return next((story for story in stories if is_own_story(story, pages, titles)), None)


def is_own_story(story: dict[str, Any], pages: Sequence[str], titles: Collection[str]) -> bool:
    """Whether the JSON-LD `story` is the page's own: its ``url``, ``@id`` or
    ``mainEntityOfPage`` names one of `pages` (the page's address first, then its canonical
    URLs), or its headline is within one of the page's `titles`; or, on a page printing no
    title, it names no page. A section front may state a story it lists (its address
    another page's, its headline not the page's)."""
    if _names_page(story, pages) or _titled(story, titles):
        return True
    return not any(titles) and not _addresses(story, pages[0] if pages else "")


def _names_page(story: dict[str, Any], pages: Sequence[str]) -> bool:
    """Whether one of `story`'s addresses is one of `pages`, as a crawl tells pages apart
    (scheme, an outlet's hosts, ``/index.html`` and a final slash aside, an old Reuters
    story by its id), or the AMP version of one: a story stating its AMP page names the
    page that page is a copy of."""
    if not pages:
        return False
    keys = {story_form(same_page_form(dedup_key(page))) for page in pages if page}
    for address in _addresses(story, pages[0]):
        if story_form(same_page_form(dedup_key(address))) in keys:
            return True
        original = amp_original(address) if "amp" in address.lower() else None
        if original and story_form(same_page_form(dedup_key(original))) in keys:
            return True
    return False


def _addresses(story: dict[str, Any], base: str) -> list[str]:
    """The pages `story` names by its ``url``, ``@id`` and ``mainEntityOfPage`` (a string,
    or a WebPage's ``@id`` or ``url``), absolute against `base`; a fragment alone
    (``#article``) names the page it is in, `base`. A blank node (``_:b0``) names none."""
    found = []
    for key in ("url", "@id", "mainEntityOfPage"):
        values = story.get(key)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                value = [value.get("@id"), value.get("url")]
            for stated in value if isinstance(value, list) else [value]:
                if not isinstance(stated, str) or stated.startswith("_:"):
                    continue
                address = base if stated.strip().startswith("#") else resolve_link(stated, base)
                if address:
                    found.append(address)
    return found


def _titled(story: dict[str, Any], titles: Collection[str]) -> bool:
    """Whether `story`'s headline is within one of `titles` (case and typography aside, an
    ellipsis ending it: a site may cut the headline it states, and an outlet's suffix: it
    may state its title tag's " - CNN" form), or opens with a title cut with an ellipsis
    (a site may cut its ``og:title`` or ``<title>`` instead)."""
    headline = story.get("headline")
    if not isinstance(headline, str):
        return False
    headline = strip_suffixes(normalize_space(headline), headline_suffixes())
    key = _title_key(headline)
    if not key:
        return False
    for title in titles:
        plain = plain_typography(normalize_space(title)).casefold()
        if key in plain:
            return True
        stem = _title_key(plain)
        cut = plain.endswith("...") and len(stem.split()) >= _CUT_TITLE_WORDS
        if cut and key.startswith(stem):
            return True
    return False


# A title is cut for being long: one cut to fewer words ("Africa...") tells no story apart.
_CUT_TITLE_WORDS = 4


def _title_key(text: str) -> str:
    """`text` as headlines and titles are compared: plain typography, no case, and no full
    stop or ellipsis ending it."""
    return plain_typography(text).rstrip(". ").casefold()


# schema.org's types of organisations not named "...Organization".
_ORGANISATION_TYPES = frozenset({"Corporation", "NGO", "Consortium", "Airline", "SportsTeam"})


def is_organisation_type(name: str) -> bool:
    """Whether a JSON-LD ``@type`` is an organisation (``NewsMediaOrganization`` and every
    other subtype of ``Organization``), not a person."""
    return name.endswith("Organization") or name in _ORGANISATION_TYPES


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
