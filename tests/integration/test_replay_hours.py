"""A decision made with opening hours replays identically after the catalog changes: it
is decided again at its recorded time of contact, with its catalog version and seed
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import CATALOG_FILE, RULES_DIR
from tests.helpers import WOUND
from triage.bootstrap import build_service
from triage.catalog.model import build_catalog
from triage.config import Settings
from triage.service.reports import replay
from triage.service.usecases import Service


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    settings = Settings(database_url=database_url, rules_dir=RULES_DIR, catalog_file=CATALOG_FILE)
    service = build_service(settings)
    yield service
    service.close()


def test_a_decision_replays_with_its_hours_after_the_catalog_changes(service: Service) -> None:
    made = service.decide(WOUND, locale="en", key_id=None)
    assert made.opening_hours_used and made.route_to is not None and made.contact_time
    # every nurse now closed, the urgent clinic gone, a new 24/7 nurse
    document = service.current.catalog.to_document()
    for p in document["providers"]:
        if "nurse_assessment" in p["services"]:
            p["opening_hours"] = "off"
    document["providers"] = [
        p for p in document["providers"] if p["id"] != "central-finland-urgent-clinic"
    ] + [
        {
            "id": "night-nurse",
            "name": {"fi": "Yöhoitaja"},
            "ownership": "private",
            "municipalities": ["179"],
            "services": ["nurse_assessment"],
            "opening_hours": "24/7",
        }
    ]
    assert service.load_catalog(build_catalog(document, service.current.rules.services))
    now = service.decide(WOUND, locale="en", key_id=None)
    assert now.catalog_version != made.catalog_version
    assert [p.id for p in now.providers] == ["night-nurse"]  # the change is live
    again = replay(service, made.decision_id)
    assert again.identical, again.differences
    assert again.recomputed.providers == made.providers
    assert again.recomputed.route_to == made.route_to
