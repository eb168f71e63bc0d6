"""A contact: one client bringing 1 to 6 needs at once, and the plan that orders them.

Each need is decided exactly as a case of its own would be (the same validation, rules and
provider listing); the contact adds a plan over those decisions (docs/policy.md, "A contact
with several needs"). Invalid input is refused before anything is decided, red flags
included, and the error names the need by its index: `needs[1].facts.pain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from triage.domain.case import (
    MAX_FLAGS,
    MAX_ITEMS,
    Case,
    Client,
    FactValue,
    no_null,
    parse_case,
    parse_structure,
)
from triage.domain.deadlines import parse_contact_time
from triage.domain.decision import Decision, MissingFact
from triage.errors import InvalidCaseError
from triage.rules.model import Locale, RuleSet, Sector

MAX_NEEDS = 6
EMERGENCY = "emergency"  # the urgency that makes a plan a single step
CASE_MANAGER = "case_manager"  # a client who has one: that step coordinates
COORDINATOR = ("case_manager_assignment", "within_2_weeks")  # what the plan recommends


class NeedIn(BaseModel):
    """One need of a contact: the need code, its answers and its red flags (absent: that
    need was not screened)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: StrictStr
    facts: dict[StrictStr, FactValue] = Field(default_factory=dict, max_length=MAX_ITEMS)
    red_flags: list[StrictStr] | None = Field(default=None, max_length=MAX_FLAGS)

    _no_null = field_validator("red_flags", mode="before")(no_null)


class ContactIn(BaseModel):
    """One client and the needs they brought to this contact (1 to 6, each once). The
    client is required unless a need has a red flag (S7a); the time of contact applies to
    every need."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client: Client | None = None
    contact_time: StrictStr | None = Field(default=None, max_length=40)
    needs: list[NeedIn] = Field(max_length=MAX_NEEDS)
    locale: Locale | None = None

    _no_null = field_validator("contact_time", mode="before")(no_null)

    @property
    def flagged(self) -> bool:
        """Whether a need has a red flag: then the client's fields may be left out."""
        return any(item.red_flags for item in self.needs)

    @property
    def client_complete(self) -> bool:
        c = self.client
        return c is not None and c.age is not None and c.municipality is not None


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
    if contact.contact_time is not None:
        parse_contact_time(contact.contact_time)
    if contact.client is None and not contact.flagged:
        raise InvalidCaseError("client", "required")
    relaxed = contact.flagged and not contact.client_complete  # S7a, section 8.6
    cases = []
    for i, item in enumerate(contact.needs):
        case: dict[str, Any] = {"need": item.need, "facts": item.facts}
        if contact.client is not None:
            case["client"] = contact.client.model_dump(exclude_none=True)
        if item.red_flags is not None:
            case["red_flags"] = item.red_flags
        if contact.contact_time is not None:
            case["contact_time"] = contact.contact_time
        if contact.locale is not None:
            case["locale"] = contact.locale
        try:
            cases.append(parse_case(case, rules, require_client=not relaxed))
        except InvalidCaseError as exc:
            raise in_need(exc, i) from None
    return contact, cases


def contact_cases(cases: Sequence[Case]) -> list[int]:
    """Which needs of a contact are decided: all of them, unless the client's age or
    municipality is left out (allowed only with a red flag, S7a): then only the needs with a
    red flag (section 8.6)."""
    client = cases[0].client
    if client is not None and client.age is not None and client.municipality is not None:
        return list(range(len(cases)))
    return [i for i, c in enumerate(cases) if c.flags]


def in_need(exc: InvalidCaseError, index: int) -> InvalidCaseError:
    """A case's error as the contact's: a need's field gets the need's index in front."""
    if exc.field.startswith("client"):
        return exc
    return InvalidCaseError(f"needs[{index}].{exc.field}", exc.code, **exc.params)


# --- the plan --------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanStep(_Out):
    """A decided need. `route_to`, `deadline` and `precautionary` come with policy 3."""

    need: str
    service: str
    urgency: str
    decision_id: str
    route_to: str | None = None
    deadline: str | None = None
    precautionary: bool = False


class PendingNeed(_Out):
    """A need that was not decided: the questions to ask before it can be."""

    need: str
    decision_id: str
    missing_facts: list[MissingFact]


CoordinatorReason = Literal[
    "three_or_more_services", "social_and_health", "has_case_manager", "many_services_both_sectors"
]
ConsentStatus = Literal["not_asked", "refused"]


class Coordinator(_Out):
    """Who coordinates the plan. `step` (policy 3): the step it is, counting from 0, or
    null when the recommendation is a step of its own."""

    service: str
    urgency: str
    reason: CoordinatorReason
    step: int | None = None


class Plan(_Out):
    steps: list[PlanStep]
    pending: list[PendingNeed]
    after_emergency: list[str]
    coordinator: Coordinator | None
    consent_needed: bool = False
    consent_status: ConsentStatus | None = None
    consent_text: str | None = None


class ContactAnswer(_Out):
    contact_id: str
    decisions: list[Decision]
    plan: Plan


def _step(d: Decision) -> PlanStep:
    assert d.service is not None and d.urgency is not None
    return PlanStep(
        need=d.need,
        service=d.service.code,
        urgency=d.urgency,
        decision_id=d.decision_id,
        route_to=d.route_to.code if d.route_to else None,
        deadline=d.deadline,
        precautionary=bool(d.precautionary),
    )


_CONSENT: dict[ConsentStatus, dict[Locale, str]] = {
    "not_asked": {
        "fi": "Kysy asiakkaan suostumus tietojen luovuttamiseen omatyöntekijälle ja palveluihin, "
        "joihin hänet ohjataan, ja kirjaa vastaus. Ilman suostumusta tietoja luovutetaan vain "
        "lain nojalla.",
        "sv": "Fråga om klientens samtycke till att uppgifter lämnas ut till den egna "
        "kontaktpersonen och till de tjänster klienten hänvisas till, och anteckna svaret. Utan "
        "samtycke lämnas uppgifter ut endast med stöd av lag.",
        "en": "Ask the client's consent to share information with the named worker and the "
        "services they are referred to, and record the answer. Without consent, information "
        "is shared only where the law allows.",
    },
    "refused": {
        "fi": "Asiakas ei ole antanut suostumusta tietojen luovuttamiseen. Omatyöntekijää "
        "voidaan silti suositella, mutta tietoja luovutetaan vain lain nojalla; kirjaa asia.",
        "sv": "Klienten har inte gett sitt samtycke till att uppgifter lämnas ut. En egen "
        "kontaktperson kan ändå rekommenderas, men uppgifter lämnas ut endast med stöd av lag; "
        "anteckna detta.",
        "en": "The client has not consented to sharing information. A named worker may still be "
        "recommended, but information is shared only where the law allows; record this.",
    },
}


def make_plan(
    decisions: Sequence[Decision],
    urgencies: Sequence[str],
    sectors: Mapping[str, Sector],
    *,
    policy: int = 2,
    consent: bool | None = None,
    locale: Locale,
    undecided: Sequence[str] = (),
) -> Plan:
    """The plan over a contact's decisions, given in the order the needs were given.
    `urgencies` runs from most urgent; `sectors` maps a service to health, social or other.
    Policy 3 chooses the coordinator by its own rule and asks for the client's `consent`
    to share (absent: not asked). `undecided`: needs left undecided after a red flag (S7a)."""
    decided = [d for d in decisions if d.status == "decided"]
    emergency = next((d for d in decided if d.urgency == EMERGENCY), None)
    if emergency is not None:
        after = [d.need for d in decisions if d is not emergency] + list(undecided)
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
    if policy < 3:
        coordinator = _coordinator(steps, sectors)
        return Plan(steps=steps, pending=pending, after_emergency=[], coordinator=coordinator)
    coordinator = _coordinator_v3(steps, sectors)
    status: ConsentStatus | None = None
    if coordinator is not None and consent is not True:
        status = "not_asked" if consent is None else "refused"
    return Plan(
        steps=steps,
        pending=pending,
        after_emergency=[],
        coordinator=coordinator,
        consent_needed=status is not None,
        consent_status=status,
        consent_text=_CONSENT[status][locale] if status else None,
    )


def _coordinator_v3(steps: Sequence[PlanStep], sectors: Mapping[str, Sector]) -> Coordinator | None:
    """A case_manager step coordinates; otherwise a named worker is recommended for at
    least 3 distinct services spanning the social and the health sector (policy 3, 8.4)."""
    for i, s in enumerate(steps):
        if s.service == CASE_MANAGER:
            return Coordinator(
                service=s.service, urgency=s.urgency, reason="has_case_manager", step=i
            )
    services = {s.service for s in steps}
    if len(services) < 3 or not {"social", "health"} <= {sectors.get(s) for s in services}:
        return None
    service, urgency = COORDINATOR
    step = next((i for i, s in enumerate(steps) if s.service == service), None)
    return Coordinator(
        service=service, urgency=urgency, reason="many_services_both_sectors", step=step
    )


def _coordinator(steps: Sequence[PlanStep], sectors: Mapping[str, Sector]) -> Coordinator | None:
    services = {s.service for s in steps}
    in_sectors = {sectors.get(s) for s in services}
    if len(services) >= 3:
        reason: CoordinatorReason = "three_or_more_services"
    elif {"social", "health"} <= in_sectors:
        reason = "social_and_health"
    else:
        return None
    own = next((s for s in steps if s.service == CASE_MANAGER), None)
    if own is not None:
        return Coordinator(service=own.service, urgency=own.urgency, reason="has_case_manager")
    service, urgency = COORDINATOR
    return Coordinator(service=service, urgency=urgency, reason=reason)
