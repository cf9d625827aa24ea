"""From scanned records to extraction tasks: pairing, revisits and redirect chains.

* A response is paired with our ``metadata`` record (``WARC-Concurrent-To``) for the
  spider that fetched it; responses wait for it in a bounded window, in record order.
* A revisit gets its payload from the response with the same payload digest, found in
  the files being read or, failing that, through a CDXJ index; a 304's, from the
  response it confirms.
* Redirects (3xx with a Location) are followed through the archive; the capture at the
  end of a chain is what yields the item, under its own (final) URL.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from archive.warc.read.captures import Captures
from archive.warc.read.reader import Payload, RecordFacts
from archive.warc.read.sources import Source
from archive.warc.records import is_empty_payload_digest, retrieved_from
from crawler.pages.urls import dedup_key

HTML_TYPES = ("text/html", "application/xhtml+xml", "")
# Statuses besides 2xx the spiders analyse (to count block pages); never articles.
SPIDER_STATUSES = (401, 403, 404, 410, 451)
DEFAULT_WINDOW = 2000
MAX_REDIRECTS = 20
# Payloads read by the scan that waiting captures may hold; past it, a capture's payload is
# dropped and read again by offset when it is extracted (same bytes, same outcome).
PAYLOAD_BUDGET = 64 * 1024 * 1024


@dataclass
class Task:
    """One capture to extract: the record it comes from and where its payload lives."""

    facts: RecordFacts
    payload_source: Source
    payload_offset: int
    spider: str | None = None
    paired: bool = False
    # A capture copied from a web archive (crawl --via): {archive, mementoUrl, retrieved}.
    retrieved_from: dict[str, str] | None = None
    # Where the record's own WARC-Date names no moment, the capture time the crawl used
    # instead (the archive index's), as our metadata record beside it says.
    capture_date: str | None = None


@dataclass
class PlanStats:
    responses: int = 0
    revisits: int = 0
    revisits_resolved: int = 0
    revisits_unresolved: int = 0
    redirects: int = 0
    redirects_followed: int = 0
    redirects_leaving: int = 0
    unresolved_examples: list[str] = field(default_factory=list)


def is_page(facts: RecordFacts) -> bool:
    """A whole HTML capture the spider would analyse (2xx ones may hold an article).

    A truncated record (``WARC-Truncated``) never becomes an article, as in the live crawl;
    a revisit's mark (wget writes ``length`` on each) is of the payload it leaves out by
    design, which its original holds whole. A 304 revisit naming the payload it confirms
    is a capture of that page at its own time (a page can come back to an earlier text).
    """
    if (facts.truncated and facts.rec_type != "revisit") or (
        facts.status is not None
        and not 200 <= facts.status < 300
        and facts.status not in SPIDER_STATUSES
        and not confirms_payload(facts)
    ):
        return False
    if facts.rec_type == "response" and not facts.has_http:
        return False
    mime = (facts.content_type or "").split(";")[0].strip().lower()
    return (facts.content_type is None and facts.rec_type == "revisit") or mime in HTML_TYPES


def confirms_payload(facts: RecordFacts) -> bool:
    """Whether `facts` is a revisit of a 304 that names the capture it confirms (as ours
    do: its payload digest, not an empty body's in any spelling, and
    WARC-Refers-To-Target-URI)."""
    return (
        facts.rec_type == "revisit"
        and facts.status == 304
        and bool(facts.payload_digest)
        and not is_empty_payload_digest(facts.payload_digest)
        and bool(facts.refers_to_url)
    )


class Planner:
    """Feed it scanned records in order; it hands back tasks in record order."""

    def __init__(
        self,
        indexes: Iterable[tuple[Source | None, Path]] = (),
        window: int = DEFAULT_WINDOW,
        payload_budget: int = PAYLOAD_BUDGET,
    ):
        self.captures = Captures(indexes)
        self.window = window
        self.payload_budget = payload_budget
        self.payload_bytes = 0  # of the payloads the captures waiting here hold
        self.stats = PlanStats()
        self.pending: OrderedDict[str, Task] = OrderedDict()
        self.deferred: OrderedDict[str, Task] = OrderedDict()
        self.redirects: dict[str, str] = {}
        self.redirect_records: dict[str, int] = {}
        self.captured: set[bytes] = set()
        self.sources_with_metadata: set[Source] = set()

    # -- feeding -------------------------------------------------------------------------
    def wants_payload(self, facts: RecordFacts) -> bool:
        """Whether a scan should read this record's payload with it: a page, while the
        captures waiting hold less than the budget."""
        return self.payload_bytes < self.payload_budget and is_page(facts)

    def _hold(self, task: Task) -> Task:
        payload = task.facts.payload
        if isinstance(payload, Payload):
            if self.payload_bytes + len(payload.raw) > self.payload_budget:
                task.facts.payload = None  # read again by offset when extracted
            else:
                self.payload_bytes += len(payload.raw)
        return task

    def _wait(self, waiting: OrderedDict[str, Task], key: str, task: Task) -> None:
        """`task` waits under `key`, in the place of one with the same record id (a merged
        archive's copy), whose payload leaves the budget. A record reusing the id of another
        capture (another URL or payload) waits as well, under a key of its own."""
        replaced = waiting.get(key)
        if replaced is not None:
            if (replaced.facts.url, replaced.facts.payload_digest) != (
                task.facts.url,
                task.facts.payload_digest,
            ):
                key = f"{key} {task.facts.source.label}:{task.facts.offset}"
            else:
                self._let_go(replaced)
        waiting[key] = self._hold(task)

    def _let_go(self, task: Task) -> Task:
        payload = task.facts.payload
        if isinstance(payload, Payload):
            self.payload_bytes -= len(payload.raw)
        return task

    def feed(self, facts: RecordFacts) -> Iterator[Task]:
        if facts.rec_type == "metadata":
            if "spider" in facts.fields:
                self.sources_with_metadata.add(facts.source)
            for record_id in facts.concurrent_to:
                task = self.pending.get(record_id) or self.deferred.get(record_id)
                if task is not None and not task.paired:
                    task.spider = facts.fields.get("spider") or None
                    task.retrieved_from = retrieved_from(facts.fields)
                    if facts.fields.get("warcDateProblem"):
                        task.capture_date = facts.date
                    task.paired = True
            yield from self._release()
            return
        if facts.rec_type == "response":
            self.stats.responses += 1
            self._note_redirect(facts)
        if not is_page(facts):
            return
        if facts.rec_type == "revisit":
            self.stats.revisits += 1  # of pages: the revisits whose payload matters
        self.captured.add(_key_hash(facts.url))
        if facts.rec_type == "response":
            self.captures.add(facts)
            task = Task(facts, facts.source, facts.offset)
        else:
            original = self.captures.original(facts.payload_digest)
            if original is None:
                self._wait(self.deferred, facts.record_id, Task(facts, facts.source, -1))
                return
            self.stats.revisits_resolved += 1
            task = Task(facts, original[0], original[1])
        self._wait(self.pending, facts.record_id or f"{facts.source.label}:{facts.offset}", task)
        yield from self._release()

    def end_of_source(self, source: Source) -> Iterator[Task]:
        """A file is read: captures of files without our metadata need not wait any more."""
        if source in self.sources_with_metadata:
            return
        for task in self.pending.values():
            if task.facts.source == source:
                task.paired = True
        yield from self._release()

    def _release(self) -> Iterator[Task]:
        while self.pending:
            record_id, task = next(iter(self.pending.items()))
            if not task.paired and len(self.pending) <= self.window:
                return
            del self.pending[record_id]
            yield self._let_go(task)

    def finish(self) -> Iterator[Task]:
        """Everything still waiting, then revisits resolved through the CDXJ indexes."""
        while self.pending:
            yield self._let_go(self.pending.popitem(last=False)[1])
        yield from self._resolve_deferred()
        self._count_redirects()

    def _resolve_deferred(self) -> Iterator[Task]:
        if not self.deferred:
            return
        found = self.captures.resolve(t.facts.payload_digest for t in self.deferred.values())
        for task in self.deferred.values():
            self._let_go(task)
            original = found.get(task.facts.payload_digest or "")
            if original is None:
                self.stats.revisits_unresolved += 1
                if len(self.stats.unresolved_examples) < 5:
                    self.stats.unresolved_examples.append(task.facts.url)
                continue
            self.stats.revisits_resolved += 1
            task.payload_source, task.payload_offset = original
            yield task
        self.deferred.clear()

    # -- redirects -----------------------------------------------------------------------
    def _note_redirect(self, facts: RecordFacts) -> None:
        if facts.status is not None and 300 <= facts.status < 400 and facts.location:
            self.stats.redirects += 1
            key = dedup_key(facts.url)
            self.redirects[key] = urljoin(facts.url, facts.location)
            self.redirect_records[key] = self.redirect_records.get(key, 0) + 1

    def final_url(self, url: str) -> str | None:
        """Where a chain of archived redirects starting at `url` ends, None for a loop."""
        seen: set[str] = set()
        for _ in range(MAX_REDIRECTS):
            key = dedup_key(url)
            if key in seen:
                return None
            seen.add(key)
            target = self.redirects.get(key)
            if target is None:
                return url
            url = target
        return None

    def _count_redirects(self) -> None:
        for key, target in self.redirects.items():
            final = self.final_url(target)
            records = self.redirect_records.get(key, 1)
            if final is not None and _key_hash(final) in self.captured:
                self.stats.redirects_followed += records
            else:
                self.stats.redirects_leaving += records


def _key_hash(url: str) -> bytes:
    return hashlib.blake2b(dedup_key(url).encode("utf-8"), digest_size=8).digest()
