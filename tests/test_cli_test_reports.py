"""`triage test`: per-rule coverage, JUnit XML and JSON reports."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from tests.conftest import SCENARIOS_DIR
from triage.cli import main

FAILING = """\
scenarios:
  - id: ok-trauma
    case: {need: dental, client: {age: 40, municipality: '179'}, red_flags: [],
           facts: {trauma: true, permanent_tooth_knocked_out: false, swelling: false,
                   request: acute, bleeding_after_extraction: false}}
    expect: {status: decided, service: dental_emergency, urgency: same_day}
  - id: wrong-urgency
    case: {need: dental, client: {age: 40, municipality: '179'}, red_flags: [],
           facts: {trauma: true, permanent_tooth_knocked_out: false, swelling: false,
                   request: acute, bleeding_after_extraction: false}}
    expect: {status: decided, service: dental_emergency, urgency: routine}
"""


def test_coverage_counts_true_and_won_per_rule() -> None:
    result = CliRunner().invoke(main, ["test", str(SCENARIOS_DIR)])
    assert result.exit_code == 0
    lines = {
        line.split()[0]: line.split()[1:]
        for line in result.stdout.splitlines()
        if line.startswith("  ")
    }
    assert lines["rule"] == ["true", "won"]
    assert all(
        int(won) >= 1 for rule, (true, won) in ((r, v) for r, v in lines.items() if r != "rule")
    )
    assert int(lines["ac-default"][0]) > int(lines["ac-default"][1])  # true often, wins rarely


def test_junit_output_parses(tmp_path: Path) -> None:
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text(FAILING)
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(main, ["test", str(scenarios), "--junit", str(junit)])
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"ok-trauma", "wrong-urgency"}
    assert cases["ok-trauma"].find("failure") is None
    failure = cases["wrong-urgency"].find("failure")
    assert failure is not None and "urgency: expected routine, got same_day" in (
        failure.get("message") or ""
    )


def test_json_output(tmp_path: Path) -> None:
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text(FAILING)
    result = CliRunner().invoke(main, ["test", str(scenarios), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["passed"], data["failed"]) == (1, 1)
    failed = next(r for r in data["results"] if not r["passed"])
    assert failed["diffs"] == [{"field": "urgency", "expected": "routine", "got": "same_day"}]
    assert data["coverage"]["dn-trauma"] == {"true": 2, "won": 2}
    assert "ac-default" in data["unexercised"]
