"""Routing policy 3's checks (C1 to C7): `triage check` and the loader refuse each seeded
defect in a copy of the shipped rules, naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.authoring.check import check_directory
from triage.cli import main
from triage.engine.checked import load_checked_rules
from triage.errors import RuleFileError

# (file, text replaced, replacement, words of the error, the text on the line it names)
BREAKS = [
    pytest.param(
        "needs/first_contact.yaml",
        "  wound_gaping:\n    type: bool\n",
        "  wound_gaping:\n    type: bool\n    default: false\n",
        "safety fact first_contact.wound_gaping has a default",
        "  wound_gaping:",
        id="C2-default-on-a-safety-fact",
    ),
    pytest.param(
        "needs/physiotherapy.yaml",
        "  night_pain:\n    type: bool\n    safety: true\n",
        "  night_pain:\n    type: bool\n    default: false\n",
        "physiotherapy.night_pain has a default and decides an urgency",
        "  night_pain:",
        id="C2-default-deciding-an-urgency",
    ),
    pytest.param(
        "needs/discharge.yaml",
        "  lives_alone:\n    type: bool\n    safety: true\n    not_known: accepted\n",
        "  lives_alone:\n    type: bool\n    safety: true\n",
        "yes/no safety fact discharge.lives_alone must accept not_known",
        "  lives_alone:",
        id="C2-safety-fact-refusing-not-known",
    ),
    pytest.param(
        "needs/chronic_care.yaml",
        "\nsafety_net: {",
        "\nnot_a_safety_net: {",
        "not_a_safety_net",
        "not_a_safety_net:",
        id="format-unknown-key",
    ),
    pytest.param(
        "needs/chronic_care.yaml",
        "\nsafety_net: {",
        "\n# safety_net: {",
        "no safety net",
        "  - id: cc-symptoms-worsening",
        id="C3-missing-safety-net",
    ),
    pytest.param(
        "common.yaml",
        "after_hours: [urgent_clinic, emergency_department]}",
        "after_hours: [urgent_clinic]}",
        "must end in a service open 24/7",
        "  nurse_assessment:",
        id="C4-chain-not-ending-24-7",
    ),
    pytest.param(
        "needs/physiotherapy.yaml",
        "        - {known: fever_or_night_pain}\n",
        "",
        "deprecated fact fever_or_night_pain is read without",
        "  - id: pt-fever-or-night-pain",
        id="C5-deprecated-fact-unguarded",
    ),
    pytest.param(
        "needs/dental.yaml",
        ', sv: "Smärta (4 eller mer), vuxen: tidsbokning inom 3 vardagar."',
        "",
        "description of rule dn-pain-adult has no sv text",
        "  - id: dn-pain-adult",
        id="C6-missing-translation",
    ),
    pytest.param(
        "common.yaml",
        '    instruction: {fi: "Soita 112 heti tai varmista, että asiakas tai läheinen soittaa '
        "heti. Asiakas ei aja itse. Jos asiakas hengittää",
        '    instruction: {fi: "Soita 112 heti tai varmista, että asiakas tai läheinen soittaa '
        "heti. Asiakas ei aja itse. Jos asiakas hengittää",
        None,
        None,
        id="unchanged-control",
    ),
]


def break_rules(rules_copy: Path, file: str, old: str, new: str) -> int | None:
    path = rules_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return None


def line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


@pytest.mark.parametrize(("file", "old", "new", "words", "marker"), BREAKS)
def test_each_defect_is_refused_with_file_and_line(
    rules_copy: Path, file: str, old: str, new: str, words: str | None, marker: str | None
) -> None:
    break_rules(rules_copy, file, old, new)
    findings = [f for f in check_directory(rules_copy) if f.severity == "error"]
    if words is None:  # the control: a change that breaks nothing is not refused
        assert findings == []
        load_checked_rules(rules_copy)
        return
    assert marker is not None
    hits = [f for f in findings if words in f.message]
    assert hits, [f.render() for f in findings]
    assert hits[0].file == str(rules_copy / file)
    assert hits[0].line == line_of(rules_copy / file, marker)
    with pytest.raises(RuleFileError) as refused:  # the engine does not load it either
        load_checked_rules(rules_copy)
    assert refused.value.file == str(rules_copy / file)
    out = CliRunner().invoke(main, ["check", str(rules_copy)])
    assert out.exit_code == 1
    assert f"{rules_copy / file}:{hits[0].line}: error" in out.output


def test_a_precaution_conflict_is_refused(rules_copy: Path) -> None:
    """C1 over not_known: with child_age accepting it, the under-7 and school-age rows of
    equal priority could both decide precautionarily, with different outcomes."""
    path = rules_copy / "needs" / "family.yaml"
    text = path.read_text(encoding="utf-8")
    old = '    max: 17\n    unit: "years"\n    safety: true\n'
    assert old in text
    path.write_text(text.replace(old, old + "    not_known: accepted\n"), encoding="utf-8")
    findings = [f for f in check_directory(rules_copy) if f.code == "conflict"]
    assert findings, "the precaution conflict was not found"
    first = findings[0]
    assert set(first.rules) <= {
        "fm-child-health-under-7",
        "fm-child-health-school",
        "fm-development-under-7",
        "fm-development",
    }
    assert first.example is not None and first.example["child_age"] == "not_known"
    assert first.file == str(path) and first.line is not None
    with pytest.raises(RuleFileError, match="not_known"):
        load_checked_rules(rules_copy)


def test_not_known_is_a_reserved_value(rules_copy: Path) -> None:
    path = rules_copy / "needs" / "dental.yaml"
    text = path.read_text(encoding="utf-8")
    old = "values: [acute, check_up, cleaning, denture, other]"
    path.write_text(
        text.replace(old, "values: [acute, check_up, cleaning, denture, other, not_known]")
    )
    found = [f.message for f in check_directory(rules_copy) if f.severity == "error"]
    assert any("not_known is reserved" in m for m in found), found


def test_shipped_rules_pass_every_policy_check() -> None:
    from tests.conftest import RULES_DIR

    assert [f.render() for f in check_directory(RULES_DIR)] == []
