"""Scale-out: the same load against 1 and then 2 workers on PostgreSQL.

Each run starts `triage serve --workers N` on 127.0.0.1 in a fresh PostgreSQL schema,
sends the same requests from the same asyncio client (fixed count and concurrency,
medians of repeats), then checks that every answered request has exactly one audit row.

    TRIAGE_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/scale.py [--requests 2000] [--concurrency 16] [--repeats 3]

Last line: scale: 1w <a> req/s, 2w <b> req/s, audited <ok|lost N>
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import run  # noqa: E402
from tests.http.server import make_key, serve  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    url = os.environ.get(
        "TRIAGE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    admin = sa.create_engine(url)
    rates: dict[int, float] = {}
    lost = 0
    for workers in (1, 2):
        schema = f"scale_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        try:
            env = {"TRIAGE_DATABASE_URL": scoped}
            headers = {"Authorization": f"Bearer {make_key(env, 'integration')}"}
            answered = 0
            runs = []
            with serve(env, workers=workers) as base:
                asyncio.run(run(base, "/v1/triage", headers, 200, args.concurrency))  # warm-up
                answered += 200
                for _ in range(args.repeats):
                    rate, _lat = asyncio.run(
                        run(base, "/v1/triage", headers, args.requests, args.concurrency)
                    )
                    runs.append(rate)
                    answered += args.requests
            with admin.connect() as conn:
                rows = conn.execute(sa.text(f"SELECT count(*) FROM {schema}.decision")).scalar_one()
            lost += abs(answered - int(rows))
            rates[workers] = statistics.median(runs)
            print(
                f"{workers} worker(s): runs {[round(r) for r in runs]} req/s, "
                f"{answered} answered, {rows} audit rows"
            )
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    audited = "ok" if lost == 0 else f"lost {lost}"
    print(f"scale: 1w {rates[1]:.0f} req/s, 2w {rates[2]:.0f} req/s, audited {audited}")


if __name__ == "__main__":
    main()
