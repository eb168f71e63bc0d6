"""Audit use cases: replay a stored decision, the exposure report, misrouted decisions
as scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from triage.catalog.exposure import ExposureReport
from triage.catalog.municipalities import CENTRAL_FINLAND, MUNICIPALITY_YEAR, municipality_codes
from triage.catalog.network import NetworkReport
from triage.catalog.network import network as build_network
from triage.domain.contact import ContactAnswer, contact_cases
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError, NotFoundError
from triage.service.usecases import Service


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
        raise NotFoundError("no decision has that id")
    old = stored.decision
    triage = listed_as(service.triage_for(old.rules_version, old.catalog_version), old)
    again = triage.decide_case(
        triage.validate(stored.case),
        locale=old.locale,
        seed=old.seed,
        now=recorded(old),
        hours=old.opening_hours_used,
    )
    again = again.model_copy(update={"decision_id": old.decision_id})
    diffs = _differences(old.model_dump(), again.model_dump())
    return Replay(old, again, not diffs, diffs)


@dataclass(frozen=True)
class ContactReplay:
    stored: ContactAnswer
    recomputed: ContactAnswer
    identical: bool
    differences: list[str]


def replay_contact(service: Service, contact_id: str) -> ContactReplay:
    """Recompute a stored contact: each decision with its own rules, catalog, seed and
    locale (and id), then the plan over them."""
    stored = service.audit.get_contact(contact_id)
    if stored is None:
        raise NotFoundError(f"no contact {contact_id}")
    old = stored.answer
    first = old.decisions[0]
    triage = service.triage_for(first.rules_version, first.catalog_version)
    _, cases = triage.validate_contact(stored.contact)
    chosen = contact_cases(cases)
    decisions = [
        listed_as(triage, d)
        .decide_case(
            cases[i], locale=d.locale, seed=d.seed, now=recorded(d), hours=d.opening_hours_used
        )
        .model_copy(update={"decision_id": d.decision_id})
        for i, d in zip(chosen, old.decisions, strict=True)
    ]
    undecided = [c.need for i, c in enumerate(cases) if i not in chosen]
    again = ContactAnswer(
        contact_id=old.contact_id,
        decisions=decisions,
        plan=triage.plan(decisions, cases, undecided),
    )
    diffs = _differences(old.model_dump(), again.model_dump())
    return ContactReplay(old, again, not diffs, diffs)


def listed_as(triage: Triage, decision: Decision) -> Triage:
    """`triage` listing providers as `decision` was listed: at most as many as it shows
    when it says more were eligible; else every eligible one (then any limit at least as
    large gives the same order, so the served one does)."""
    shown, limit = len(decision.providers), triage.max_providers
    if decision.more_providers:
        return triage if limit == shown else triage.with_catalog(triage.catalog, shown)
    return triage if limit is None or limit >= shown else triage.with_catalog(triage.catalog, None)


def recorded(decision: Decision) -> datetime | None:
    """The time of contact a decision recorded (replay never reads the clock)."""
    return datetime.fromisoformat(decision.contact_time) if decision.contact_time else None


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [f"{k}: stored {a[k]!r}, recomputed {b[k]!r}" for k in a if a[k] != b[k]]


def network(service: Service, area: Sequence[str] | None = None) -> NetworkReport:
    """Providers per service the served rules can decide and municipality (by default the
    region's), in the served catalog; unknown municipality codes are refused."""
    for i, code in enumerate(area or ()):
        if code not in municipality_codes():
            raise InvalidCaseError(
                f"municipality[{i}]", "unknown_municipality", year=MUNICIPALITY_YEAR
            )
    triage = service.current
    return build_network(triage.rules, triage.catalog, area or CENTRAL_FINLAND)


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
