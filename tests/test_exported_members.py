"""The public API is small and deliberate, and the layers point one way."""

from __future__ import annotations

import grimp

import triage

PUBLIC = {
    "Case": "triage.domain.case",
    "Decision": "triage.domain.decision",
    "EngineError": "triage.errors",
    "InvalidCaseError": "triage.errors",
    "RuleConflictError": "triage.errors",
    "RuleFileError": "triage.errors",
    "RuleSet": "triage.rules.model",
    "ScenarioError": "triage.errors",
    "Triage": "triage.domain.decider",
    "TriageError": "triage.errors",
    "load_checked_rules": "triage.engine.checked",
    "load_rules": "triage.rules.loader",
    "parse_case": "triage.domain.case",
}


def test_public_api_is_pinned() -> None:
    assert sorted(triage.__all__) == sorted(PUBLIC)
    assert {name: getattr(triage, name).__module__ for name in triage.__all__} == PUBLIC


def test_no_import_cycles_between_modules() -> None:
    graph = grimp.build_graph("triage")
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    # Tarjan's strongly connected components over the real import graph.
    counter, stack, on_stack = [0], [], set()
    low: dict[str, int] = {}
    order: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        order[m] = low[m] = counter[0]
        counter[0] += 1
        stack.append(m)
        on_stack.add(m)
        for n in sorted(graph.find_modules_directly_imported_by(m)):
            if n not in index:
                continue
            if n not in order:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], order[n])
        if low[m] == order[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for m in modules:
        if m not in order:
            visit(m)
    assert cycles == []


def test_only_the_durable_adapter_imports_durable_rules() -> None:
    graph = grimp.build_graph("triage", include_external_packages=True)
    assert graph.find_modules_that_directly_import("durable_rules_engine") == {
        "triage.engine.durable"
    }


def test_no_module_is_over_about_300_lines() -> None:
    from pathlib import Path

    src = Path(triage.__file__).parent
    sizes = {
        p.relative_to(src).as_posix(): len(p.read_text().splitlines()) for p in src.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 320} == {}
