"""Regression tests for the measured traps of durable_rules (see triage/engine.py)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import edit
from triage.domain.decider import Triage
from triage.engine.compiler import CATCH_ALL, compile_need, compile_rules
from triage.engine.durable import DurableEngine, encode
from triage.errors import RuleFileError
from triage.rules.loader import load_rules
from triage.rules.model import RuleSet, Value
from triage.rules.schema import MAX_RULES


def walk(node: Any) -> list[Any]:
    out = [node]
    if isinstance(node, dict):
        for v in node.values():
            out.extend(walk(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(walk(v))
    return out


def test_thousands_of_cases_run_in_one_session_left_empty(engine_triage: Triage) -> None:
    # The 1,025th session of a ruleset raises MemoryError: a ruleset keeps one session,
    # and each case's fact is retracted once its actions ran.
    import durable_rules_engine as dre

    import triage.engine.durable as durable

    case = {"need": "dental", "client": {"age": 40, "municipality": "179"}, "facts": {"pain": 1}}
    for _ in range(3000):
        assert engine_triage.decide(case).status == "needs_information"
    handle = engine_triage.evaluator._needs["dental"][1]  # type: ignore[attr-defined]
    sid = durable._SESSIONS[handle]
    assert json.loads(dre.get_facts(handle, str(sid))) == []  # nothing left behind
    engine_triage.decide(case)
    assert durable._SESSIONS[handle] == sid  # the same session again


def test_a_session_that_failed_midway_is_replaced(
    engine_triage: Triage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import durable_rules_engine as dre

    import triage.engine.durable as durable
    from triage.errors import EngineError

    values: dict[str, Value] = {
        "request": "acute", "swelling": True, "client.age": 40, "red_flag_count": 0
    }  # fmt: skip
    before = engine_triage.evaluator.evaluate("dental", values)
    handle = engine_triage.evaluator._needs["dental"][1]  # type: ignore[attr-defined]
    old = durable._SESSIONS[handle]

    class Failing:
        def __getattr__(self, name: str) -> Any:
            return getattr(dre, name)

        def complete_and_start_action(self, *args: Any) -> Any:
            raise dre.error("injected")

    monkeypatch.setattr(durable, "_dre", Failing())
    with pytest.raises(EngineError, match="injected"):
        engine_triage.evaluator.evaluate("dental", values)
    monkeypatch.undo()
    assert handle not in durable._SESSIONS  # the half-used session was deleted
    assert engine_triage.evaluator.evaluate("dental", values) == before
    assert durable._SESSIONS[handle] != old


def test_a_case_matching_no_user_rule_is_safe(engine_triage: Triage) -> None:
    # delete_state on a session whose fact matched nothing segfaults: the catch-all matches.
    raw = {
        "need": "non_medical",
        "client": {"age": 40, "municipality": "179"},
        "facts": {"topic": "loneliness"},
        "red_flags": [],
    }
    for _ in range(1100):
        assert engine_triage.decide(raw).winning_rule == "nm-loneliness"


def test_every_ruleset_has_a_discriminated_catch_all(rules: RuleSet) -> None:
    for compiled in compile_rules(rules).values():
        assert compiled.definition[CATCH_ALL] == {"all": [{"m": {"kind": "case"}}]}
        for name, rule in compiled.definition.items():
            match = rule["all"][0]["m"]
            # Patterns also match the state document: every one must test the discriminator.
            assert match == {"kind": "case"} or match["$and"][0] == {"kind": "case"}, name


def test_no_empty_and_or_and_no_priorities_are_emitted(rules: RuleSet) -> None:
    # `$and: []` matches everything; `pri` wraps silently and lowest fires first.
    for compiled in compile_rules(rules).values():
        for node in walk(dict(compiled.definition)):
            if isinstance(node, dict):
                assert "pri" not in node
                for key in ("$and", "$or"):
                    if key in node:
                        assert len(node[key]) >= 2


def test_numbers_are_written_without_exponent() -> None:
    fields = {"egfr": "egfr"}
    expected = '{"kind":"case","sid":"1","id":"case","egfr":0.00001}'
    assert encode({"egfr": 1e-05}, fields, 1) == expected
    assert '"egfr":1.5e' not in encode({"egfr": 1.5e-7}, fields, 1)


def test_tiny_numbers_reach_the_engine(engine_triage: Triage) -> None:
    facts = {
        "current_drug": "warfarin",
        "request": "switch_to_doac",
        "mechanical_valve": False,
        "mitral_stenosis": False,
        "antiphospholipid_syndrome": False,
        "pregnant": False,
        "bleeding_signs": False,
        "minor_bleeding": False,
        "head_injury": False,
        "egfr": 1e-05,
    }
    d = engine_triage.decide(
        {
            "need": "anticoagulation",
            "client": {"age": 70, "municipality": "179"},
            "facts": facts,
            "red_flags": [],
        }
    )
    assert d.winning_rule == "ac-switch-egfr-very-low"


def test_a_rule_true_on_several_or_branches_fires_once(engine_triage: Triage) -> None:
    raw = {
        "need": "anticoagulation",
        "client": {"age": 70, "municipality": "179"},
        "facts": {"bleeding_signs": True, "request": "bleeding"},
    }
    ids = [r.id for r in engine_triage.decide(raw).fired_rules]
    assert ids.count("ac-bleeding") == 1


def test_rulesets_are_shared_by_content_and_freed_after_use(
    rules: RuleSet, rules_copy: Path
) -> None:
    """Counted per ruleset name, not over the whole process: engines that earlier tests
    left alive (or that other threads drop meanwhile) cannot change what is checked."""
    import triage.engine.durable as durable

    def users(name: str) -> int:
        return durable._HANDLES.get(name, (0, 0))[1]

    gc.collect()  # engines of earlier tests in reference cycles go now, not midway
    gc.disable()
    try:
        _shared_and_freed(rules, rules_copy, users)
    finally:
        gc.enable()


def _shared_and_freed(rules: RuleSet, rules_copy: Path, users: Any) -> None:
    import triage.engine.durable as durable

    base = compile_rules(rules)
    dental, anticoag = base["dental"].ruleset_name, base["anticoagulation"].ruleset_name
    first = DurableEngine(base)
    shared, handle = users(dental), durable._HANDLES[dental][0]
    # Rulesets are named by a content hash: engines with the same content share them.
    second = DurableEngine(compile_rules(rules))
    assert users(dental) == shared + 1 and durable._HANDLES[dental][0] == handle
    # Priorities live on the Python side; a changed threshold changes the durable ruleset.
    edit(rules_copy / "needs" / "dental.yaml", "{fact: pain, ge: 7}", "{fact: pain, ge: 8}")
    changed = compile_rules(load_rules(rules_copy))
    new_dental = changed["dental"].ruleset_name
    assert new_dental != dental and changed["anticoagulation"].ruleset_name == anticoag
    elsewhere = users(new_dental)  # 0 unless another live engine has the same content
    anticoag_users = users(anticoag)
    third = DurableEngine(changed)
    assert users(new_dental) == elsewhere + 1 and users(anticoag) == anticoag_users + 1
    # durable_rules keeps a ruleset until delete_ruleset: the last engine using it frees it.
    del third
    assert users(new_dental) == elsewhere
    if elsewhere == 0:
        assert new_dental not in durable._HANDLES
    del first
    assert users(dental) == shared  # `second` still uses it
    assert dental in durable._HANDLES
    assert second.evaluate("dental", {"pain": 9, "red_flag_count": 0}).definite
    del second


def test_distinct_reloads_do_not_keep_memory(rules: RuleSet, rules_copy: Path) -> None:
    """Each distinct rule set used to stay in memory for good (~0.4-0.9 MB each)."""

    def rss_mb() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    import triage.engine.durable as durable

    start = rss_mb()
    text = (rules_copy / "needs" / "dental.yaml").read_text()
    made: set[str] = set()
    for n in range(60):
        variant = text.replace("{fact: client.age, lt: 18}", f"{{fact: client.age, lt: {19 + n}}}")
        (rules_copy / "needs" / "dental.yaml").write_text(variant)
        compiled = compile_rules(load_rules(rules_copy))
        made.add(compiled["dental"].ruleset_name)
        engine = DurableEngine(compiled)
        assert compiled["dental"].ruleset_name in durable._HANDLES
        del engine
    assert len(made) == 60 and not made & set(durable._HANDLES)  # every one was freed
    assert rss_mb() - start < 15  # measured ~0 MB; 60 kept rulesets would be ~25-50 MB


def test_no_background_threads_are_started(rules: RuleSet) -> None:
    # durable's Host starts timer threads that steal in-flight actions; we never use it.
    before = threading.active_count()
    engine = DurableEngine(compile_rules(rules))
    engine.evaluate(
        "dental",
        {
            "client.age": 40,
            "client.municipality": "179",
            "red_flag_count": 0,
            "pain": 0,
            "swelling": False,
            "trauma": False,
        },
    )
    assert threading.active_count() == before
    assert "durable.engine" not in sys.modules


def test_oversized_ruleset_is_refused(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The file limit (MAX_RULES) keeps real needs under the engine's; the guard stays.
    import triage.engine.compiler as compiler

    monkeypatch.setattr(compiler, "MAX_DURABLE_RULES", 100)
    f = rules_copy / "needs" / "dental.yaml"
    extra = "".join(
        f"""
  - id: dn-extra-{i}
    priority: {100 + i}
    description: {{fi: "x"}}
    when: {{all: [{{fact: pain, eq: {i % 11}}}, {{fact: request, eq: other}}]}}
    then: {{service: dental_booking, urgency: routine}}
"""
        for i in range(MAX_RULES - 14)  # dental has 14: the file limit, each rule two patterns
    )
    f.write_text(f.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with pytest.raises(RuleFileError, match="limit is 100"):
        compile_need(load_rules(rules_copy), "dental")


def test_without_a_catch_all_an_unmatched_case_is_not_handled() -> None:
    """Why the catch-all exists: an unmatched fact comes back 'not handled' (code 1). Issue 2
    reports that deleting such a session segfaults; the C API alone did not crash here, so
    the engine never relies on that and treats any code but 0 as an EngineError."""
    script = """
import json, durable_rules_engine as d
rule = {"all": [{"m": {"$and": [{"kind": "case"}, {"x": 1}]}}]}
h = d.create_ruleset("trap", json.dumps({"r": rule}))
print(d.assert_fact(h, json.dumps({"kind": "case", "sid": "1", "x": 2}))[0])
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "1", proc.stdout + proc.stderr


def test_the_engine_rejects_exponent_numbers_it_is_never_given() -> None:
    script = """
import json, durable_rules_engine as d
h = d.create_ruleset("exp", json.dumps({"r": {"all": [{"m": {"kind": "case"}}]}}))
try:
    d.assert_fact(h, json.dumps({"kind": "case", "sid": "1", "x": 1e-05}))
    print("accepted")
except d.error:
    print("rejected")
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "rejected", proc.stdout + proc.stderr
    json.dumps(1e-05)  # the default encoder would write an exponent
