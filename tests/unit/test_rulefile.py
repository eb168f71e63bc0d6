"""A broken rule file never loads; the error names file, line and rule, with a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import edit
from triage.engine.checked import load_checked_rules
from triage.errors import RuleConflictError, RuleFileError
from triage.rules.loader import load_rules
from triage.rules.model import RuleSet


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def load_error(directory: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_checked_rules(directory)
    return info.value


def test_shipped_rules_load(rules: RuleSet) -> None:
    v1 = {"non_medical", "chronic_care", "dental", "anticoagulation"}
    v2 = {"physiotherapy", "care_supplies", "discharge", "multi_service", "family", "first_contact"}
    assert set(rules.needs) == v1 | v2
    assert rules.policy == 3
    assert list(rules.urgencies) == [
        "emergency",
        "within_hours",
        "same_day",
        "within_3_days",
        "within_2_weeks",
        "routine",
    ]
    assert len(rules.red_flags) == 9 + 9 and len(rules.services) == 23 + 13 + 3
    assert set(rules.sectors) == set(rules.services)  # every service has a sector (v2)
    social = {s for s, sector in rules.sectors.items() if sector == "social"}
    assert {"social_emergency", "home_care", "case_manager", "family_counselling"} <= social
    assert {s for s, sector in rules.sectors.items() if sector == "other"} == {
        "kela_guidance",
        "third_sector_activities",
        "service_advisor",
    }


def test_rules_reading_client_attributes_are_justified(rules: RuleSet) -> None:
    users = [r for n in rules.needs for r in rules.rules_for(n) if r.client_attributes]
    assert users, "the shipped rules read age"
    assert all(r.justification for r in users)


def test_unknown_fact_names_file_line_rule_and_suggestion(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "dental.yaml"
    edit(f, "when: {fact: pain, ge: 7}", "when: {fact: pian, ge: 7}")
    err = load_error(rules_copy)
    assert err.file == str(f) and err.line == line_of(f, "fact: pian")
    assert err.rule_id == "dn-severe-pain" and err.suggestion == "pain"
    assert f"{f}:{err.line}: rule dn-severe-pain:" in str(err) and "did you mean 'pain'" in str(err)


def test_unknown_service_is_named(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "dental.yaml"
    edit(f, "then: {service: denture_care,", "then: {service: denture_cares,")
    err = load_error(rules_copy)
    assert err.line == line_of(f, "denture_cares") and err.suggestion == "denture_care"


def test_unknown_enum_value_in_a_rule(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "non_medical.yaml"
    edit(f, "when: {fact: topic, eq: loneliness}", "when: {fact: topic, eq: lonely}")
    err = load_error(rules_copy)
    assert err.rule_id == "nm-loneliness" and err.suggestion == "loneliness"


def test_misspelt_key_gets_a_suggestion(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "dental.yaml"
    edit(
        f,
        '    priority: 80\n    description: {fi: "Hammas',
        '    prority: 80\n    description: {fi: "Hammas',
    )
    err = load_error(rules_copy)
    assert err.line == line_of(f, "prority") and err.suggestion == "priority"


def test_yaml_syntax_error_names_the_line(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "chronic_care.yaml"
    edit(f, "    priority: 60\n", "    priority: [60\n")
    err = load_error(rules_copy)
    assert err.file == str(f) and err.line is not None and "YAML" in str(err)


def test_wrong_value_type_for_fact(rules_copy: Path) -> None:
    edit(rules_copy / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pain, ge: seven}")
    assert "not a valid int" in str(load_error(rules_copy))


def test_ordering_operator_on_enum_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "needs" / "dental.yaml",
        "{fact: request, eq: cleaning}",
        "{fact: request, lt: cleaning}",
    )
    assert "numeric fact" in str(load_error(rules_copy))


def test_duplicate_rule_id(rules_copy: Path) -> None:
    edit(rules_copy / "needs" / "dental.yaml", "id: dn-swelling\n", "id: dn-trauma\n")
    assert "duplicate rule id" in str(load_error(rules_copy))


def test_default_out_of_range(rules_copy: Path) -> None:
    edit(rules_copy / "needs" / "physiotherapy.yaml", "    default: false\n", "    default: 12\n")
    assert "default" in str(load_error(rules_copy))


@pytest.mark.parametrize("name", ["id", "sid", "kind"])
def test_reserved_fact_names(rules_copy: Path, name: str) -> None:
    # durable_rules never matches a field named `id`; sid and kind are the engine's own.
    edit(rules_copy / "needs" / "dental.yaml", "  swelling:\n", f"  {name}:\n")
    assert "reserved" in str(load_error(rules_copy))


def test_empty_all_is_refused(rules_copy: Path) -> None:
    # durable_rules: `$and: []` matches everything.
    edit(rules_copy / "needs" / "dental.yaml", "when: {fact: trauma, eq: true}", "when: {all: []}")
    assert "non-empty" in str(load_error(rules_copy))


def test_conflicting_rules_are_refused_with_both_ids_and_an_example(rules_copy: Path) -> None:
    f = rules_copy / "needs" / "dental.yaml"
    # Two priority-30 rules with different outcomes that are both true for request=cleaning.
    edit(f, "when: {fact: request, eq: denture}", "when: {fact: request, in: [denture, cleaning]}")
    with pytest.raises(RuleConflictError) as info:
        load_checked_rules(rules_copy)
    err = info.value
    assert set(err.rule_ids) == {"dn-cleaning", "dn-denture"}
    assert err.example.get("request") == "cleaning"
    assert err.file == str(f) and err.line is not None


def test_numeric_conflict_is_found_at_the_boundary(rules_copy: Path) -> None:
    # eGFR rows: moving 'lt: 30' to 'le: 30' overlaps 'ge: 30' exactly at 30.
    edit(
        rules_copy / "needs" / "anticoagulation.yaml",
        "{fact: egfr, lt: 30}",
        "{fact: egfr, le: 30}",
    )
    with pytest.raises(RuleConflictError) as info:
        load_checked_rules(rules_copy)
    assert info.value.example["egfr"] == 30


def test_loading_is_all_or_nothing(rules_copy: Path) -> None:
    edit(
        rules_copy / "needs" / "dental.yaml",
        "then: {service: denture_care,",
        "then: {service: nope,",
    )
    with pytest.raises(RuleFileError):
        load_rules(rules_copy)


def test_version_changes_with_content(rules_copy: Path, rules: RuleSet) -> None:
    assert load_rules(rules_copy).version == rules.version
    edit(rules_copy / "needs" / "dental.yaml", "priority: 20", "priority: 21")
    assert load_rules(rules_copy).version != rules.version
