"""An outlet declared in one module (``tests/outlet_example.py``) is crawled, archived,
stored and replayed end to end, with no other edit: everything that names an outlet reads
the declarations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from archive.schema import article_schema

from .conftest import FAST, REPO, cli_env, line_server, read_jsonl, run_cli, store_lines

OUTLET_ENV = {"NEWSARCHIVE_OUTLETS": "tests.outlet_example"}
REAL = "https://www.example-news.test"


def story(slug: str, *, h1: str | None, title: str, related: list[str], byline: str) -> str:
    heading = f"<h1>{h1}</h1>" if h1 else ""
    links = "".join(f'<li><a href="{href}">more</a></li>' for href in related)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}">
<link rel="canonical" href="{REAL}/stories/2024/{slug}.html">
</head><body>
<div class="story">{heading}<p class="author">{byline}</p>
<p>The river rose by two metres overnight, said the harbour office.</p>
<p>Boats were moved inland before dawn; nobody was hurt.</p>
</div><ul class="related">{links}</ul></body></html>"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sites")
    site = root / "example"
    (site / "stories" / "2024").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site / "front.html").write_text(
        '<html><body><a href="/stories/2024/river-rises.html">River</a>'
        '<a href="/about.html">About us</a></body></html>'
    )
    (site / "stories" / "2024" / "river-rises.html").write_text(
        story(
            "river-rises",
            h1="River rises in the harbour town",
            title="River rises :: Example News",
            # The outlet's real host: mapped onto the mirror being crawled.
            related=[f"{REAL}/stories/2024/boats-return.html", "/about.html"],
            byline="By Ann Lee, ExampleWire",
        )
    )
    (site / "stories" / "2024" / "boats-return.html").write_text(
        story(
            "boats-return",
            h1=None,  # the headline then comes from og:title, the outlet's suffix dropped
            title="Boats return to the harbour :: Example News",
            related=[],
            byline="By Bo Lindqvist and Cy Moreau",
        )
    )
    return root


def names(line: dict) -> list[str]:
    return [author["name"] for author in line["authors"]]


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with the example outlet declared."""
    return run_cli(*args, env={**cli_env(), **OUTLET_ENV})


def test_a_declared_outlet_is_crawled_stored_and_replayed(
    example_site: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with line_server("-m", "archive.testsite", "--root", str(example_site)) as urls:
        crawl = run_example(
            "crawl", "example", "--start-url", urls["example"] + "/front.html",
            "--data", str(data), *FAST,
        )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr

    lines = {line["headline"]: line for line in store_lines(data)}
    assert sorted(lines) == ["Boats return to the harbour", "River rises in the harbour town"]
    for line in lines.values():
        jsonschema.validate(line, article_schema())
        assert line["source"] == "example"
        assert line["articleId"].startswith("example-")
        assert line["metadata"]["extractor"] == "example/2024"
    # The outlet's byline word is not a person.
    assert names(lines["River rises in the harbour town"]) == ["Ann Lee"]
    assert names(lines["Boats return to the harbour"]) == ["Bo Lindqvist", "Cy Moreau"]
    (report,) = [json.loads(p.read_text("utf-8")) for p in (data / "runs").glob("*.json")]
    assert report["spiders"] == ["example"]

    # Replay knows the outlet from the pages' canonical links: no --site needed.
    out = tmp_path / "replayed.jsonl"
    replay = run_example("replay", str(data / "warc"), "--out", str(out))
    assert replay.returncode == 0, replay.stderr
    assert sorted(i["headline"] for i in read_jsonl(out)) == sorted(lines)
    assert {i["source"] for i in read_jsonl(out)} == {"example"}
    same = run_example("replay", str(data / "warc"), "--diff", str(data))
    assert same.returncode == 0 and same.stdout == "", same.stderr
    assert " 0 would change" in same.stderr

    listed = run_example("articles", "--data", str(data), "--source", "example")
    assert len(listed.stdout.splitlines()) == 2, listed.stderr


@pytest.mark.parametrize(
    ("modules", "says"),
    [
        ("tests.no_such_outlet", "outlet module tests.no_such_outlet cannot be imported"),
        ("tests.conftest", "tests.conftest declares no OUTLET = Outlet(...)"),
        ("tests.outlet_example,tests.outlet_example", "outlet 'example' is declared twice"),
        # Before, each of these was a traceback and exit 1, on every command.
        (
            "tests.outlets_bad.raises",
            "outlet module tests.outlets_bad.raises cannot be imported: RuntimeError:",
        ),
        (
            "tests.outlets_bad.bare_pattern",
            "outlet module tests.outlets_bad.bare_pattern cannot be imported: ValueError: "
            "outlet 'bare': article_paths",
        ),
        # Before, accepted: CNN's stories on that host took the other outlet's article ids.
        (
            "tests.outlets_bad.cnn_host",
            "outlet 'mirrorsite' (tests.outlets_bad.cnn_host) claims the host edition.cnn.com",
        ),
    ],
)
def test_a_bad_declaration_is_one_line_and_exit_2(modules: str, says: str) -> None:
    result = run_cli(
        "runs", "--data", "nowhere", timeout=60, env={**cli_env(), "NEWSARCHIVE_OUTLETS": modules}
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"newsarchive: {says}") and result.stderr.count("\n") == 1


def test_without_the_declaration_the_outlet_is_unknown() -> None:
    env = {k: v for k, v in cli_env().items() if k != "NEWSARCHIVE_OUTLETS"}
    result = run_cli("crawl", "example", timeout=60, env=env)
    assert result.returncode == 2
    assert "unknown spider 'example' (choose from cnn, reuters)" in result.stderr
    assert os.environ.get("NEWSARCHIVE_OUTLETS") is None


def test_outlets_whose_names_differ_by_an_underscore_each_have_their_spider() -> None:
    """``harbour`` and ``harbour_`` made one spider class name: the second overwrote the
    first, and ``crawl harbour`` was an internal error (exit 70) with no report."""
    env = {
        **cli_env(),
        "NEWSARCHIVE_OUTLETS": "tests.outlets_bad.harbour,tests.outlets_bad.harbour_",
    }
    probe = (
        "from scrapy.spiderloader import SpiderLoader; from scrapy.utils.project import"
        " get_project_settings; print(sorted(SpiderLoader(get_project_settings()).list()))"
    )
    listed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=REPO,
        timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "'harbour'" in listed.stdout and "'harbour_'" in listed.stdout, listed.stdout
