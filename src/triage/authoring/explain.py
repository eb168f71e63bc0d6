"""Plain-language explanations of a decision, in Finnish, Swedish and English."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from triage.engine.policy import Outcome
from triage.engine.logic import Trace, trace
from triage.domain.decision import Decision
from triage.rules.model import (
    All,
    Always,
    Compare,
    Condition,
    Known,
    Locale,
    Missing,
    Not,
    RedFlagAny,
    RuleSet,
)
from triage.domain.case import case_values, parse_case

if TYPE_CHECKING:
    from triage.domain.triage import Triage

_TEMPLATES: dict[str, dict[Locale, str]] = {
    "decided": {
        "fi": "Sääntö {rule} (prioriteetti {priority}): {description} "
        "Mikään korkeamman prioriteetin sääntö ei voi soveltua.",
        "sv": "Regel {rule} (prioritet {priority}): {description} "
        "Ingen regel med högre prioritet kan gälla.",
        "en": "Rule {rule} (priority {priority}): {description} No higher-priority rule can apply.",
    },
    "blocked": {
        "fi": "Ei voida vielä päättää: säännöt {rules} voivat vielä soveltua, mutta niiden "
        "tarvitsemat tiedot puuttuvat. Kysy: {questions}",
        "sv": "Kan ännu inte avgöras: reglerna {rules} kan fortfarande gälla, men uppgifter "
        "som de behöver saknas. Fråga: {questions}",
        "en": "Cannot decide yet: rules {rules} could still apply, but facts they need are "
        "missing. Ask: {questions}",
    },
    "no_rule": {
        "fi": "Mikään sääntö ei sovellu tähän tilanteeseen: ohjaa alueelliseen palveluneuvontaan.",
        "sv": "Ingen regel gäller i detta fall: hänvisa till den regionala servicerådgivningen.",
        "en": "No rule applies to this case: refer the client to regional service advice.",
    },
}


_PROVIDER_NOTES: dict[str, dict[Locale, str]] = {
    "ask_chosen_provider": {
        "fi": "Kysy, mille sote-keskukselle asiakas on listautunut: "
        "hoidon jatkuvuus kulkee sen kautta.",
        "sv": "Fråga vid vilken social- och hälsocentral klienten är listad: "
        "vårdkontinuiteten går via den.",
        "en": "Ask which sote-centre the client is listed at: continuity of care goes through it.",
    },
    "chosen_provider_not_offering": {
        "fi": "Asiakkaan valitsema sote-keskus ei tarjoa tätä palvelua: "
        "ota yhteys sinne ohjausta varten.",
        "sv": "Klientens valda central erbjuder inte denna tjänst: kontakta den för handledning.",
        "en": "The client's chosen sote-centre does not offer this service: "
        "contact it for guidance.",
    },
    "no_provider_in_area": {
        "fi": "Kukaan luettelon palveluntuottajista ei tarjoa tätä palvelua asiakkaan kunnassa: "
        "ohjaa alueelliseen palveluneuvontaan.",
        "sv": "Ingen tjänsteproducent i katalogen erbjuder denna tjänst i klientens kommun: "
        "hänvisa till den regionala servicerådgivningen.",
        "en": "No provider in the catalog offers this service in the client's municipality: "
        "refer the client to regional service advice.",
    },
}


def provider_note(code: str, locale: Locale) -> str:
    return _PROVIDER_NOTES[code][locale]


def explanation(rules: RuleSet, need: str, result: Outcome, locale: Locale) -> str:
    if result.winner is not None:
        w = result.winner
        return _TEMPLATES["decided"][locale].format(
            description=w.description.get(locale), rule=w.id, priority=w.priority
        )
    if result.blocking:
        questions = " ".join(rules.fact(need, f).question.get(locale) for f in result.missing)
        return _TEMPLATES["blocked"][locale].format(
            rules=", ".join(f"{r.id} ({r.priority})" for r in result.blocking),
            questions=questions,
        )
    return _TEMPLATES["no_rule"][locale]


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


def _node(t: Trace, defaulted: frozenset[str]) -> dict[str, Any]:
    node: dict[str, Any] = {"condition": render(t.condition), "truth": t.truth.value}
    if isinstance(t.condition, Compare | Known | Missing | RedFlagAny):
        node["value"] = t.value
        if isinstance(t.condition, Compare | Known | Missing) and t.condition.fact in defaulted:
            node["default"] = True
    if t.parts:
        node["parts"] = [_node(p, defaulted) for p in t.parts]
    return node


def explain_tree(triage: Triage, raw: Any, decision: Decision) -> list[dict[str, Any]]:
    """Every rule of the case's need, highest priority first, with its evaluated conditions."""
    case = parse_case(raw, triage.rules)
    values = case_values(case, triage.rules)
    defaulted = frozenset(
        f for f in triage.rules.needs[case.need].facts if f in values and f not in case.facts
    )
    out = []
    for rule in sorted(triage.rules.rules_for(case.need), key=lambda r: -r.priority):
        t = trace(rule.when, values)
        role = (
            "winner"
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
                "when": _node(t, defaulted),
                "file": f"{rule.file}:{rule.line}",
            }
        )
    return out


def _lines(node: dict[str, Any], depth: int) -> list[str]:
    shown = json.dumps(node.get("value"), ensure_ascii=False)
    value = (
        f"   [seen: {shown}{' (default)' if node.get('default') else ''}]"
        if node.get("value") is not None
        else ""
    )
    unseen = "   [not given]" if "value" in node and node["value"] is None else ""
    text = f"{'    ' * depth}{node['condition']:<34} {node['truth'].upper():<8}{value}{unseen}"
    lines = [text.rstrip()]
    for part in node.get("parts", []):
        lines.extend(_lines(part, depth + 1))
    return lines


def explain_text(triage: Triage, raw: Any, decision: Decision) -> str:
    if decision.status == "decided":
        assert decision.service is not None
        head = (
            f"DECIDED: {decision.service.code} / {decision.urgency} "
            f"(winning rule {decision.winning_rule})"
        )
    else:
        asked = ", ".join(m.fact for m in decision.missing_facts) or "nothing: no rule applies"
        head = f"NEEDS INFORMATION: ask {asked}"
    lines = [
        head,
        decision.explanation,
        "",
        f"Rules of need {decision.need}, highest priority first:",
    ]
    for item in explain_tree(triage, raw, decision):
        role = f"  <-- {item['role'].upper()}" if item["role"] else ""
        then = f"{item['then']['service']}/{item['then']['urgency']}"
        lines.append(
            f"{item['priority']:>5}  {item['rule']:<34} {item['truth'].upper():<8} -> {then}{role}"
        )
        lines.extend(_lines(item["when"], 2))
    return "\n".join(lines)
