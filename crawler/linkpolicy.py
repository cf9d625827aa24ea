"""What the spiders follow: the outlets' article URL shapes, hop limits, the site's hosts.

Pure functions and one small class, no Scrapy: replay and tests use them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .pages.base import Analysis, Link
from .pages.outlets import by_name, outlets
from .pages.urls import dedup_key, outlet_of_host, without_tracking

MEDIA_PATH_RE = re.compile(
    r"^/(?:videos?|gallery|galleries|pictures?|news/picture|live-news)(?:/|$)"
)
LISTING_PATH_RE = re.compile(r"\.xml(?:\.gz)?$|/(?:rss|feeds?|sitemaps?)(?:/|$)", re.IGNORECASE)


def is_article_url(url: str, source: str | None) -> bool:
    """True when the path has the shape of an article page of the outlet."""
    path = urlsplit(url).path
    if MEDIA_PATH_RE.match(path):
        return False
    outlet = by_name(source)
    patterns = (
        outlet.article_paths if outlet else tuple(p for o in outlets() for p in o.article_paths)
    )
    return any(pattern.match(path) for pattern in patterns)


def is_listing_url(url: str) -> bool:
    """Sitemaps and feeds named in a sitemap index or robots.txt."""
    return bool(LISTING_PATH_RE.search(urlsplit(url).path))


def site_of(url: str) -> str | None:
    """The site a URL is on: its host, with its port unless that is 80 or 443 (a URL without
    a port has its scheme's default, and http and https of one host are one site); None when
    the URL names no host or an impossible port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return host if port in (None, 80, 443) else f"{host}:{port}"


_BARE_HOST_RE = re.compile(r"^[\w.-]+(?::\d+)?(?:[/?#]|$)")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be requested (no http(s) scheme, no host, an impossible port), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # an unclosed IPv6 bracket, a bracketed name
        return f"not a URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not parts.netloc and _BARE_HOST_RE.match(url.strip()):
            return f"not an http(s) URL (did you mean https://{url.strip()}?)"
        return f"not an http(s) URL (scheme {scheme}:)"
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    if port == 0:
        return "its port is not a number from 1 to 65535"
    if not parts.hostname:
        return "it names no host"
    return None


@dataclass(frozen=True)
class FollowRequest:
    """A link the spider should request, with its hop count and why."""

    url: str
    hops: int
    kind: str  # "listing", "related", "inline", "article" (an article listed on a start page)


@dataclass
class LinkPolicy:
    """Decides which of a page's links are followed.

    `site_hosts` are the sites (:func:`site_of`: host, and port unless 80 or 443) that count
    as the outlet's own. In mirror mode
    (`mirror` set to a scheme://host of a test server or mirror), links that point at the
    outlet's real hosts are mapped onto the mirror, and nothing else leaves it.
    Hops count related-coverage links followed from a start article; articles listed on a
    start page (section, sitemap, feed) are start articles themselves (hop 0).
    """

    source: str
    max_hops: int = 2
    site_hosts: frozenset[str] = field(default_factory=frozenset)
    mirror: str | None = None

    def on_site(self, url: str) -> str | None:
        """The URL to request for a link, or None when it leaves the site.

        A site is a host with its port: another port of the same host is another site.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        site = site_of(url)
        if parts.scheme not in ("http", "https") or not host or site is None:
            return None
        url = without_tracking(url)  # one page, requested once, without ?iid=... in its url
        if site in self.site_hosts:
            return url
        # The outlet's real hosts count on their default ports only (host == site).
        if site != host or outlet_of_host(host) != self.source:
            return None
        if self.mirror:
            mirror = urlsplit(self.mirror)
            return urlunsplit((mirror.scheme, mirror.netloc, parts.path, parts.query, ""))
        return url

    def follow(self, analysis: Analysis, hops: int, *, is_start: bool) -> list[FollowRequest]:
        """The requests a page leads to."""
        chosen: list[FollowRequest] = []
        if analysis.kind == "article":
            if hops >= self.max_hops:
                return []
            for link in analysis.links:
                if link.kind in ("related", "inline"):
                    chosen.extend(self._article(link, hops + 1, link.kind))
        elif analysis.kind in ("listing", "not_article") and is_start:
            for link in analysis.links:
                if analysis.kind == "listing" and is_listing_url(link.url):
                    target = self.on_site(link.url)
                    if target:
                        chosen.append(FollowRequest(target, 0, "listing"))
                else:
                    chosen.extend(self._article(link, 0, "article"))
        return _unique(chosen)

    def related(self, analysis: Analysis) -> list[FollowRequest]:
        """An article's related coverage to follow, hop-independent (hops 0): :meth:`from_page`
        places it at any depth, so a page reached again by a shorter path needs no re-parse."""
        return self.follow(analysis, -1, is_start=False) if analysis.kind == "article" else []

    def from_page(self, related: list[FollowRequest], hops: int) -> list[FollowRequest]:
        """The :meth:`related` links of a page at `hops`, one hop further; none at the limit."""
        if hops >= self.max_hops:
            return []
        return [FollowRequest(f.url, hops + 1, f.kind) for f in related]

    def _article(self, link: Link, hops: int, kind: str) -> list[FollowRequest]:
        if not is_article_url(link.url, self.source):
            return []
        target = self.on_site(link.url)
        return [FollowRequest(target, hops, kind)] if target else []


def _unique(requests: Iterable[FollowRequest]) -> list[FollowRequest]:
    seen: set[str] = set()
    out = []
    for request in requests:
        key = dedup_key(request.url)
        if key not in seen:
            seen.add(key)
            out.append(request)
    return out
