"""Local faults: a data directory that cannot be used is refused before anything is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import article_path, crawl, fault_server, hub


@pytest.mark.parametrize("where", ["a-file-in-the-way", "under-a-file"])
def test_unusable_data_directory_refused_before_any_fetch(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    data = blocker if where == "a-file-in-the-way" else blocker / "data"
    with fault_server(tmp_path, {"main": {"/": hub([article_path("x")])}}) as server:
        result = crawl(data, server.url("main", "/"))
        assert server.requested() == []
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "data directory" in lines[0] and "Traceback" not in result.stderr
    assert blocker.read_text() == "not a directory"
