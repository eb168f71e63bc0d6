"""A contact read into its cases (`parse_contact`): what is refused and where it is named,
and what every need's case inherits from the contact (client, time, locale)."""

from __future__ import annotations

from typing import Any

import pytest

from triage.domain.contact import PlanStep, _coordinator_v3, make_plan, parse_contact
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError
from triage.rules.model import RuleSet

CLIENT = {"age": 40, "municipality": "179"}
DENTAL = {"need": "dental", "red_flags": [], "facts": {"pain": 5}}


def refusal(rules: RuleSet, raw: Any) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(InvalidCaseError) as refused:
        parse_contact(raw, rules)
    return refused.value.field, refused.value.code, refused.value.params


def test_a_contact_needs_at_least_one_need(rules: RuleSet) -> None:
    assert refusal(rules, {"client": CLIENT, "needs": []}) == ("needs", "too_few", {"min": 1})


def test_a_need_brought_twice_is_named_with_its_first_place(rules: RuleSet) -> None:
    needs = [DENTAL, {"need": "chronic_care"}, {"need": "dental"}]
    field, code, params = refusal(rules, {"client": CLIENT, "needs": needs})
    assert (field, code, params) == ("needs[2].need", "need_repeated", {"first": "needs[0]"})


def test_the_client_is_required_unless_a_need_has_a_red_flag(rules: RuleSet) -> None:
    assert refusal(rules, {"needs": [DENTAL]}) == ("client", "required", {})
    flagged = {"need": "dental", "red_flags": ["chest_pain"]}
    contact, cases = parse_contact({"needs": [flagged]}, rules)  # S7a: a red flag decides
    assert contact.client is None and cases[0].client is None and cases[0].flags


def test_a_needs_error_is_named_inside_that_need_and_a_clients_is_not(rules: RuleSet) -> None:
    bad_fact = [DENTAL, {"need": "chronic_care", "facts": {"pain": 3}}]
    field, code, _ = refusal(rules, {"client": CLIENT, "needs": bad_fact})
    assert (field, code) == ("needs[1].facts.pain", "fact_of_other_need")
    out_of_range = [{"need": "dental", "facts": {"pain": 11}}]
    field, code, params = refusal(rules, {"client": CLIENT, "needs": out_of_range})
    assert field == "needs[0].facts.pain" and params  # the range stays in the message
    old = {"age": 121, "municipality": "179"}
    assert refusal(rules, {"client": old, "needs": [DENTAL]})[0] == "client.age"


def test_every_case_inherits_the_contacts_client_time_and_locale(rules: RuleSet) -> None:
    raw = {
        "client": {**CLIENT, "languages": ["sv"]},
        "contact_time": "2026-03-11T10:00:00+02:00",
        "locale": "sv",
        "needs": [DENTAL, {"need": "chronic_care"}],
    }
    _, cases = parse_contact(raw, rules)
    assert [c.need for c in cases] == ["dental", "chronic_care"]
    for case in cases:
        assert case.locale == "sv"
        assert case.contact_time == "2026-03-11T10:00:00+02:00"
        assert case.client is not None
        assert (case.client.age, case.client.municipality) == (40, "179")
        assert case.client.languages == ["sv"]
    assert cases[0].red_flags == [] and cases[1].red_flags is None  # screened; not screened


def test_a_contact_without_a_locale_leaves_each_case_without_one(rules: RuleSet) -> None:
    _, cases = parse_contact({"client": CLIENT, "needs": [DENTAL]}, rules)
    assert cases[0].locale is None and cases[0].contact_time is None


def step(service: str) -> PlanStep:
    return PlanStep(need="n", service=service, urgency="routine", decision_id="d")


def test_the_recommended_coordinator_is_the_step_that_already_assigns_one() -> None:
    sectors = {"a": "health", "b": "social", "case_manager_assignment": "social"}
    steps = [step("a"), step("b"), step("case_manager_assignment")]
    found = _coordinator_v3(steps, sectors)  # type: ignore[arg-type]
    assert found is not None
    assert (found.reason, found.step) == ("many_services_both_sectors", 2)
    assert _coordinator_v3(steps[:2], sectors) is None  # type: ignore[arg-type]


def test_coordinator_cases_of_policy_v2(rules: RuleSet) -> None:
    """Hand-made decisions at the v2 rule's edges (a v2 rule set's contacts still replay):
    2 health services, social and health, 3 services, and an existing case manager."""

    def decision(need: str, service: str, urgency: str) -> Decision:
        return Decision.model_validate(
            {
                "decision_id": f"id-{need}",
                "status": "decided",
                "need": need,
                "service": {"code": service, "name": service},
                "urgency": urgency,
                "missing_facts": [],
                "fired_rules": [],
                "winning_rule": None,
                "blocking_rules": [],
                "providers": [],
                "provider_note": None,
                "rules_version": "v",
                "catalog_version": "c",
                "seed": 0,
                "locale": "fi",
                "explanation": "",
            }
        )

    def plan(*steps: tuple[str, str, str]) -> Any:
        return make_plan(
            [decision(*s) for s in steps], list(rules.urgencies), rules.sectors, locale="fi"
        )

    two_health = plan(
        ("dental", "dental_booking", "routine"),
        ("physiotherapy", "physio_direct_access", "routine"),
    )
    assert two_health.coordinator is None
    mixed = plan(
        ("dental", "dental_booking", "routine"), ("non_medical", "social_counselling", "routine")
    )
    assert mixed.coordinator is not None and mixed.coordinator.reason == "social_and_health"
    assert (mixed.coordinator.service, mixed.coordinator.urgency) == (
        "case_manager_assignment",
        "within_2_weeks",
    )
    three = plan(
        ("dental", "dental_booking", "routine"),
        ("physiotherapy", "physio_direct_access", "routine"),
        ("chronic_care", "lab_test", "routine"),
    )
    assert three.coordinator is not None and three.coordinator.reason == "three_or_more_services"
    own = plan(
        ("multi_service", "case_manager", "within_3_days"), ("dental", "dental_booking", "routine")
    )
    assert own.coordinator is not None
    assert (own.coordinator.service, own.coordinator.urgency, own.coordinator.reason) == (
        "case_manager",
        "within_3_days",
        "has_case_manager",
    )
    alone = plan(("multi_service", "case_manager", "within_3_days"))
    assert alone.coordinator is None
    tie = plan(
        ("dental", "dental_booking", "routine"),
        ("first_contact", "nurse_assessment", "same_day"),
        ("physiotherapy", "physio_direct_access", "routine"),
    )
    assert [s.need for s in tie.steps] == ["first_contact", "dental", "physiotherapy"]
