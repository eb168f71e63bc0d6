"""1,000 concurrent requests from 8 client threads against `triage serve` on 127.0.0.1:
exactly one audit row per answered triage request, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import CATALOG_FILE, RULES_DIR, postgres_url
from tests.http.server import make_key, serve

REQUESTS = 1000
CASES = [
    {
        "need": "dental",
        "client": {"age": 34, "municipality": "179", "languages": ["fi"]},
        "facts": {"pain": 5},
    },
    {
        "need": "non_medical",
        "client": {"age": 70, "municipality": "077"},
        "facts": {"topic": "other"},
    },
    {
        "need": "anticoagulation",
        "client": {"age": 66, "municipality": "892"},
        "facts": {"current_drug": "warfarin", "request": "switch_to_doac"},
    },
    {
        "need": "chronic_care",
        "client": {"age": 50, "municipality": "179"},
        "red_flags": ["chest_pain"],
    },
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_audit_row_per_answered_request(backend: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}" if backend == "sqlite" else postgres_url()
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        "TRIAGE_DATABASE_URL": url,
        "TRIAGE_RULES_DIR": str(rules),
        "TRIAGE_CATALOG_FILE": str(CATALOG_FILE),
    }
    key = make_key(env, "integration")
    workers = 1 if backend == "sqlite" else 2  # stateless workers sharing one PostgreSQL
    with serve(env, workers=workers) as base:
        headers = {"Authorization": f"Bearer {key}"}

        def client_thread(n: int) -> list[tuple[int, str | None]]:
            out = []
            with httpx.Client(base_url=base, timeout=60) as http:
                for i in range(n, REQUESTS, 8):
                    r = http.post("/v1/triage", json=CASES[i % len(CASES)], headers=headers)
                    out.append(
                        (
                            r.status_code,
                            r.json().get("decision_id") if r.status_code == 200 else None,
                        )
                    )
            return out

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = [x for chunk in pool.map(client_thread, range(8)) for x in chunk]
    answered = [did for status, did in results if status == 200]
    assert len(answered) == REQUESTS, {s for s, _ in results}
    assert len(set(answered)) == REQUESTS
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = [row[0] for row in conn.execute(sa.text("SELECT id FROM decision"))]
    engine.dispose()
    assert sorted(stored) == sorted(answered)
