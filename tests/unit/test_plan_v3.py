"""The plan of a contact under routing policy 3: the worked examples P1 to P6 of
docs/policy.md, on the shipped rules (plain-Python evaluator)."""

from __future__ import annotations

from typing import Any

from triage.domain.contact import ContactAnswer
from triage.domain.decider import Triage

NO = {"symptoms_worsening": False, "critical_medicine_running_out": False}


def contact(triage: Triage, client: dict[str, Any], *needs: dict[str, Any]) -> ContactAnswer:
    items = [{"red_flags": [], **n} for n in needs]
    raw = {"client": {"municipality": "179", **client}, "needs": items}
    raw["contact_time"] = "2026-03-11T10:00:00+02:00"  # a Wednesday
    _, cases = triage.validate_contact(raw)
    return triage.decide_contact(cases, locale="en")


def steps(answer: ContactAnswer) -> list[tuple[str, str, str]]:
    return [(s.need, s.service, s.urgency) for s in answer.plan.steps]


def test_p1_a_case_manager_step_coordinates(python_triage: Triage) -> None:
    answer = contact(
        python_triage,
        {"age": 79, "consent_to_share": True},
        {"need": "discharge", "facts": {"home_care_client": True}},
        {"need": "multi_service", "facts": {"has_case_manager": True}},
        {"need": "chronic_care", "facts": {"request": "prescription_renewal", **NO}},
    )
    assert steps(answer) == [
        ("discharge", "home_care", "same_day"),
        ("multi_service", "case_manager", "within_3_days"),
        ("chronic_care", "prescription_renewal", "within_3_days"),
    ]
    c = answer.plan.coordinator
    assert c is not None
    assert (c.service, c.urgency, c.reason, c.step) == (
        "case_manager",
        "within_3_days",
        "has_case_manager",
        1,
    )
    assert answer.plan.consent_needed is False and answer.plan.consent_status is None


def test_p2_consent_not_asked(python_triage: Triage) -> None:
    answer = contact(
        python_triage,
        {"age": 82},
        {"need": "discharge", "facts": {"home_care_client": False, "needs_daily_help": True}},
        {"need": "chronic_care", "facts": {"request": "prescription_renewal", **NO}},
        {
            "need": "dental",
            "facts": {"request": "denture", "pain": 0, "swelling": False, "trauma": False},
        },
    )
    assert steps(answer) == [
        ("discharge", "home_care_assessment", "same_day"),
        ("chronic_care", "prescription_renewal", "within_3_days"),
        ("dental", "denture_care", "routine"),
    ]
    c = answer.plan.coordinator
    assert c is not None
    assert (c.service, c.urgency, c.reason, c.step) == (
        "case_manager_assignment",
        "within_2_weeks",
        "many_services_both_sectors",
        None,
    )
    assert answer.plan.consent_needed is True and answer.plan.consent_status == "not_asked"
    assert answer.plan.consent_text and answer.plan.consent_text.startswith("Ask the client")


def test_p3_two_services_have_no_coordinator(python_triage: Triage) -> None:
    answer = contact(
        python_triage,
        {"age": 76},
        {"need": "discharge", "facts": {"home_care_client": True}},
        {"need": "chronic_care", "facts": {"symptoms_worsening": True}},
    )
    assert steps(answer) == [
        ("discharge", "home_care", "same_day"),
        ("chronic_care", "nurse_assessment", "same_day"),
    ]
    assert answer.plan.coordinator is None and answer.plan.consent_needed is False


def test_p4_refused_consent(python_triage: Triage) -> None:
    physio = {
        "duration_weeks": 3,
        "recent_injury": False,
        "fever_or_hot_swollen_joint": False,
        "progressive_weakness": False,
        "night_pain": False,
        "cancer_history_or_weight_loss": False,
    }
    answer = contact(
        python_triage,
        {"age": 67, "consent_to_share": False},
        {
            "need": "non_medical",
            "facts": {"topic": "income_support", "no_money_for_food_or_medicine_today": False},
        },
        {
            "need": "chronic_care",
            "facts": {
                "request": "follow_up",
                "symptoms_worsening": False,
                "has_named_professional": True,
                "last_review_over_12_months": True,
            },
        },
        {"need": "physiotherapy", "facts": physio},
    )
    assert [s.service for s in answer.plan.steps] == [
        "social_counselling",
        "named_professional",
        "physio_direct_access",
    ]
    c = answer.plan.coordinator
    assert c is not None and c.service == "case_manager_assignment"
    assert answer.plan.consent_status == "refused" and answer.plan.consent_needed is True


def test_p5_a_need_not_screened_stays_pending(python_triage: Triage) -> None:
    raw = {
        "client": {"age": 45, "municipality": "179"},
        "contact_time": "2026-03-11T10:00:00+02:00",
        "needs": [
            {
                "need": "non_medical",
                "red_flags": [],
                "facts": {"topic": "income_support", "no_money_for_food_or_medicine_today": True},
            },
            {"need": "dental", "facts": {"request": "acute", "pain": 8}},
            {
                "need": "first_contact",
                "red_flags": [],
                "facts": {
                    "complaint": "head_knock",
                    "head_knock_vomiting_or_drowsy": False,
                    "on_anticoagulant_or_antiplatelet": False,
                    "head_knock_unconscious_or_memory_gap": True,
                },
            },
        ],
    }
    _, cases = python_triage.validate_contact(raw)
    answer = python_triage.decide_contact(cases)
    assert steps(answer) == [
        ("first_contact", "emergency_department", "within_hours"),
        ("non_medical", "social_counselling", "same_day"),
    ]
    assert answer.plan.steps[0].deadline == "2026-03-11T14:00:00+02:00"
    (pending,) = answer.plan.pending
    assert pending.need == "dental"
    assert [m.fact for m in pending.missing_facts] == [
        "red_flags",
        "trauma",
        "permanent_tooth_knocked_out",
        "swelling",
        "swelling_danger_signs",
        "bleeding_after_extraction",
    ]
    assert answer.plan.coordinator is None


def test_p6_emergency_first(python_triage: Triage) -> None:
    answer = contact(
        python_triage,
        {"age": 45},
        {
            "need": "anticoagulation",
            "facts": {"current_drug": "warfarin", "request": "bleeding", "bleeding_signs": True},
        },
        {"need": "non_medical", "facts": {"topic": "housing", "homeless_tonight": True}},
    )
    assert steps(answer) == [("anticoagulation", "emergency_department", "emergency")]
    plan = answer.plan
    assert plan.after_emergency == ["non_medical"]
    assert plan.pending == [] and plan.coordinator is None and plan.consent_needed is False


def test_a_red_flag_in_a_contact_needs_no_client_fields(python_triage: Triage) -> None:
    """Section 8.6 with S7a: the client's age left out, a red flag in the second need: that
    need is the emergency step, the others wait, undecided."""
    raw = {
        "client": {"municipality": "179"},
        "needs": [
            {"need": "dental", "facts": {"pain": 3}},
            {"need": "first_contact", "red_flags": ["seizure"]},
            {"need": "family"},
        ],
    }
    _, cases = python_triage.validate_contact(raw)
    answer = python_triage.decide_contact(cases)
    assert [d.need for d in answer.decisions] == ["first_contact"]
    assert steps(answer) == [("first_contact", "emergency", "emergency")]
    assert answer.plan.after_emergency == ["dental", "family"]
    assert answer.decisions[0].red_flag_instructions[0].flag == "seizure"


def test_a_contact_without_a_red_flag_still_needs_the_age(python_triage: Triage) -> None:
    import pytest

    from triage.errors import InvalidCaseError

    raw = {"client": {"municipality": "179"}, "needs": [{"need": "dental", "red_flags": []}]}
    with pytest.raises(InvalidCaseError) as refused:
        python_triage.validate_contact(raw)
    assert refused.value.field == "client.age"


def test_each_step_carries_where_to_go_its_deadline_and_whether_it_was_assumed(
    python_triage: Triage,
) -> None:
    """Policy 3: a step names the service the client is sent to now (route_to), its
    deadline, and whether it was decided as a precaution on a "not known" answer (AC2)."""
    answer = contact(
        python_triage,
        {"age": 67},
        {
            "need": "anticoagulation",
            "facts": {
                "current_drug": "warfarin",
                "request": "inr_result",
                "inr": 1.6,
                "mechanical_valve": "not_known",
                "bleeding_signs": False,
                "minor_bleeding": False,
                "head_injury": False,
            },
        },
        {"need": "chronic_care", "facts": {"request": "prescription_renewal", **NO}},
    )
    by_need = {s.need: s for s in answer.plan.steps}
    assert by_need["anticoagulation"].precautionary is True
    assert by_need["chronic_care"].precautionary is False
    decided = {d.need: d for d in answer.decisions}
    for step in answer.plan.steps:
        route = decided[step.need].route_to
        assert route is not None and step.route_to == route.code
        if decided[step.need].urgency in ("within_hours", "same_day"):
            # no catalog here: no service has a provider, so S13 ends its chain
            assert route.code == "emergency_department" != step.service
            assert {f.reason for f in route.fallback} == {"no_provider_in_area"}
        else:
            assert (route.code, route.fallback) == (step.service, [])
        assert step.deadline is not None and step.deadline.startswith("2026-03-1")
    assert {d.urgency for d in answer.decisions} == {"same_day", "within_3_days"}
    assert {s.decision_id for s in answer.plan.steps} == {d.decision_id for d in answer.decisions}
