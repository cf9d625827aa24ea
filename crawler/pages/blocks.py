"""Bot-block and JS-challenge pages (DataDome, captchas), recognised so they are never stored."""

from __future__ import annotations

import re

_MARKERS = re.compile(
    rb"(captcha-delivery\.com|datadome|please enable js|please enable javascript"
    rb"|are you a robot|access to this page has been denied|px-captcha|cf-chl-)",
    re.IGNORECASE,
)


def is_block_page(status: int, body: bytes) -> bool:
    """True for a challenge page, whatever its status; 401/403 count as blocked too."""
    if status in (401, 403):
        return True
    head = body[:65536]
    return bool(_MARKERS.search(head)) and len(body) < 50_000
