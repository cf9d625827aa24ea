"""Canonical URLs and article identity: which hosts are one outlet, which parameters track."""

from __future__ import annotations

import hashlib
import posixpath
import re
from functools import cache
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from .outlets import outlets

TRACKING_PARAMS = frozenset(
    {"iid", "cid", "rpc", "hpt", "eref", "on.cnn", "feedtype", "feedname", "soc_src", "soc_trk"}
)

MAX_URL_LENGTH = 2083


def outlet_of_host(host: str | None) -> str | None:
    """ "cnn" for edition.cnn.com, "reuters" for uk.reuters.com (the outlets' ``domains``)."""
    if not host:
        return None
    return _outlet_of_host(host.lower().rstrip(".").split(":")[0])


@cache
def _outlet_of_host(host: str) -> str | None:
    return next((o.name for o in outlets() if o.owns_host(host)), None)


def same_site(host: str | None) -> str | None:
    """The outlet whose one site this host is (its ``same_site_hosts``), else None."""
    if not host:
        return None
    return _same_site_hosts().get(host.lower().rstrip(".").split(":")[0])


@cache
def _same_site_hosts() -> dict[str, str]:
    return {host: o.name for o in outlets() for host in o.same_site_hosts}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Absolute URL, scheme and host lower-cased, fragment and tracking parameters dropped.

    The path is kept as the page states it (no case folding, no trailing-slash games).
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ):
        netloc = f"{host}:{parts.port}"
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def without_tracking(url: str) -> str:
    """`url` as given, less its tracking query parameters and fragment: what a crawl requests,
    so the page's ``url`` (the URL fetched) carries no ``?iid=...``."""
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))


def link_home(link: str, page_url: str, canonical_url: str) -> str:
    """A link of a page served by a mirror (a host that is not the outlet's, such as a test
    server) that points at the mirror itself, moved to the host of the page's canonical URL:
    a mirror's host and port never reach an item. Any other link is returned as it is."""
    page, home, target = urlsplit(page_url), urlsplit(canonical_url), urlsplit(link)
    if outlet_of_host(page.hostname) is not None or outlet_of_host(home.hostname) is None:
        return link  # not a mirror, or a canonical URL that names no outlet host
    if urlsplit(canonicalize_url(page_url)).netloc != target.netloc:
        return link
    return urlunsplit((home.scheme, home.netloc, target.path, target.query, ""))


def site_key(canonical_url: str) -> str:
    """The identity of a canonical URL with scheme ignored and an outlet's hosts folded."""
    parts = urlsplit(canonical_url)
    host = (parts.hostname or "").lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    site = same_site(parts.hostname) or host.removeprefix("www.")
    path = parts.path or "/"
    return f"{site}{path}" + (f"?{parts.query}" if parts.query else "")


def dedup_key(url: str) -> str:
    """Two URLs with one key are one page: tracking parameters, fragment, scheme, host alias."""
    return site_key(canonicalize_url(url))


def article_id(canonical_url: str) -> str:
    """Stable id of an article, from its canonical URL alone: ``cnn-1f3a...``."""
    key = site_key(canonical_url)
    host = key.split("/", 1)[0]
    prefix = outlet_of_host(host) or host.split(".")[0].split(":")[0]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    return f"{prefix}-{digest}"


_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve_link(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL for an href, or None for javascript:, data:, mailto:, junk."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or "\x00" in href:
        return None
    if _SCHEME_RE.match(href) and not href.lower().startswith(("http:", "https:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if len(absolute) > MAX_URL_LENGTH:
        return None
    # Resolve dot segments so "/a/../b" cannot escape anything later on.
    path = parts.path
    if "/." in path:
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        if trailing and not path.endswith("/"):
            path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
