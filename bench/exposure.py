"""Exposure report at scale: 200,000 audit rows on PostgreSQL, aggregated in SQL.

Fills a fresh schema with N decisions (and their listing rows) by COPY, then times the
report as the service runs it (SQL sums) against the previous way (every audit row loaded
into Python and summed there), side by side on the same rows; medians of repeats.

    TRIAGE_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/exposure.py [--decisions 200000] [--repeats 3]

Last line: exposure: <N> decisions, sql <a> s, python <b> s, speed-up <b/a>x
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from triage.catalog.exposure import ExposureReport, exposure_report, positions  # noqa: E402
from triage.catalog.model import load_catalog_file  # noqa: E402
from triage.domain.decider import Triage  # noqa: E402
from triage.domain.decision import Decision  # noqa: E402
from triage.store.sql.audit import SqlAuditLog  # noqa: E402
from triage.store.sql.db import make_engine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--decisions", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    url = os.environ.get(
        "TRIAGE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(scoped)
        triage = Triage.from_directory(ROOT / "rules")
        catalog = load_catalog_file(ROOT / "catalog" / "sample.yaml", triage.rules.services)
        triage = triage.with_catalog(catalog)
        templates = []
        for seed in range(64):
            case = {
                "need": ["dental", "non_medical"][seed % 2],
                "client": {"age": 40, "municipality": ["179", "077", "892"][seed % 3]},
                "facts": [{"pain": 5}, {"topic": "other"}][seed % 2],
            }
            templates.append((triage.decide(case, seed=seed), case))
        fill(engine, scoped, templates, args.decisions)
        audit = SqlAuditLog(engine)
        sql_times, py_times = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            report = audit.exposure(None, None)
            sql_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            old = python_report(engine)
            py_times.append(time.perf_counter() - t0)
        assert report.decisions == old.decisions == args.decisions
        a, b = statistics.median(sql_times), statistics.median(py_times)
        print(
            f"sql runs {[round(t, 2) for t in sql_times]}, python {[round(t, 2) for t in py_times]}"
        )
        print(
            f"exposure: {args.decisions} decisions, sql {a:.2f} s, python {b:.2f} s, "
            f"speed-up {b / a:.1f}x"
        )
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def fill(
    engine: sa.Engine, url: str, templates: list[tuple[Decision, dict[str, object]]], n: int
) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    conninfo = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY decision (id, created_at, key_id, need, status, service, urgency, rules_version,"
            " catalog_version, seed, locale, case_json, decision_json) FROM STDIN"
        ) as copy:
            listing_rows = []
            for i in range(n):
                d, case = templates[i % len(templates)]
                did = str(uuid.UUID(int=i + 1))
                at = base + timedelta(seconds=i)
                d = d.model_copy(update={"decision_id": did})
                copy.write_row(
                    (
                        did,
                        at,
                        None,
                        d.need,
                        d.status,
                        d.service.code if d.service else None,
                        d.urgency,
                        d.rules_version,
                        d.catalog_version,
                        d.seed,
                        d.locale,
                        json.dumps(case),
                        d.model_dump_json(),
                    )
                )
                shown = [(p.id, p.reason) for p in d.providers]
                for p in positions(shown, {p.id: p.ownership for p in d.providers}):
                    listing_rows.append(
                        (
                            did,
                            p.rank,
                            at,
                            p.provider_id,
                            p.ownership,
                            p.first,
                            p.expected_first,
                            p.exposure,
                            p.expected_exposure,
                        )
                    )
        with cur.copy(
            "COPY listing (decision_id, rank, created_at, provider_id, ownership, first,"
            " expected_first, exposure, expected_exposure) FROM STDIN"
        ) as copy:
            for row in listing_rows:
                copy.write_row(row)
        conn.commit()
    with engine.begin() as c:
        c.execute(sa.text("ANALYZE decision; ANALYZE listing"))


def python_report(engine: sa.Engine) -> ExposureReport:
    """The previous way: every audit row into Python, parsed and summed there."""
    listings, owners = [], {}
    with engine.connect() as conn:
        for (document,) in conn.execute(
            sa.text("SELECT decision_json FROM decision ORDER BY created_at")
        ):
            d = Decision.model_validate_json(document)
            listings.append([(p.id, p.reason) for p in d.providers])
            owners.update({p.id: p.ownership for p in d.providers})
    return exposure_report(listings, owners)


if __name__ == "__main__":
    main()
