"""A one-line progress bar for long replays: only on a terminal, silent in cron and pipes."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Records read, pages per second and time left (from bytes read of the total)."""

    def __init__(self, stream: TextIO, total_bytes: int, *, interval: float = 0.2):
        self.stream = stream
        self.enabled = _is_tty(stream)
        self.total_bytes = max(total_bytes, 1)
        self.interval = interval
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.bytes_done = 0
        self.records = 0
        self.pages = 0
        self.drawn = False

    def update(self, *, bytes_done: int | None = None, records: int = 0, pages: int = 0) -> None:
        if bytes_done is not None:
            self.bytes_done = bytes_done
        self.records += records
        self.pages += pages
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last_drawn >= self.interval:
            self.last_drawn = now
            self.draw(now)

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-6)
        fraction = min(self.bytes_done / self.total_bytes, 1.0)
        width = 24
        filled = int(fraction * width)
        bar = "#" * filled + "-" * (width - filled)
        rate = self.pages / elapsed
        if 0 < fraction < 1:
            left = _duration(elapsed * (1 - fraction) / fraction)
        else:
            left = "--:--" if fraction == 0 else "0:00"
        return (
            f"replay [{bar}] {fraction:4.0%} {self.records} records, "
            f"{rate:.1f} pages/s, {left} left"
        )

    def draw(self, now: float | None = None) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Take the bar off its line, so output to the same terminal starts a clean line;
        the next update draws it again."""
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def close(self) -> None:
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
