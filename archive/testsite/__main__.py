"""``python -m archive.testsite``: serve each site folder on a loopback port.

Prints one JSON line ``{"cnn": "http://127.0.0.1:PORT", ...}`` once listening, then serves
until stopped (Ctrl-C, SIGTERM) or, when its stdin is a pipe, until the parent closes it.
``--port P`` serves the first site (in name order) on P, the next on P+1, and so on;
without it each site gets a free port.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from . import SITE_ROOT
from .server import serve_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.testsite", description=__doc__)
    parser.add_argument("--root", type=Path, default=SITE_ROOT, help="folder of site folders")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=0, help="port of the first site, the next on the next port"
    )
    args = parser.parse_args(argv)
    sites = sorted(p for p in args.root.iterdir() if p.is_dir())
    if args.port and not 0 < args.port <= 65536 - len(sites):
        # Each site on the next port: the last one must be a port too.
        parser.error(f"--port takes a number from 1 to {65536 - len(sites)} (0: free ports)")
    if not 0 <= args.port <= 65535:
        parser.error("--port takes a number from 0 to 65535")
    # Stopping is set up before the line that says we listen: a signal sent right after it
    # finds its handler.
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    urls = {}
    for number, site in enumerate(sites):
        try:
            server = serve_site(site, args.host, args.port + number if args.port else 0)
        except OSError as exc:
            print(f"python -m archive.testsite: cannot listen: {exc.strerror}", file=sys.stderr)
            return 2
        host, port = str(server.server_address[0]), int(server.server_address[1])
        urls[site.name] = f"http://{host}:{port}"
    if _stdin_is_a_pipe():
        threading.Thread(target=_until_closed, args=(stopped,), daemon=True).start()
    print(json.dumps(urls), flush=True)
    while not stopped.wait(1.0):
        pass
    return 0


def _stdin_is_a_pipe() -> bool:
    try:
        return stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # no stdin at all
        return False


def _until_closed(stopped: threading.Event, *_: Any) -> None:
    """Read stdin to its end (the parent closed the pipe or died), then stop."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdin.read()
    stopped.set()


if __name__ == "__main__":
    sys.exit(main())
