"""A static HTTP/1.1 server for the test site, with the habits of real news servers.

Each site folder (``cnn``, ``reuters``) is served on its own loopback port. Responses are
gzipped when the client accepts it, chunked where the site's ``_server.json`` says so,
carry an ETag and Last-Modified, and answer conditional requests with 304 (except paths
listed as ``unconditional``). The same file lists redirects and fixed statuses per path.
Files are read on each request, so a test may edit a copy of the site between two crawls.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    "": "text/html; charset=utf-8",
    ".cnn": "text/html; charset=utf-8",
}


class SiteConfig:
    """Per-site behaviour from ``_server.json``: redirects, statuses, chunking, content types."""

    def __init__(self, root: Path):
        path = root / "_server.json"
        data: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
        self.redirects: dict[str, list[Any]] = data.get("redirects", {})
        self.statuses: dict[str, int] = data.get("statuses", {})
        self.chunked: list[str] = data.get("chunked", [])
        self.identity: list[str] = data.get("identity", [])
        self.content_types: dict[str, str] = data.get("content_types", {})
        # Paths that ignore If-None-Match / If-Modified-Since, like many real servers.
        self.unconditional: list[str] = data.get("unconditional", [])
        # Seconds to wait before answering a path: a slow page, for run-time limits.
        self.delays: dict[str, float] = data.get("delays", {})


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsarchive-testsite"
    root: Path
    config: SiteConfig

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        path = urlsplit(self.path).path
        if path in self.config.delays:
            time.sleep(float(self.config.delays[path]))
        if path in self.config.redirects:
            target, status = self.config.redirects[path]
            self.send_response(int(status))
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self.resolve(path)
        if file is None:
            self.send_plain(404, b"<html><body><h1>Not found</h1></body></html>")
            return
        body = file.read_bytes()
        status = int(self.config.statuses.get(path, 200))
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        mtime = file.stat().st_mtime
        conditional = path not in self.config.unconditional
        if status == 200 and conditional and self.not_modified(etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        content_type = self.config.content_types.get(path) or CONTENT_TYPES.get(
            file.suffix, "application/octet-stream"
        )
        self.send_body(status, body, content_type, path, etag=etag, mtime=mtime, head=head)

    def resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        candidate = (self.root / relative).resolve()
        if not str(candidate).startswith(str(self.root.resolve())):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file() and candidate.name != "_server.json":
            return candidate
        return None

    def not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def send_plain(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_body(
        self,
        status: int,
        body: bytes,
        content_type: str,
        path: str,
        *,
        etag: str,
        mtime: float,
        head: bool,
    ) -> None:
        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
        compress = accepts_gzip and not any(path.startswith(p) for p in self.config.identity)
        if compress:
            body = gzip.compress(body, mtime=0)
        chunked = any(path.startswith(p) for p in self.config.chunked)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        self.send_header("Cache-Control", "max-age=60")
        if compress:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        if chunked:
            for start in range(0, len(body), 4096):
                piece = body[start : start + 4096]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


def serve_site(root: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start serving `root` in a thread; the caller reads ``server.server_address``."""
    handler = type("BoundSiteHandler", (SiteHandler,), {"root": root, "config": SiteConfig(root)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
