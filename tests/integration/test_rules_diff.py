"""`triage diff` lists exactly the cases that change, and none for identical rule sets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT, RULES_DIR, SCENARIOS_DIR
from tests.helpers import edit
from tests.reference import reference_decide
from triage.authoring.diff import corpus, diff_rules
from triage.authoring.scenarios import load_scenarios
from triage.cli import main
from triage.domain.case import parse_case
from triage.errors import InvalidCaseError
from triage.rules.loader import load_rules
from triage.rules.model import RuleSet

SCENARIO_CASES = [s.case for s in load_scenarios([SCENARIOS_DIR])]


def changed_rules(rules_copy: Path) -> Path:
    edit(
        rules_copy / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pain, ge: 8}"
    )  # a threshold moved
    edit(
        rules_copy / "needs" / "non_medical.yaml", "    priority: 55\n", "    priority: 25\n"
    )  # a priority changed
    return rules_copy


def expected_changes(old: RuleSet, new: RuleSet) -> set[str]:
    out = set()
    for case in corpus(old, new, SCENARIO_CASES):
        try:
            parse_case(case, old)
        except InvalidCaseError:
            continue
        a, b = reference_decide(old, case), reference_decide(new, case)
        if (a.status, a.service, a.urgency) != (b.status, b.service, b.urgency):
            out.add(json.dumps(case, sort_keys=True))
    return out


def test_lists_exactly_the_changed_cases(rules: RuleSet, rules_copy: Path) -> None:
    new = load_rules(changed_rules(rules_copy))
    report = diff_rules(rules, new, SCENARIO_CASES)
    got = {json.dumps(c.case, sort_keys=True) for c in report.changes}
    assert got == expected_changes(rules, new)
    groups = {(need, a, b): len(chs) for (need, a, b), chs in report.groups().items()}
    assert set(groups) == {
        ("dental", "dn-severe-pain", "dn-pain-adult"),
        ("dental", "dn-severe-pain", "dn-pain-child"),
        # pain 7 with the extraction question unanswered: the new rules ask it
        ("dental", "dn-severe-pain", "needs_information"),
        ("non_medical", "nm-other-older-person", "nm-other"),
    }
    for (
        change
    ) in report.changes:  # every change is pain exactly 7, or an older client with topic other
        facts = change.case["facts"]
        assert facts.get("pain") == 7 or (
            facts.get("topic") == "other" and change.case["client"]["age"] >= 65
        )


def test_corpus_covers_every_boundary_enum_value_and_missing(
    rules: RuleSet, rules_copy: Path
) -> None:
    new = load_rules(changed_rules(rules_copy))
    cases = corpus(rules, new, SCENARIO_CASES)

    def seen(need: str, fact: str) -> set[object]:
        return {c.get("facts", {}).get(fact) for c in cases if c["need"] == need}

    # both rule sets' boundaries (7 old, 8 new), with their neighbours; None is "not given"
    assert seen("dental", "pain") >= {0, 3, 4, 5, 6, 7, 8, 9, 10}
    assert seen("dental", "request") >= {"acute", "check_up", "cleaning", "denture", "other", None}
    assert seen("anticoagulation", "egfr") >= {0, 7.5, 15, 22.5, 30, 115, 200, None}
    assert seen("anticoagulation", "inr") >= {0.5, 1.25, 2, 3, 4, 4.5, 5, 7, 9, 12, 15, None}
    assert "not_known" in seen("anticoagulation", "mechanical_valve")
    assert seen("anticoagulation", "pregnant") == {True, False, "not_known", None}
    ages = {(c.get("client") or {}).get("age") for c in cases if c["need"] == "dental"}
    assert ages >= {17, 18}


def test_identical_rule_sets_list_nothing(rules: RuleSet) -> None:
    report = diff_rules(rules, load_rules(RULES_DIR), SCENARIO_CASES)
    assert report.changes == [] and report.cases > 1000


def test_cli_text_json_and_against_git(rules_copy: Path, tmp_path: Path) -> None:
    new = changed_rules(rules_copy)
    text = CliRunner().invoke(main, ["diff", str(RULES_DIR), str(new)])
    assert text.exit_code == 0
    assert (
        "dental: dn-severe-pain -> dn-pain-adult" in text.stdout
        and "dental_emergency/same_day" in text.stdout
    )
    data = json.loads(
        CliRunner().invoke(main, ["diff", str(RULES_DIR), str(new), "--format", "json"]).stdout
    )
    assert data["changed"] == len(data["changes"]) == sum(g["count"] for g in data["groups"]) > 0

    repo = tmp_path / "repo"  # a throwaway git repository with the rules committed, then edited
    (repo / "rules").mkdir(parents=True)
    subprocess.run(["cp", "-r", f"{RULES_DIR}/.", str(repo / "rules")], check=True)
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "rules"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    edit(repo / "rules" / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pain, ge: 8}")
    result = CliRunner().invoke(
        main,
        ["diff", str(repo / "rules"), "--against", "HEAD", "--scenarios", str(ROOT / "scenarios")],
    )
    assert result.exit_code == 0, result.stderr
    assert "dn-severe-pain -> dn-pain-adult" in result.stdout and "non_medical" not in result.stdout


GUMS_FACT = """  bleeding_gums:
    type: bool
    default: false
    question: {fi: "Vuotavatko ikenet?", sv: "Blöder tandköttet?", en: "Do the gums bleed?"}
"""
GUMS_RULE = """
  - id: dn-bleeding-gums
    priority: 25
    description: {fi: "Vuotavat ikenet.", sv: "Blödande tandkött.", en: "Bleeding gums."}
    when: {fact: bleeding_gums, eq: true}
    then: {service: dental_hygienist, urgency: routine}
"""


def test_a_new_fact_is_its_own_group_and_changes_nothing_while_false(
    rules: RuleSet, rules_copy: Path
) -> None:
    dental = rules_copy / "needs" / "dental.yaml"
    edit(dental, "\nfacts:\n", "\nfacts:\n" + GUMS_FACT)
    dental.write_text(dental.read_text(encoding="utf-8").rstrip("\n") + "\n" + GUMS_RULE)
    new = load_rules(rules_copy)
    report = diff_rules(rules, new, SCENARIO_CASES)
    # the fact left false (or unanswered) changes nothing; nothing reads "invalid"
    assert report.changes == []
    (gums,) = report.unshared
    assert (gums.need, gums.kind, gums.fact) == ("dental", "new fact", "bleeding_gums")
    assert gums.cases > 0 and 0 < len(gums.changes) <= gums.cases
    for change in gums.changes:
        assert change.case["facts"]["bleeding_gums"] is True
        assert change.new[3] == "dn-bleeding-gums" and change.old[0] != "invalid"
    text = report.render()
    assert "invalid" not in text
    assert f"new fact dental.bleeding_gums: set in {gums.cases} cases" in text
    assert "-> dn-bleeding-gums" in text
    data = report.as_dict()
    assert data["changed"] == 0 and data["unshared_facts"][0]["cases"] == gums.cases
    # the other way round, the same fact is a removed fact
    back = diff_rules(new, rules, SCENARIO_CASES)
    assert back.changes == [] and [u.kind for u in back.unshared] == ["removed fact"]
    assert back.unshared[0].cases == gums.cases
