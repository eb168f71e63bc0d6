"""The parts of a decision that follow from its outcome alone (built once per outcome and
locale by Triage), and the time of contact and deadline. What routing policy 3 adds
(precaution, screening, red-flag instructions, the safety net, instructions, notices, the
deadline) a decision under an earlier rule set does not have."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from triage.catalog.listing import Seeker
from triage.domain.case import Case, Client
from triage.domain.deadlines import deadline, parse_contact_time, report
from triage.domain.decision import (
    FiredRule,
    MissingFact,
    Notice,
    RedFlagInstruction,
    RouteTo,
    ServiceRef,
)
from triage.domain.texts import explanation, question
from triage.engine.policy import EMERGENCY, Outcome
from triage.rules.model import Locale, Rule, RuleSet


def seeker(case: Case) -> Seeker:
    """All that listing may read about the client."""
    c = case.client or Client()
    return Seeker(
        municipality=c.municipality or "",
        languages=tuple(c.languages or ()),
        chosen_provider=c.chosen_provider,
        needs_accessible_premises=c.needs_accessible_premises,
    )


def timing_parts(
    rules: RuleSet,
    case: Case,
    winner: Rule | None,
    now: datetime | None,
    memo: dict[tuple[object, ...], dict[str, Any]],
) -> dict[str, Any]:
    """The time of contact (the case's, else `now`, else the clock) and the deadline.
    `memo` remembers them by (time, urgency): many decisions share both."""
    given = case.contact_time
    moment = None if given is not None else (now or datetime.now(UTC)).replace(microsecond=0)
    key = (given, moment, winner.urgency if winner else None)
    found = memo.get(key)
    if found is None:
        if len(memo) >= 4096:
            memo.clear()
        found = memo[key] = _timing(rules, given, moment, winner)
    return dict(found)


def _timing(
    rules: RuleSet, given: str | None, moment: datetime | None, winner: Rule | None
) -> dict[str, Any]:
    calendar = rules.calendar
    assert calendar is not None  # the checker requires one under policy 3
    if given is not None:
        moment = parse_contact_time(given)
    assert moment is not None
    due = deadline(rules.deadlines.get(winner.urgency), moment, calendar) if winner else None
    return {
        "contact_time": report(moment, calendar),
        "contact_time_source": "client" if given is not None else "server",
        "deadline": report(due, calendar) if due else None,
    }


def safety_parts(rules: RuleSet, case: Case, result: Outcome, loc: Locale) -> dict[str, Any]:
    """What policy 3 adds that follows from the outcome: precaution, screening, red-flag
    instructions, the safety net (S12), instructions and notices (S14)."""
    winner = result.winner
    parts: dict[str, Any] = {"red_flags_screened": case.screened}
    if winner is None:
        return parts
    name = rules.services[winner.service].get(loc)  # until the out-of-hours fallback:
    parts["route_to"] = RouteTo(code=winner.service, name=name, fallback=[])
    need = rules.needs[case.need]
    parts["precautionary"] = [
        MissingFact(fact=f, question=rules.fact(case.need, f).question.get(loc))
        for f in result.precautionary
    ]
    if winner in rules.common_rules and case.flags:
        parts["red_flag_instructions"] = [
            RedFlagInstruction(flag=f, text=rules.red_flag_instructions[f].get(loc))
            for f in case.flags
            if f in rules.red_flag_instructions
        ]
    net = winner.safety_net
    if net is None and rules.sectors.get(winner.service) == "health":
        net = need.safety_net
    if winner.urgency != EMERGENCY and net is not None:
        parts["safety_net"] = net.get(loc)
    if winner.instruction is not None:
        parts["instruction"] = winner.instruction.get(loc)
    if winner.urgency in rules.urgency_instructions:
        parts["urgency_instruction"] = rules.urgency_instructions[winner.urgency].get(loc)
    parts["notices"] = [Notice(code=n, text=rules.notices[n].get(loc)) for n in winner.notices]
    return parts


def outcome_parts(
    rules: RuleSet,
    catalog_version: str,
    case: Case,
    result: Outcome,
    loc: Locale,
    pieces: dict[tuple[str, ...], Any],
) -> dict[str, Any]:
    """What a decision says that follows from its outcome alone (not the seed). `pieces`
    keeps each fired rule's and missing fact's part by locale: they are immutable, and
    few (one per rule or fact of the rule set)."""
    winner = result.winner

    def fired(r: Rule) -> FiredRule:
        key = ("fired", r.id, loc)
        if key not in pieces:
            pieces[key] = FiredRule(
                id=r.id,
                priority=r.priority,
                service=r.service,
                urgency=r.urgency,
                description=r.description.get(loc),
            )
        found: FiredRule = pieces[key]
        return found

    def missing(f: str) -> MissingFact:
        key = ("missing", case.need, f, loc)
        if key not in pieces:
            pieces[key] = MissingFact(fact=f, question=question(rules, case.need, f, loc))
        found: MissingFact = pieces[key]
        return found

    return dict(
        status=result.status,
        need=case.need,
        service=(
            ServiceRef(code=winner.service, name=rules.services[winner.service].get(loc))
            if winner
            else None
        ),
        urgency=winner.urgency if winner else None,
        missing_facts=[missing(f) for f in result.missing],
        fired_rules=[fired(r) for r in result.fired],
        winning_rule=winner.id if winner else None,
        blocking_rules=[r.id for r in result.blocking],
        rules_version=rules.version,
        catalog_version=catalog_version,
        locale=loc,
        explanation=explanation(rules, case.need, result, loc, case.flags),
        **(safety_parts(rules, case, result, loc) if rules.policy >= 3 else {}),
    )
