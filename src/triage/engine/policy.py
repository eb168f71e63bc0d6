"""From rule truths to an outcome, with the semantics of ROUTING_POLICY.md.

The case is decided by the highest-priority rule that is definitely true, unless a rule
of strictly higher priority is unknown: then it is not decided, and the unknown facts
those outranking rules depend on are asked for. The engine never guesses past them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from triage.engine.logic import Truth, evaluate, unknown_facts
from triage.rules.model import Rule, RuleSet, Value


@dataclass(frozen=True)
class RuleTruths:
    """Which rules are definitely true, and which are possibly true (true or unknown)."""

    definite: frozenset[str]
    possible: frozenset[str]


class Evaluator(Protocol):
    """Tells which of a need's rules are definitely and possibly true for given values."""

    def evaluate(self, need: str, values: Mapping[str, Value]) -> RuleTruths: ...

    def evaluate_many(self, need: str, many: Sequence[Mapping[str, Value]]) -> list[RuleTruths]: ...


class PythonEvaluator:
    """Plain-Python evaluator (no durable_rules): the fake for unit tests."""

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules

    def evaluate(self, need: str, values: Mapping[str, Value]) -> RuleTruths:
        definite: set[str] = set()
        possible: set[str] = set()
        for rule in self._rules.rules_for(need):
            truth = evaluate(rule.when, values)
            if truth is not Truth.FALSE:
                possible.add(rule.id)
            if truth is Truth.TRUE:
                definite.add(rule.id)
        return RuleTruths(frozenset(definite), frozenset(possible))

    def evaluate_many(self, need: str, many: Sequence[Mapping[str, Value]]) -> list[RuleTruths]:
        return [self.evaluate(need, values) for values in many]


@dataclass(frozen=True)
class Outcome:
    status: Literal["decided", "needs_information"]
    winner: Rule | None
    fired: tuple[Rule, ...]  # definitely true, highest priority first
    blocking: tuple[Rule, ...]  # unknown rules that outrank every true rule
    missing: tuple[str, ...]  # unknown facts the blocking rules depend on


def outcome(rules: RuleSet, need: str, values: Mapping[str, Value], truths: RuleTruths) -> Outcome:
    ordered = rules.by_priority(need)  # stable: file order among equal priorities
    definite = truths.definite
    fired = tuple(r for r in ordered if r.id in definite)
    if len(truths.possible) == len(definite):  # nothing unknown: nothing can block
        return Outcome("decided", fired[0], fired, (), ()) if fired else NOTHING
    top = fired[0].priority if fired else None
    blocking = tuple(
        r
        for r in ordered
        if r.id in truths.possible and r.id not in definite and (top is None or r.priority > top)
    )
    if blocking:
        missing: dict[str, None] = {}
        for rule in blocking:
            for fact in unknown_facts(rule.when, values):
                missing.setdefault(fact, None)
        return Outcome("needs_information", None, fired, blocking, tuple(missing))
    if fired:
        return Outcome("decided", fired[0], fired, (), ())
    return NOTHING


NOTHING = Outcome("needs_information", None, (), (), ())
