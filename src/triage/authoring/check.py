"""`triage check`: errors and warnings about a rule set, for rule authors.

Errors (the set cannot be loaded): schema and reference errors, conflicting rules of equal
priority, a need over the engine's rule limit. Warnings: rules that can never win
(shadowed), gaps (every fact known and no rule true), client attributes read without a
justification, facts and services defined but never used, texts missing a translation,
enum values without a label (findings.py).

Shadowing and gaps are decided over one value per region of every fact's domain (see
analysis.py), by a depth-first search that stops at the first witness and prunes a partial
answer as soon as it cannot lead to one: exhaustive, without enumerating the whole product.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from triage.authoring.findings import Finding as Finding
from triage.authoring.findings import wording_findings
from triage.engine.analysis import (
    ABSENT,
    NOT_KNOWN,
    Candidate,
    candidates,
    find_conflicts,
    representative_values,
)
from triage.engine.compiler import compile_need
from triage.engine.logic import Truth, evaluate
from triage.errors import RuleFileError
from triage.rules.loader import load_rules
from triage.rules.model import (
    CLIENT_ATTRIBUTES,
    Known,
    Missing,
    Rule,
    RuleSet,
    Value,
    facts_of,
    subconditions,
)
from triage.rules.safety import policy_problems, size_warnings


def need_domains(rules: RuleSet, need: str, *, absent_for: set[str]) -> dict[str, list[Candidate]]:
    """Representative values of the need's facts and of what its rules read; ABSENT (unknown)
    only for the facts in `absent_for`. Red flags are their own rule: gaps and shadows are
    about the rest, so the red-flag count is 0."""
    need_rules = rules.rules_for(need)
    codes = list(
        dict.fromkeys(
            [*rules.needs[need].facts, *(f for r in need_rules for f in facts_of(r.when))]
        )
    )
    domains = candidates(rules, need, codes)
    for code, values in domains.items():
        if NOT_KNOWN in values:
            values.remove(NOT_KNOWN)  # shadows and gaps are about answered values
        if code not in absent_for and ABSENT in values:
            values.remove(ABSENT)
    domains["red_flag_count"] = [0]
    return domains


Check = Callable[[dict[str, Value]], bool]


def search(
    domains: Mapping[str, list[Candidate]], presence: set[str], dead: Check, good: Check
) -> dict[str, Value] | None:
    """Values, one per fact, for which `good` holds, or None. `dead(partial)` says that no
    completion of a partial answer can be good; it is asked once every fact tested with
    known()/missing() has its value (those are assigned first: unassigned, they would read
    as absent)."""
    codes = sorted(domains, key=lambda c: c not in presence)
    ready = sum(c in presence for c in codes)
    values: dict[str, Value] = {}

    def walk(i: int) -> dict[str, Value] | None:
        if i >= ready and dead(values):
            return None
        if i == len(codes):
            return dict(values) if good(values) else None
        code = codes[i]
        for v in domains[code]:
            if v is ABSENT:
                values.pop(code, None)
            else:
                values[code] = v  # type: ignore[assignment]
            found = walk(i + 1)
            if found is not None:
                return found
        values.pop(code, None)
        return None

    return walk(0)


def _presence_facts(rules: RuleSet, need: str) -> set[str]:
    """Facts tested with known()/missing(): only for them does *unknown* change who wins."""
    return {
        c.fact
        for r in rules.rules_for(need)
        for c in subconditions(r.when)
        if isinstance(c, Known | Missing)
    }


def _winning_values(
    rule: Rule, ordered: list[Rule], domains: Mapping[str, list[Candidate]], presence: set[str]
) -> dict[str, Value] | None:
    """Values for which `rule` wins: it is true, no rule before it (by priority, then file
    order) is true, and no rule of higher priority is unknown."""
    before = ordered[: ordered.index(rule)]
    higher = [r for r in before if r.priority > rule.priority]

    def dead(v: dict[str, Value]) -> bool:
        return evaluate(rule.when, v) is Truth.FALSE or any(
            evaluate(r.when, v) is Truth.TRUE for r in before
        )

    def good(v: dict[str, Value]) -> bool:
        return evaluate(rule.when, v) is Truth.TRUE and all(
            evaluate(r.when, v) is Truth.FALSE for r in higher
        )

    return search(domains, presence, dead, good)


def lint(rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    try:
        conflicts = find_conflicts(rules)
    except RuleFileError as exc:
        return [Finding("error", "analysis_budget", exc.message, exc.file, exc.line)]
    for c in conflicts:
        findings.append(
            Finding(
                "error",
                "conflict",
                f"rules {c.first.id} and {c.second.id} have priority {c.first.priority} and "
                "different outcomes, and are both true for one input",
                c.first.file,
                c.first.line,
                [c.first.id, c.second.id],
                c.example,
            )
        )
    for problem in policy_problems(rules):
        findings.append(
            Finding(
                "error",
                "policy",
                problem.message,
                problem.file,
                problem.line,
                [problem.rule_id] if problem.rule_id else [],
            )
        )
    for need_in, message in size_warnings(rules):
        findings.append(Finding("warning", "size", message, need_in.file))
    for need in rules.needs:
        try:
            compile_need(rules, need)
        except RuleFileError as exc:
            findings.append(Finding("error", "too_many_rules", exc.message, exc.file, exc.line))
    if any(f.severity == "error" for f in findings):
        return findings

    for need in rules.needs:
        need_rules = rules.rules_for(need)
        ordered = sorted(need_rules, key=lambda r: -r.priority)
        presence = _presence_facts(rules, need)
        domains = need_domains(rules, need, absent_for=presence)
        domains.update(
            {
                a: [representative_values(CLIENT_ATTRIBUTES[a], need_rules)[0]]
                for a in CLIENT_ATTRIBUTES
                if a not in domains
            }
        )  # always known, never read
        domains["red_flag_count"] = [0]
        for rule in need_rules:
            if rule in rules.common_rules or _winning_values(rule, ordered, domains, presence):
                continue
            higher = [r.id for r in ordered if r.priority > rule.priority]
            never = search(
                domains,
                presence,
                lambda v, r=rule: evaluate(r.when, v) is Truth.FALSE,  # type: ignore[misc]
                lambda v, r=rule: evaluate(r.when, v) is Truth.TRUE,  # type: ignore[misc]
            )
            why = (
                "it is never true"
                if never is None
                else f"whenever it is true, a higher rule is true too ({', '.join(higher[:5])})"
            )
            findings.append(
                Finding(
                    "warning",
                    "shadowed",
                    f"rule {rule.id} can never win: {why}",
                    rule.file,
                    rule.line,
                    [rule.id, *higher],
                )
            )
        known_domains = {c: [v for v in vs if v is not ABSENT] for c, vs in domains.items()}
        gap = search(
            known_domains,
            presence,
            lambda v, rs=ordered: any(evaluate(r.when, v) is Truth.TRUE for r in rs),  # type: ignore[misc]
            lambda v, rs=ordered: all(evaluate(r.when, v) is not Truth.TRUE for r in rs),  # type: ignore[misc]
        )
        if gap is not None:
            shown = {k: v for k, v in gap.items() if k != "red_flag_count"}
            findings.append(
                Finding(
                    "warning",
                    "gap",
                    f"need {need}: every fact is known and no rule is true",
                    rules.needs[need].file,
                    None,
                    [],
                    shown,
                )
            )

    for need in rules.needs:
        for rule in rules.rules_for(need):
            if rule.client_attributes and not rule.justification:
                findings.append(
                    Finding(
                        "warning",
                        "unjustified_attribute",
                        f"rule {rule.id} reads {', '.join(rule.client_attributes)} "
                        "without a justification",
                        rule.file,
                        rule.line,
                        [rule.id],
                    )
                )
        used = {f for r in rules.rules_for(need) for f in facts_of(r.when)}
        for code, fact in rules.needs[need].facts.items():
            if code not in used:
                findings.append(
                    Finding(
                        "warning",
                        "unused_fact",
                        f"fact {need}.{code} is asked for but no rule reads it",
                        fact.file,
                        fact.line,
                    )
                )
    used_services = {r.service for n in rules.needs for r in rules.rules_for(n)}
    used_services |= {s for chain in rules.after_hours.values() for s in chain}
    for code in rules.services:
        if code not in used_services:
            findings.append(
                Finding(
                    "warning",
                    "unused_service",
                    f"service {code} is defined but no rule routes to it",
                )
            )
    findings += wording_findings(rules)
    # common rules are part of every need: report each finding once
    seen: set[tuple[str, str, str | None]] = set()
    unique = []
    for f in findings:
        key = (f.code, f.message, f.file)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def check_directory(directory: str | Path) -> list[Finding]:
    """Findings for a rule directory; a file that does not load is one error finding."""
    try:
        rules = load_rules(directory)
    except RuleFileError as exc:
        message = exc.message + (f" (did you mean {exc.suggestion!r}?)" if exc.suggestion else "")
        if exc.rule_id:
            message = f"rule {exc.rule_id}: {message}"
        return [
            Finding(
                "error",
                "invalid",
                message,
                exc.file,
                exc.line,
                [exc.rule_id] if exc.rule_id else [],
            )
        ]
    return lint(rules)
