"""``python -m tests.servers.counting``: the test site, counting requests, slow and gated.

Serves the bundled CNN test site on a free loopback port and prints
``{"url": ..., "control": ...}``. Every page answers after ``--delay`` seconds; with
``--gated`` every page but robots.txt and the start pages waits until the test opens the
gate (``GET /__control/open``), so workers can all join a crawl before it can end.
``GET /__control/counts`` gives ``{path: requests}``. Serves until stdin closes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from archive.testsite import SITE_ROOT
from archive.testsite.server import SiteConfig, SiteHandler


class CountingHandler(SiteHandler):
    counts: Counter[str]
    lock: threading.Lock
    gate: threading.Event
    delay: float
    ungated: tuple[str, ...]

    def do_GET(self, head: bool = False) -> None:
        target = urlsplit(self.path)
        if target.path.startswith("/__control/"):
            self.control(target.path.rsplit("/", 1)[1])
            return
        with self.lock:
            self.counts[self.path] += 1
        if target.path not in self.ungated:
            self.gate.wait(60)
        if self.delay:
            time.sleep(self.delay)
        super().do_GET(head=head)

    def control(self, action: str) -> None:
        if action == "open":
            self.gate.set()
        with self.lock:
            body = json.dumps(dict(self.counts)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--gated", action="store_true")
    parser.add_argument("--ungated", action="append", default=["/robots.txt"])
    args = parser.parse_args(argv)
    gate = threading.Event()
    if not args.gated:
        gate.set()
    root = SITE_ROOT / "cnn"
    attributes: dict[str, Any] = {
        "root": root,
        "config": SiteConfig(root),
        "counts": Counter(),
        "lock": threading.Lock(),
        "gate": gate,
        "delay": args.delay,
        "ungated": tuple(args.ungated),
    }
    handler = type("BoundCountingHandler", (CountingHandler,), attributes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(json.dumps({"url": url, "control": f"{url}/__control"}), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
