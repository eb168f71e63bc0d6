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
from triage.domain.triage import Triage
from triage.rules.model import RuleSet

SCENARIOS = load_scenarios([SCENARIOS_DIR])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_passes(engine_triage: Triage, scenario: Scenario) -> None:
    result = run_scenario(engine_triage, scenario)
    assert result.passed, format_failure(result)


def test_every_rule_wins_some_scenario(engine_triage: Triage) -> None:
    report = run_scenarios(engine_triage, SCENARIOS)
    assert report.unexercised == []


def test_policy_rows_and_boundaries_are_covered() -> None:
    """Each boundary the issue names has a scenario (by the value in its case)."""
    seen = {(k, v) for s in SCENARIOS for k, v in s.case.get("facts", {}).items()}
    ages = {s.case["client"]["age"] for s in SCENARIOS if isinstance(s.case.get("client"), dict)}
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
        ("inr", 4.9),
        ("inr", 5.0),
    ]:
        assert boundary in seen, boundary
    assert {17, 18, 64, 65} <= ages


def test_red_flag_scenario_for_every_need(rules: RuleSet) -> None:
    needs = {s.case["need"] for s in SCENARIOS if s.case.get("red_flags")}
    assert needs == set(rules.needs)
    v2_flag = {
        s.case["need"]
        for s in SCENARIOS
        if "saddle_numbness_or_incontinence" in s.case.get("red_flags", [])
    }
    assert len(v2_flag) >= 3  # the new red flag on several needs


def test_missing_information_scenario_for_every_need(rules: RuleSet) -> None:
    needs = {s.case["need"] for s in SCENARIOS if s.expect.status == "needs_information"}
    assert needs == set(rules.needs)


def test_v2_boundaries_are_pinned() -> None:
    seen = {
        (s.case["need"], code, value)
        for s in SCENARIOS
        for code, value in {**s.case.get("facts", {}), **s.case["client"]}.items()
    }
    for need, code, values in [
        ("physiotherapy", "duration_weeks", (12, 13)),
        ("first_contact", "fever_days", (2, 3)),
        ("family", "child_age", (6, 7)),
        ("discharge", "age", (74, 75)),
        ("multi_service", "services_in_use", (2, 3)),
    ]:
        for value in values:
            assert (need, code, value) in seen, (need, code, value)


def test_a_wrong_expectation_fails_with_a_readable_diff(engine_triage: Triage) -> None:
    original = next(s for s in SCENARIOS if s.id == "dn-trauma")
    sc = original.model_copy(
        update={"expect": original.expect.model_copy(update={"urgency": "routine"})}
    )
    result = run_scenario(engine_triage, sc)
    assert not result.passed
    text = format_failure(result)
    assert "urgency" in text and "expected: routine" in text and "got:      same_day" in text
