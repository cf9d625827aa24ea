"""Guards on where requests go: the spider's own site, over HTTP(S), never inward.

The link policy decides which links a page leads to; redirects and meta refreshes are the
other way a crawl moves, and they bypass it. ``RedirectGuard`` looks at each redirect before
Scrapy follows it and refuses loops, chains over ``REDIRECT_MAX_TIMES``, other schemes and
other sites. ``RequestGuard`` checks every request before anything (robots.txt included) is
fetched: its URL length, its scheme, its site, and, when the crawl was started on a public
site, that it does not point at a loopback, private or link-local address.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from .keys import ARCHIVE_REQUEST
from .linkpolicy import dedup_key
from .pages.urls import MAX_URL_LENGTH


class Refused(IgnoreRequest):
    """A request a guard will not make; ``newsarchive_kind`` names why in the run report."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.newsarchive_kind = kind


def is_inward_host(host: str | None) -> bool:
    """True for loopback, private, link-local or unspecified addresses and ``localhost``."""
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
        or address.is_multicast
    )


def refusal(url: str, spider: Any, *, public_site: bool, max_length: int) -> Refused | None:
    """Why a request for `url` must not be made, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return Refused("bad_scheme", f"not an HTTP(S) URL: {url[:200]}")
    if len(url) > max_length:
        return Refused("url_too_long", f"URL of {len(url)} characters: {url[:200]}...")
    if public_site and is_inward_host(parts.hostname):
        return Refused("private_address", f"a private address, from a public site: {url}")
    if is_offsite(url, getattr(spider, "policy", None)):
        return Refused("offsite", f"not on the spider's site: {url}")
    return None


def is_offsite(url: str, policy: Any) -> bool:
    """Whether `url` lies outside the site a spider's link policy crawls (None: no policy)."""
    if policy is None:
        return False
    target = policy.on_site(url)
    return target is None or urlsplit(target).netloc != urlsplit(url).netloc


def site_is_public(spider: Any, setting: str) -> bool:
    """Whether the crawl started on a public site (``auto``: no start host is inward)."""
    if setting.lower() in ("true", "1", "yes"):
        return True
    if setting.lower() in ("false", "0", "no"):
        return False
    policy = getattr(spider, "policy", None)
    hosts: frozenset[str] = getattr(policy, "site_hosts", frozenset())
    names = [urlsplit(f"//{h}").hostname for h in hosts]
    return not any(is_inward_host(name) for name in names)


class _Guard:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_length = crawler.settings.getint("NEWSARCHIVE_GUARDS_MAX_URL_LENGTH") or (
            MAX_URL_LENGTH
        )
        self.public_setting = str(crawler.settings.get("NEWSARCHIVE_GUARDS_PUBLIC_SITE"))
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")
        self._public: bool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("NEWSARCHIVE_GUARDS_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    @property
    def public(self) -> bool:
        if self._public is None:
            self._public = site_is_public(self.crawler.spider, self.public_setting)
        return self._public


class RequestGuard(_Guard):
    """Before robots.txt and the download: refuse what the spider must never fetch."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(ARCHIVE_REQUEST):
            return None  # a web archive's index or capture (--via), not the outlet's site
        found = refusal(
            request.url, self.crawler.spider, public_site=self.public, max_length=self.max_length
        )
        if found is not None:
            raise found
        return None


class RedirectGuard(_Guard):
    """Before RedirectMiddleware: refuse loops, long chains, other schemes and other sites."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        if request.meta.get(ARCHIVE_REQUEST):
            return response
        if (
            self.public
            and response.ip_address is not None
            and is_inward_host(str(response.ip_address))
        ):
            raise Refused("private_address", f"{request.url} resolved to {response.ip_address}")
        location = response.headers.get("Location")
        if not (300 <= response.status < 400) or location is None:
            return response
        if request.meta.get("dont_redirect") or response.status not in (301, 302, 303, 307, 308):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if dedup_key(target) in {dedup_key(url) for url in chain}:
            raise Refused("redirect_loop", f"redirect loop: {request.url} -> {target}")
        if len(chain) > self.max_redirects:
            raise Refused(
                "redirect_limit", f"more than {self.max_redirects} redirects from {chain[0]}"
            )
        found = refusal(
            target, self.crawler.spider, public_site=self.public, max_length=self.max_length
        )
        if found is not None:
            kind = {"offsite": "redirect_offsite", "bad_scheme": "redirect_scheme"}.get(
                found.newsarchive_kind, found.newsarchive_kind
            )
            raise Refused(kind, f"redirect from {request.url} refused: {found}")
        return response
