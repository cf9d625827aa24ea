"""A real pywb on loopback for the tests: a collection made with wb-manager, served until the
context ends."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..conftest import free_port

TOOLS = Path(sys.executable).parent


@contextmanager
def pywb_serving(
    root: Path, collection: str, archives: list[Path], *, unpack_wacz: bool = False
) -> Iterator[str]:
    """pywb serving `archives` (WARC files, or one WACZ with `unpack_wacz`) in `collection`;
    yields the collection's URL."""
    manager = str(TOOLS / "wb-manager")
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run([manager, "init", collection], cwd=root, check=True, capture_output=True)
    add = [manager, "add", *(["--unpack-wacz"] if unpack_wacz else []), collection]
    subprocess.run([*add, *map(str, archives)], cwd=root, check=True, capture_output=True)
    binary = TOOLS / "pywb" if (TOOLS / "pywb").exists() else Path(shutil.which("wayback") or "")
    for attempt in range(3):
        port = free_port()
        process = subprocess.Popen(
            [str(binary), "-p", str(port), "-b", "127.0.0.1"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _listening(process, port):
            break
        # It exited first: another process may have taken the port while pywb started.
        if attempt == 2:
            raise RuntimeError("pywb exited")
    try:
        yield f"http://127.0.0.1:{port}/{collection}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening(process: subprocess.Popen[bytes], port: int) -> bool:
    """Wait until `process` listens on `port` (True) or exits (False)."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            return False
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError("pywb did not start listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)  # polling the port, bounded by the deadline
