"""Serve the generated site on loopback: nginx when installed, else threaded Python servers.

Each outlet folder gets its own port (the spiders crawl one outlet's host each), gzip on,
as news sites serve. nginx runs in the foreground as our child and is stopped with us.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    charset_types text/html application/xml text/plain;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_types text/html application/xml text/plain;
    gzip_vary on;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
{servers}
}}
"""

NGINX_SERVER = """\
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        location / {{ try_files $uri $uri/ =404; }}
    }}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


class GzipStaticHandler(BaseHTTPRequestHandler):
    """Files from a folder, gzipped when accepted; ``/a/`` serves ``a/index.html``."""

    protocol_version = "HTTP/1.1"
    root: Path
    delay: float = 0.0  # seconds before each answer: a distant server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        if self.delay:
            time.sleep(self.delay)
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        file = (self.root / relative).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not str(file).startswith(str(self.root)) or not file.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = file.read_bytes()
        kind = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(
    folders: dict[str, Path], run_dir: Path, *, use_nginx: bool = True, delay: float = 0.0
) -> Iterator[Any]:
    """Serve each folder on its own loopback port; yields (kind, {name: base URL}).

    `delay` (Python server only) answers each request after that many seconds.
    """
    binary = nginx_binary() if use_nginx and not delay else None
    if binary:
        ports = {name: free_port() for name in folders}
        run_dir.mkdir(parents=True, exist_ok=True)
        servers = "".join(
            NGINX_SERVER.format(port=ports[name], root=folder.resolve())
            for name, folder in folders.items()
        )
        conf = run_dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=run_dir.resolve(), servers=servers), "utf-8")
        process = subprocess.Popen(
            [binary, "-c", str(conf.resolve()), "-p", str(run_dir.resolve())],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for port in ports.values():
                _wait_listening(port, process)
            yield "nginx", {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        finally:
            process.terminate()
            process.wait(timeout=10)
        return
    started = []
    for folder in folders.values():
        handler = type("Bound", (GzipStaticHandler,), {"root": folder.resolve(), "delay": delay})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
    try:
        yield (
            "python",
            {
                name: f"http://127.0.0.1:{s.server_address[1]}"
                for name, s in zip(folders, started, strict=True)
            },
        )
    finally:
        for server in started:
            server.shutdown()
            server.server_close()


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx is not listening on port {port}")
