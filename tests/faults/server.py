"""A fault-injecting HTTP server on loopback: each path misbehaves the way the test says.

``python -m tests.faults.server SCENARIO.json`` serves every site of the scenario on its own
port, prints one JSON line ``{"site": "http://127.0.0.1:PORT", ...}`` once listening, and
serves until stdin closes. It speaks HTTP/1.1 over raw sockets, one request per connection,
so it can lie, stall, trickle and reset where a well-behaved server library would not.

A scenario is ``{"sites": {NAME: {PATH: ROUTE}}, "log": FILE}``. A ROUTE is a dict:

- ``status`` (200), ``headers`` (a list of ``[name, value]``), and the body from ``body``
  (text), ``body_path`` (a file) or nothing;
- ``length``: ``"auto"`` (the true Content-Length), a number (a lie), or ``null`` (no
  Content-Length: the body ends when the connection closes);
- ``mode``: ``normal``; ``reset_headers`` (half a status line, then a TCP reset);
  ``reset_body`` (headers and half the body, then a reset); ``short`` (half the body, then a
  clean close); ``stall`` (headers, then silence); ``trickle`` (headers, then one byte per
  ``interval`` seconds); ``close`` (accept, read, close without a word).

Paths not listed answer 404. Every request line is appended to the ``log`` file as
``SITE PATH``, so a test can prove a URL was never requested.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

# Every site's base URL, for headers such as ``Location: {other}/page``.
SITE_URLS: dict[str, str] = {}

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many"}


class FaultSite:
    """One listening socket serving one site's routes, a thread per connection."""

    def __init__(self, name: str, routes: dict[str, dict[str, Any]], log: Path | None):
        self.name = name
        self.routes = routes
        self.log = log
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket) -> None:
        try:
            path = read_request_path(conn)
            if path is None:
                return
            if self.log is not None:
                with self.lock, open(self.log, "a", encoding="utf-8") as handle:
                    handle.write(f"{self.name} {path}\n")
            route = self.routes.get(path.split("?", 1)[0]) or self.routes.get(path)
            if route is None:
                route = {"status": 404, "body": "<html><body>Not found</body></html>"}
            respond(conn, route)
        except OSError:
            pass  # the client went away; that is its right
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def read_request_path(conn: socket.socket) -> str | None:
    """Read up to the end of the request head; return the request target."""
    data = b""
    conn.settimeout(30)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    request_line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = request_line.split(" ")
    return parts[1] if len(parts) >= 2 else None


def route_body(route: dict[str, Any]) -> bytes:
    if "body_path" in route:
        return Path(route["body_path"]).read_bytes()
    body = route.get("body", "")
    for name, url in SITE_URLS.items():  # "@@other@@" is the other site's base URL
        body = body.replace(f"@@{name}@@", url)
    return body.encode("utf-8")


def head_bytes(route: dict[str, Any], body: bytes) -> bytes:
    status = int(route.get("status", 200))
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    headers = [(str(k), str(v).format_map(SITE_URLS)) for k, v in route.get("headers", [])]
    if not any(k.lower() == "content-type" for k, _ in headers) and status != 304:
        headers.append(("Content-Type", "text/html; charset=utf-8"))
    length = route.get("length", "auto")
    if length == "auto":
        headers.append(("Content-Length", str(len(body))))
    elif length is not None:
        headers.append(("Content-Length", str(length)))
    headers.append(("Connection", "close"))
    lines.extend(f"{k}: {v}" for k, v in headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reset(conn: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN (SO_LINGER on, zero timeout)."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def respond(conn: socket.socket, route: dict[str, Any]) -> None:
    mode = route.get("mode", "normal")
    body = route_body(route)
    head = head_bytes(route, body)
    if mode == "close":
        return
    if mode == "reset_headers":
        conn.sendall(head[: len(head) // 3])
        time.sleep(0.05)
        reset(conn)
        return
    conn.sendall(head)
    if mode == "normal":
        conn.sendall(body)
        conn.shutdown(socket.SHUT_WR)
        drain(conn)
    elif mode == "short":
        conn.sendall(body[: len(body) // 2])
        conn.shutdown(socket.SHUT_WR)
        drain(conn)
    elif mode == "reset_body":
        conn.sendall(body[: len(body) // 2])
        time.sleep(0.05)
        reset(conn)
    elif mode == "stall":
        drain(conn)  # say nothing until the client gives up
    elif mode == "trickle":
        interval = float(route.get("interval", 1.0))
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(interval)
    else:
        raise ValueError(f"unknown mode {mode!r}")


def drain(conn: socket.socket) -> None:
    """Wait until the client closes, so the client, not the server, ends the exchange."""
    conn.settimeout(60)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    scenario = json.loads(Path(args[0]).read_text("utf-8"))
    log = Path(scenario["log"]) if scenario.get("log") else None
    urls = {}
    for name, routes in scenario["sites"].items():
        site = FaultSite(name, routes, log)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        urls[name] = SITE_URLS[name] = site.url
    print(json.dumps(urls), flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin (or kills us)
    return 0


if __name__ == "__main__":
    sys.exit(main())
