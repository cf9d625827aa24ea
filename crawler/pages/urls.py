"""Canonical URLs and article identity: which hosts are one outlet, which parameters track."""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
import re
from functools import cache, lru_cache
from urllib.parse import SplitResult, quote, unquote_plus, urljoin, urlsplit, urlunsplit

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


def url_error(url: str) -> str | None:
    """Why `url` cannot be read as a URL at all (an unclosed IPv6 bracket, a port out of
    range or not a number), or None. Other schemes (``dns:``, ``mailto:``) are URLs."""
    try:
        urlsplit(url.strip()).port  # noqa: B018 (reading it is the check)
    except ValueError as exc:
        return str(exc)
    return None


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Absolute URL, scheme and host lower-cased, fragment and tracking parameters dropped.

    The path is kept as the page states it (no case folding, no trailing-slash games). A
    string that is no URL (:func:`url_error`) gets an opaque form that every later
    ``urlsplit`` reads: the characters that broke it percent-encoded in its host.
    """
    url = url.strip()
    try:
        return _canonicalize(url, base)
    except ValueError:
        pass
    if base and not url.split("#", 1)[0]:
        url = base  # the page itself, as urljoin gives it
    elif base:
        with contextlib.suppress(ValueError):  # else neither reads: the URL as given
            url = urljoin(base, url)
    return _opaque(url)


def _opaque(url: str) -> str:
    """`url` without its fragment, its host part (after ``//``) lower-cased and its
    brackets and colons percent-encoded."""
    url = url.split("#", 1)[0]
    head, sep, rest = url.partition("//")
    if not sep:
        return quote(url, safe=_OPAQUE_SAFE + ":/?")
    cut = min((i for i in (rest.find(c) for c in "/?") if i >= 0), default=len(rest))
    return f"{head.lower()}//{quote(rest[:cut].lower(), safe=_OPAQUE_SAFE)}{rest[cut:]}"


_OPAQUE_SAFE = "-._~!$&'()*+,;=@%"


def _canonicalize(url: str, base: str | None) -> str:
    if base:
        # A plain href resolves as urljoin would, less what is dropped below anyway.
        plain = (
            _resolve_plain(url, base)
            if len(url) < _PLAIN_LENGTH and len(base) < _PLAIN_LENGTH
            else None
        )
        url = plain or urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port  # each read of it (and of hostname) parses the netloc again
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
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
    mirror = _mirror(page_url, canonical_url)
    if mirror is None:
        return link
    netloc, home = mirror
    target = urlsplit(link)
    if netloc != target.netloc:
        return link
    return urlunsplit((home.scheme, home.netloc, target.path, target.query, ""))


def off_the_mirror(canonical_url: str, page_url: str, source: str | None) -> str:
    """`canonical_url` of a page a mirror served (a host none of the outlet's, such as a
    test server) that names the mirror itself (no canonical link or og:url, or a relative
    one), moved to the outlet's own host, that of its first start point: a mirror's host
    and port never reach an item's identity. Any other canonical URL is returned as it is."""
    outlet = next((o for o in outlets() if o.name == source), None)
    if outlet is None or not outlet.start_points:
        return canonical_url
    page, home = urlsplit(page_url), urlsplit(canonical_url)
    if outlet_of_host(page.hostname) is not None or home.netloc != _netloc(page_url):
        return canonical_url
    own = urlsplit(outlet.start_points[0])
    return urlunsplit((own.scheme, own.netloc, home.path, home.query, ""))


def _netloc(url: str) -> str:
    """The host and port of `url` as its canonical form writes them."""
    return urlsplit(canonicalize_url(url)).netloc


@lru_cache(maxsize=64)
def _mirror(page_url: str, canonical_url: str) -> tuple[str, SplitResult] | None:
    """Where `page_url` is on a mirror: the mirror's canonical host and port, and the parts
    of `canonical_url`; else None (not a mirror, or a canonical URL that names no outlet
    host). The same for each link of a page: found once per page, not once per link."""
    page, home = urlsplit(page_url), urlsplit(canonical_url)
    if outlet_of_host(page.hostname) is not None or outlet_of_host(home.hostname) is None:
        return None
    return urlsplit(canonicalize_url(page_url)).netloc, home


def site_key(canonical_url: str) -> str:
    """The identity of a canonical URL with scheme ignored and an outlet's hosts folded."""
    parts = urlsplit(canonicalize_url(canonical_url) if url_error(canonical_url) else canonical_url)
    host = (parts.hostname or "").lower()
    if parts.port:
        host = f"{host}:{parts.port}"
    site = same_site(parts.hostname) or host.removeprefix("www.")
    path = parts.path or "/"
    return f"{site}{path}" + (f"?{parts.query}" if parts.query else "")


@lru_cache(maxsize=16384)
def dedup_key(url: str) -> str:
    """Two URLs with one key are one page: tracking parameters, fragment, scheme, host alias.

    Remembered: a crawl asks it of each URL about eight times (scheduling, fingerprint,
    history, parsing), and the outlets it reads are fixed for the process."""
    return site_key(canonicalize_url(url))


def same_page_form(key: str) -> str:
    """A dedup key with ``/index.html`` and a trailing slash dropped from its path.

    News sites answer ``.../slug``, ``.../slug/`` and ``.../slug/index.html`` with one page;
    the spiders request only the first form they meet. (The keys themselves stay apart, so
    a redirect from one form to another is still followed.)
    """
    path, mark, query = key.partition("?")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    if path.endswith("/") and path.count("/") > 1:
        path = path.rstrip("/")
    return path + mark + query


# What marks a page's AMP version in its address: an "amp." host ("amp.cnn.com/cnn/..."),
# an "amp" path segment (".../amp/...", ".../slug/amp"), an "amp" query parameter.
_AMP_HOST = "amp."
_AMP_SEGMENT = "amp"
_AMP_QUERY_RE = re.compile(r"(?i)(?:^|&)(?:outputtype=amp|amp(?:=[^&]*)?)(?=&|$)")


def amp_original(url: str) -> str | None:
    """The address of the page `url` is the AMP version of, else None: the "amp." host's
    site (less the folder naming the site it may open its path with, "amp.cnn.com/cnn/"),
    the path less its "amp" segments, the query less its "amp" parameters; None for no
    URL (an unclosed IPv6 bracket, a port out of range)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range raises
    except ValueError:
        return None
    netloc, segments = parts.netloc, parts.path.split("/")
    if netloc.lower().startswith(_AMP_HOST):
        netloc = netloc[len(_AMP_HOST) :]
        if len(segments) > 2 and segments[1].lower() == netloc.split(".")[0].lower():
            del segments[1]
    kept = [segment for segment in segments if segment.lower() != _AMP_SEGMENT]
    query = _AMP_QUERY_RE.sub("", parts.query).lstrip("&")
    if (netloc, kept, query) == (parts.netloc, segments, parts.query):
        return None
    return urlunsplit((parts.scheme, netloc, "/".join(kept), query, ""))


# An old Reuters story's address ends with its id ("/article/us-mali-idUSKBN1FB1XX", under
# a section or a date before 2015); its AMP copy's names the id alone
# ("/article/amp/idUSKBN1FB1XX", "/article/idUSKBN1FB1XX" once the "amp" is left out).
_REUTERS_STORY_RE = re.compile(
    r"^reuters/article/(?:[^/?]+/)*?(?:[^/?]*-)?(id[A-Z]{2}[A-Za-z0-9]{6,})$"
)


def story_form(key: str) -> str:
    """A :func:`same_page_form` key, or for an old Reuters story its id alone: the addresses
    of one story with a slug, under a section, or none (its AMP copy's) have one form."""
    found = _REUTERS_STORY_RE.match(key)
    return f"reuters/article/{found.group(1)}" if found else key


def article_id(canonical_url: str) -> str:
    """Stable id of an article, from its canonical URL alone: ``cnn-1f3a...``."""
    key = site_key(canonical_url)
    host = key.split("/", 1)[0]
    prefix = outlet_of_host(host) or host.split(".")[0].split(":")[0]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    return f"{prefix}-{digest}"


_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

# An href whose resolution needs none of urljoin's cases: an absolute http(s) URL with a
# plain host, or a path from the root; no params (";"), dot segments, spaces or controls.
_PLAIN_HREF_RE = re.compile(
    r"(?P<origin>(?P<scheme>https?)://(?P<netloc>[A-Za-z0-9.-]+(?::[0-9]{1,5})?)(?=[/?#]|$))?"
    r"(?P<path>(?:/(?![/.])[A-Za-z0-9_~%!$&'()*+,=:@.-]*)*)"
    r"(?:\?(?P<query>[!-\"$-~]*))?(?:#[!-~]*)?"
)
# CNN's player of 2008-2014 named its video in a route after "#" ("/video/#/video/world/
# 2013/01/15/x.cnn"), which its server also read after "?" ("/video/?/video/...", the form
# stories linked to): a fragment goes, so the route moves to the query, naming the video.
_VIDEO_ROUTE_RE = re.compile(r"^(?P<head>[^?#]*/video/)#(?=/video/)")
# Any href and base this short resolve to a URL within MAX_URL_LENGTH.
_PLAIN_LENGTH = MAX_URL_LENGTH // 2 - 16


def resolve_link(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL for an href, or None for javascript:, data:, mailto:, junk."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or "\x00" in href:
        return None
    if "#/" in href:  # most hrefs hold none: the pattern is asked of few
        href = _VIDEO_ROUTE_RE.sub(r"\g<head>?", href, count=1)
    if len(href) < _PLAIN_LENGTH and len(base) < _PLAIN_LENGTH:
        plain = _resolve_plain(href, base)
        if plain is not None:
            return plain
    try:
        return _resolve(href, base)
    except ValueError:  # an unclosed IPv6 bracket, a port out of range: junk, as javascript:
        return None


def _resolve_plain(href: str, base: str) -> str | None:
    """:func:`_resolve` of the hrefs most pages hold (an absolute http(s) URL, a path from
    the root), without urljoin's general case; None where the general case must answer."""
    match = _PLAIN_HREF_RE.fullmatch(href)
    if match is None:
        return None
    path, query = match.group("path"), match.group("query")
    scheme, netloc = _origin(base)
    if not netloc:
        return None
    if match.group("origin"):
        scheme, netloc = match.group("scheme"), match.group("netloc")
        if ":" in netloc and not 0 < int(netloc.rsplit(":", 1)[1]) <= 65535:
            return None  # a port no host has: the general case refuses the href
    elif not path:
        return None
    url = f"{scheme}://{netloc}{path}"
    return f"{url}?{query}" if query else url


@lru_cache(maxsize=256)
def _origin(base: str) -> tuple[str, str]:
    """The scheme and host a root path resolves against ("", "" for a page URL that is not
    a plain http(s) one: urljoin's general case reads it)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return "", ""
    netloc = parts.netloc
    if parts.scheme not in ("http", "https") or not _PLAIN_NETLOC_RE.fullmatch(netloc):
        return "", ""
    return parts.scheme, netloc


_PLAIN_NETLOC_RE = re.compile(r"[A-Za-z0-9.-]*[A-Za-z0-9-][A-Za-z0-9.-]*(?::[0-9]{1,5})?")


def _resolve(href: str, base: str) -> str | None:
    """:func:`resolve_link` of a stripped, non-empty href, through urljoin."""
    if _SCHEME_RE.match(href) and not href.lower().startswith(("http:", "https:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.port == 0:
        return None  # (reading the port raises ValueError for one out of range)
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
