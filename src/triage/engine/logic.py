"""Three-valued evaluation of conditions in plain Python (Kleene logic).

The engine asks durable_rules which rules are definitely true and which are possibly
true; this module answers the finer questions on those few rules: which unknown facts a
rule depends on (`missing_facts`), and each condition's truth for `triage explain`.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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
    Value,
)


class Truth(enum.Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def negate(self) -> Truth:
        if self is Truth.UNKNOWN:
            return self
        return Truth.FALSE if self is Truth.TRUE else Truth.TRUE


COMPARE: Mapping[str, Callable[[Value, Value], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def holds(c: Compare, value: Value) -> bool:
    if c.op == "in":
        assert isinstance(c.value, tuple)
        return value in c.value
    assert not isinstance(c.value, tuple)
    return COMPARE[c.op](value, c.value)


@dataclass(frozen=True)
class Trace:
    """A condition's truth, with the traces of its parts (for explanations)."""

    condition: Condition
    truth: Truth
    parts: tuple[Trace, ...] = ()
    value: Value | None = None


def trace(c: Condition, values: Mapping[str, Value]) -> Trace:
    """Evaluate `c` over `values` (absent key = unknown fact), keeping every step."""
    if isinstance(c, Always):
        return Trace(c, Truth.TRUE)
    if isinstance(c, RedFlagAny):
        count = values.get("red_flag_count", 0)
        return Trace(c, Truth.TRUE if count else Truth.FALSE, value=count)
    if isinstance(c, Known | Missing):
        present = c.fact in values
        truth = Truth.TRUE if present == isinstance(c, Known) else Truth.FALSE
        return Trace(c, truth, value=values.get(c.fact))
    if isinstance(c, Compare):
        return Trace(c, evaluate(c, values), value=values.get(c.fact))
    if isinstance(c, Not):
        inner = trace(c.item, values)
        return Trace(c, inner.truth.negate(), (inner,))
    parts = tuple(trace(item, values) for item in c.items)
    return Trace(c, _combined(c, [p.truth for p in parts]), parts)


def _combined(c: All | AnyOf, truths: list[Truth]) -> Truth:
    """An `all` or `any` over its parts' truths: false (true) once one part is, else
    unknown while one part is, else true (false). A list, not a set: an Enum's hash is
    computed in Python."""
    dominant, other = (Truth.FALSE, Truth.TRUE) if isinstance(c, All) else (Truth.TRUE, Truth.FALSE)
    if dominant in truths:
        return dominant
    return Truth.UNKNOWN if Truth.UNKNOWN in truths else other


def evaluate(c: Condition, values: Mapping[str, Value]) -> Truth:
    """`trace(c, values).truth`, without keeping the steps."""
    if isinstance(c, Compare):
        if c.fact not in values:
            return Truth.UNKNOWN
        return Truth.TRUE if holds(c, values[c.fact]) else Truth.FALSE
    if isinstance(c, Not):
        return evaluate(c.item, values).negate()
    if isinstance(c, All | AnyOf):
        return _combined(c, [evaluate(item, values) for item in c.items])
    return trace(c, values).truth  # always, red flags, known, missing: one step


def unknown_facts(c: Condition, values: Mapping[str, Value]) -> list[str]:
    """The unknown facts that keep `c` unknown: answering all of them makes `c` true or false.

    Only parts that are themselves unknown are followed, so a fact behind a part that is
    already false (in an `all`) or true (in an `any`) is not asked for. One pass, bottom
    up: each part's truth and its unknown facts together (it runs for every unknown rule
    of a decision that asks for information or decides as a precaution).
    """
    _, found = _unknown(c, values)  # nothing is found under a part that is true or false
    return list(dict.fromkeys(found))


def _unknown(c: Condition, values: Mapping[str, Value]) -> tuple[Truth, list[str]]:
    """`c`'s truth, and (when unknown) the facts of its unknown parts, in order."""
    if isinstance(c, Compare):
        if c.fact not in values:
            return Truth.UNKNOWN, [c.fact]
        return (Truth.TRUE if holds(c, values[c.fact]) else Truth.FALSE), []
    if isinstance(c, Not):
        truth, found = _unknown(c.item, values)
        return truth.negate(), found
    if isinstance(c, All | AnyOf):
        parts = [_unknown(item, values) for item in c.items]
        truth = _combined(c, [t for t, _ in parts])
        if truth is not Truth.UNKNOWN:
            return truth, []
        return truth, [f for t, facts in parts if t is Truth.UNKNOWN for f in facts]
    return evaluate(c, values), []  # always, red flags, known, missing: never unknown
