"""2,000 concurrent requests from 16 client threads against `triage serve` on 127.0.0.1:
exactly one audit row per answered triage request, on SQLite and on PostgreSQL, with the
audit log's group commit writing many requests' rows in one transaction."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import CATALOG_FILE, RULES_DIR, postgres_url
from tests.helpers import DENTAL_FACTS
from tests.http.server import SAMPLE_CASES, make_key, serve

REQUESTS = 2000
THREADS = 16


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
                for i in range(n, REQUESTS, THREADS):
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

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = [x for chunk in pool.map(client_thread, range(THREADS)) for x in chunk]
    answered = [str(did) for status, did in results if status == 200]
    assert len(answered) == REQUESTS, {s for s, _ in results}
    assert len(set(answered)) == REQUESTS
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = [row[0] for row in conn.execute(sa.text("SELECT id FROM decision"))]
    engine.dispose()
    assert sorted(stored) == sorted(answered)


CONTACTS = 160  # x 6 needs = 960 decisions
SIX_NEEDS: list[dict[str, object]] = [
    {"need": "dental", "red_flags": [], "facts": DENTAL_FACTS},
    {"need": "non_medical", "facts": {"topic": "housing"}},
    {"need": "physiotherapy", "facts": {"duration_weeks": 4}},
    {"need": "care_supplies", "facts": {"supply_type": "diabetes", "first_time": False}},
    {"need": "family", "facts": {"topic": "child_health", "child_age": 3}},
    {"need": "first_contact", "facts": {"complaint": "minor_wound"}},
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_contacts_with_six_needs_under_load(backend: str, tmp_path: Path) -> None:
    """160 contacts of 6 needs from 8 threads: one audit row per decision, each with its
    contact's id, and every contact replays identically."""
    from triage.bootstrap import build_service
    from triage.config import Settings
    from triage.service.reports import replay_contact

    url = f"sqlite:///{tmp_path / 'contacts.db'}" if backend == "sqlite" else postgres_url()
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        "TRIAGE_DATABASE_URL": url,
        "TRIAGE_RULES_DIR": str(rules),
        "TRIAGE_CATALOG_FILE": str(CATALOG_FILE),
    }
    key = make_key(env, "frontline")
    with serve(env, workers=1 if backend == "sqlite" else 2) as base:
        headers = {"Authorization": f"Bearer {key}"}

        def client_thread(n: int) -> list[dict[str, Any]]:
            out = []
            with httpx.Client(base_url=base, timeout=60) as http:
                for i in range(n, CONTACTS, 8):
                    needs = SIX_NEEDS[i % 6 :] + SIX_NEEDS[: i % 6]  # each order
                    contact = {
                        "client": {"age": 20 + i % 70, "municipality": "179"},
                        "needs": needs,
                    }
                    r = http.post("/v1/contacts", json=contact, headers=headers)
                    assert r.status_code == 200, r.text
                    out.append(r.json())
            return out

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [x for chunk in pool.map(client_thread, range(8)) for x in chunk]
    assert len(answers) == CONTACTS
    expected = {(d["decision_id"], a["contact_id"]) for a in answers for d in a["decisions"]}
    assert len(expected) == CONTACTS * 6
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, contact_id FROM decision")).all()
        contacts = conn.execute(sa.text("SELECT count(*) FROM contact")).scalar_one()
    engine.dispose()
    assert len(rows) == len(expected) and {(r[0], r[1]) for r in rows} == expected
    assert contacts == CONTACTS
    service = build_service(Settings(database_url=url, rules_dir=rules), defaults=False)
    try:
        for answer in answers:
            result = replay_contact(service, str(answer["contact_id"]))
            assert result.identical, result.differences
            assert result.recomputed.model_dump(mode="json") == answer
    finally:
        service.close()  # its connections, closed rather than left to the collector
