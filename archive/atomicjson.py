"""Small JSON files written whole: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path
from typing import Any


def write_json(path: Path, value: Any, *, indent: int | None = None) -> None:
    """Write `value` as JSON (and a newline) to `path` through a temporary file of this
    writer's own, fsynced, then renamed over it: writers racing on one path each rename a
    whole file (the last wins). On an error (a full disk) no temporary file is left."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(value, handle, indent=indent)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
