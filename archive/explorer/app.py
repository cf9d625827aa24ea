"""The explorer as a WSGI app: ``/`` (articles, filters, search), ``/article/ID``,
``/story?article=ID|topic=T``; every other path goes to the replay app (pywb)."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from archive.explorer.readmodel import ReadModel
from archive.store.files import month_files

from . import pages, queries
from .captures import (
    Capture,
    CaptureIndex,
    file_there,
    missing_file,
    missing_from,
    newest_page,
    redirect_target,
)
from .queries import Filters

log = logging.getLogger("archive.explorer")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Explorer pages run no script at all and load only from this server: a hostile headline
# that slipped through escaping still could not run.
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]
CHECK_EVERY = 2.0  # seconds between checks that the store grew
CATCH_UP_LINES = 5000  # store lines one request reads into the read model, at most
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# A replay: /news/[TIMESTAMP][MODIFIER_/]URL, the timestamp whole, part of one, or none.
_REPLAY_PATH = re.compile(rf"/{pages.COLLECTION}/(?:(\d{{1,14}})?[a-z]{{2}}_/|(\d{{1,14}})/)?(.+)")
MAX_QUERY_CHARACTERS = 200  # of a search; a longer one is refused, never cut
MAX_PAGE = 100_000  # the last page number read; a later one is refused, never taken as it


def on_host_of(page: str, link: str) -> str:
    """``link`` moved to ``page``'s scheme and host: a mirror's archive holds the outlet's
    pages under the mirror's host, while related links are stored under the outlet's."""
    try:
        here, there = urlsplit(page), urlsplit(link)
    except ValueError:  # one urllib cannot split: left as it is
        return link
    return urlunsplit((here.scheme, here.netloc, there.path, there.query, ""))


class Explorer:
    def __init__(self, data: Path, index: Path, replay: WSGIApp | None, model: Path | None = None):
        """`model`: the read model's file, when not the data directory's own (a read-only
        data directory is browsed with a copy kept elsewhere)."""
        self.data = data
        self.model = ReadModel.of(data) if model is None else ReadModel(model)
        self.captures = CaptureIndex(index)
        self.replay = replay
        self._checked = 0.0
        self._topics: list[str] | None = None
        self._sources: list[str] | None = None
        # Catch-ups wait for no writer (a rebuild, a crawl's catch-up): the server answers
        # one request at a time, and serves what the model holds meanwhile.
        self.model.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.model.catch_up(month_files(data / "articles"))
        except sqlite3.OperationalError as exc:  # another unusable read model stops the start
            if not _locked(exc):
                raise
            log.warning("the read model is being written; serving what it holds: %s", exc)
        self._checked = time.monotonic()
        self.db = queries.connect(self.model.path)
        self._version = self._data_version()

    def refresh(self) -> None:
        """Catch the read model up with the store, at most every few seconds and by at most
        :data:`CATCH_UP_LINES` lines (the next requests read on)."""
        now = time.monotonic()
        if now - self._checked < CHECK_EVERY:
            return
        self._checked = now
        files = month_files(self.data / "articles")
        try:
            if self.model.stale(files):
                self.model.catch_up(files, limit=CATCH_UP_LINES)
        except sqlite3.OperationalError as exc:  # a writer holds it: serve what there is
            log.warning("the read model was not caught up: %s", exc)
        # Lines read by this catch-up or another process's (a crawl's at its end, a
        # rebuild) may bring topics and outlets: the menus are read again.
        version = self._data_version()
        if version != self._version:
            self._version = version
            self._topics = self._sources = None

    def _data_version(self) -> int:
        """SQLite's count of the read model's changes made through other connections."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def topics(self) -> list[str]:
        if self._topics is None:
            self._topics = queries.topics(self.db)
        return self._topics

    def sources(self) -> list[str]:
        if self._sources is None:
            self._sources = queries.sources(self.db)
        return self._sources

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = _utf8(environ.get("PATH_INFO", "/") or "/")
        query = _utf8(environ.get("QUERY_STRING", ""))
        params = {k: v[0] for k, v in parse_qs(query, errors="replace").items()}
        own = _own(path)
        if path != "/" and path.endswith("/") and _own(path.rstrip("/")):
            # A page's one address: /story/ and /article/ID/ name /story and /article/ID.
            location = quote(path.rstrip("/"), safe="/")
            if query:
                location += "?" + quote(query, safe="!#$%&'()*+,/:;=?@[]~")
            start_response(
                "301 Moved Permanently",
                [("Location", location), ("Content-Length", "0"), *SECURITY_HEADERS],
            )
            return []
        if own and environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):  # it reads
            body = pages.message("Method not allowed", "The explorer only reads.")
            start_response(
                "405 Method Not Allowed",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Allow", "GET, HEAD"),
                    *SECURITY_HEADERS,
                ],
            )
            return [body]
        try:
            if own:
                self.refresh()  # new store lines first, whichever page is asked for
            if path in ("/", "/index.html"):
                try:
                    filters = self.filters(params)
                except ValueError as exc:
                    return self._send(
                        start_response, "400 Bad Request", pages.message("Bad request", str(exc))
                    )
                return self._send(start_response, "200 OK", self.start(filters))
            if path.startswith("/article/"):
                found = self.article(path[len("/article/") :])  # decoded by the server
                if found is not None:
                    return self._send(start_response, "200 OK", found)
                return self._send(
                    start_response, "404 Not Found", pages.message("Not found", "No such article.")
                )
            if path == "/story":
                found = self.story(params)
                if found is not None:
                    return self._send(start_response, "200 OK", found)
                return self._send(
                    start_response,
                    "404 Not Found",
                    pages.message("Not found", "No stored article for this story."),
                )
        except sqlite3.Error as exc:
            log.error("explorer query failed: %s", exc)
            return self._send(
                start_response,
                "503 Service Unavailable",
                pages.message("Unavailable", "The read model could not answer; try again."),
            )
        gone = self.missing_capture(path, query)
        if gone is not None:
            return self._send(
                start_response,
                "404 Not Found",
                pages.message("Not replayable", f"This capture is {pages.not_replayable(gone)}."),
            )
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            # pywb answers it with a Content-Length and no body: a client waits for ever.
            start_response("204 No Content", [("Allow", "GET, HEAD, POST"), *SECURITY_HEADERS])
            return []
        if self.replay is not None:
            return self.replay(environ, start_response)
        return self._send(
            start_response, "404 Not Found", pages.message("Not found", "No such page.")
        )

    @staticmethod
    def _send(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
        start_response(
            status,
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                *SECURITY_HEADERS,
            ],
        )
        return [body]

    @staticmethod
    def filters(params: dict[str, str]) -> Filters:
        """The start page's filters from its query; ValueError, saying why, for a date or
        page number that is none, or a search longer than the explorer reads (never a part
        of it silently)."""
        number = params.get("page", "1").strip()
        if not (
            number.isascii() and number.isdigit() and len(number) <= len(str(MAX_PAGE))
        ) or not (1 <= int(number) <= MAX_PAGE):
            raise ValueError(f"page takes a whole number from 1 to {MAX_PAGE}.")
        page = int(number)
        # Control characters are no text to search for, nor to write back into the page
        # (nor part of a topic or an outlet's name).
        asked = params.get("q", "")
        q = " ".join(_CONTROLS.sub(" ", asked).split())
        words = queries.words(q)
        if asked.strip() and not words:  # punctuation only: a search for nothing lists all
            raise ValueError("A search takes words: this one holds none.")
        if len(q) > MAX_QUERY_CHARACTERS or len(words) > queries.MAX_WORDS:
            raise ValueError(
                f"A search takes at most {queries.MAX_WORDS} words and {MAX_QUERY_CHARACTERS}"
                " characters."
            )
        dates = {}
        for name in ("since", "until"):
            value = dates[name] = params.get(name, "").strip()
            if value and not _is_date(value):
                raise ValueError(f"{name} takes a date as YYYY-MM-DD.")
        return Filters(
            q=q,
            source=_CONTROLS.sub("", params.get("source", "")),
            topic=_CONTROLS.sub("", params.get("topic", "")),
            since=dates["since"],
            until=dates["until"],
            page=page,
        )

    def start(self, filters: Filters) -> bytes:
        listing = queries.articles(self.db, filters)
        return pages.start(filters, listing, self.sources(), self.topics())

    def article(self, article_id: str) -> bytes | None:
        row = queries.article(self.db, article_id)
        if row is None:
            return None
        # The newest versions shown, and the one before them, which the oldest is diffed with.
        versions = queries.versions(self.db, article_id, pages.MAX_VERSIONS + 1)
        urls = dict.fromkeys([row["url"], *queries.capture_urls(self.db, article_id)])
        captures = sorted(
            {c for url in urls for c in self.captures.lookup(url)}, key=lambda c: c.timestamp
        )
        present: dict[str, bool] = {}  # WARC file name: whether it is there

        def there(name: str) -> bool:
            if name not in present:
                present[name] = file_there(self.data / "warc", name)
            return present[name]

        # Each capture shown that cannot replay: the WARC file it replays from, missing.
        missing = {c: name for c in captures if (name := missing_from(c, captures, there))}
        out_links = []
        for link in queries.links_out(self.db, article_id, pages.MAX_LINKS):
            every = self.captures.lookup(link["url"]) or self.captures.lookup(
                on_host_of(row["url"], link["url"])
            )
            target = None
            if link["target_id"] is None:
                target = self._through_redirects(every)
            # The newest capture that replays, if one does (a WARC file may be gone).
            lost = {c: name for c in every if (name := missing_from(c, every, there))}
            archived = newest_page([c for c in every if c not in lost]) or newest_page(every)
            if archived in lost:
                missing[archived] = lost[archived]
            out_links.append((link, archived, target))
        return pages.article(
            row,
            queries.authors(self.db, article_id),
            versions,
            queries.version_count(self.db, article_id),
            captures,
            out_links,
            queries.links_in(self.db, article_id, pages.MAX_LINKS),
            missing,
            (
                queries.links_out_count(self.db, article_id),
                queries.links_in_count(self.db, article_id),
            ),
        )

    def missing_capture(self, path: str, query: str) -> str | None:
        """For a replay (``/news/STAMP/URL``) that pywb cannot give, every capture it would
        take lying in a WARC file not there, the name of one such file (pywb answers such a
        replay with its error page, a 503). Those it takes: the captures at STAMP, when it
        names a moment one has; else all of the page's, the nearest first."""
        found = _REPLAY_PATH.fullmatch(path)
        if found is None:
            return None
        stamp = found.group(1) or found.group(2) or ""
        url = found.group(3)
        if query:
            url += "?" + query
        every = self.captures.lookup(url)
        chosen = [c for c in every if c.timestamp == stamp] or every
        missing = [missing_file(self.data / "warc", c, every) for c in chosen]
        if not missing or not all(missing):
            return None
        moment = int(stamp.ljust(14, "0")) if stamp else 10**14
        nearest = min(
            zip(chosen, missing, strict=True),
            key=lambda pair: abs(int(pair[0].timestamp) - moment),
        )
        return nearest[1]

    def _through_redirects(self, captures: list[Capture], hops: int = 3) -> sqlite3.Row | None:
        """The stored article an archived redirect (or a short chain of them) leads to."""
        for _ in range(hops):
            redirect = next((c for c in reversed(captures) if c.kind == "redirect"), None)
            if redirect is None:
                return None
            location = redirect_target(self.data / "warc", redirect)
            if location is None:
                return None
            row = queries.article_at(self.db, location)
            if row is not None:
                return row
            captures = self.captures.lookup(location)
        return None

    def story(self, params: dict[str, str]) -> bytes | None:
        if params.get("article"):
            row = queries.article(self.db, params["article"])
            if row is None:
                return None
            graph = queries.story(self.db, [row["article_id"]])
            named = row["headline"].strip() or pages.NO_HEADLINE
            return pages.story(f"Story around “{named}”", graph)
        if params.get("topic"):
            seeds = queries.topic_seeds(self.db, params["topic"])
            if not seeds:
                return None
            graph = queries.story(self.db, seeds)
            return pages.story(f"Story of the topic “{params['topic']}”", graph)
        return None


def _locked(exc: sqlite3.OperationalError) -> bool:
    """Whether `exc` is another connection's write lock (SQLITE_BUSY)."""
    return "database is locked" in str(exc)


def _own(path: str) -> bool:
    """Whether `path` is one of the explorer's own pages (the rest is replay)."""
    return path in ("/", "/index.html", "/story") or path.startswith("/article/")


def _utf8(text: str) -> str:
    """A WSGI string (its bytes as Latin-1, PEP 3333) read as the UTF-8 it is sent as: a
    path's escapes the server decoded, raw letters of a query a client did not
    percent-encode; bytes that are no UTF-8 as U+FFFD."""
    try:
        return text.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a server that decoded it already
        return text


def _is_date(text: str) -> bool:
    """``YYYY-MM-DD`` naming a day of the calendar (not ISO 8601's other forms)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
