"""``python -m bench.replay_instructions WARC...``: replay's instructions against its floor.

The replay goal is a share of a floor: warcio's iteration over the WARCs plus a bare lxml
parse of each HTML payload (``bench.offline.bare_replay``). CPU time on a shared or virtual
machine moves more from run to run than one change to replay saves; instructions do not.
This counts, under valgrind's callgrind, the whole process of
``newsarchive replay WARC... --jobs 1 --out FILE`` (start-up included, as the bench times
it) and the floor's loop (its start-up left out, as the bench leaves it out), and prints
both and the share. ``--code OTHER_CHECKOUT`` counts another checkout's replay. The goal
stays stated in CPU time, where the share is lower: libxml2's parse, most of the floor,
does more per instruction than the interpreter.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from .instructions import callgrind, part_counts
from .measure import code_env

REPO = Path(__file__).resolve().parent.parent


def rows(replay: int, floor: int) -> list[str]:
    """Markdown rows: billions of instructions of the floor and of replay, and the share."""
    return [
        "| | instructions (billions) | floor / replay |",
        "|---|---:|---:|",
        f"| floor: warcio iteration + bare lxml parse | {floor / 1e9:.2f} | 100% |",
        f"| replay --jobs 1 --out | {replay / 1e9:.2f} | {100 * floor / replay:.1f}% |",
    ]


def _counted(valgrind: str, folder: Path, command: list[str], code: Path) -> list[int]:
    """Instructions of `command` under callgrind, run with `code` first on its path: one
    count per stretch between ``time.process_time()`` calls, the stretch after the last one
    included."""
    folder.mkdir()
    # Run outside any checkout: ``-m`` puts the working directory first on the path.
    done = callgrind(valgrind, folder, command, code_env(code), cwd=folder.parent)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return part_counts(folder, last=True)


# bare_replay reads the CPU clock before its loop (after its imports) and after it: the
# second of its three stretches is the floor, as the bench times it.
_FLOOR = (
    "import sys; from pathlib import Path; from bench.offline import bare_replay; "
    "bare_replay([Path(p) for p in sys.argv[1:]])"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replay_instructions", description=__doc__
    )
    parser.add_argument("warcs", type=Path, nargs="+", help="WARC files to replay")
    parser.add_argument(
        "--code", type=Path, help="a checkout whose replay is counted (default: this one)"
    )
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.warcs if not p.is_file()]
    if missing:
        print(f"bench.replay_instructions: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("bench.replay_instructions: valgrind is not installed", file=sys.stderr)
        return 2
    code = (args.code or REPO).resolve()
    warcs = [str(p.resolve()) for p in args.warcs]
    with tempfile.TemporaryDirectory(prefix="bench-replay-instructions-") as scratch:
        try:
            replay = _counted(
                valgrind,
                Path(scratch) / "replay",
                [sys.executable, "-m", "archive", "replay", *warcs, "--jobs", "1",
                 "--out", str(Path(scratch) / "items.jsonl")],
                code,
            )  # fmt: skip
            floor = _counted(
                valgrind, Path(scratch) / "floor", [sys.executable, "-c", _FLOOR, *warcs], REPO
            )
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            print("bench.replay_instructions: a counted run failed", file=sys.stderr)
            return 1
    if len(floor) != 3:
        print(f"bench.replay_instructions: {len(floor)} stretches in the floor's run, not 3",
              file=sys.stderr)  # fmt: skip
        return 1
    print("\n".join(rows(sum(replay), floor[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
