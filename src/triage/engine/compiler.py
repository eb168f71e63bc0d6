"""Rule set -> durable_rules ruleset definitions. Pure: no durable import, no I/O.

Each rule is compiled twice, in negation normal form, so that one assertion of the case
fact tells which rules are *definitely true* (T) and which are *possibly true* (P: true or
unknown). An unknown fact is an absent field: `$ex`/`$nex` test presence, and a comparison
on an absent field never matches in durable_rules. Facts that can never be unknown (they
have a default, or are client attributes) compile to plain comparisons, and a rule whose
T and P patterns are identical is emitted once.

Every pattern carries the discriminator `kind: case`, because durable_rules also matches
patterns against its own state document; a catch-all rule makes sure every case matches
something (deleting a session whose fact matched nothing crashes the C engine).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from triage.errors import RuleFileError
from triage.rules.model import (
    CLIENT_ATTRIBUTES,
    All,
    Always,
    Compare,
    Condition,
    Fact,
    Known,
    Missing,
    Not,
    RedFlagAny,
    Rule,
    RuleSet,
)

MAX_DURABLE_RULES: Final = 400  # measured: 512+ rules in one ruleset hang durable_rules
CATCH_ALL: Final = "_"
DISCRIMINATOR: Final = {"kind": "case"}

Pattern = dict[str, Any] | bool  # True / False are folded constants


@dataclass(frozen=True)
class Action:
    """What a fired durable rule means: rule `rule_id` is definitely and/or possibly true."""

    rule_id: str
    definite: bool
    possible: bool


@dataclass(frozen=True)
class CompiledNeed:
    need: str
    ruleset_name: str
    definition: Mapping[str, Any]
    actions: Mapping[str, Action]
    fields: Mapping[str, str]  # fact code -> field on the case fact


def field_name(code: str) -> str:
    return code.replace(".", "_")


def _and(items: list[Pattern]) -> Pattern:
    if any(i is False for i in items):
        return False
    kept = [i for i in items if i is not True]
    if not kept:
        return True
    return kept[0] if len(kept) == 1 else {"$and": kept}


def _or(items: list[Pattern]) -> Pattern:
    if any(i is True for i in items):
        return True
    kept = [i for i in items if i is not False]
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else {"$or": kept}


_NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


def _cmp(field: str, op: str, value: Any) -> Pattern:
    if op == "eq":
        return {field: value}
    return {_DURABLE_OP[op]: {field: value}}


class _Translator:
    def __init__(self, facts: Mapping[str, Fact]) -> None:
        self.facts = facts

    def fact(self, code: str) -> Fact:
        return CLIENT_ATTRIBUTES[code] if code in CLIENT_ATTRIBUTES else self.facts[code]

    def holds(self, c: Compare, positive: bool) -> Pattern:
        field = field_name(c.fact)
        if c.op == "in":
            assert isinstance(c.value, tuple)
            if positive:
                return _or([_cmp(field, "eq", v) for v in c.value])
            return _and([_cmp(field, "ne", v) for v in c.value])
        op = c.op if positive else _NEGATE[c.op]
        return _cmp(field, op, c.value)

    def translate(self, c: Condition, *, want: bool, definite: bool) -> Pattern:
        """Pattern for "c is definitely `want`" (definite) or "c is possibly `want`"."""
        if isinstance(c, Always):
            return want
        if isinstance(c, RedFlagAny):
            return {"$gt": {"red_flag_count": 0}} if want else {"red_flag_count": 0}
        if isinstance(c, Known | Missing):
            if self.fact(c.fact).always_known:
                return want == isinstance(c, Known)
            present = isinstance(c, Known) == want
            return {"$ex" if present else "$nex": {field_name(c.fact): 1}}
        if isinstance(c, Compare):
            pattern = self.holds(c, want)
            if definite or self.fact(c.fact).always_known:
                return pattern
            return _or([{"$nex": {field_name(c.fact): 1}}, pattern])
        if isinstance(c, Not):
            return self.translate(c.item, want=not want, definite=definite)
        parts = [self.translate(i, want=want, definite=definite) for i in c.items]
        conjunctive = isinstance(c, All) == want
        return _and(parts) if conjunctive else _or(parts)


def _durable_rule(pattern: Pattern) -> dict[str, Any]:
    assert pattern is not False
    match = dict(DISCRIMINATOR) if pattern is True else {"$and": [dict(DISCRIMINATOR), pattern]}
    return {"all": [{"m": match}]}


def compile_need(rules: RuleSet, need: str) -> CompiledNeed:
    facts = rules.needs[need].facts
    translator = _Translator(facts)
    definition: dict[str, Any] = {}
    actions: dict[str, Action] = {}
    for index, rule in enumerate(rules.rules_for(need)):
        definite = translator.translate(rule.when, want=True, definite=True)
        possible = translator.translate(rule.when, want=True, definite=False)
        if possible is False:
            continue  # can never be true: nothing to emit (the checker reports it)
        if definite == possible:
            definition[f"b{index}"] = _durable_rule(definite)
            actions[f"b{index}"] = Action(rule.id, definite=True, possible=True)
            continue
        if definite is not False:
            definition[f"t{index}"] = _durable_rule(definite)
            actions[f"t{index}"] = Action(rule.id, definite=True, possible=True)
        definition[f"p{index}"] = _durable_rule(possible)
        actions[f"p{index}"] = Action(rule.id, definite=False, possible=True)
    definition[CATCH_ALL] = _durable_rule(True)
    if len(definition) > MAX_DURABLE_RULES:
        first: Rule = rules.needs[need].rules[0]
        raise RuleFileError(
            f"need {need} compiles to {len(definition)} engine rules; the limit is "
            f"{MAX_DURABLE_RULES} (split the need)",
            file=first.file,
        )
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    fields = {code: field_name(code) for code in [*facts, *CLIENT_ATTRIBUTES]}
    fields["red_flag_count"] = "red_flag_count"
    return CompiledNeed(
        need=need,
        ruleset_name=f"triage_{need}_{digest}",
        definition=definition,
        actions=actions,
        fields=fields,
    )


def compile_rules(rules: RuleSet) -> dict[str, CompiledNeed]:
    """One durable_rules ruleset per need."""
    return {need: compile_need(rules, need) for need in rules.needs}
