"""Bot-block and JS-challenge pages (DataDome, captchas), recognised so they are never stored.

A challenge page is a marker plus next to no readable text: real article pages also load
DataDome's tag script or say "please enable JavaScript" in a ``<noscript>``, and must pass.
The bytes alone can still mistake a story for one (a notice after many inline styles):
:func:`crawler.pages.analyse` asks only about pages no outlet template reads as an article.
"""

from __future__ import annotations

import re

# Phrases and scripts that only challenge pages carry, matched against the lower-cased head
# (a case-sensitive alternation scans ~7x faster than re.IGNORECASE on a 64 KB head).
_MARKERS = re.compile(
    rb"(captcha-delivery\.com|please enable js\b|please enable javascript"
    rb"|are you a robot|access to this page has been denied|px-captcha|cf-chl-"
    rb"|var\s+dd\s*=\s*\{)"
)
_INVISIBLE = re.compile(
    rb"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.IGNORECASE | re.DOTALL
)
_ENTITY = re.compile(rb"&#?\w+;")
# A challenge shows a sentence or two; an article shows paragraphs.
MAX_CHALLENGE_TEXT = 600


def is_block_page(status: int, body: bytes) -> bool:
    """True for a challenge page, whatever its status; 401/403 count as blocked too."""
    if status in (401, 403):
        return True
    if len(body) >= 200_000:
        return False
    head = body[:65536]
    if not has_marker(head.lower()):
        return False
    return len(visible_text(head)) < MAX_CHALLENGE_TEXT


# Each alternative of _MARKERS holds one of these: a head without them all needs no regex.
_LITERALS = (
    b"captcha-delivery.com",
    b"please enable j",
    b"are you a robot",
    b"access to this page has been denied",
    b"px-captcha",
    b"cf-chl-",
)
_DD = re.compile(rb"var\s+dd")


def has_marker(lowered_head: bytes) -> bool:
    """``_MARKERS.search``, ruled out first by substring searches (a regex alternation with
    no common prefix tries every position of the 64 KB head)."""
    if not any(literal in lowered_head for literal in _LITERALS) and not _DD.search(lowered_head):
        return False
    return _MARKERS.search(lowered_head) is not None


def visible_text(markup: bytes) -> bytes:
    """The readable text of a page, roughly: tags, scripts, styles and comments dropped."""
    text = _ENTITY.sub(b" ", _INVISIBLE.sub(b" ", markup))
    return b" ".join(text.split())
