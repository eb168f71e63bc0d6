"""Every shipped scenario passes on the real engine, and every rule wins at least one."""

from __future__ import annotations

import pytest

from tests.conftest import SCENARIOS_DIR
from triage.authoring.scenarios import (
    Scenario,
    format_failure,
    load_scenarios,
    run_scenario,
    run_scenarios,
)
from triage.domain.decider import Triage
from triage.rules.model import RuleSet

SCENARIOS = load_scenarios([SCENARIOS_DIR])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_passes(full_triage: Triage, scenario: Scenario) -> None:
    """On the sample catalog, as `triage test` runs them (route_to depends on it)."""
    result = run_scenario(full_triage, scenario)
    assert result.passed, format_failure(result)


def test_every_rule_wins_some_scenario(engine_triage: Triage) -> None:
    report = run_scenarios(engine_triage, SCENARIOS)
    assert report.unexercised == []


def test_policy_rows_and_boundaries_are_covered() -> None:
    """Each boundary the issue names has a scenario (by the value in its case)."""
    seen = {(k, v) for s in SCENARIOS for k, v in s.case.get("facts", {}).items()}
    ages = {
        s.case["client"].get("age") for s in SCENARIOS if isinstance(s.case.get("client"), dict)
    }
    for boundary in [
        ("pain", 3),
        ("pain", 4),
        ("pain", 6),
        ("pain", 7),
        ("egfr", 14.9),
        ("egfr", 15),
        ("egfr", 29.9),
        ("egfr", 30),
        ("inr", 1.9),
        ("inr", 2.0),
        ("inr", 3.9),
        ("inr", 4.0),
        ("inr", 4.9),
        ("inr", 5.0),
        ("inr", 8.9),
        ("inr", 9),
    ]:
        assert boundary in seen, boundary
    assert {0, 1, 12, 17, 18, 55, 56, 64, 65} <= ages


def test_red_flag_scenario_for_every_need(rules: RuleSet) -> None:
    needs = {s.case["need"] for s in SCENARIOS if s.case.get("red_flags")}
    assert needs == set(rules.needs)
    v2_flag = {
        s.case["need"]
        for s in SCENARIOS
        if "saddle_numbness_or_incontinence" in (s.case.get("red_flags") or [])
    }
    assert len(v2_flag) >= 3  # the widened red flag on several needs
    unscreened = {s.case["need"] for s in SCENARIOS if "red_flags" not in s.case}
    assert len(unscreened) >= 5  # screening is asked for (S9) across needs


def test_missing_information_scenario_for_every_need(rules: RuleSet) -> None:
    needs = {s.case["need"] for s in SCENARIOS if s.expect.status == "needs_information"}
    assert needs == set(rules.needs)


def test_boundaries_are_pinned() -> None:
    seen = {
        (s.case["need"], code, value)
        for s in SCENARIOS
        for code, value in {**s.case.get("facts", {}), **(s.case.get("client") or {})}.items()
    }
    for need, code, values in [
        ("physiotherapy", "duration_weeks", (12, 13)),
        ("first_contact", "fever_days", (2, 3)),
        ("first_contact", "age", (0, 1, 64, 65)),
        ("family", "child_age", (6, 7)),
        ("anticoagulation", "age", (55, 56)),
        ("non_medical", "age", (64, 65)),
        ("multi_service", "services_in_use", (2, 3)),
    ]:
        for value in values:
            assert (need, code, value) in seen, (need, code, value)


def test_a_wrong_expectation_fails_with_a_readable_diff(engine_triage: Triage) -> None:
    original = next(s for s in SCENARIOS if s.id == "dn-trauma-baby-tooth")
    sc = original.model_copy(
        update={"expect": original.expect.model_copy(update={"urgency": "routine"})}
    )
    result = run_scenario(engine_triage, sc)
    assert not result.passed
    text = format_failure(result)
    assert "urgency" in text and "expected: routine" in text and "got:      same_day" in text


def test_every_worked_example_of_the_policy_is_a_scenario() -> None:
    """docs/policy.md, worked examples: NM1-5, CC1-3, DN1-5, AC1-7, PT1-5, CS1-4, DC1-4,
    MS1-3, FM1-5, FC1-9 (the contact plans P1-P6 are in tests/unit/test_plan_v3.py)."""
    counts = {
        "nm": 5,
        "cc": 3,
        "dn": 5,
        "ac": 7,
        "pt": 5,
        "cs": 4,
        "dc": 4,
        "ms": 3,
        "fm": 5,
        "fc": 9,
    }
    ids = {s.id for s in SCENARIOS}
    for prefix, n in counts.items():
        for i in range(1, n + 1):
            assert any(x.startswith(f"{prefix}{i}-") for x in ids), f"{prefix.upper()}{i}"
