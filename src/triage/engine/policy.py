"""From rule truths to an outcome, with the semantics of docs/policy.md.

A rule that is unknown only because of facts answered "not_known" is *precautionary*: it
counts as a candidate, as if it held (asking again cannot help). A rule unknown because of
an absent fact is *blocking*. The case is decided by the highest-priority candidates,
unless a blocking rule of strictly higher priority exists: then it is not decided, and the
absent facts those outranking rules depend on are asked for. The engine never guesses past
them. With no "not_known" answer (every rule set before policy 3) this is the v2 policy.
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


RED_FLAGS = "red_flags"  # the pseudo-fact asked when red flags were not screened (S9)
EMERGENCY = "emergency"  # the urgency that does not wait for screening


@dataclass(frozen=True)
class Outcome:
    status: Literal["decided", "needs_information"]
    winner: Rule | None
    fired: tuple[Rule, ...]  # definitely true, highest priority first
    blocking: tuple[Rule, ...]  # unknown rules that outrank every candidate
    missing: tuple[str, ...]  # absent facts the blocking rules depend on (red_flags first)
    precautionary: tuple[str, ...] = ()  # not-known facts a precautionary decision assumed


def outcome(
    rules: RuleSet,
    need: str,
    values: Mapping[str, Value],
    truths: RuleTruths,
    not_known: frozenset[str],
    screened: bool,
) -> Outcome:
    """The outcome for a case's values (absent and not-known facts left out), the rule
    truths over them, which facts were answered "not_known", and whether red flags were
    screened (S9: an unscreened case is decided only with urgency emergency)."""
    found = _decide(rules.by_priority(need), values, truths, not_known)
    if screened or (found.winner is not None and found.winner.urgency == EMERGENCY):
        return found
    return Outcome(
        "needs_information", None, found.fired, found.blocking, (RED_FLAGS, *found.missing)
    )


def _decide(
    ordered: Sequence[Rule],  # by priority, file order among equals
    values: Mapping[str, Value],
    truths: RuleTruths,
    not_known: frozenset[str],
) -> Outcome:
    definite, possible = truths.definite, truths.possible
    fired = tuple([r for r in ordered if r.id in definite])
    decided = Outcome("decided", fired[0], fired, (), ()) if fired else NOTHING
    if len(possible) == len(definite):  # nothing unknown: nothing can block
        return decided
    floor = fired[0].priority if fired else None
    # only unknown rules above the first true one can matter: a candidate at or below it
    # loses to it, and a blocking rule there does not outrank it
    unknown: list[Rule] = []
    for r in ordered:
        if floor is not None and r.priority <= floor:
            break
        if r.id in possible and r.id not in definite:
            unknown.append(r)
    if not unknown:
        return decided
    # precautionary: an unknown rule every unknown fact of which was answered "not_known"
    cautious: dict[str, list[str]] = {}  # such a rule -> those facts
    for r in unknown:
        if not_known.isdisjoint(r.compared.difference(values)):
            continue  # it waits on absent facts only
        waits = waits_on(r, values)
        if all(f in not_known for f in waits):
            cautious[r.id] = waits
    top = max((r.priority for r in unknown if r.id in cautious), default=None)
    blocking = tuple(
        r for r in unknown if r.id not in cautious and (top is None or r.priority > top)
    )
    if blocking:  # ask for their absent facts; a "not_known" one is never asked again
        missing = dict.fromkeys(
            f for r in blocking for f in waits_on(r, values) if f not in not_known
        )
        return Outcome("needs_information", None, fired, blocking, tuple(missing))
    # a precautionary rule outranks every true one (all unknown rules do): it decides
    at_top = [r for r in unknown if r.id in cautious and r.priority == top]
    assumed = dict.fromkeys(f for r in at_top for f in cautious[r.id])
    return Outcome("decided", at_top[0], fired, (), (), tuple(assumed))


def waits_on(rule: Rule, values: Mapping[str, Value]) -> list[str]:
    """The unknown facts an unknown rule waits on (`unknown_facts`; a flat rule's are read
    off its compared facts, without walking its condition)."""
    if rule.flat is not None:
        return [f for f in rule.flat if f not in values]
    return unknown_facts(rule.when, values)


NOTHING = Outcome("needs_information", None, (), (), ())
