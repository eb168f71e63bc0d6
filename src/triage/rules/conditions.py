"""The `when:` part of a rule: YAML conditions into the parsed Condition tree."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from triage.errors import RuleFileError, did_you_mean
from triage.rules.model import (
    CLIENT_ATTRIBUTES,
    ORDER_OPS,
    All,
    Always,
    AnyOf,
    Compare,
    Condition,
    Fact,
    Known,
    Missing,
    Not,
    Op,
    RedFlagAny,
    Value,
)
from triage.yamlfile import line_of, plain

OPS: tuple[Op, ...] = ("eq", "ne", "lt", "le", "gt", "ge", "in")
# all/any/not inside each other; the engine refuses ~16 alternating levels (error 113).
MAX_DEPTH = 10


class ConditionParser:
    def __init__(self, facts: Mapping[str, Fact], path: Path, rule_id: str) -> None:
        self.facts = facts
        self.path = path
        self.rule_id = rule_id

    def fail(
        self, msg: str, root: Any, loc: Sequence[str | int], suggestion: str | None = None
    ) -> None:
        raise RuleFileError(
            msg,
            file=str(self.path),
            line=line_of(root, loc),
            rule_id=self.rule_id,
            suggestion=suggestion,
        )

    def fact(self, name: Any, root: Any, loc: Sequence[str | int]) -> Fact:
        known = {**self.facts, **CLIENT_ATTRIBUTES}
        if not isinstance(name, str) or name not in known:
            self.fail(
                f"unknown fact {name!r}",
                root,
                loc,
                did_you_mean(str(name), known) if isinstance(name, str) else None,
            )
        return known[name]

    def parse(self, node: Any, loc: list[str | int], root: Any, depth: int = 0) -> Condition:
        if depth > MAX_DEPTH:
            self.fail(f"conditions are nested more than {MAX_DEPTH} levels deep", root, loc)
        if node == "always":
            return Always()
        if not isinstance(node, Mapping) or not node:
            self.fail(
                "a condition is 'always' or a mapping with all, any, not, known, missing, "
                "red_flags or fact",
                root,
                loc,
            )
        keys = set(node)
        if "fact" in keys:
            return self.compare(node, loc, root)
        if len(keys) != 1:
            self.fail(f"a condition has exactly one key, got {sorted(keys)}", root, loc)
        (key,) = keys
        value = node[key]
        sub = [*loc, key]
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                self.fail(f"{key} takes a non-empty list of conditions", root, sub)
            items = tuple(self.parse(v, [*sub, i], root, depth + 1) for i, v in enumerate(value))
            return All(items) if key == "all" else AnyOf(items)
        if key == "not":
            return Not(self.parse(value, sub, root, depth + 1))
        if key in ("known", "missing"):
            fact = self.fact(value, root, sub)
            return Known(fact.code) if key == "known" else Missing(fact.code)
        if key == "red_flags":
            if value != "any":
                self.fail("red_flags takes the value 'any'", root, sub)
            return RedFlagAny()
        self.fail(
            f"unknown condition {key!r}",
            root,
            sub,
            did_you_mean(str(key), ["all", "any", "not", "known", "missing", "red_flags", "fact"]),
        )
        raise AssertionError("unreachable")  # pragma: no cover

    def compare(self, node: Mapping[str, Any], loc: list[str | int], root: Any) -> Compare:
        fact = self.fact(node["fact"], root, [*loc, "fact"])
        ops = [k for k in node if k != "fact"]
        if len(ops) != 1 or ops[0] not in OPS:
            bad = next((k for k in ops if k not in OPS), None)
            self.fail(
                f"a comparison has one operator of {', '.join(OPS)}; got {ops}",
                root,
                loc,
                did_you_mean(str(bad), OPS) if bad else None,
            )
        op = cast(Op, ops[0])
        raw_value = plain(node[op])
        sub = [*loc, op]
        if op in ORDER_OPS and fact.type not in ("int", "number"):
            self.fail(f"{op} needs a numeric fact; {fact.code} is {fact.type}", root, sub)
        if fact.type == "bool" and op not in ("eq", "ne"):
            self.fail(f"{fact.code} is bool: use eq or ne", root, sub)
        if op == "in":
            if (
                fact.type not in ("enum", "code")
                or not isinstance(raw_value, list)
                or not raw_value
            ):
                self.fail("in takes a non-empty list and an enum fact", root, sub)
            return Compare(fact.code, op, tuple(self.value(fact, v, root, sub) for v in raw_value))
        return Compare(fact.code, op, self.value(fact, raw_value, root, sub))

    def value(self, fact: Fact, value: Any, root: Any, loc: Sequence[str | int]) -> Value:
        ok = type_ok(fact, value)
        if not ok:
            self.fail(f"value {value!r} is not a valid {fact.type} for {fact.code}", root, loc)
        if fact.type == "enum" and value not in fact.values:
            self.fail(
                f"{fact.code} has no value {value!r}",
                root,
                loc,
                did_you_mean(str(value), fact.values),
            )
        if fact.type == "code" and not re.fullmatch(r"\d{3}", str(value)):
            self.fail(f"{fact.code} values are 3-digit codes, got {value!r}", root, loc)
        result: Value = value
        return result


def type_ok(fact: Fact, value: Any) -> bool:
    if fact.type == "bool":
        return isinstance(value, bool)
    if fact.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if fact.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)
