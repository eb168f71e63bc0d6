"""Reference evaluator: the routing semantics in the plainest Python, written apart
from `triage.engine.logic` and `triage.engine.policy`, over the same parsed rules. Used as
the differential oracle for the durable_rules engine and as the benchmark's baseline.

Unknown is None; a condition evaluates to True, False or None (Kleene logic). Policy 3
(docs/policy.md, "Deciding a case") is followed step by step: a fact answered "not_known"
is unknown like an absent one; a rule unknown only through such facts is precautionary
(a candidate), one unknown through an absent fact is blocking; unscreened red flags hold
back every decision but an emergency. With policy 2 nothing is "not_known" and every case
counts as screened, which is the v2 policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
        return bool(v["red_flag_count"] > 0)
    if isinstance(c, Known):
        return c.fact in v
    if isinstance(c, Missing):
        return c.fact not in v
    if isinstance(c, Compare):
        if c.fact not in v:
            return None
        x: Any = v[c.fact]
        y: Any = c.value
        compare: dict[str, Callable[[], Any]] = {
            "eq": lambda: x == y,
            "ne": lambda: x != y,
            "lt": lambda: x < y,
            "le": lambda: x <= y,
            "gt": lambda: x > y,
            "ge": lambda: x >= y,
            "in": lambda: x in y,
        }
        return bool(compare[c.op]())
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
    precautionary: tuple[str, ...] = ()


NOT_KNOWN = "not_known"


def values_of(rules: RuleSet, case: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The known values (answers, defaults, client fields, red-flag count) and the facts
    answered "not_known"."""
    need = rules.needs[case["need"]]
    v: dict[str, Any] = {}
    nk: set[str] = set()
    for code, fact in need.facts.items():
        given = case.get("facts", {})
        if code in given and given[code] == NOT_KNOWN and rules.policy >= 3:
            nk.add(code)
        elif code in given:
            v[code] = given[code]
        elif fact.default is not None:
            v[code] = fact.default
    client = case.get("client") or {}
    for key in ("age", "municipality"):
        if key in client:
            v[f"client.{key}"] = client[key]
    v["red_flag_count"] = len(case.get("red_flags") or [])
    return v, nk


def reference_decide(rules: RuleSet, case: Mapping[str, Any]) -> RefDecision:
    """Decide a *valid* case dict by the policy's semantics."""
    v, nk = values_of(rules, case)
    screened = rules.policy < 3 or "red_flags" in case
    every = list(rules.common_rules) + list(rules.needs[case["need"]].rules)
    truth = {r.id: kleene(r.when, v) for r in every}
    waits: dict[str, list[str]] = {}
    for r in every:
        if truth[r.id] is None:
            waits[r.id] = []
            needed(r.when, v, waits[r.id])
    cautious = {rid for rid, facts in waits.items() if all(f in nk for f in facts)}
    candidates = [r for r in every if truth[r.id] is True or r.id in cautious]
    top = max((r.priority for r in candidates), default=None)
    blockers = [
        r
        for r in every
        if r.id in waits and r.id not in cautious and (top is None or r.priority > top)
    ]
    prefix = () if screened else ("red_flags",)
    if blockers:
        missing: list[str] = []
        for r in sorted(blockers, key=lambda r: -r.priority):  # stable: file order
            missing += [f for f in waits[r.id] if f not in nk and f not in missing]
        return RefDecision("needs_information", None, None, None, prefix + tuple(missing))
    if top is None:
        return RefDecision("needs_information", None, None, None, prefix)
    at_top = [r for r in candidates if r.priority == top]
    true_at_top = [r for r in at_top if truth[r.id] is True]
    assumed: list[str] = []
    if true_at_top:
        winner = true_at_top[0]
    else:
        winner = at_top[0]
        for r in at_top:
            assumed += [f for f in waits[r.id] if f not in assumed]
    if not screened and winner.urgency != "emergency":
        return RefDecision("needs_information", None, None, None, prefix)
    return RefDecision("decided", winner.service, winner.urgency, winner.id, (), tuple(assumed))
