"""``python -m archive.testsite``: serve each site folder on a free loopback port.

Prints one JSON line ``{"cnn": "http://127.0.0.1:PORT", ...}`` once listening, then
serves until stdin closes or the process is terminated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from . import SITE_ROOT
from .server import serve_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.testsite", description=__doc__)
    parser.add_argument("--root", type=Path, default=SITE_ROOT, help="folder of site folders")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    urls = {}
    for site in sorted(p for p in args.root.iterdir() if p.is_dir()):
        server = serve_site(site, args.host)
        host, port = str(server.server_address[0]), int(server.server_address[1])
        urls[site.name] = f"http://{host}:{port}"
    print(json.dumps(urls), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()  # serve until the parent closes our stdin (or kills us)
    return 0


if __name__ == "__main__":
    sys.exit(main())
