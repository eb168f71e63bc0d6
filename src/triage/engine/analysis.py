"""Static analysis over fact domains: representative inputs and rule conflicts.

Every condition compares a fact with constants, so each fact's domain splits into finitely
many regions that no rule can tell apart: enum values, both booleans, and for numbers
the thresholds themselves, the points between them and the range ends. Checking one
point per region (plus "unknown" for facts without a default) is therefore exhaustive.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from triage.engine.logic import Truth, evaluate, unknown_facts
from triage.errors import RuleConflictError, RuleFileError
from triage.rules.model import Compare, Fact, Rule, RuleSet, Value, facts_of, subconditions

ABSENT = object()  # marks "unknown" among a fact's representative values
NOT_KNOWN = object()  # marks the answer "not_known" (policy 3) among them
Candidate = Value | object


def _thresholds(rules: Sequence[Rule], code: str) -> list[Value]:
    found: list[Value] = []
    for rule in rules:
        for c in subconditions(rule.when):
            if isinstance(c, Compare) and c.fact == code:
                found.extend(c.value if isinstance(c.value, tuple) else (c.value,))
    return found


def representative_values(fact: Fact, rules: Sequence[Rule]) -> list[Value]:
    """One known value per region of the fact's domain that the rules can distinguish."""
    if fact.type == "bool":
        return [False, True]
    if fact.type == "enum":
        return list(fact.values)
    points = _thresholds(rules, fact.code)
    if fact.type == "code":
        others = sorted({str(p) for p in points})
        filler = next(f"{i:03d}" for i in range(1000) if f"{i:03d}" not in others)
        return [*others, filler]
    assert fact.min is not None and fact.max is not None
    lo, hi = fact.min, fact.max
    cuts = sorted(
        {lo, hi, *(float(p) for p in points if isinstance(p, int | float) and lo <= p <= hi)}
    )
    if fact.type == "int":
        ints = {int(lo), int(hi)}
        for c in cuts:
            ints.update(v for v in (int(c) - 1, int(c), int(c) + 1) if lo <= v <= hi)
        return sorted(ints)
    between = [(a + b) / 2 for a, b in itertools.pairwise(cuts)]
    return [_tidy(v) for v in sorted({*cuts, *between})]


def _tidy(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def candidates(rules: RuleSet, need: str, codes: Sequence[str]) -> dict[str, list[Candidate]]:
    """Representative values for each fact in `codes`, with ABSENT where it can be unknown
    and NOT_KNOWN where it can be answered so."""
    need_rules = rules.rules_for(need)
    out: dict[str, list[Candidate]] = {}
    for code in codes:
        if code == "red_flag_count":
            out[code] = [0, 1]
            continue
        fact = rules.fact(need, code)
        values: list[Candidate] = list(representative_values(fact, need_rules))
        if not fact.always_known:
            values.append(ABSENT)
        if fact.accepts_not_known:
            values.append(NOT_KNOWN)
        out[code] = values
    return out


def assignments(
    domains: Mapping[str, list[Candidate]],
) -> Iterator[tuple[dict[str, Value], frozenset[str]]]:
    """Every combination: the known values, and the facts answered "not_known"."""
    codes = list(domains)
    for combo in itertools.product(*(domains[c] for c in codes)):
        pairs = list(zip(codes, combo, strict=True))
        known = {c: v for c, v in pairs if v is not ABSENT and v is not NOT_KNOWN}
        yield known, frozenset(c for c, v in pairs if v is NOT_KNOWN)  # type: ignore[misc]


def is_candidate(rule: Rule, values: Mapping[str, Value], not_known: frozenset[str]) -> bool:
    """True, or unknown only through facts answered "not_known" (precautionary)."""
    truth = evaluate(rule.when, values)
    if truth is Truth.TRUE:
        return True
    return (
        truth is Truth.UNKNOWN
        and bool(not_known)
        and all(f in not_known for f in unknown_facts(rule.when, values))
    )


@dataclass(frozen=True)
class Conflict:
    need: str
    first: Rule
    second: Rule
    example: dict[str, Value]


MAX_CONFLICT_CASES = 250_000  # inputs the conflict check may evaluate for one rule set


def find_conflicts(rules: RuleSet, budget: int = MAX_CONFLICT_CASES) -> list[Conflict]:
    """Pairs of same-priority rules with different outcomes that can both be candidates:
    definitely true, or (policy 3) unknown only through "not_known" answers.

    The check is exhaustive over each pair's fact regions, within `budget` evaluated
    inputs; a rule set that needs more is refused (RuleFileError) rather than checked
    for minutes."""
    conflicts: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    spent = 0
    for need in rules.needs:
        need_rules = rules.rules_for(need)
        for a, b in itertools.combinations(need_rules, 2):
            if a.priority != b.priority or a.outcome == b.outcome or (a.id, b.id) in seen:
                continue
            codes = list(dict.fromkeys([*facts_of(a.when), *facts_of(b.when)]))
            domains = candidates(rules, need, codes)
            size = math.prod(len(v) for v in domains.values())
            spent += size
            if spent > budget:
                raise RuleFileError(
                    f"rules {a.id} and {b.id} share priority {a.priority} and read too many "
                    f"facts between them to check for conflicts ({size} combinations; the "
                    f"budget is {budget}): give them different priorities or fewer conditions",
                    file=a.file,
                    line=a.line,
                    rule_id=a.id,
                )
            for values, not_known in assignments(domains):
                if is_candidate(a, values, not_known) and is_candidate(b, values, not_known):
                    example = {**values, **dict.fromkeys(not_known, "not_known")}
                    conflicts.append(Conflict(need, a, b, example))
                    seen.add((a.id, b.id))
                    break
    return conflicts


def check_conflicts(rules: RuleSet) -> None:
    """Refuse a rule set in which the decision could depend on rule order."""
    for c in find_conflicts(rules):
        raise RuleConflictError(
            f"conflicts with rule {c.second.id} ({c.second.file}:{c.second.line}): both have "
            f"priority {c.first.priority}, different outcomes ({'/'.join(c.first.outcome)} vs "
            f"{'/'.join(c.second.outcome)}), and both are true for need {c.need} with {c.example}",
            rule_ids=(c.first.id, c.second.id),
            example=dict(c.example),
            file=c.first.file,
            line=c.first.line,
        )
