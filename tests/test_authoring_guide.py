"""A person following only docs/rules.md can add a fact, a rule and scenarios, and see them
pass: this test walks exactly the guide's worked example."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT, RULES_DIR, SCENARIOS_DIR
from triage.cli import main

GUIDE = ROOT / "docs" / "rules.md"


def example_blocks() -> list[tuple[str, str, str]]:
    """(file, where, text) of each YAML block of section 7 whose first line says where it goes."""
    section = GUIDE.read_text(encoding="utf-8").split("## 7. Worked example", 1)[1]
    out = []
    for block in re.findall(r"```yaml\n(.*?)```", section, flags=re.S):
        first, _, body = block.partition("\n")
        match = re.fullmatch(r"# (\S+): (.+)", first)
        assert match, first
        out.append((match.group(1), match.group(2), body))
    return out


def test_the_guide_example_works_as_written(tmp_path: Path) -> None:
    rules, scenarios = tmp_path / "rules", tmp_path / "scenarios"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(SCENARIOS_DIR, scenarios)
    blocks = example_blocks()
    assert [w for _, w, _ in blocks] == [
        "add under facts:",
        "add at the end of rules:",
        "a new file",
    ]
    for file, where, body in blocks:
        target = tmp_path / file
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        if where == "add under facts:":
            assert "\nfacts:\n" in text
            text = text.replace("\nfacts:\n", "\nfacts:\n" + body, 1)
        elif where == "add at the end of rules:":
            text = text.rstrip("\n") + "\n\n" + body
        else:
            assert not target.exists()
            text = body
        target.write_text(text, encoding="utf-8")

    check = CliRunner().invoke(main, ["check", str(rules)])
    assert check.exit_code == 0 and check.stdout.strip().endswith("0 errors, 0 warnings"), (
        check.stdout
    )
    test = CliRunner().invoke(main, ["test", str(scenarios), "--rules", str(rules)])
    assert test.exit_code == 0, test.stdout
    assert (
        test.stdout.strip().endswith("passed, 0 failed")
        and "every rule wins at least one scenario" in test.stdout
    )
    row = next(
        line.split()
        for line in test.stdout.splitlines()
        if line.strip().startswith("dn-bleeding-gums")
    )
    assert row[2] == "1"  # won exactly the one scenario the guide says
    diff = CliRunner().invoke(
        main, ["diff", str(RULES_DIR), str(rules), "--scenarios", str(scenarios)]
    )
    assert diff.exit_code == 0 and "-> dn-bleeding-gums" in diff.stdout


def test_guide_commands_exist() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for command in ("check", "test", "explain", "diff"):
        assert f".venv/bin/triage {command}" in text
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0
