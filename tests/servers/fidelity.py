"""A raw-socket HTTP/1.1 server whose every response byte is scripted, for header fidelity.

``python -m tests.servers.fidelity`` prints ``{"url": "http://127.0.0.1:PORT"}`` once
listening and serves until stdin closes. :data:`RESPONSES` maps each request target to
the exact status line, header lines and body bytes sent, so a test can compare the WARC
records with what went over the wire: repeated ``Set-Cookie``, odd casing, non-ASCII
header bytes, a query string, a 301 chain, a 404, a gzip body, a chunked body, a body
cut short, a status line with no reason phrase.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import sys
import threading
from dataclasses import dataclass

PAGE = b"<html><head><title>Fidelity</title></head><body><p>Plain page.</p></body></html>"
GZIP_TEXT = b"<html><body><p>" + b"Compressed words repeat. " * 40 + b"</p></body></html>"
CHUNKED_TEXT = b"<html><body><p>" + b"Chunked words. " * 30 + b"</p></body></html>"
CHUNKS = [CHUNKED_TEXT[:100], CHUNKED_TEXT[100:350], CHUNKED_TEXT[350:]]


@dataclass(frozen=True)
class Scripted:
    """One response: status line and header lines exactly as sent, then the body."""

    status_line: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes  # the payload (after transfer-decoding)
    chunks: tuple[bytes, ...] = ()  # sent chunked when given
    cut_at: int | None = None  # close the connection after this many body bytes

    def wire(self) -> bytes:
        head = self.status_line + b"\r\n"
        head += b"".join(name + b": " + value + b"\r\n" for name, value in self.headers)
        head += b"\r\n"
        if self.chunks:
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in self.chunks) + b"0\r\n\r\n"
        elif self.cut_at is not None:
            body = self.body[: self.cut_at]
        else:
            body = self.body
        return head + body


def _length(body: bytes) -> tuple[bytes, bytes]:
    return (b"Content-Length", str(len(body)).encode())


_HTML = (b"Content-Type", b"text/html; charset=utf-8")
_NOT_FOUND = b"<html><body><h1>Nothing here</h1></body></html>"
_GZIPPED = gzip.compress(GZIP_TEXT, mtime=0)
_SHORT = b"<html><body><p>" + b"x" * 200 + b"</p></body></html>"

RESPONSES: dict[str, Scripted] = {
    "/robots.txt": Scripted(b"HTTP/1.1 404 Not Found", (_HTML, _length(_NOT_FOUND)), _NOT_FOUND),
    "/headers?a=1&b=two%20words": Scripted(
        b"HTTP/1.1 200 Fine Thank You",
        (
            _HTML,
            (b"Set-Cookie", b"first=1; Path=/"),
            (b"X-ODD-case", b"MiXeD Value"),
            (b"Set-Cookie", b"second=2; Path=/; HttpOnly"),
            (b"x-all-lower", b"yes"),
            (b"X-Latin", b"caf\xe9 cr\xe8me \xff"),
            (b"Set-Cookie", b"third=3"),
            _length(PAGE),
        ),
        PAGE,
    ),
    "/moved-1": Scripted(
        b"HTTP/1.1 301 Moved Permanently",
        ((b"Location", b"/moved-2"), (b"Content-Length", b"0")),
        b"",
    ),
    "/moved-2": Scripted(
        b"HTTP/1.1 301 Moved Permanently",
        ((b"Location", b"/landed"), (b"Content-Length", b"0")),
        b"",
    ),
    "/landed": Scripted(b"HTTP/1.1 200 OK", (_HTML, _length(PAGE)), PAGE),
    "/missing": Scripted(b"HTTP/1.1 404 Not Found", (_HTML, _length(_NOT_FOUND)), _NOT_FOUND),
    "/gzip": Scripted(
        b"HTTP/1.1 200 OK",
        (_HTML, (b"Content-Encoding", b"gzip"), (b"Vary", b"Accept-Encoding"), _length(_GZIPPED)),
        _GZIPPED,
    ),
    "/chunked": Scripted(
        b"HTTP/1.1 200 OK",
        (_HTML, (b"Transfer-Encoding", b"chunked")),
        CHUNKED_TEXT,
        chunks=tuple(CHUNKS),
    ),
    "/short": Scripted(
        b"HTTP/1.1 200 OK",
        (_HTML, _length(_SHORT), (b"Connection", b"close")),
        _SHORT,
        cut_at=60,
    ),
    "/no-phrase": Scripted(b"HTTP/1.1 200", (_HTML, _length(PAGE)), PAGE),
}


def _read_head(conn: socket.socket, buffer: bytes) -> tuple[bytes | None, bytes]:
    while b"\r\n\r\n" not in buffer:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buffer += data
    head, _, rest = buffer.partition(b"\r\n\r\n")
    return head, rest


def _serve(conn: socket.socket) -> None:
    buffer = b""
    with conn:
        while True:
            head, buffer = _read_head(conn, buffer)
            if head is None:
                return
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
            scripted = RESPONSES.get(target) or RESPONSES["/missing"]
            conn.sendall(scripted.wire())
            if scripted.cut_at is not None or (b"Connection", b"close") in scripted.headers:
                return


def serve(host: str = "127.0.0.1") -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    listener.listen(16)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener


def main() -> int:
    listener = serve()
    host, port = listener.getsockname()[:2]
    print(json.dumps({"url": f"http://{host}:{port}"}), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
