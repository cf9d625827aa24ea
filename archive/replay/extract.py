"""One capture in, one outcome out: the same analysis and item building as the live spider.

The spider calls ``analyse(url, {"Content-Type": ...}, body, status=, source=spider.name)``
and then :func:`crawler.pages.capture.capture_item`; so does :func:`extract`, with the
body decoded from the WARC record and the outlet chosen as described in :func:`choose_source`.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from archive.validate import problems
from archive.warc.encoding import ContentDecodingError
from archive.warc.read.payload import (
    OpenFiles,
    Payload,
    RecordError,
    decode_body,
    read_payload,
)
from archive.warc.read.reader import RecordFacts, last_header
from archive.warc.records import warc_date_problem
from crawler.pages import analyse
from crawler.pages.capture import capture_item
from crawler.pages.outlets import names as outlet_names
from crawler.pages.urls import url_error

from .memo import Analyses, Page, Said
from .plan import Task, confirms_payload


@dataclass
class Outcome:
    """What became of one capture: its page kind, the item if any, or what went wrong."""

    kind: str  # article, listing, not_article, blocked, invalid, problem
    url: str
    item: dict[str, Any] | None = None
    problem: str | None = None
    label: str = ""
    offset: int = 0
    record_id: str = ""  # the capture's WARC-Record-ID, when it gave no item


def choose_source(task: Task, sites: dict[str, str]) -> str | None:
    """The outlet: ``--site`` for the host, else our metadata's spider, else None.

    None lets :func:`crawler.pages.analyse` decide from the host, then from the page itself
    (``og:site_name``, the JSON-LD publisher).
    """
    parts = urlsplit(task.facts.url)
    host = (parts.hostname or "").lower()
    for key in (parts.netloc.lower(), host):
        if key in sites:
            return sites[key]
    return task.spider


def own_payload(facts: RecordFacts, files: OpenFiles) -> Payload:
    """The record's HTTP message: as its scan read it, else read by its offset."""
    found, facts.payload = facts.payload, None  # held once: the capture is extracted once
    if found is None:
        return read_payload(files, facts.source, facts.offset)
    if isinstance(found, RecordError):
        raise RecordError(str(found))
    return found


def extract(
    task: Task,
    sites: dict[str, str],
    files: OpenFiles,
    check: bool = True,
    analyses: Analyses | None = None,
) -> Outcome:
    """The outcome of one capture; with `analyses`, each response's analysis is kept there,
    and a revisit of a payload analysed before takes its analysis from there."""
    facts = task.facts
    date = facts.date
    impossible = warc_date_problem(date)
    if impossible and task.capture_date and not warc_date_problem(task.capture_date):
        # Kept as an archive wrote it; dated, as the crawl dated it, by our metadata record.
        date, impossible = task.capture_date, None
    if impossible:
        return Outcome(
            "problem",
            facts.url,
            problem=f"record refused: {impossible}",
            label=facts.source.label,
            offset=facts.offset,
        )
    unreadable = url_error(facts.url)
    if unreadable:  # no page to name, and no canonical URL or article id to give it
        return Outcome(
            "problem",
            facts.url,
            problem=f"record refused: its WARC-Target-URI {facts.url[:200]!r} is not a URL "
            f"({unreadable})",
            label=facts.source.label,
            offset=facts.offset,
        )
    source = choose_source(task, sites)
    where = (task.payload_source, task.payload_offset)
    revisit = where != (facts.source, facts.offset)
    held = analyses.page(where) if analyses is not None and revisit else None
    said: Said | None = None
    try:
        if revisit:
            # The original (unless analysed before: it was sound then), and the record
            # itself, which must be sound too; its headers win, except a 304's: it
            # confirms the page its original holds, status and all.
            payload = None if held is not None else _original(task, files)
            own = own_payload(facts, files)
            if own.headers and not confirms_payload(facts):
                status, headers = own.status, own.headers
                content_type = last_header(headers, "content-type") or ""
            elif held is not None:
                status, content_type = held.status, held.content_type
            if held is not None and held.same_page(facts, content_type, status, source):
                assert analyses is not None
                said = analyses.said(where)
            else:
                payload = payload or _original(task, files)
                if not own.headers or confirms_payload(facts):
                    status, headers = payload.status, payload.headers
        else:
            payload = own_payload(facts, files)
            status, headers = payload.status, payload.headers
        if said is None:
            assert payload is not None
            body = decode_body(payload.raw, payload.headers)
    except RecordError as exc:
        return Outcome(
            "problem", facts.url, problem=str(exc), label=facts.source.label, offset=facts.offset
        )
    except ContentDecodingError as exc:  # a bomb or a lying encoding, as the live crawl says
        return Outcome(
            "problem",
            facts.url,
            problem=f"{exc.kind}: {exc}",
            label=facts.source.label,
            offset=facts.offset,
        )
    except Exception as exc:  # an undecodable body: reported, never a crash
        return Outcome(
            "problem",
            facts.url,
            problem=f"undecodable payload ({exc})",
            label=facts.source.label,
            offset=facts.offset,
        )
    if said is None:
        content_type = last_header(headers, "content-type") or ""
        analysis = analyse(
            facts.url,
            {"Content-Type": content_type},
            body,
            status=status if status is not None else 200,
            source=source,
        )
        said = Said(analysis.kind, analysis.reason, analysis.article)
        if analyses is not None and not revisit:
            page = Page(facts.url, content_type, status, source, facts.payload_digest)
            analyses.keep(where, page, said)
    if said.article is None:
        return Outcome(said.kind, facts.url, problem=said.reason, record_id=facts.record_id)
    item = capture_item(
        said.article,
        warc_date=date,
        provenance=replace(facts.record_location(), date=date).as_provenance(),
        retrieved_from=task.retrieved_from,
    )
    found = problems(item, outlet_names()) if check else []
    if found:
        return Outcome(
            "invalid",
            facts.url,
            problem="; ".join(found[:3]),
            label=facts.source.label,
            offset=facts.offset,
            record_id=facts.record_id,
        )
    return Outcome("article", facts.url, item=item)


def _original(task: Task, files: OpenFiles) -> Payload:
    """A revisit's payload, read from its original record."""
    return read_payload(
        files, task.payload_source, task.payload_offset, payload_digest=task.facts.payload_digest
    )


# -- worker processes ----------------------------------------------------------------------
_worker_sites: dict[str, str] = {}
_worker_files: OpenFiles | None = None
_worker_check = True


def init_worker(sites: dict[str, str], check: bool = True, parent: int | None = None) -> None:
    global _worker_files, _worker_sites, _worker_check
    _worker_sites = dict(sites)
    _worker_files = OpenFiles()
    _worker_check = check
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int, every: float = 0.5) -> None:
    """End this worker when the replay that started it is gone (even by ``kill -9``):
    its parent then changes. A worker has nothing of its own to save."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def extract_in_worker(task: Task) -> Outcome:
    assert _worker_files is not None
    return extract(task, _worker_sites, _worker_files, _worker_check)
