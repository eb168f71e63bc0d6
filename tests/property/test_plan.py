"""Properties of the plan for a contact with several needs (docs/policy.md, "A contact with
several needs"), on the real engine with the sample catalog. The expected plan is written
out here a second time, straight from the policy's wording, and compared."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import examples
from tests.strategies import contacts
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.rules.model import Locale, RuleSet

PLAN = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def expected_plan(decisions: list[Decision], rules: RuleSet) -> dict[str, Any]:
    """The policy, read literally."""
    decided = [(i, d) for i, d in enumerate(decisions) if d.status == "decided"]
    for i, d in decided:
        if d.urgency == "emergency":
            return {
                "steps": [(d.need, d.service.code if d.service else None, d.urgency)],
                "pending": [],
                "after_emergency": [x.need for j, x in enumerate(decisions) if j != i],
                "coordinator": None,
            }
    order = list(rules.urgencies)
    steps = sorted(decided, key=lambda pair: (order.index(pair[1].urgency or ""), pair[0]))
    services = {d.service.code for _, d in steps if d.service}
    sectors = {rules.sectors.get(s) for s in services}
    own = [d for _, d in steps if d.service and d.service.code == "case_manager"]
    coordinator = None
    if own:  # a case manager step coordinates, whatever else there is
        coordinator = ("case_manager", own[0].urgency)
    elif len(services) >= 3 and "social" in sectors and "health" in sectors:
        coordinator = ("case_manager_assignment", "within_2_weeks")
    return {
        "steps": [(d.need, d.service.code if d.service else None, d.urgency) for _, d in steps],
        "pending": [
            (d.need, list(dict.fromkeys(m.fact for m in d.missing_facts)))
            for d in decisions
            if d.status != "decided"
        ],
        "after_emergency": [],
        "coordinator": coordinator,
    }


def got_plan(answer: Any) -> dict[str, Any]:
    plan = answer.plan
    c = plan.coordinator
    return {
        "steps": [(s.need, s.service, s.urgency) for s in plan.steps],
        "pending": [(p.need, [m.fact for m in p.missing_facts]) for p in plan.pending],
        "after_emergency": plan.after_emergency,
        "coordinator": (c.service, c.urgency) if c else None,
    }


@PLAN
@given(data=st.data())
def test_plan_matches_the_policy(full_triage: Triage, rules: RuleSet, data: st.DataObject) -> None:
    raw = data.draw(contacts(rules))
    _, cases = full_triage.validate_contact(raw)
    answer = full_triage.decide_contact(cases)
    assert [d.need for d in answer.decisions] == [n["need"] for n in raw["needs"]]
    assert got_plan(answer) == expected_plan(answer.decisions, rules)
    coordinated = answer.plan.coordinator is not None
    consent = raw["client"].get("consent_to_share")
    assert answer.plan.consent_needed == (coordinated and consent is not True)
    ids = {d.decision_id for d in answer.decisions}
    assert {s.decision_id for s in answer.plan.steps} <= ids
    assert {p.decision_id for p in answer.plan.pending} <= ids
    for p in answer.plan.pending:  # each fact once per need
        assert len({m.fact for m in p.missing_facts}) == len(p.missing_facts) > 0


@PLAN
@given(data=st.data())
def test_steps_by_urgency_ties_in_input_order(
    full_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(contacts(rules, red_flags=False))
    _, cases = full_triage.validate_contact(raw)
    answer = full_triage.decide_contact(cases)
    position = {n["need"]: i for i, n in enumerate(raw["needs"])}
    rank = {u: i for i, u in enumerate(rules.urgencies)}
    keys = [(rank[s.urgency], position[s.need]) for s in answer.plan.steps]
    if answer.plan.after_emergency:
        assert len(answer.plan.steps) == 1
    else:
        assert keys == sorted(keys)


@PLAN
@given(data=st.data())
def test_an_emergency_makes_a_single_step(
    full_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(contacts(rules, red_flags=False))
    flagged = data.draw(st.integers(0, len(raw["needs"]) - 1))
    flag = data.draw(st.sampled_from(sorted(rules.red_flags)))
    raw["needs"][flagged]["red_flags"] = [flag]
    _, cases = full_triage.validate_contact(raw)
    answer = full_triage.decide_contact(cases)
    plan = answer.plan
    (step,) = plan.steps
    first = next(d for d in answer.decisions if d.urgency == "emergency")
    assert step.need == first.need and step.urgency == "emergency"
    assert raw["needs"].index(next(n for n in raw["needs"] if n["need"] == step.need)) <= flagged
    assert plan.after_emergency == [n["need"] for n in raw["needs"] if n["need"] != step.need]
    assert plan.pending == [] and plan.coordinator is None


@PLAN
@given(data=st.data())
def test_each_decision_equals_the_need_decided_alone(
    full_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(contacts(rules))
    locale: Locale | None = data.draw(st.sampled_from([None, "fi", "sv", "en"]))
    _, cases = full_triage.validate_contact(raw)
    answer = full_triage.decide_contact(cases, locale=locale)
    for item, decision in zip(raw["needs"], answer.decisions, strict=True):
        alone = full_triage.decide(
            {"client": raw["client"], "contact_time": raw["contact_time"], **item},
            locale=locale,
            seed=decision.seed,
        )
        assert alone.model_dump(exclude={"decision_id"}) == decision.model_dump(
            exclude={"decision_id"}
        )
