"""`triage rules publish | activate | export | versions`, `triage fleet`, and a database
that is down: what operators and rule authors run against the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import RULES_DIR
from tests.helpers import edit
from triage.cli import main
from triage.rules.loader import read_rule_files


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(RULES_DIR))
    return tmp_path


def test_publish_list_export_and_roll_back(db: Path) -> None:
    code, out, err = run("rules", "publish", str(RULES_DIR))
    assert code == 0, err
    first = out.split()[0]
    changed = db / "changed"
    shutil.copytree(RULES_DIR, changed)
    edit(changed / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pain, ge: 8}")
    before = {p: p.read_bytes() for p in changed.rglob("*.yaml")}
    code, out, _ = run("rules", "publish", str(changed))
    second = out.split()[0]
    assert code == 0 and second != first
    assert {p: p.read_bytes() for p in changed.rglob("*.yaml")} == before  # only read

    code, out, _ = run("rules", "versions")
    assert code == 0 and f"* {second}" in out and f"  {first}" in out

    code, out, _ = run("rules", "activate", first)
    assert code == 0 and "active" in out
    assert f"* {first}" in run("rules", "versions")[1]

    target = db / "exported"
    assert run("rules", "export", second, str(target))[0] == 0
    assert read_rule_files(target) == read_rule_files(changed)
    code, _, err = run("rules", "export", second, str(target))  # never over existing files
    assert code == 2 and "not empty" in err


def test_unknown_versions_and_broken_rules_are_clear_errors(db: Path) -> None:
    code, _, err = run("rules", "activate", "sha256:nothing")
    assert code == 2 and err.startswith("error: ") and "sha256:nothing is not stored" in err
    broken = db / "broken"
    shutil.copytree(RULES_DIR, broken)
    edit(broken / "needs" / "dental.yaml", "then:", "than:")
    code, _, err = run("rules", "publish", str(broken))
    assert code == 2 and "dental.yaml:" in err and "Traceback" not in err


def test_a_database_that_is_down_is_exit_3_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    code, _, err = run("rules", "versions")
    assert code == 3 and err.startswith("error: ") and "Traceback" not in err


def test_fleet_without_workers_does_not_agree(db: Path) -> None:
    code, out, _ = run("fleet")
    assert code == 1 and "0 workers" in out
