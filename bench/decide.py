"""Bulk decisions from the command line: `triage decide` on a JSON Lines file.

Writes --cases generated valid cases (a fixed seed; each fact given half the time, 5 % with
a red flag) to a temporary file and runs, as a user would,

    triage decide FILE --catalog catalog/sample.yaml --seed 1 --jobs J

--repeats times, start-up included, output to a file. J is 0 by default (one process per
CPU, the command's default); unless J is 1 the same command also runs with --jobs 1. With
--against DIR (the src/ folder of another checkout, e.g. a git worktree of an older commit)
the command (without --jobs) runs from that code too. The runs alternate, and all must
print the same decisions apart from their ids.

    .venv/bin/python bench/decide.py [--cases 100000] [--repeats 3] [--jobs 0]
        [--against /tmp/old/src]

The last line is:
    decide: <N> lines in <S> s (<R> lines/s)[, against <S0> s, speed-up <S0/S>]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.strategies import random_case  # noqa: E402
from triage.rules.loader import load_rules  # noqa: E402


def command(src: Path, cases: Path, jobs: int | None) -> tuple[list[str], dict[str, str]]:
    """The command line; `jobs` None for a checkout that has no --jobs (one process)."""
    args = [sys.executable, "-c", "from triage.cli import main; main()", "decide", str(cases)]
    args += ["--catalog", str(ROOT / "catalog" / "sample.yaml"), "--seed", "1"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": str(src), "TRIAGE_LOG_LEVEL": "WARNING"}
    return args, env


def timed(args: list[str], env: dict[str, str], out: Path) -> float:
    start = time.perf_counter()
    with out.open("w") as sink:
        subprocess.run(args, env=env, stdout=sink, check=False)
    return time.perf_counter() - start


def without_ids(path: Path) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        row.pop("decision_id", None)
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--against", type=Path, default=None, help="src/ of another checkout")
    args = ap.parse_args()

    rules = load_rules(ROOT / "rules")
    rng = random.Random(99)
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.jsonl"
        cases.write_text(
            "".join(json.dumps(random_case(rng, rules)) + "\n" for _ in range(args.cases))
        )
        runs = {"this": command(ROOT / "src", cases, args.jobs)}
        if args.jobs != 1:
            runs["this, one process"] = command(ROOT / "src", cases, 1)
        if args.against:
            runs["against"] = command(args.against, cases, None)
        seconds: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, (argv, env) in runs.items():
                seconds[name].append(timed(argv, env, Path(tmp) / f"{name}.jsonl"))
        if len(runs) > 1:
            first, *others = (without_ids(Path(tmp) / f"{name}.jsonl") for name in runs)
            same = all(other == first for other in others)
            print(f"same decisions apart from ids: {same}")
            assert same, "the commands decided differently"
    for name, found in seconds.items():
        print(f"  {name}: " + ", ".join(f"{s:.2f} s" for s in found))
    this = statistics.median(seconds["this"])
    line = f"decide: {args.cases} lines in {this:.2f} s ({args.cases / this:,.0f} lines/s)"
    if args.against:
        before = statistics.median(seconds["against"])
        line += f", against {before:.2f} s, speed-up {before / this:.2f}"
    print(line)


if __name__ == "__main__":
    main()
