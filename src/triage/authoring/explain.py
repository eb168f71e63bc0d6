"""`triage explain`: every rule of the need, each condition with its truth for the case.

Each fact a condition reads is shown in one of four states: answered (the value), default
(the rule file's value, not asked), not known (asked; nobody could tell) or absent (not
asked: what the case must still answer)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from triage.domain.case import Case, case_values, not_known_facts, parse_case
from triage.domain.contact import ContactAnswer, Plan, contact_cases
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.engine.logic import Trace, trace
from triage.messages import Locale, in_locale
from triage.rules.model import (
    All,
    Always,
    Compare,
    Condition,
    Known,
    Missing,
    Not,
    RedFlagAny,
)

# --- `triage explain`: every rule of the need, every condition with its truth ----------

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}


def render(c: Condition) -> str:
    """A condition's own line, without its parts."""
    if isinstance(c, Always):
        return "always"
    if isinstance(c, RedFlagAny):
        return "any red flag"
    if isinstance(c, Known):
        return f"known({c.fact})"
    if isinstance(c, Missing):
        return f"missing({c.fact})"
    if isinstance(c, Compare):
        value = "{" + ", ".join(map(str, c.value)) + "}" if isinstance(c.value, tuple) else c.value
        if isinstance(value, bool):
            value = str(value).lower()
        return f"{c.fact} {_SYMBOL[c.op]} {value}"
    if isinstance(c, Not):
        return "not"
    return "all of" if isinstance(c, All) else "any of"


def _node(t: Trace, states: dict[str, str]) -> dict[str, Any]:
    node: dict[str, Any] = {"condition": render(t.condition), "truth": t.truth.value}
    if isinstance(t.condition, Compare | Known | Missing | RedFlagAny):
        node["value"] = t.value
        if isinstance(t.condition, Compare | Known | Missing):
            node["state"] = states.get(t.condition.fact, "answered")
            if node["state"] == "default":
                node["default"] = True
    if t.parts:
        node["parts"] = [_node(p, states) for p in t.parts]
    return node


def fact_states(case: Case, values: dict[str, Any], not_known: frozenset[str]) -> dict[str, str]:
    """answered, default, not_known or absent, for each fact the case's need has."""
    states: dict[str, str] = {}
    for code in values:
        states[code] = "answered" if code in case.facts or "." in code else "default"
    for code in not_known:
        states[code] = "not_known"
    return states


def explain_tree(triage: Triage, raw: Any, decision: Decision) -> list[dict[str, Any]]:
    """Every rule of the case's need, highest priority first, with its evaluated conditions."""
    case = parse_case(raw, triage.rules)
    values = case_values(case, triage.rules)
    states = fact_states(case, values, not_known_facts(case, triage.rules))
    for code in triage.rules.needs[case.need].facts:
        states.setdefault(code, "absent")
    cautious = decision.winning_rule if decision.precautionary else None
    out = []
    for rule in sorted(triage.rules.rules_for(case.need), key=lambda r: -r.priority):
        t = trace(rule.when, values)
        role = (
            "precautionary"
            if rule.id == cautious
            else "winner"
            if rule.id == decision.winning_rule
            else "blocking"
            if rule.id in decision.blocking_rules
            else ""
        )
        out.append(
            {
                "rule": rule.id,
                "priority": rule.priority,
                "then": {"service": rule.service, "urgency": rule.urgency},
                "truth": t.truth.value,
                "role": role,
                "when": _node(t, states),
                "file": f"{rule.file}:{rule.line}",
            }
        )
    return out


_STATE_NOTE = {"absent": "   [not given]", "not_known": "   [not known]"}


def _lines(node: dict[str, Any], depth: int) -> list[str]:
    shown = json.dumps(node.get("value"), ensure_ascii=False)
    value = (
        f"   [seen: {shown}{' (default)' if node.get('default') else ''}]"
        if node.get("value") is not None
        else ""
    )
    unseen = _STATE_NOTE.get(node.get("state", ""), "") if node.get("value") is None else ""
    if not unseen and "value" in node and node["value"] is None:
        unseen = "   [not given]"
    text = f"{'    ' * depth}{node['condition']:<34} {node['truth'].upper():<8}{value}{unseen}"
    lines = [text.rstrip()]
    for part in node.get("parts", []):
        lines.extend(_lines(part, depth + 1))
    return lines


# Headings of `triage explain`, in the decision's language (codes and ids stay as they are).
_HEADINGS: dict[str, tuple[str, str, str]] = {
    "decided": ("PÄÄTETTY", "AVGJORT", "DECIDED"),
    "winning": ("ratkaiseva sääntö", "avgörande regel", "winning rule"),
    "needs_information": (
        "TARVITAAN TIETOJA: kysy",
        "UPPGIFTER BEHÖVS: fråga",
        "NEEDS INFORMATION: ask",
    ),
    "no_rule": (
        "ei mitään: mikään sääntö ei sovellu",
        "inget: ingen regel gäller",
        "nothing: no rule applies",
    ),
    "rules_of": (
        "Tarpeen {need} säännöt, tärkein ensin:",
        "Reglerna för behovet {need}, viktigaste först:",
        "Rules of need {need}, highest priority first:",
    ),
    "winner": ("RATKAISI", "AVGJORDE", "WINNER"),
    "precautionary": (
        "RATKAISI VARMUUDEN VUOKSI",
        "AVGJORDE FÖR SÄKERHETS SKULL",
        "WINNER AS A PRECAUTION",
    ),
    "blocking": ("ESTÄÄ", "BLOCKERAR", "BLOCKING"),
    "assumed": (
        "varmuuden vuoksi, ei tiedossa",
        "för säkerhets skull, okänt",
        "precaution, not known",
    ),
    "deadline": ("määräaika", "tidsfrist", "deadline"),
}


def _h(code: str, locale: Locale, **params: str) -> str:
    return in_locale(_HEADINGS[code], locale).format(**params)


def explain_text(triage: Triage, raw: Any, decision: Decision) -> str:
    loc = decision.locale
    if decision.status == "decided":
        assert decision.service is not None
        head = (
            f"{_h('decided', loc)}: {decision.service.code} / {decision.urgency} "
            f"({_h('winning', loc)} {decision.winning_rule})"
        )
        if decision.precautionary:
            facts = ", ".join(m.fact for m in decision.precautionary)
            head += f" [{_h('assumed', loc)}: {facts}]"
        if decision.deadline:
            head += f"; {_h('deadline', loc)} {decision.deadline}"
    else:
        asked = ", ".join(m.fact for m in decision.missing_facts) or _h("no_rule", loc)
        head = f"{_h('needs_information', loc)} {asked}"
    lines = [head, decision.explanation, "", _h("rules_of", loc, need=decision.need)]
    for item in explain_tree(triage, raw, decision):
        role = f"  <-- {_h(item['role'], loc)}" if item["role"] else ""
        then = f"{item['then']['service']}/{item['then']['urgency']}"
        lines.append(
            f"{item['priority']:>5}  {item['rule']:<34} {item['truth'].upper():<8} -> {then}{role}"
        )
        lines.extend(_lines(item["when"], 2))
    return "\n".join(lines)


def plan_text(plan: Plan) -> list[str]:
    """The plan of a contact, a line per step."""
    lines = ["PLAN:"]
    for n, step in enumerate(plan.steps, start=1):
        where = f" -> {step.route_to}" if step.route_to and step.route_to != step.service else ""
        by = f" by {step.deadline}" if step.deadline else ""
        caution = " (precaution)" if step.precautionary else ""
        lines.append(f"  {n}. {step.need}: {step.service}{where} / {step.urgency}{by}{caution}")
    for p in plan.pending:
        lines.append(f"  not decided, {p.need}: ask {', '.join(m.fact for m in p.missing_facts)}")
    if plan.after_emergency:
        lines.append(f"  after the emergency: {', '.join(plan.after_emergency)}")
    if plan.coordinator:
        c = plan.coordinator
        lines.append(f"  coordinator: {c.service} / {c.urgency} ({c.reason})")
    if plan.consent_needed:
        lines.append(f"  consent {plan.consent_status}: {plan.consent_text}")
    return lines


def explain_contact_text(triage: Triage, cases: Sequence[Case], answer: ContactAnswer) -> str:
    """The plan, then each need explained as a case of its own."""
    lines = [f"CONTACT with {len(cases)} needs", *plan_text(answer.plan)]
    decided = contact_cases(cases)
    for i, decision in zip(decided, answer.decisions, strict=True):
        case = cases[i]
        lines += ["", f"=== needs[{i}]: {case.need}"]
        lines.append(explain_text(triage, case.model_dump(exclude_none=True), decision))
    return "\n".join(lines)
