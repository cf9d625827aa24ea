"""Serving a handler on a free loopback port, as the test servers' subprocesses do."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def serve_until_stdin_closes(handler: type[BaseHTTPRequestHandler], **said: Any) -> None:
    """Serve `handler` on 127.0.0.1 (a free port), print one JSON line, ``{"url": BASE}`` and
    `said`, once listening (what ``line_server`` waits for), and serve until stdin closes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print(json.dumps({"url": f"http://127.0.0.1:{port}", **said}))
    sys.stdout.flush()
    sys.stdin.read()
    server.shutdown()
