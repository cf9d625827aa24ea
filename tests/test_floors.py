"""Floors that only look down: every import of the tree (function-level ones included)
goes to its own package or to a floor below, and no two packages import each other.

1  extraction   crawler/pages (pure)           the archive  archive/warc (writing, and
                                                            reading back in warc/read:
                                                            sources, records, CDXJ,
                                                            captures), store, schema,
                                                            and the state modules
2  crawling     crawler/ (Scrapy), spiders     reading      archive/replay (replay),
                                                            archive/explorer (the read
                                                            model, browse), archive/export
3  command line archive/cli.py, archive/commands

On floor 1 the two rooms do not import each other: extraction knows no archive, the
archive's formats know no crawler. One captures index, on the archive floor, serves both
replay and ``crawl --from-archive``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The package (or module) each floor holds; the longest matching prefix decides.
FLOORS: dict[str, int] = {
    "crawler.pages": 1,
    "crawler.pages.outlets": 1,
    "crawler.pages.templates": 1,
    "archive": 1,  # the version, data directory, state and format modules at its top
    "archive.warc": 1,
    "archive.warc.read": 1,  # sources, records reader, payloads, CDXJ index, captures
    "archive.store": 1,
    "archive.schema": 1,
    "archive.state": 1,
    "archive.testsite": 1,
    "crawler": 2,
    "crawler.spiders": 2,
    "archive.replay": 2,
    "archive.explorer": 2,
    "archive.export": 2,
    "archive.cli": 3,
    "archive.commands": 3,
    "archive.__main__": 3,
}
ROOMS_OF_FLOOR_1 = ("crawler.pages", "archive")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted([*REPO.glob("crawler/**/*.py"), *REPO.glob("archive/**/*.py")]):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[int, str]]:
    """(line, module) for each import of ours in the module, wherever it stands."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            targets = [
                f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix
                for a in node.names
            ]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in ("crawler", "archive"):
                yield node.lineno, target


def group(module: str) -> str:
    """The package a module counts in: the longest FLOORS prefix it falls under."""
    return max((g for g in FLOORS if module == g or module.startswith(g + ".")), key=len)


def edges() -> list[tuple[str, int, str]]:
    known = modules()
    return [
        (name, line, target)
        for name, path in known.items()
        for line, target in imports(name, path, known)
    ]


def test_every_module_has_a_floor() -> None:
    assert all(group(name) for name in modules())


def test_no_import_runs_upward_or_across_the_ground_floor() -> None:
    wrong = []
    for source, line, target in edges():
        here, there = group(source), group(target)
        if FLOORS[there] > FLOORS[here]:
            wrong.append(
                f"{source}:{line} imports {target} (floor {FLOORS[there]} > {FLOORS[here]})"
            )
        elif FLOORS[here] == FLOORS[there] == 1 and _room(here) != _room(there):
            wrong.append(f"{source}:{line} imports {target} (the other room of floor 1)")
    assert not wrong, "\n".join(wrong)


def test_no_package_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for source, _, target in edges():
        a, b = group(source), group(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    assert not cycles, "package cycles:\n" + "\n".join(sorted(set(cycles)))


def test_replay_and_from_archive_share_the_archive_floors_captures_index() -> None:
    """Replay and ``crawl --from-archive`` import the one captures index from the archive
    floor; no other module defines one."""
    captures = "archive.warc.read.captures"
    assert FLOORS[group(captures)] == 1 and _room(group(captures)) == "archive"
    importers = {group(source) for source, _, target in edges() if target == captures}
    assert {"archive.replay", "crawler"} <= importers, importers
    assert any(
        source == "crawler.fromarchive" and target == captures for source, _, target in edges()
    )
    defined = [
        name
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "Captures"
    ]
    assert defined == [captures], defined


def _room(group_name: str) -> str:
    return next(r for r in ROOMS_OF_FLOOR_1 if group_name == r or group_name.startswith(r + "."))


# Floor 2's two rooms: the crawl may read archives (the store pipeline catches up the
# explorer's read model), never the reverse.
CRAWL_ROOM = ("crawler", "crawler.spiders")
READING_ROOM = ("archive.replay", "archive.explorer", "archive.export")


def test_reading_archives_never_imports_the_crawl() -> None:
    wrong = [
        f"{source}:{line} imports {target}"
        for source, line, target in edges()
        if group(source) in READING_ROOM and group(target) in CRAWL_ROOM
    ]
    assert not wrong, "\n".join(wrong)


def test_extraction_the_archive_and_its_readers_run_without_scrapy() -> None:
    """What docs/floors.md calls pure or offline imports neither Scrapy nor Twisted: replay
    of an archive must not need the crawler's engine."""
    wrong = []
    for name, path in modules().items():
        if FLOORS[group(name)] == 1 or group(name) in READING_ROOM:
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    targets = [node.module or ""]
                else:
                    continue
                wrong += [
                    f"{name}:{node.lineno} imports {t}"
                    for t in targets
                    if t.split(".")[0] in ("scrapy", "twisted", "scrapy_redis")
                ]
    assert not wrong, "\n".join(wrong)
