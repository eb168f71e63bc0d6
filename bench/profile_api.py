"""Where a triage request's time goes: `triage serve` (1 worker, SQLite in a temporary
directory) runs under py-spy while the same client as bench/api.py sends POST /v1/triage.

    .venv/bin/python bench/profile_api.py [--requests 4000] [--concurrency 16] [--top 25]

Prints the functions with the largest share of the server's samples (the worker and its
audit writer process), by own time (the function was running) and by inclusive time (the
function was on the stack), over the threads that were not idle; `--raw FILE` keeps
py-spy's collapsed stacks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import run  # noqa: E402
from tests.http.server import free_port, make_key  # noqa: E402

IDLE = ("select (selectors.py", "wait (threading.py", "_worker (concurrent", "sleep", "poll (")
# Samples of the server at work: its event loop, the audit writer (its own process, with
# py-spy's --subprocesses), the thread pool (not start-up, which compiles the rules before
# the event loop runs).
STARTUP = ("Config.load (uvicorn", "lifespan (triage", "startup (", "_find_and_load (")
PARTS = {
    "event loop": "run_forever (",
    "audit writer": "store/sql/writerchild.py",
    "thread pool": "WorkerThread",
}


def summarize(raw: Path, top: int) -> None:
    own: dict[str, Counter[str]] = {part: Counter() for part in PARTS}
    inclusive: Counter[str] = Counter()
    busy: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        part = next((p for p, mark in PARTS.items() if mark in stack), None)
        starting = any(mark in stack for mark in STARTUP)
        if part is None or starting or any(i in frames[-1] for i in IDLE):
            continue  # start-up, or a thread waiting for work
        n = int(count)
        busy[part] += n
        own[part][frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    total = sum(busy.values())
    print(f"{total} busy samples: " + ", ".join(f"{p} {n}" for p, n in busy.most_common()))
    for part, counts in own.items():
        if busy[part]:
            print(f"-- {part}: top {top} by own time (% of its busy samples)")
            for frame, n in counts.most_common(top):
                print(f"{100 * n / busy[part]:5.1f}%  {frame}")
    print(f"-- top {top} by inclusive time (% of all busy samples)")
    for frame, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {frame}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--raw", type=Path, default=None)
    args = ap.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        raw = args.raw or Path(tmp) / "stacks.txt"
        env = {**os.environ, "TRIAGE_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        key = make_key(env, "integration")
        port = free_port()
        spy = subprocess.Popen(
            [str(bin_dir / "py-spy"), "record", "--format", "raw", "--rate", "250",
             "--threads", "--subprocesses", "--nonblocking", "-o", str(raw), "--",
             str(bin_dir / "triage"), "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            headers = {"Authorization": f"Bearer {key}"}
            rate, _ = asyncio.run(run(base, "/v1/triage", headers, args.requests, args.concurrency))
            print(f"{args.requests} requests at concurrency {args.concurrency}: {rate:.0f} req/s")
        finally:
            spy.send_signal(signal.SIGINT)  # py-spy stops its child and writes the stacks
            spy.wait(timeout=60)
        summarize(raw, args.top)


if __name__ == "__main__":
    main()
