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
from tests.http.server import SAMPLE_CASES, make_key, serve

REQUESTS = 1000


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
                    r = http.post(
                        "/v1/triage", json=SAMPLE_CASES[i % len(SAMPLE_CASES)], headers=headers
                    )
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
