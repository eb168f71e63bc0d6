"""The service layer on the in-memory fakes: no database, no HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RULES_DIR
from tests.helpers import DENTAL_FACTS
from triage.catalog.model import Catalog
from triage.domain.decider import Triage
from triage.engine.policy import PythonEvaluator
from triage.errors import NotFoundError, RuleFileError, StorageError
from triage.rules.loader import read_rule_files
from triage.rules.model import RuleSet
from triage.service.reports import replay
from triage.service.usecases import Service
from triage.service.watcher import Watcher
from triage.store.fakes import (
    AlwaysHealthy,
    InMemoryAuditLog,
    InMemoryCatalogStore,
    InMemoryFleet,
    InMemoryKeyStore,
    InMemoryRulesStore,
    InMemoryVersions,
)

CASE = {
    "need": "dental",
    "client": {"age": 34, "municipality": "179"},
    "red_flags": [],
    "facts": DENTAL_FACTS,
}


def python_triage(rules: RuleSet, catalog: Catalog) -> Triage:
    return Triage(rules=rules, evaluator=PythonEvaluator(rules), catalog=catalog)


@pytest.fixture
def service(sample_catalog: Catalog) -> Service:
    rules, catalogs = InMemoryRulesStore(), InMemoryCatalogStore()
    svc = Service(
        audit=InMemoryAuditLog(),
        rules=rules,
        catalogs=catalogs,
        versions=InMemoryVersions(rules, catalogs),
        keys=InMemoryKeyStore(),
        fleet=InMemoryFleet(),
        health=AlwaysHealthy(),
        make_triage=python_triage,
    )
    svc.publish_rules(read_rule_files(RULES_DIR))
    svc.load_catalog(sample_catalog)
    return svc


def another_worker(service: Service, make: Callable[[RuleSet, Catalog], Triage]) -> Service:
    """A second process on the same stores."""
    return Service(
        audit=service.audit,
        rules=service.rules,
        catalogs=service.catalogs,
        versions=service.versions,
        keys=service.keys,
        fleet=service.fleet,
        health=AlwaysHealthy(),
        make_triage=make,
    )


def dental_files(threshold: int) -> dict[str, str]:
    files = read_rule_files(RULES_DIR)
    files["needs/dental.yaml"] = files["needs/dental.yaml"].replace(
        "{fact: pain, ge: 4}", f"{{fact: pain, ge: {threshold}}}"
    )
    return files


def test_a_decision_is_returned_only_once_recorded(service: Service) -> None:
    decision = service.decide(CASE, locale="en", key_id="k1")
    stored = service.audit.get(decision.decision_id)
    assert stored is not None and stored.decision == decision and stored.key_id == "k1"


def test_when_the_audit_log_fails_no_decision_is_given(service: Service) -> None:
    audit = service.audit
    assert isinstance(audit, InMemoryAuditLog)
    audit.fail_writes = True
    with pytest.raises(StorageError):
        service.decide(CASE, locale=None, key_id=None)
    assert audit.count() == 0


def test_publishing_activates_and_every_request_uses_one_version_pair(service: Service) -> None:
    before = service.current
    version = service.publish_rules(dental_files(6))
    assert service.versions.active()["rules"] == version
    assert service.current.rules.version == version
    assert service.current.catalog is before.catalog  # the catalog is kept, not reloaded
    assert before.rules.version != version  # an in-flight request keeps its old pair


def test_a_refused_rule_set_is_never_stored(service: Service) -> None:
    files = dental_files(4)
    files["needs/dental.yaml"] = files["needs/dental.yaml"].replace("then:", "than:", 1)
    versions_before = service.rules.versions()
    with pytest.raises(RuleFileError):
        service.publish_rules(files)
    assert service.rules.versions() == versions_before


def test_rollback_is_activating_a_stored_version_and_replay_stays_exact(service: Service) -> None:
    first = service.current.rules.version
    old = service.decide(CASE, locale=None, key_id=None)
    second = service.publish_rules(dental_files(6))
    new = service.decide(CASE, locale=None, key_id=None)
    assert old.urgency == "within_3_days" and (new.status, new.urgency) != (old.status, old.urgency)
    assert service.activate("rules", first) is True
    assert service.current.rules.version == first
    for d in (old, new):
        assert replay(service, d.decision_id).identical
    with pytest.raises(NotFoundError):
        service.activate("rules", "sha256:never")
    assert second in [v.version for v in service.stored_versions("rules")]


def test_a_worker_converges_and_reports_in_the_fleet(service: Service) -> None:
    """Another process publishes (same store); this worker's watcher switches and beats."""
    worker = another_worker(service, python_triage)
    watcher = Watcher(worker)
    watcher.tick()
    assert service.fleet_view().agree
    version = service.publish_rules(dental_files(6))
    assert worker.current.rules.version != version and not service.fleet_view().agree
    watcher.tick()
    view = service.fleet_view()
    assert worker.current.rules.version == version and view.agree
    assert [w.id for w in view.workers] == [watcher.id]


def test_a_version_that_fails_on_a_worker_is_reported_and_the_old_one_served(
    service: Service,
) -> None:
    served = service.current.rules.version

    def flaky(rules: RuleSet, catalog: Catalog) -> Triage:
        if rules.version != served:
            raise RuleFileError("the engine refused it on this worker")
        return python_triage(rules, catalog)

    worker = another_worker(service, flaky)
    watcher = Watcher(worker)
    watcher.tick()
    old = worker.current.rules.version
    service.publish_rules(dental_files(6))
    watcher.tick()
    assert worker.current.rules.version == old
    (state,) = service.fleet_view().workers
    assert state.error and "refused" in state.error
    assert not service.fleet_view().agree


def test_feedback_checks_codes_against_the_served_rules(service: Service) -> None:
    from triage.errors import InvalidCaseError

    d = service.decide(CASE, locale=None, key_id=None)
    with pytest.raises(InvalidCaseError) as err:
        service.feedback(
            d.decision_id,
            verdict="misrouted",
            expected_service="nope",
            expected_urgency=None,
            key_id=None,
        )
    assert err.value.field == "expected_service"
    fb = service.feedback(
        d.decision_id, verdict="correct", expected_service=None, expected_urgency=None, key_id=None
    )
    assert service.audit.feedback() == [fb]


def test_providers_come_from_the_served_catalog(service: Service, tmp_path: Path) -> None:
    version, found = service.providers(service="dental_booking", municipality="077")
    assert version == service.current.catalog.version
    assert [p.id for p in found] == ["hankasalmi-health-station", "hymyhammas-dental"]


def test_the_log_policy_holds_back_a_flood_of_the_same_message() -> None:
    import logging

    from triage.http.logpolicy import RateLimit

    limit = RateLimit(every=60)
    record = logging.LogRecord("asyncio", logging.ERROR, "x", 1, "accept failed", None, None)
    assert [limit.filter(record) for _ in range(1000)].count(True) == 1
