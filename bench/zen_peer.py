"""The peer engine for bench/engine.py: GoRules zen-engine (a development dependency only).

Each need's parsed rules become a JSON Decision Model: one decision table, hit policy
"first", one row per rule in the order the routing policy ranks them (priority, then file
order), the row's cell the rule's condition as a zen expression. Generated from the parsed
rules, never written by hand. zen has no three-valued logic, so it is compared on fully
known cases only; there the policy reduces to "the first rule that holds".
"""

from __future__ import annotations

import json
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
    Value,
)

OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def literal(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str) else repr(value)


def expression(c: Condition) -> str:
    """A condition as a zen expression over the case's values (client attributes nested)."""
    if isinstance(c, Always):
        return "true"
    if isinstance(c, RedFlagAny):
        return "red_flag_count > 0"
    if isinstance(c, Known):
        return f"{c.fact} != null"
    if isinstance(c, Missing):
        return f"{c.fact} == null"
    if isinstance(c, Compare):
        if c.op == "in":
            assert isinstance(c.value, tuple)
            return f"{c.fact} in [{', '.join(literal(v) for v in c.value)}]"
        assert not isinstance(c.value, tuple)
        return f"{c.fact} {OPS[c.op]} {literal(c.value)}"
    if isinstance(c, Not):
        return f"not ({expression(c.item)})"
    joiner = " and " if isinstance(c, All) else " or "
    assert isinstance(c, All | AnyOf)
    return joiner.join(f"({expression(i)})" for i in c.items) or (
        "true" if isinstance(c, All) else "false"
    )


def decision_model(rules: RuleSet, need: str) -> dict[str, Any]:
    rows = [
        {"_id": rule.id, "when": expression(rule.when), "rule": json.dumps(rule.id)}
        for rule in rules.by_priority(need)
    ]
    table = {
        "id": "rules",
        "type": "decisionTableNode",
        "name": need,
        "position": {"x": 1, "y": 0},
        "content": {
            "hitPolicy": "first",
            "inputs": [{"id": "when", "name": "when"}],  # no field: cells are expressions
            "outputs": [{"id": "rule", "name": "rule", "field": "rule"}],
            "rules": rows,
        },
    }
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "case", "position": {"x": 0, "y": 0}},
            table,
            {"id": "out", "type": "outputNode", "name": "rule", "position": {"x": 2, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "rules", "type": "edge"},
            {"id": "e2", "sourceId": "rules", "targetId": "out", "type": "edge"},
        ],
    }


def zen_engine(rules: RuleSet) -> Any:
    """A ZenEngine with every need's model in a static loader, keyed `<need>.json`."""
    import zen

    content = {f"{need}.json": decision_model(rules, need) for need in rules.needs}
    return zen.ZenEngine({"loader": {"type": "static", "content": content}})


def context(values: dict[str, Value]) -> dict[str, Any]:
    """The case's values as zen reads them: `client.age` as a member of `client`."""
    out: dict[str, Any] = {"client": {}}
    for code, value in values.items():
        if code.startswith("client."):
            out["client"][code.removeprefix("client.")] = value
        else:
            out[code] = value
    return out
