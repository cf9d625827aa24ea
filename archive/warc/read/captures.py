"""The captures of an archive: which record holds a payload, and a URL's capture at a time.

One index serves replay (:class:`~archive.replay.plan.Planner` resolves revisits through it
while streaming) and ``crawl --from-archive`` (which also asks for the capture of a URL
nearest a moment). A revisit's payload is the response with the same payload digest, in the
files read or, failing that, in their CDXJ indexes. Which URLs are one page is the caller's
rule (`page_key`), so the archive floor knows nothing of extraction.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from pathlib import Path

from .cdxj import originals_by_digest
from .reader import RecordFacts
from .sources import Source
from .timestamps import warc_moment


class Captures:
    """Responses by payload digest; with `page_key` (a URL's page), every capture by page
    (oldest first)."""

    def __init__(
        self,
        indexes: Iterable[tuple[Source | None, Path]] = (),
        *,
        page_key: Callable[[str], str] | None = None,
    ):
        self.indexes = list(indexes)
        self.page_key = page_key
        self.by_url: dict[str, list[tuple[float, RecordFacts]]] | None = (
            {} if page_key is not None else None
        )
        self.digests: dict[str, tuple[Source, int]] = {}

    def add(self, facts: RecordFacts) -> None:
        """Note a response or revisit record (the first response of a payload holds it)."""
        if facts.rec_type == "response" and facts.payload_digest:
            self.digests.setdefault(facts.payload_digest, (facts.source, facts.offset))
        if self.by_url is not None and facts.rec_type in ("response", "revisit"):
            assert self.page_key is not None
            entries = self.by_url.setdefault(self.page_key(facts.url), [])
            bisect.insort(entries, (warc_moment(facts.date), facts), key=lambda e: e[0])

    def original(self, digest: str | None) -> tuple[Source, int] | None:
        """The record (source, offset) holding the payload, among the records added."""
        return self.digests.get(digest or "")

    def resolve(self, digests: Iterable[str | None]) -> dict[str, tuple[Source, int]]:
        """The records holding these payloads, looking in the CDXJ indexes for those not added
        (once per call, streaming each index)."""
        wanted = {d for d in digests if d}
        missing = wanted - set(self.digests)
        if missing and self.indexes:
            self.digests.update(originals_by_digest(self.indexes, missing))
        return {d: self.digests[d] for d in wanted if d in self.digests}

    def nearest(self, url: str, at: float | None) -> RecordFacts | None:
        """The capture of the page nearest to `at` (a POSIX time), the latest for None; of two
        equally near, the later. Needs `page_key`."""
        assert self.by_url is not None and self.page_key is not None, (
            "Captures(page_key=...) answers nearest()"
        )
        entries = self.by_url.get(self.page_key(url))
        if not entries:
            return None
        if at is None:
            return entries[-1][1]
        return min(reversed(entries), key=lambda e: abs(e[0] - at))[1]

    def confirmed(self, revisit: RecordFacts) -> RecordFacts | None:
        """The response record of the page that a revisit of it stands for (a 304's: the
        capture it confirms): the latest before it with its payload digest, else the first
        after it; None when no response of the page holds that payload. Needs `page_key`."""
        assert self.by_url is not None and self.page_key is not None, (
            "Captures(page_key=...) answers confirmed()"
        )
        moment = warc_moment(revisit.date)
        before = after = None
        for when, facts in self.by_url.get(self.page_key(revisit.url), []):
            if facts.rec_type != "response" or facts.payload_digest != revisit.payload_digest:
                continue
            if when <= moment:
                before = facts
            elif after is None:
                after = facts
        return before or after

    def __len__(self) -> int:
        """The pages captured (with `page_key`), else the payloads known."""
        return len(self.by_url) if self.by_url is not None else len(self.digests)
