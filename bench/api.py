"""API benchmark: POST /v1/triage against a bare JSON echo on the same app stack.

Starts `triage serve` on 127.0.0.1 (SQLite in a temporary directory, shipped rules, sample
catalog, TRIAGE_BENCH_ECHO=1), then runs an asyncio client at fixed concurrency, a fixed
number of requests per run, alternating triage and echo runs; medians of the repeats.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 16] [--repeats 5]

The last line is: api: triage <N> req/s p99 <P> ms, bare <M> req/s, ratio <N/M>
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.http.server import SAMPLE_CASES, make_key, serve  # noqa: E402


async def run(
    base: str, path: str, headers: dict[str, str], requests: int, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            for i in counter:
                t0 = time.perf_counter()
                r = await client.post(path, json=SAMPLE_CASES[i % len(SAMPLE_CASES)])
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: {r.status_code} {r.text}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return requests / elapsed, latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TRIAGE_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "TRIAGE_BENCH_ECHO": "1"}
        key = make_key(env, "integration")
        headers = {"Authorization": f"Bearer {key}"}
        with serve(env) as base:
            asyncio.run(run(base, "/v1/triage", headers, 200, args.concurrency))  # warm-up
            results: dict[str, Any] = {"triage": ([], []), "bare": ([], [])}
            for _ in range(args.repeats):
                for name, path in (("triage", "/v1/triage"), ("bare", "/v1/_bench/echo")):
                    rate, lat = asyncio.run(
                        run(base, path, headers, args.requests, args.concurrency)
                    )
                    results[name][0].append(rate)
                    results[name][1].extend(lat)
    print(
        f"{args.requests} requests x {args.repeats} repeats at concurrency {args.concurrency}, "
        "medians of repeats (client and server share this machine)"
    )
    for name, (rates, lat) in results.items():
        rate = statistics.median(rates)
        print(
            f"  {name}: {rate:.0f} req/s, p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms"
        )
    n = statistics.median(results["triage"][0])
    m = statistics.median(results["bare"][0])
    p99 = pct(results["triage"][1], 0.99)
    print(f"api: triage {n:.0f} req/s p99 {p99:.1f} ms, bare {m:.0f} req/s, ratio {n / m:.2f}")


if __name__ == "__main__":
    main()
