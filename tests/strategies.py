"""Hypothesis strategies for valid cases of the shipped rules, boundaries included."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from triage.engine.analysis import representative_values
from triage.rules.model import Fact, RuleSet

MUNICIPALITIES = ["179", "077", "892", "182"]


def fact_values(fact: Fact, rules: RuleSet, need: str) -> st.SearchStrategy[Any]:
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from(fact.values)
    assert fact.min is not None and fact.max is not None
    edges = representative_values(fact, rules.rules_for(need))
    if fact.type == "int":
        return st.one_of(st.sampled_from(edges), st.integers(int(fact.min), int(fact.max)))
    near = [e + d for e in edges for d in (-0.1, -1e-9, 1e-9, 0.1) if fact.min <= e + d <= fact.max]
    return st.one_of(
        st.sampled_from(edges + near),
        st.floats(fact.min, fact.max, allow_nan=False, allow_infinity=False),
    )


@st.composite
def cases(
    draw: st.DrawFn, rules: RuleSet, need: str | None = None, red_flags: bool = True
) -> dict[str, Any]:
    need = need or draw(st.sampled_from(sorted(rules.needs)))
    facts: dict[str, Any] = {}
    for code, fact in rules.needs[need].facts.items():
        if draw(st.booleans()):
            facts[code] = draw(fact_values(fact, rules, need))
    flags = (
        draw(st.lists(st.sampled_from(sorted(rules.red_flags)), max_size=2, unique=True))
        if red_flags and draw(st.integers(0, 4)) == 0
        else []
    )
    age = draw(st.one_of(st.sampled_from([0, 17, 18, 64, 65, 120]), st.integers(0, 120)))
    case: dict[str, Any] = {
        "need": need,
        "client": {"age": age, "municipality": draw(st.sampled_from(MUNICIPALITIES))},
        "facts": facts,
    }
    if flags:
        case["red_flags"] = flags
    return case


def random_case(rng: random.Random, rules: RuleSet, known: float = 0.5) -> dict[str, Any]:
    """A valid case drawn without hypothesis (for benchmarks): each fact given with
    probability `known` (1.0: every fact, for a peer engine that has no unknown)."""
    need = rng.choice(sorted(rules.needs))
    facts: dict[str, Any] = {}
    for code, fact in rules.needs[need].facts.items():
        if rng.random() < 1 - known:
            continue
        if fact.type == "bool":
            facts[code] = rng.random() < 0.5
        elif fact.type == "enum":
            facts[code] = rng.choice(fact.values)
        else:
            facts[code] = rng.choice(representative_values(fact, rules.rules_for(need)))
    case: dict[str, Any] = {
        "need": need,
        "client": {"age": rng.randint(0, 120), "municipality": rng.choice(MUNICIPALITIES)},
        "facts": facts,
    }
    if rng.random() < 0.05:
        case["red_flags"] = [rng.choice(sorted(rules.red_flags))]
    return case


@st.composite
def contacts(draw: st.DrawFn, rules: RuleSet, red_flags: bool = True) -> dict[str, Any]:
    """A valid contact: one client with 1 to 6 distinct needs, each drawn like a case."""
    needs = draw(
        st.lists(st.sampled_from(sorted(rules.needs)), min_size=1, max_size=6, unique=True)
    )
    drawn = [draw(cases(rules, need, red_flags=red_flags)) for need in needs]
    items = []
    for case in drawn:
        item: dict[str, Any] = {"need": case["need"], "facts": case["facts"]}
        if case.get("red_flags"):
            item["red_flags"] = case["red_flags"]
        items.append(item)
    return {"client": drawn[0]["client"], "needs": items}
