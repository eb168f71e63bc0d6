"""The CLI as one tool: `init`, `check` on a missing folder, `serve` on broken rules,
the LICENSE, and a README that never points outside the clone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, RULES_DIR
from tests.helpers import edit
from triage.cli import main


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert (tmp_path / "x").read_text() == "mine"


def test_check_on_a_missing_folder_says_so() -> None:
    result = CliRunner().invoke(main, ["check", "/nonexistent-rules"])
    assert result.exit_code == 2 and "directory not found" in result.stderr


def test_serve_on_broken_rules_stops_with_file_line_and_exit_2(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        rules_copy / "needs" / "dental.yaml",
        "then: {service: dental_booking, urgency: within_3_days}",
        "then: {service: dental_bookin, urgency: within_3_days}",
    )
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(rules_copy))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 2
    where = r"dental\.yaml:\d+: rule dn-pain-\w+: .*did you mean 'dental_booking'"
    assert re.search(where, result.stderr)
    assert "Traceback" not in result.output


def test_license_and_docs_stand_on_their_own() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for doc in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, doc
        for target in re.findall(r"\]\(([^)#]+)\)", text):  # relative links resolve in the clone
            if not target.startswith(("http://", "https://", "mailto:")):
                resolved = (doc.parent / target).resolve()
                assert resolved.exists() and ROOT in resolved.parents, (doc, target)
    assert RULES_DIR.is_dir()
