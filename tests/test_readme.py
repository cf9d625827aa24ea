"""The README's quick start stays true: CI runs exactly its test command."""

from __future__ import annotations

import re

from .conftest import REPO


def shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_ci_runs_the_readme_test_command() -> None:
    blocks = shell_blocks((REPO / "README.md").read_text("utf-8"))
    test_command = next(b for b in blocks if "pytest" in b)
    ci_lines = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert test_command in ci_lines


def test_readme_main_job_is_a_default_crawl() -> None:
    blocks = shell_blocks((REPO / "README.md").read_text("utf-8"))
    assert blocks[0].endswith("newsarchive crawl")
