"""A contact: one client bringing 1 to 6 needs at once, and the plan that orders them.

Each need is decided exactly as a case of its own would be (the same validation, rules and
provider listing); the contact adds a plan over those decisions (docs/policy.md, "A contact
with several needs"). Invalid input is refused before anything is decided, red flags
included, and the error names the need by its index: `needs[1].facts.pain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from triage.domain.case import (
    MAX_ITEMS,
    Case,
    Client,
    FactValue,
    parse_case,
    parse_structure,
)
from triage.domain.decision import Decision, MissingFact
from triage.errors import InvalidCaseError
from triage.rules.model import Locale, RuleSet, Sector

MAX_NEEDS = 6
EMERGENCY = "emergency"  # the urgency that makes a plan a single step
CASE_MANAGER = "case_manager"  # a client who has one: that step coordinates
COORDINATOR = ("case_manager_assignment", "within_2_weeks")  # what the plan recommends


class NeedIn(BaseModel):
    """One need of a contact: the need code, its answers and its red flags."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: StrictStr
    facts: dict[StrictStr, FactValue] = Field(default_factory=dict, max_length=MAX_ITEMS)
    red_flags: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)


class ContactIn(BaseModel):
    """One client and the needs they brought to this contact (1 to 6, each once)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client: Client
    needs: list[NeedIn] = Field(max_length=MAX_NEEDS)
    locale: Locale | None = None


def parse_contact(raw: Any, rules: RuleSet) -> tuple[ContactIn, list[Case]]:
    """Validate a contact and each of its needs as a case; InvalidCaseError naming the field
    (`needs[2].facts.pain`, `client.age`, `needs`) otherwise. Nothing is decided here."""
    contact = parse_structure(raw, ContactIn)
    if not contact.needs:
        raise InvalidCaseError("needs", "too_few", min=1)
    first: dict[str, int] = {}
    for i, item in enumerate(contact.needs):
        if item.need in first:
            raise InvalidCaseError(
                f"needs[{i}].need", "need_repeated", first=f"needs[{first[item.need]}]"
            )
        first[item.need] = i
    cases = []
    for i, item in enumerate(contact.needs):
        case = {
            "need": item.need,
            "client": contact.client.model_dump(exclude_none=True),
            "facts": item.facts,
            "red_flags": item.red_flags,
        }
        if contact.locale is not None:
            case["locale"] = contact.locale
        try:
            cases.append(parse_case(case, rules))
        except InvalidCaseError as exc:
            raise in_need(exc, i) from None
    return contact, cases


def in_need(exc: InvalidCaseError, index: int) -> InvalidCaseError:
    """A case's error as the contact's: a need's field gets the need's index in front."""
    if exc.field.startswith("client"):
        return exc
    return InvalidCaseError(f"needs[{index}].{exc.field}", exc.code, **exc.params)


# --- the plan --------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanStep(_Out):
    need: str
    service: str
    urgency: str
    decision_id: str


class PendingNeed(_Out):
    """A need that was not decided: the questions to ask before it can be."""

    need: str
    decision_id: str
    missing_facts: list[MissingFact]


Reason = Literal["three_or_more_services", "social_and_health", "has_case_manager"]


class Coordinator(_Out):
    service: str
    urgency: str
    reason: Reason


class Plan(_Out):
    steps: list[PlanStep]
    pending: list[PendingNeed]
    after_emergency: list[str]
    coordinator: Coordinator | None


class ContactAnswer(_Out):
    contact_id: str
    decisions: list[Decision]
    plan: Plan


def _step(d: Decision) -> PlanStep:
    assert d.service is not None and d.urgency is not None
    return PlanStep(
        need=d.need, service=d.service.code, urgency=d.urgency, decision_id=d.decision_id
    )


def make_plan(
    decisions: Sequence[Decision], urgencies: Sequence[str], sectors: Mapping[str, Sector]
) -> Plan:
    """The plan over a contact's decisions, given in the order the needs were given.
    `urgencies` runs from most urgent; `sectors` maps a service to health, social or other."""
    decided = [d for d in decisions if d.status == "decided"]
    emergency = next((d for d in decided if d.urgency == EMERGENCY), None)
    if emergency is not None:
        after = [d.need for d in decisions if d is not emergency]
        return Plan(steps=[_step(emergency)], pending=[], after_emergency=after, coordinator=None)
    rank = {u: i for i, u in enumerate(urgencies)}
    steps = [_step(d) for d in sorted(decided, key=lambda d: rank[d.urgency or ""])]  # stable
    pending = [
        PendingNeed(
            need=d.need,
            decision_id=d.decision_id,
            missing_facts=list({m.fact: m for m in d.missing_facts}.values()),
        )
        for d in decisions
        if d.status != "decided"
    ]
    return Plan(
        steps=steps, pending=pending, after_emergency=[], coordinator=_coordinator(steps, sectors)
    )


def _coordinator(steps: Sequence[PlanStep], sectors: Mapping[str, Sector]) -> Coordinator | None:
    services = {s.service for s in steps}
    in_sectors = {sectors.get(s) for s in services}
    if len(services) >= 3:
        reason: Reason = "three_or_more_services"
    elif {"social", "health"} <= in_sectors:
        reason = "social_and_health"
    else:
        return None
    own = next((s for s in steps if s.service == CASE_MANAGER), None)
    if own is not None:
        return Coordinator(service=own.service, urgency=own.urgency, reason="has_case_manager")
    service, urgency = COORDINATOR
    return Coordinator(service=service, urgency=urgency, reason=reason)
