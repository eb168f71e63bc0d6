"""An audit row's own columns (read off the decision when it is answered, so the writer has
no JSON to parse) say what the decision's stored JSON says, for single decisions and for
the decisions of a contact."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tests.helpers import DENTAL_FACTS
from tests.http.server import SAMPLE_CASES
from triage.domain.decider import Triage
from triage.store.sql.audit import COMMIT_BY, SqlAuditLog
from triage.store.sql.db import make_engine

CASES: list[dict[str, Any]] = [
    *SAMPLE_CASES,
    {"need": "dental", "client": {"age": 9, "municipality": "179"}},  # asks for the pain
    {
        "need": "dental",
        "client": {"age": 30, "municipality": "179", "languages": ["sv"]},
        "facts": {"pain": 2},
    },
]
CONTACT = {
    "client": {"age": 80, "municipality": "179", "languages": ["fi"]},
    "needs": [
        {"need": "non_medical", "facts": {"topic": "housing"}},
        {"need": "dental", "red_flags": [], "facts": DENTAL_FACTS},
        {"need": "physiotherapy"},
    ],
}


def _aware(value: Any) -> datetime:
    t = datetime.fromisoformat(value) if isinstance(value, str) else value
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def test_stored_columns_say_what_the_decision_json_says(
    database_url: str, full_triage: Triage
) -> None:
    engine = make_engine(database_url)
    audit = SqlAuditLog(engine)
    before = datetime.now(UTC)
    for i, raw in enumerate(CASES):
        case = full_triage.validate(raw)
        audit.record(full_triage.decide_case(case, locale="sv" if i % 2 else None), case, "k1")
    contact, cases = full_triage.validate_contact(CONTACT)
    answer = full_triage.decide_contact(cases)
    audit.record_contact(answer, contact.model_dump(exclude_none=True), cases, None)
    audit.close()
    after = datetime.now(UTC)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM decision")).mappings().all()
        listed = conn.execute(
            sa.text("SELECT decision_id, rank, provider_id, ownership FROM listing")
        ).all()
        (stored_contact,) = conn.execute(sa.text("SELECT * FROM contact")).mappings().all()
    engine.dispose()  # its connections closed, not left to the collector
    assert len(rows) == len(CASES) + len(cases)
    statuses = set()
    for row in rows:
        d = json.loads(row["decision_json"])
        statuses.add(d["status"])
        expected_service = d["service"]["code"] if d["service"] else None
        assert (row["id"], row["need"], row["status"], row["service"], row["urgency"]) == (
            d["decision_id"], d["need"], d["status"], expected_service, d["urgency"],
        )  # fmt: skip
        assert (row["rules_version"], row["catalog_version"], row["seed"], row["locale"]) == (
            d["rules_version"], d["catalog_version"], d["seed"], d["locale"],
        )  # fmt: skip
        in_contact = d["decision_id"] in {x.decision_id for x in answer.decisions}
        assert row["contact_id"] == (answer.contact_id if in_contact else None)
        assert row["key_id"] == (None if in_contact else "k1")
        created = _aware(row["created_at"])
        assert before - timedelta(seconds=1) <= created <= after
        assert _aware(row["commit_by"]) - created == COMMIT_BY
        shown = sorted((r, p, o) for i, r, p, o in listed if i == d["decision_id"])
        expected = [(r, p["id"], p["ownership"]) for r, p in enumerate(d["providers"], 1)]
        assert shown == expected
    assert statuses == {"decided", "needs_information"}
    assert sum(1 for row in rows if row["service"] is None) >= 1
    assert stored_contact["id"] == answer.contact_id
    assert stored_contact["rules_version"] == answer.decisions[0].rules_version
    assert stored_contact["catalog_version"] == answer.decisions[0].catalog_version
    assert json.loads(stored_contact["contact_json"]) == contact.model_dump(exclude_none=True)
