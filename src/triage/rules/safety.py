"""What routing policy 3 asks of a rule set beyond its format (checks C2 to C7, and the
size warning C9): safety facts without defaults, a safety net for every health outcome,
out-of-hours chains that end in a 24/7 service, deprecated facts read only under known(),
every text in Finnish, Swedish and English, reserved codes. The conflict check (C1) is in
engine/analysis.py. A rule set that fails C2 to C7 is not loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from triage.errors import RuleFileError
from triage.rules.model import (
    LOCALES,
    All,
    AnyOf,
    Compare,
    Condition,
    Known,
    Need,
    Not,
    RuleSet,
    Text,
    subconditions,
)

EMERGENCY = "emergency"
ROUTINE = "routine"
FAST = ("within_hours", "same_day")  # urgencies that may need an out-of-hours fallback
NOT_KNOWN = "not_known"
MAX_FACTS = 12  # C9: a need past these sizes is hard for staff to ask through
MAX_RULES = 16


def texts(rules: RuleSet) -> Iterator[tuple[str, Text, str | None, int | None]]:
    """Every text staff read, with where it is written: (what, text, file, line)."""
    common, lines = rules.common_file, rules.common_lines
    for code, t in rules.services.items():
        yield f"service {code}", t, common, lines.get(("services", code))
    for code, t in rules.urgencies.items():
        yield f"urgency {code}", t, common, lines.get(("urgencies", code))
    for code, t in rules.urgency_instructions.items():
        yield f"instruction of urgency {code}", t, common, lines.get(("urgencies", code))
    for code, t in rules.red_flags.items():
        yield f"red flag {code}", t, common, lines.get(("red_flags", code))
    for code, t in rules.red_flag_instructions.items():
        yield f"instruction of red flag {code}", t, common, lines.get(("red_flags", code))
    for code, t in rules.notices.items():
        yield f"notice {code}", t, common, lines.get(("notices", code))
    for need in rules.needs.values():
        yield f"need {need.code} name", need.name, need.file, None
        if need.safety_net is not None:
            yield (
                f"safety net of need {need.code}",
                need.safety_net,
                need.file,
                need.safety_net_line,
            )
        for fact in need.facts.values():
            if not fact.deprecated:
                what = f"question of fact {need.code}.{fact.code}"
                yield what, fact.question, fact.file, fact.line
            for value, label in fact.labels:
                where = f"label of {need.code}.{fact.code}={value}"
                yield where, label, fact.file, fact.line
    for rule in (*rules.common_rules, *(r for n in rules.needs.values() for r in n.rules)):
        yield f"description of rule {rule.id}", rule.description, rule.file, rule.line
        for kind, extra in (("safety net", rule.safety_net), ("instruction", rule.instruction)):
            if extra is not None:
                yield f"{kind} of rule {rule.id}", extra, rule.file, rule.line


@dataclass(frozen=True)
class _At:
    file: str | None
    line: int | None
    rule_id: str | None = None

    def kw(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule_id": self.rule_id}


def untranslated(text: Text) -> list[str]:
    return [loc for loc in LOCALES if getattr(text, loc) is None]


def policy_problems(rules: RuleSet) -> list[RuleFileError]:
    """C2 to C7 for a policy-3 rule set, each with file and line (none before policy 3)."""
    if rules.policy < 3:
        return []
    found: list[RuleFileError] = []
    for need in rules.needs.values():
        found += _fact_problems(rules, need)
        found += _rule_problems(rules, need)
    found += _chain_problems(rules)
    if rules.calendar is None:
        found.append(RuleFileError("policy 3 needs a working-day calendar", file=rules.common_file))
    for what, text, file, line in texts(rules):  # C6
        missing = untranslated(text)
        if missing:
            found.append(
                RuleFileError(f"{what} has no {', '.join(missing)} text", file=file, line=line)
            )
    return found


def _fact_problems(rules: RuleSet, need: Need) -> Iterator[RuleFileError]:
    pressing = {  # facts compared in a rule whose urgency is not routine (C2 backstop)
        c.fact
        for r in rules.rules_for(need.code)
        if r.urgency != ROUTINE
        for c in subconditions(r.when)
        if isinstance(c, Compare)
    }
    for fact in need.facts.values():
        where = _At(fact.file, fact.line)
        name = f"{need.code}.{fact.code}"
        if fact.default is not None and fact.safety:
            yield RuleFileError(f"safety fact {name} has a default (C2)", **where.kw())
        elif fact.default is not None and fact.code in pressing:
            yield RuleFileError(
                f"fact {name} has a default and decides an urgency other than routine: "
                "mark it safety and remove the default (C2)",
                **where.kw(),
            )
        if fact.safety and fact.type == "bool" and not fact.accepts_not_known:
            yield RuleFileError(
                f"yes/no safety fact {name} must accept not_known (C2)", **where.kw()
            )
        if NOT_KNOWN in fact.values:
            yield RuleFileError(
                f"{name}: not_known is reserved, not an enum value (C7)", **where.kw()
            )


def _rule_problems(rules: RuleSet, need: Need) -> Iterator[RuleFileError]:
    deprecated = {c for c, f in need.facts.items() if f.deprecated}
    for rule in need.rules:
        where = _At(rule.file, rule.line, rule.id)
        if rules.sectors.get(rule.service) == "health" and rule.urgency != EMERGENCY:
            net = rule.safety_net or need.safety_net  # C3
            if net is None:
                yield RuleFileError(
                    "no safety net: a health-sector outcome needs one (the rule's or the "
                    "need's) saying when to call 116117 and 112 (C3)",
                    **where.kw(),
                )
        bare = _unguarded(rule.when, deprecated)
        if bare:
            yield RuleFileError(
                f"deprecated fact {bare} is read without `known({bare}) and` beside it (C5)",
                **where.kw(),
            )


def _unguarded(c: Condition, deprecated: set[str], guarded: frozenset[str] = frozenset()) -> str:
    """A deprecated fact compared outside an `all` that also holds known() of it."""
    if isinstance(c, Compare):
        return c.fact if c.fact in deprecated and c.fact not in guarded else ""
    if isinstance(c, Not):
        return _unguarded(c.item, deprecated)
    if isinstance(c, All):
        inner = guarded | {i.fact for i in c.items if isinstance(i, Known)}
        return next((f for i in c.items if (f := _unguarded(i, deprecated, inner))), "")
    if isinstance(c, AnyOf):
        return next((f for i in c.items if (f := _unguarded(i, deprecated))), "")
    return ""


def _chain_problems(rules: RuleSet) -> Iterator[RuleFileError]:
    common, lines = rules.common_file, rules.common_lines
    for code, chain in rules.after_hours.items():  # C4
        where = _At(common, lines.get(("services", code)))
        if len(set(chain)) != len(chain) or code in chain:
            yield RuleFileError(f"services.{code}.after_hours repeats a service (C4)", **where.kw())
        if chain and chain[-1] not in rules.open_24_7:
            yield RuleFileError(
                f"services.{code}.after_hours must end in a service open 24/7 (C4)", **where.kw()
            )
    for need in rules.needs.values():
        for rule in need.rules:
            if rule.urgency not in FAST or rule.service in rules.open_24_7:
                continue
            if rule.service not in rules.after_hours:
                yield RuleFileError(
                    f"service {rule.service} is used {rule.urgency} but is not open 24/7 and has "
                    "no after_hours chain (C4)",
                    file=rule.file,
                    line=rule.line,
                    rule_id=rule.id,
                )


def size_warnings(rules: RuleSet) -> Iterator[tuple[Need, str]]:
    """C9: needs with more facts or rules than staff can ask through."""
    for need in rules.needs.values():
        if len(need.facts) > MAX_FACTS or len(need.rules) > MAX_RULES:
            yield (
                need,
                f"need {need.code} has {len(need.facts)} facts and {len(need.rules)} rules; "
                f"more than {MAX_FACTS} facts or {MAX_RULES} rules is hard to ask through (C9)",
            )
