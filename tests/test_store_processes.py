"""The store shared between processes: two writers, a tailing reader, the lock, a kill."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from archive.store import ArticleStore, StoreLockedError
from archive.store.files import StoreLock, complete_lines

from .conftest import REPO, cli_env, run_cli, store_lines
from .test_store import make_item

WRITER = """
import json, sys
from archive.store import ArticleStore
from tests.test_store import make_item
data, plan, batch = sys.argv[1], json.loads(open(sys.argv[2]).read()), int(sys.argv[3])
store = ArticleStore(data, batch_size=batch, lock_timeout=60)
print("ready", flush=True)
if sys.stdin.readline().strip() != "go":
    sys.exit(1)
statuses = [store.add(make_item(n, body=body, downloaded=when)).status for n, body, when in plan]
if sys.argv[4:] == ["hang"]:
    print("written", flush=True)
    sys.stdin.readline()
store.close()
print(json.dumps(statuses), flush=True)
"""


def start_writer(data: Path, plan: list, batch: int, *extra: str) -> subprocess.Popen[str]:
    plan_file = data / f"plan-{len(list(data.glob('plan-*')))}.json"
    plan_file.write_text(json.dumps(plan))
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(plan_file), str(batch), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cli_env(),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def finish(process: subprocess.Popen[str]) -> list[str]:
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    return json.loads(out.strip().splitlines()[-1])


def test_two_writer_processes_interleave_nothing_and_lose_nothing(tmp_path: Path) -> None:
    when = "2024-05-01T10:00:00Z"
    own_a = [(n, None, when) for n in range(0, 150)]
    own_b = [(n, None, when) for n in range(150, 300)]
    same = [(n, "Shared text.", when) for n in range(1000, 1040)]  # both write the same content
    rival_a = [(n, f"Text A {n}.", when) for n in range(2000, 2020)]  # different content
    rival_b = [(n, f"Text B {n}.", when) for n in range(2000, 2020)]
    a = start_writer(tmp_path, own_a + same + rival_a, 7)
    b = start_writer(tmp_path, same + rival_b + own_b, 5)
    go(a)
    go(b)
    statuses = finish(a) + finish(b)
    lines = store_lines(tmp_path)  # every line parses: nothing interleaved within a line
    assert len(lines) == 150 + 150 + 40 + 2 * 20
    assert statuses.count("unchanged") == 40 and statuses.count("updated") == 20
    versions: dict[str, list[int]] = defaultdict(list)
    for line in lines:
        versions[line["articleId"]].append(line["version"])
    for article, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), article  # no version lost or doubled
    assert sum(len(seen) == 2 for seen in versions.values()) == 20


def test_a_tailing_reader_never_sees_half_a_line(tmp_path: Path) -> None:
    """Long lines (several pages each) read while a writer process appends them."""
    count = 400
    plan = [(n, f"Body {n} " + "x" * (12000 + n), "2024-05-01T10:00:00Z") for n in range(count)]
    writer = start_writer(tmp_path, plan, 9)
    go(writer)
    store = ArticleStore(tmp_path)
    offsets: dict[Path, int] = {}
    seen = 0
    passes = 0
    while True:
        running = writer.poll() is None
        for path in store.files():
            for offset, raw in complete_lines(path, offsets.get(path, 0)):
                line = json.loads(raw)  # a half line would not parse
                n = int(line["articleBody"].split()[1])
                assert line["articleBody"] == plan[n][1]
                assert n == seen
                seen += 1
                offsets[path] = offset + len(raw) + 1
        passes += 1
        api = list(store.iter_articles(all_versions=True))
        assert all(line["articleBody"] == plan[i][1] for i, line in enumerate(api))
        if not running:
            break
    assert finish(writer) == ["new"] * count
    assert seen == count and passes >= 1


def test_a_second_writer_waits_a_bounded_time_then_exits_75(tmp_path: Path) -> None:
    with ArticleStore(tmp_path) as store:
        store.add(make_item(1))
    lock = StoreLock(tmp_path / "articles", timeout=0)
    lock.acquire()
    try:
        result = run_cli("store", "rebuild", "--data", str(tmp_path), "--wait", "0.3")
        assert result.returncode == 75
        message = result.stderr.strip()
        assert "\n" not in message and "Traceback" not in message
        assert message.startswith("newsarchive: the article store")
        assert "being written by another process" in message and "gave up after 0.3s" in message
        with ArticleStore(tmp_path, lock_timeout=0.1) as blocked:
            try:
                blocked.add(make_item(2))
            except StoreLockedError as exc:
                assert "pid" in str(exc)
            else:
                raise AssertionError("the lock did not hold")
    finally:
        lock.release()
    assert run_cli("store", "rebuild", "--data", str(tmp_path)).returncode == 0
    assert len(store_lines(tmp_path)) == 1


def test_a_writer_killed_mid_batch_loses_no_line_and_duplicates_none(tmp_path: Path) -> None:
    plan = [(n, None, "2024-05-01T10:00:00Z") for n in range(30)]
    writer = start_writer(tmp_path, plan, 1000, "hang")  # one batch, never flushed
    go(writer)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "written"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert len(store_lines(tmp_path)) == 30  # every line handed over survived the kill
    with ArticleStore(tmp_path, lock_timeout=5) as store:  # the dead writer's lock is gone
        decisions = store.add_many([make_item(n) for n in range(35)])
    assert [d.status for d in decisions] == ["unchanged"] * 30 + ["new"] * 5
    assert len(store_lines(tmp_path)) == 35
