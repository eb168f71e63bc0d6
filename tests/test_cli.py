"""The `triage` command as users run it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SCENARIOS_DIR
from tests.helpers import edit
from tests.strategies import random_case
from triage.cli import main
from triage.rules.loader import load_rules


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_decide_one_case_prints_one_decision() -> None:
    code, out, _ = run(
        "decide", str(ROOT / "examples" / "case.json"), "--locale", "en", "--seed", "7"
    )
    assert code == 0
    (line,) = out.splitlines()
    d = json.loads(line)
    assert d["status"] == "decided" and d["service"]["code"] == "dental_booking"
    assert d["seed"] == 7 and d["locale"] == "en"
    assert set(d) >= {
        "decision_id",
        "missing_facts",
        "fired_rules",
        "winning_rule",
        "providers",
        "rules_version",
        "explanation",
    }


def test_decide_json_lines_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    good = json.loads((ROOT / "examples" / "case.json").read_text())
    lines = [
        json.dumps(good),
        "{not json",
        "",
        json.dumps({**good, "facts": {**good["facts"], "pain": 99}}),
        json.dumps({**good, "need": "chronic_care", "facts": {"symptoms_worsening": True}}),
    ]
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(lines) + "\n")
    code, out, _ = run("decide", str(f))
    assert code == 1
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 4
    assert rows[0]["service"]["code"] == "dental_booking"
    assert rows[1]["line"] == 2 and "not valid JSON" in rows[1]["error"]
    assert rows[2] == {
        "line": 4,
        "code": "invalid_input",
        "field": "facts.pain",
        "error": "facts.pain: must be between 0 and 10",
    }
    assert rows[3]["service"]["code"] == "nurse_assessment"


def test_decide_reads_stdin() -> None:
    case = {
        "need": "non_medical",
        "client": {"age": 40, "municipality": "077"},
        "facts": {"topic": "loneliness"},
        "red_flags": [],
    }
    code, out, _ = run("decide", "-", input=json.dumps(case))
    assert code == 0 and json.loads(out)["service"]["code"] == "third_sector_activities"


def test_decide_with_broken_rules_names_file_and_line(rules_copy: Path) -> None:
    edit(rules_copy / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pian, ge: 7}")
    code, _, err = run("decide", str(ROOT / "examples" / "case.json"), "--rules", str(rules_copy))
    assert code == 2
    assert "dental.yaml:" in err and "pian" in err and "did you mean 'pain'" in err
    assert "Traceback" not in err


def test_test_command_passes_on_shipped_scenarios() -> None:
    code, out, _ = run("test", str(SCENARIOS_DIR))
    assert code == 0
    assert "every rule wins at least one scenario" in out
    assert out.strip().splitlines()[-1].endswith("passed, 0 failed")


def test_test_command_shows_diff_and_unexercised_rules(tmp_path: Path) -> None:
    f = tmp_path / "one.yaml"
    f.write_text(
        "scenarios:\n"
        "  - id: wrong-urgency\n"
        "    case: {need: dental, client: {age: 40, municipality: '179'}, red_flags: [],\n"
        "           facts: {trauma: true, permanent_tooth_knocked_out: false, swelling: false,\n"
        "                   request: acute, bleeding_after_extraction: false}}\n"
        "    expect: {status: decided, service: dental_emergency, urgency: routine}\n"
    )
    code, out, _ = run("test", str(f))
    assert code == 1
    assert f"FAIL wrong-urgency ({f}:2)" in out
    assert "- expected: routine" in out and "+ got:      same_day" in out
    assert "rules no scenario exercised" in out and "ac-default" in out


def test_test_command_rejects_scenario_that_asserts_nothing(tmp_path: Path) -> None:
    f = tmp_path / "empty.yaml"
    f.write_text("scenarios:\n  - id: nothing\n    case: {need: dental}\n    expect: {}\n")
    code, _, err = run("test", str(f))
    assert code == 2 and "expect needs a status or an error" in err


def test_explain_shows_every_rule_with_truth_values() -> None:
    code, out, _ = run("explain", str(ROOT / "examples" / "case.json"), "--locale", "en")
    assert code == 0
    assert out.startswith("DECIDED: dental_booking / within_3_days (winning rule dn-pain-adult)")
    assert "<-- WINNER" in out
    for rule in ("red-flag-emergency", "dn-trauma", "dn-booking"):
        assert rule in out
    assert "pain ≥ 4" in out and "[seen: 5]" in out
    assert "permanent_tooth_knocked_out = true UNKNOWN    [not given]" in out


def test_explain_shows_absent_not_known_and_default_answers_apart(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    case = {
        "need": "physiotherapy",
        "client": {"age": 55, "municipality": "179"},
        "red_flags": [],
        "facts": {
            "duration_weeks": 4,
            "recent_injury": False,
            "fever_or_hot_swollen_joint": False,
            "progressive_weakness": False,
            "night_pain": "not_known",
        },
    }
    f.write_text(json.dumps(case))
    code, out, _ = run("explain", str(f), "--locale", "en")
    assert code == 0
    assert out.startswith(
        "DECIDED: doctor_appointment / within_3_days (winning rule pt-night-pain)"
        " [precaution, not known: night_pain]"
    )
    assert "night_pain = true                  UNKNOWN    [not known]" in out
    assert "cancer_history_or_weight_loss = true UNKNOWN    [not given]" in out
    assert "previous_physio_same_problem = true FALSE      [seen: false (default)]" in out
    assert "<-- WINNER AS A PRECAUTION" in out
    code, out, _ = run("explain", str(f), "--format", "json")
    states = {
        part["condition"].split(" ")[0]: part.get("state")
        for rule in json.loads(out)["rules"]
        for part in [rule["when"], *rule["when"].get("parts", [])]
        if "state" in part
    }
    assert states["night_pain"] == "not_known"
    assert states["cancer_history_or_weight_loss"] == "absent"
    assert states["previous_physio_same_problem"] == "default"
    assert states["duration_weeks"] == "answered"


def test_explain_json_marks_blockers(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(
        json.dumps(
            {"need": "dental", "client": {"age": 34, "municipality": "179"}, "red_flags": []}
        )
    )
    code, out, _ = run("explain", str(f), "--format", "json")
    assert code == 0
    data = json.loads(out)
    roles = {r["rule"]: r["role"] for r in data["rules"]}
    assert roles["dn-booking"] == "blocking" and data["decision"]["status"] == "needs_information"


def test_check_reports_shipped_rules_clean() -> None:
    code, out, _ = run("check")
    assert code == 0 and out.strip().endswith("0 errors, 0 warnings")


@pytest.mark.parametrize("argv", [["--help"], ["decide", "--help"]])
def test_installed_entry_point_runs(argv: list[str]) -> None:
    exe = Path(sys.executable).parent / "triage"
    proc = subprocess.run([str(exe), *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Usage" in proc.stdout


def test_decide_in_parallel_processes_gives_the_same_lines_in_order(tmp_path: Path) -> None:
    """--jobs forks workers over chunks of 2,000 lines: output order, seeds, decisions,
    bad lines and the exit code are those of one process; the ids are all different."""
    rng = random.Random(5)
    rules = load_rules(ROOT / "rules")
    lines = [json.dumps(random_case(rng, rules)) for _ in range(4_500)]
    lines[10] = "{not json"
    lines[2_500] = json.dumps(
        {"need": "dental", "client": {"age": 34, "municipality": "179"}, "facts": {"pain": 11}}
    )
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(lines) + "\n")
    exe = Path(sys.executable).parent / "triage"
    outputs = []
    for jobs in ("1", "3"):
        argv = [str(exe), "decide", str(f), "--seed", "40", "--jobs", jobs]
        argv += ["--catalog", str(ROOT / "catalog" / "sample.yaml")]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stderr
        outputs.append([json.loads(x) for x in proc.stdout.splitlines()])
    one, parallel = outputs
    assert len(one) == len(parallel) == 4_500
    ids = [row.pop("decision_id", None) for rows in outputs for row in rows]
    assert len({i for i in ids if i is not None}) == 2 * 4_498
    assert one == parallel
    assert one[10]["line"] == 11 and "not valid JSON" in one[10]["error"]
    assert one[2_500] == {
        "line": 2_501,
        "code": "invalid_input",
        "field": "facts.pain",
        "error": "facts.pain: must be between 0 and 10",
    }
    assert one[4_499]["seed"] == 40 + 4_499 and one[4_499]["stored"] is False
