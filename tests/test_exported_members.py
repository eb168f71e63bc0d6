"""The public API is small and deliberate: changing it is a decision, not an accident."""

import triage


def test_public_api() -> None:
    assert sorted(triage.__all__) == [
        "Case",
        "Decision",
        "EngineError",
        "InvalidCaseError",
        "RuleConflictError",
        "RuleFileError",
        "RuleSet",
        "ScenarioError",
        "Triage",
        "TriageError",
        "load_checked_rules",
        "load_rules",
        "parse_case",
    ]
    for name in triage.__all__:
        assert getattr(triage, name).__module__.startswith("triage.")


def test_only_engine_imports_durable() -> None:
    from pathlib import Path

    src = Path(triage.__file__).parent
    importers = sorted(
        p.name
        for p in src.rglob("*.py")
        if "durable_rules_engine" in p.read_text()
        and "import durable_rules_engine" in p.read_text()
    )
    assert importers == ["engine.py"]


def test_pure_layers_import_no_framework() -> None:
    from pathlib import Path

    src = Path(triage.__file__).parent
    for name in (
        "ruleset.py",
        "rulefile.py",
        "compiler.py",
        "logic.py",
        "analysis.py",
        "validation.py",
    ):
        text = (src / name).read_text()
        for banned in ("durable", "fastapi", "sqlmodel", "sqlalchemy"):
            assert f"import {banned}" not in text and f"from {banned}" not in text, (name, banned)
