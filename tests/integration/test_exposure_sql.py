"""The exposure report aggregated in SQL equals the report computed in Python from the
same listings (the arithmetic the report had before it moved into the database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.helpers import DENTAL_FACTS
from triage.catalog.exposure import exposure_report
from triage.catalog.model import Catalog
from triage.domain.decider import Triage
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.db import make_engine


def test_sql_exposure_equals_the_python_report(
    database_url: str, full_triage: Triage, sample_catalog: Catalog
) -> None:
    engine = make_engine(database_url)
    audit = SqlAuditLog(engine)
    decisions = []
    for seed in range(300):
        service = ["dental", "non_medical", "chronic_care"][seed % 3]
        facts = {"dental": DENTAL_FACTS, "non_medical": {"topic": "other"}, "chronic_care": {}}
        case = {
            "need": service,
            "client": {
                "age": 40,
                "municipality": ["179", "077", "892"][seed % 3],
                "languages": [["fi"], ["sv"], ["en"], ["sv", "en"]][seed % 4],
            },
            "facts": facts[service],
            "red_flags": [],
        }
        valid = full_triage.validate(case)
        d = full_triage.decide_case(valid, seed=seed)
        audit.record(d, valid, None)
        decisions.append(d)
    listings = [[(p.id, p.reason) for p in d.providers] for d in decisions]
    owners = {p.id: p.ownership for p in sample_catalog.providers}
    expected: dict[str, Any] = exposure_report(listings, owners).as_dict()
    got: dict[str, Any] = audit.exposure(None, None).as_dict()
    assert got["decisions"] == expected["decisions"] > 100
    for part in ("providers", "ownership"):
        assert set(got[part]) == set(expected[part])
        for key, row in expected[part].items():
            for field, value in row.items():
                assert got[part][key][field] == pytest.approx(value, rel=1e-12, abs=1e-12)
    first = audit.get(decisions[0].decision_id)
    assert first is not None  # `from` is inclusive and `to` exclusive, to the microsecond
    assert audit.exposure(first.created_at, None).decisions == got["decisions"]
    assert audit.exposure(None, first.created_at).decisions == 0
    later = datetime.now(UTC) + timedelta(days=1)
    assert audit.exposure(later, None).decisions == 0
    assert audit.exposure(None, later).as_dict() == got
    audit.close()
    engine.dispose()  # its connections closed, not left to the collector
