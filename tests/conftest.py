from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from triage.decide import PythonEvaluator
from triage.ruleset import RuleSet
from triage.service import Triage, load_checked_rules

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "rules"
SCENARIOS_DIR = ROOT / "scenarios"


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_checked_rules(RULES_DIR)


@pytest.fixture(scope="session")
def engine_triage() -> Triage:
    """The real thing: shipped rules on durable_rules."""
    return Triage.from_directory(RULES_DIR)


@pytest.fixture(scope="session")
def python_triage(rules: RuleSet) -> Triage:
    """Shipped rules on the plain-Python evaluator (no durable_rules)."""
    return Triage(rules=rules, evaluator=PythonEvaluator(rules))


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules, for tests that break them."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target
