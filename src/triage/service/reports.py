"""Audit use cases: replay a stored decision, the exposure report, misrouted decisions
as scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage.catalog.exposure import ExposureReport
from triage.domain.decision import Decision
from triage.errors import NotFoundError
from triage.service.core import Service


@dataclass(frozen=True)
class Replay:
    stored: Decision
    recomputed: Decision
    identical: bool
    differences: list[str]


def replay(service: Service, decision_id: str) -> Replay:
    """Recompute a stored decision with its own rules, catalog, seed and locale."""
    stored = service.audit.get(decision_id)
    if stored is None:
        raise NotFoundError(f"no decision {decision_id}")
    old = stored.decision
    triage = service.triage_for(old.rules_version, old.catalog_version)
    again = triage.decide_case(triage.validate(stored.case), locale=old.locale, seed=old.seed)
    again = again.model_copy(update={"decision_id": old.decision_id})
    a, b = old.model_dump(), again.model_dump()
    diffs = [f"{k}: stored {a[k]!r}, recomputed {b[k]!r}" for k in a if a[k] != b[k]]
    return Replay(old, again, not diffs, diffs)


def exposure(service: Service, start: datetime | None, end: datetime | None) -> ExposureReport:
    return service.audit.exposure(start, end)


def misrouted_scenarios(service: Service) -> list[tuple[int, dict[str, Any]]]:
    """(feedback id, scenario) for each decision whose latest verdict is misrouted: the
    expectation is what staff said it should have been. A later verdict supersedes."""
    latest = {fb.decision_id: fb for fb in service.audit.feedback()}  # in id order
    out = []
    for fb in (f for f in latest.values() if f.verdict == "misrouted"):
        stored = service.audit.get(fb.decision_id)
        if stored is None or fb.expected_service is None:
            continue
        old = stored.decision
        was = f"{old.service.code if old.service else old.status}/{old.urgency}"
        expect: dict[str, Any] = {"status": "decided", "service": fb.expected_service}
        if fb.expected_urgency:
            expect["urgency"] = fb.expected_urgency
        scenario = {
            "id": f"feedback-{fb.id}-{fb.decision_id[:8]}",
            "description": f"Staff marked decision {fb.decision_id} misrouted (was {was}).",
            "case": stored.case,
            "expect": expect,
        }
        out.append((fb.id, scenario))
    return out
