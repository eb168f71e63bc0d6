"""Reference evaluator: the routing semantics in the plainest Python, written apart
from `triage.engine.logic` and `triage.engine.policy`, over the same parsed rules. Used as
the differential oracle for the durable_rules engine and as the benchmark's baseline.

Unknown is None; a condition evaluates to True, False or None (Kleene logic).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage.rules.model import (
    All,
    Always,
    AnyOf,
    Compare,
    Condition,
    Known,
    Missing,
    Not,
    RedFlagAny,
    RuleSet,
)


def kleene(c: Condition, v: Mapping[str, Any]) -> bool | None:
    if isinstance(c, Always):
        return True
    if isinstance(c, RedFlagAny):
        return v["red_flag_count"] > 0
    if isinstance(c, Known):
        return c.fact in v
    if isinstance(c, Missing):
        return c.fact not in v
    if isinstance(c, Compare):
        if c.fact not in v:
            return None
        x, y = v[c.fact], c.value
        return {
            "eq": lambda: x == y,
            "ne": lambda: x != y,
            "lt": lambda: x < y,
            "le": lambda: x <= y,
            "gt": lambda: x > y,
            "ge": lambda: x >= y,
            "in": lambda: x in y,
        }[c.op]()
    if isinstance(c, Not):
        inner = kleene(c.item, v)
        return None if inner is None else not inner
    results = [kleene(i, v) for i in c.items]
    if isinstance(c, All):
        if False in results:
            return False
        return None if None in results else True
    assert isinstance(c, AnyOf)
    if True in results:
        return True
    return None if None in results else False


def needed(c: Condition, v: Mapping[str, Any], out: list[str]) -> None:
    """Facts under unknown parts of an unknown condition."""
    if kleene(c, v) is not None:
        return
    if isinstance(c, Compare):
        if c.fact not in out:
            out.append(c.fact)
    elif isinstance(c, Not):
        needed(c.item, v, out)
    elif isinstance(c, All | AnyOf):
        for item in c.items:
            needed(item, v, out)


@dataclass(frozen=True)
class RefDecision:
    status: str
    service: str | None
    urgency: str | None
    winning_rule: str | None
    missing: tuple[str, ...]


def values_of(rules: RuleSet, case: Mapping[str, Any]) -> dict[str, Any]:
    need = rules.needs[case["need"]]
    v: dict[str, Any] = {}
    for code, fact in need.facts.items():
        if code in case.get("facts", {}):
            v[code] = case["facts"][code]
        elif fact.default is not None:
            v[code] = fact.default
    v["client.age"] = case["client"]["age"]
    v["client.municipality"] = case["client"]["municipality"]
    v["red_flag_count"] = len(case.get("red_flags", []))
    return v


def reference_decide(rules: RuleSet, case: Mapping[str, Any]) -> RefDecision:
    """Decide a *valid* case dict by the policy's semantics."""
    v = values_of(rules, case)
    every = list(rules.common_rules) + list(rules.needs[case["need"]].rules)
    truth = {r.id: kleene(r.when, v) for r in every}
    true_rules = [r for r in every if truth[r.id] is True]
    best = max((r.priority for r in true_rules), default=None)
    blockers = [r for r in every if truth[r.id] is None and (best is None or r.priority > best)]
    if blockers:
        missing: list[str] = []
        for r in sorted(blockers, key=lambda r: -r.priority):
            needed(r.when, v, missing)
        return RefDecision("needs_information", None, None, None, tuple(missing))
    if best is None:
        return RefDecision("needs_information", None, None, None, ())
    winner = next(r for r in every if truth[r.id] is True and r.priority == best)
    return RefDecision("decided", winner.service, winner.urgency, winner.id, ())
