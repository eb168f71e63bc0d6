"""API benchmark: POST /v1/triage against a bare JSON echo on the same app stack.

Starts `triage serve` on 127.0.0.1 (shipped rules, sample catalog, TRIAGE_BENCH_ECHO=1;
SQLite in a temporary directory, or a fresh schema on PostgreSQL), then runs a client at
fixed concurrency, a fixed number of requests per run, alternating triage and echo runs;
medians of the repeats. The ratio is against the echo through FastAPI's router; a line
before the last two also gives it against an echo from the triage fast path's depth, and
the next one the CPU time per request of the server's worker processes, of their audit
writer processes and of this client (from /proc), for each endpoint. The client keeps
one HTTP/1.1 connection per concurrent caller and does little more than write the request
and read the answer, so that on a shared machine the server, not the client, is what is
measured.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 16] [--repeats 5]
        [--workers 1] [--database sqlite|postgresql] [--client raw|httpx] [--against DIR]
        [--against-catalog FILE]

`--against DIR` also serves the `src/` folder DIR of another checkout (its own database),
and runs its triage and echo endpoints in turn with this one's within each repeat: on a
noisy machine, two commits are only comparable side by side. Its figures come on a line
of their own before the CPU line, with the CPU time both servers spent per triage request,
in all and split into workers and audit writers: less sensitive to the machine's noise
than the rates. `--against-catalog FILE` instead serves this checkout a second time with
that catalog (e.g. the hot cell `bench/hot_cell.py` writes), side by side in the same way.
Both servers are warmed up alike before the first run.

PostgreSQL: TRIAGE_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
The last two lines are:
    api: triage <N> req/s p99 <P> ms, bare <M> req/s, ratio <N/M>
    api-latency: p50 <a> ms, p99 <b> ms at concurrency <c>
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.http.server import (  # noqa: E402
    SAMPLE_CASES,
    SAMPLE_CASES_V2,
    make_key,
    processes,
    serve,
)

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# "bare" is the judge's baseline: a JSON echo through FastAPI's router, as any route of the
# app. The triage route is answered before that router (triage.http.fastpath), so "raw"
# echoes from that same depth too: the ratio against it is what the triage work costs.
ENDPOINTS = {"triage": "/v1/triage", "bare": "/v1/_bench/echo", "raw": "/v1/_bench/raw-echo"}


async def _call(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def run(
    base: str,
    path: str,
    headers: dict[str, str],
    requests: int,
    concurrency: int,
    cases: list[dict[str, object]] = SAMPLE_CASES,
) -> tuple[float, list[float]]:
    """Send `requests` POSTs from `concurrency` callers; (requests per second, latencies)."""
    url = urlsplit(base)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    bodies = [json.dumps(c).encode() for c in cases]
    requests_bytes = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(b)}\r\n{extra}\r\n"
        ).encode()
        + b
        for b in bodies
    ]
    latencies: list[float] = []
    counter = iter(range(requests))

    async def caller() -> None:
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        try:
            for i in counter:
                t0 = time.perf_counter()
                status, body = await _call(reader, writer, requests_bytes[i % len(bodies)])
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    raise RuntimeError(f"{path}: {status} {body[:300]!r}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return requests / (time.perf_counter() - start), latencies


async def run_httpx(
    base: str,
    path: str,
    headers: dict[str, str],
    requests: int,
    concurrency: int,
    cases: list[dict[str, object]] = SAMPLE_CASES,
) -> tuple[float, list[float]]:
    """The same load from httpx's AsyncClient (the client of earlier measurements: it
    takes more of the machine than the server's bare endpoint does)."""
    import httpx

    latencies: list[float] = []
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:

        async def caller() -> None:
            for i in counter:
                t0 = time.perf_counter()
                r = await client.post(path, json=cases[i % len(cases)])
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")

        start = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start), latencies


def cpu_seconds(root: int) -> dict[str, float]:
    """CPU seconds used so far by the server's processes (the worker processes, and their
    audit writer processes apart) and by this client, read from /proc."""
    found = processes()
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, proc in found.items() if proc.parent in tree} - tree
        tree, grew = tree | children, bool(children)
    used = {"workers": 0.0, "audit writers": 0.0}
    for proc in (found[pid] for pid in tree & found.keys()):
        used["audit writers" if b"writerchild" in proc.command else "workers"] += proc.cpu
    times = os.times()
    used["client"] = times.user + times.system
    return used


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@contextmanager
def database(kind: str, tmp: str) -> Iterator[str]:
    """A database URL for one benchmark: a SQLite file, or a PostgreSQL schema of its own
    (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench.db"
        return
    import sqlalchemy as sa

    base = os.environ.get("TRIAGE_BENCH_POSTGRES_URL", PG_DEFAULT)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@contextmanager
def server_at(
    args: argparse.Namespace, env: dict[str, str], processes: list[subprocess.Popen[str]]
) -> Iterator[tuple[str, dict[str, str]]]:
    """A served app on a database of its own, with a key: (its URL, the request headers)."""
    with tempfile.TemporaryDirectory() as tmp, database(args.database, tmp) as url:
        env = {**env, "TRIAGE_DATABASE_URL": url, "TRIAGE_BENCH_ECHO": "1"}
        headers = {"Authorization": f"Bearer {make_key(env, 'integration')}"}
        with serve(env, workers=args.workers, processes=processes) as base:
            yield base, headers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw")
    ap.add_argument("--against", type=Path, default=None, help="another checkout's src/")
    ap.add_argument("--against-catalog", type=Path, default=None, help="a catalog file")
    args = ap.parse_args()
    load = run if args.client == "raw" else run_httpx
    results: dict[str, Any] = {name: ([], []) for name in ENDPOINTS}
    # CPU microseconds per request, by endpoint and part, averaged over the repeats
    cpu: dict[str, dict[str, float]] = {name: {} for name in ENDPOINTS}
    other: dict[str, Any] = {name: ([], []) for name in ("triage", "bare")}
    server: list[subprocess.Popen[str]] = []
    server_there: list[subprocess.Popen[str]] = []
    # the servers' CPU (workers and audit writers) per triage request, here and there
    triage_cpu: dict[str, dict[str, float]] = {"here": {}, "there": {}}

    # a checkout from before routing policy 3 serves its own rules, catalog and v2 cases
    old_rules = args.against.resolve().parent / "rules" if args.against else None
    v2_there = old_rules is not None and "policy: 3" not in (old_rules / "common.yaml").read_text()
    cases_there = SAMPLE_CASES_V2 if v2_there else SAMPLE_CASES

    def measure(
        into: dict[str, Any], at: tuple[str, dict[str, str]], name: str, root: int
    ) -> dict[str, float]:
        """One run of `name`; the CPU microseconds per request of its server's parts."""
        before = cpu_seconds(root)
        cases = cases_there if into is other else SAMPLE_CASES
        rate, lat = asyncio.run(
            load(at[0], ENDPOINTS[name], at[1], args.requests, args.concurrency, cases)
        )
        into[name][0].append(rate)
        into[name][1].extend(lat)
        after = cpu_seconds(root)
        return {part: (after[part] - before[part]) * 1e6 / args.requests for part in after}

    with contextlib.ExitStack() as stack:
        here = stack.enter_context(server_at(args, {}, server))
        there = None
        if args.against_catalog is not None:
            env = {"TRIAGE_CATALOG_FILE": str(args.against_catalog.resolve())}
            there = stack.enter_context(server_at(args, env, server_there))
        elif args.against is not None:
            env = {"PYTHONPATH": str(args.against.resolve())}
            if v2_there and old_rules is not None:
                env["TRIAGE_RULES_DIR"] = str(old_rules)
                env["TRIAGE_CATALOG_FILE"] = str(old_rules.parent / "catalog" / "sample.yaml")
            there = stack.enter_context(server_at(args, env, server_there))
        for path in ENDPOINTS.values():  # warm-up, of both servers
            for at in (here, there) if there is not None else (here,):
                asyncio.run(load(at[0], path, at[1], 400, args.concurrency))
        for _ in range(args.repeats):
            for name in ENDPOINTS:
                used = {"here": measure(results, here, name, server[0].pid)}
                for part, spent in used["here"].items():
                    cpu[name][part] = cpu[name].get(part, 0.0) + spent / args.repeats
                if there is not None and name in other:
                    used["there"] = measure(other, there, name, server_there[0].pid)
                for side, parts in used.items() if name == "triage" else ():
                    for part in ("workers", "audit writers"):
                        spent = triage_cpu[side].get(part, 0.0) + parts[part] / args.repeats
                        triage_cpu[side][part] = spent
    print(
        f"{args.requests} requests x {args.repeats} repeats at concurrency {args.concurrency}, "
        f"{args.workers} worker(s), {args.database}, {args.client} client; medians of repeats "
        "(client and server share this machine)"
    )
    for name, (rates, lat) in results.items():
        spread = f"{min(rates):.0f}-{max(rates):.0f}"
        print(
            f"  {name}: {statistics.median(rates):.0f} req/s (repeats {spread}), "
            f"p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms"
        )
    n = statistics.median(results["triage"][0])
    m = statistics.median(results["bare"][0])
    raw = statistics.median(results["raw"][0])
    print(f"  triage / raw echo (no FastAPI router on either side): {n / raw:.2f}")
    if there_name := args.against_catalog or args.against:
        n0, m0 = (statistics.median(other[name][0]) for name in ("triage", "bare"))
        p99_there = pct(other["triage"][1], 0.99)
        print(
            f"  against {there_name}: triage {n0:.0f} req/s p99 {p99_there:.1f} ms, "
            f"bare {m0:.0f} req/s, ratio {n0 / m0:.2f}; triage here / there {n / n0:.2f}; "
            "server CPU per triage request here / there "
            + " / ".join(
                f"{sum(parts.values()):.0f} us ({parts['workers']:.0f} workers + "
                f"{parts['audit writers']:.0f} audit writers)"
                for parts in triage_cpu.values()
            )
        )
    print(
        "  CPU per request (worker processes / audit writer processes / client): "
        + ", ".join(
            f"{name} {'/'.join(f'{v:.0f}' for v in parts.values())} us"
            for name, parts in cpu.items()
        )
    )
    lat = results["triage"][1]
    p99 = pct(lat, 0.99)
    print(f"api: triage {n:.0f} req/s p99 {p99:.1f} ms, bare {m:.0f} req/s, ratio {n / m:.2f}")
    print(
        f"api-latency: p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms "
        f"at concurrency {args.concurrency}"
    )


if __name__ == "__main__":
    main()
