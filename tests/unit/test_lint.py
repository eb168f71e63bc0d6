"""`triage check` finds each kind of seeded defect in a small rule set, and none in the
shipped rules."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import RULES_DIR
from triage.authoring.check import Finding, check_directory
from triage.cli import main

COMMON = """\
urgencies:
  same_day: {fi: Samana päivänä, sv: Samma dag, en: Same day}
  routine: {fi: Kiireetön, sv: Icke brådskande, en: Routine}
services:
  nurse_assessment: {fi: Hoitajan arvio, sv: Sjukskötarens bedömning, en: Nurse assessment}
  lab_test: {fi: Laboratorio, sv: Laboratorium, en: Laboratory}
  doctor_appointment: {fi: Lääkäri, sv: Läkare, en: Doctor}
red_flags:
  chest_pain: {fi: Rintakipu, sv: Bröstsmärta, en: Chest pain}
rules: []
"""

NEED = """\
need: demo
name: {fi: Esimerkki, sv: Exempel, en: Example}
facts:
  level:
    type: int
    min: 0
    max: 10
    default: 0
    question: {fi: Taso?, sv: Nivå?, en: Level?}
  category:
    type: enum
    values: [a, b]
    labels:
      a: {fi: Aa, sv: Aa, en: Aa}
      b: {fi: Bee, sv: Be, en: Bee}
    question: {fi: Laji?, sv: Sort?, en: Kind?}
rules:
  - id: demo-high
    priority: 50
    description: {fi: Korkea, sv: Hög, en: High}
    when: {fact: level, ge: 7}
    then: {service: nurse_assessment, urgency: same_day}
  - id: demo-a
    priority: 20
    description: {fi: A, sv: A, en: A}
    when: {fact: category, eq: a}
    then: {service: lab_test, urgency: routine}
  - id: demo-b
    priority: 20
    description: {fi: B, sv: B, en: B}
    when: {fact: category, eq: b}
    then: {service: doctor_appointment, urgency: routine}
"""


def rules_dir(tmp_path: Path, need: str = NEED, common: str = COMMON) -> Path:
    root = tmp_path / "rules"
    (root / "needs").mkdir(parents=True)
    (root / "common.yaml").write_text(common, encoding="utf-8")
    (root / "needs" / "demo.yaml").write_text(need, encoding="utf-8")
    return root


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_the_small_base_set_is_clean(tmp_path: Path) -> None:
    assert check_directory(rules_dir(tmp_path)) == []


def test_shipped_rules_are_clean() -> None:
    assert check_directory(RULES_DIR) == []


def test_conflict_is_an_error_with_an_example(tmp_path: Path) -> None:
    need = NEED.replace("when: {fact: category, eq: b}", "when: {fact: level, ge: 3}")
    (finding,) = [f for f in check_directory(rules_dir(tmp_path, need)) if f.severity == "error"]
    assert finding.code == "conflict" and finding.rules == ["demo-a", "demo-b"]
    assert (
        finding.example is not None
        and finding.example["category"] == "a"
        and finding.example["level"] >= 3
    )


def test_shadowed_rule_names_the_shadowing_rule(tmp_path: Path) -> None:
    need = (
        NEED
        + """\
  - id: demo-very-high
    priority: 40
    description: {fi: Hyvin korkea, sv: Mycket hög, en: Very high}
    when: {fact: level, ge: 9}
    then: {service: doctor_appointment, urgency: same_day}
"""
    )
    findings = check_directory(rules_dir(tmp_path, need))
    (finding,) = [f for f in findings if f.code == "shadowed"]
    assert "demo-very-high can never win" in finding.message and "demo-high" in finding.message
    assert finding.line is not None and finding.rules[0] == "demo-very-high"


def test_gap_comes_with_an_example_input(tmp_path: Path) -> None:
    need = NEED.replace("values: [a, b]", "values: [a, b, c]")
    (finding,) = [f for f in check_directory(rules_dir(tmp_path, need)) if f.code == "gap"]
    assert (
        finding.example is not None
        and finding.example["category"] == "c"
        and finding.example["level"] < 7
    )


def test_client_attribute_without_justification(tmp_path: Path) -> None:
    need = NEED.replace(
        "when: {fact: level, ge: 7}",
        "when: {all: [{fact: level, ge: 7}, {fact: client.age, ge: 18}]}",
    )
    findings = check_directory(rules_dir(tmp_path, need))
    assert [f.message for f in findings if f.code == "unjustified_attribute"] == [
        "rule demo-high reads client.age without a justification"
    ]


def test_unused_fact_and_service(tmp_path: Path) -> None:
    need = NEED.replace(
        "rules:\n",
        """\
  spare:
    type: bool
    question: {fi: Vara?, sv: Reserv?, en: Spare?}
rules:
""",
        1,
    )
    common = COMMON.replace(
        "red_flags:", "  denture_care: {fi: Proteesi, sv: Protes, en: Dentures}\nred_flags:"
    )
    found = check_directory(rules_dir(tmp_path, need, common))
    assert "unused_fact" in codes(found) and "unused_service" in codes(found)
    assert any("demo.spare" in f.message for f in found)
    assert any("denture_care" in f.message for f in found)


def test_missing_translation(tmp_path: Path) -> None:
    need = NEED.replace(
        "question: {fi: Laji?, sv: Sort?, en: Kind?}", "question: {fi: Laji?, en: Kind?}"
    )
    (finding,) = check_directory(rules_dir(tmp_path, need))
    assert (
        finding.code == "missing_translation"
        and "demo.category" in finding.message
        and "sv" in finding.message
    )


def test_missing_label_and_label_translation(tmp_path: Path) -> None:
    (finding,) = check_directory(
        rules_dir(tmp_path / "m", NEED.replace("      b: {fi: Bee, sv: Be, en: Bee}\n", ""))
    )
    assert finding.code == "missing_label" and "demo.category: no label for b" in finding.message
    assert finding.line is not None
    (finding,) = check_directory(
        rules_dir(tmp_path / "t", NEED.replace("{fi: Bee, sv: Be, en: Bee}", "{fi: Bee}"))
    )
    assert finding.code == "missing_translation" and "category=b" in finding.message
    (finding,) = check_directory(
        rules_dir(tmp_path / "x", NEED.replace("      b: {fi: Bee", "      c: {fi: Cee"))
    )
    assert finding.severity == "error" and "'c' is not one of the values" in finding.message


def test_unknown_reference_with_suggestion(tmp_path: Path) -> None:
    need = NEED.replace("then: {service: lab_test,", "then: {service: lab_tests,")
    (finding,) = check_directory(rules_dir(tmp_path, need))
    assert finding.severity == "error" and finding.rules == ["demo-a"]
    assert "did you mean 'lab_test'" in finding.message and finding.line is not None


def test_cli_text_and_json_and_exit_codes(tmp_path: Path) -> None:
    clean = CliRunner().invoke(main, ["check", str(RULES_DIR)])
    assert clean.exit_code == 0 and clean.stdout.strip().endswith("0 errors, 0 warnings")
    warn_dir = rules_dir(tmp_path / "w", NEED.replace("values: [a, b]", "values: [a, b, c]"))
    warned = CliRunner().invoke(main, ["check", str(warn_dir)])
    assert warned.exit_code == 0 and "warning[gap]" in warned.stdout
    bad_dir = rules_dir(
        tmp_path / "e", NEED.replace("when: {fact: category, eq: b}", "when: {fact: level, ge: 3}")
    )
    bad = CliRunner().invoke(main, ["check", str(bad_dir), "--format", "json"])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data[0]["severity"] == "error" and data[0]["code"] == "conflict"
