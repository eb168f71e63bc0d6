"""`triage check`: errors and warnings about a rule set, for rule authors.

Errors (the set cannot be loaded): schema and reference errors, conflicting rules of equal
priority, a need over the engine's rule limit. Warnings: rules that can never win
(shadowed), gaps (every fact known and no rule true), client attributes read without a
justification, facts and services defined but never used, texts missing a translation,
enum values without a label (findings.py).

Shadowing and gaps are decided by enumerating one value per region of every fact's domain
(see analysis.py); a need whose domain product is too large is sampled, and says so.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from pathlib import Path

from triage.authoring.findings import Finding as Finding
from triage.authoring.findings import wording_findings
from triage.engine.analysis import (
    ABSENT,
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
    RuleSet,
    Value,
    facts_of,
    subconditions,
)

MAX_ASSIGNMENTS = 60_000


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
        if code not in absent_for and ABSENT in values:
            values.remove(ABSENT)
    domains["red_flag_count"] = [0]
    return domains


def enumerate_assignments(
    domains: Mapping[str, list[Candidate]], limit: int = MAX_ASSIGNMENTS, seed: int = 0
) -> tuple[Iterator[dict[str, Value]], bool]:
    """Every combination, or `limit` random ones when there are more; and whether it sampled."""
    codes = list(domains)
    total = 1
    for c in codes:
        total *= len(domains[c])
    if total <= limit:
        combos: Iterator[tuple[Candidate, ...]] = itertools.product(*(domains[c] for c in codes))
        sampled = False
    else:
        rnd = random.Random(seed)
        combos = (tuple(rnd.choice(domains[c]) for c in codes) for _ in range(limit))
        sampled = True
    return (
        {c: v for c, v in zip(codes, combo, strict=True) if v is not ABSENT}  # type: ignore[misc]
        for combo in combos
    ), sampled


def _presence_facts(rules: RuleSet, need: str) -> set[str]:
    """Facts tested with known()/missing(): only for them does *unknown* change who wins."""
    return {
        c.fact
        for r in rules.rules_for(need)
        for c in subconditions(r.when)
        if isinstance(c, Known | Missing)
    }


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
        wins: dict[str, dict[str, Value] | None] = {r.id: None for r in need_rules}
        true_somewhere: set[str] = set()
        gap: dict[str, Value] | None = None
        presence = _presence_facts(rules, need)
        domains = need_domains(rules, need, absent_for=presence)
        domains.update(
            {
                a: [representative_values(CLIENT_ATTRIBUTES[a], need_rules)[0]]
                for a in CLIENT_ATTRIBUTES
                if a not in domains
            }
        )  # always known, never read
        assignments, sampled = enumerate_assignments(domains)
        for values in assignments:
            values = {**values, "red_flag_count": 0}
            truths = {r.id: evaluate(r.when, values) for r in ordered}
            top = next((r for r in ordered if truths[r.id] is Truth.TRUE), None)
            if top is None:
                if gap is None and not (presence - set(values)):
                    gap = values
                continue
            true_somewhere.update(r for r, t in truths.items() if t is Truth.TRUE)
            blocked = any(
                truths[r.id] is Truth.UNKNOWN and r.priority > top.priority for r in ordered
            )
            if not blocked and wins[top.id] is None:
                wins[top.id] = values
        if sampled:
            findings.append(
                Finding(
                    "info",
                    "sampled",
                    f"need {need}: the input space is large; shadowing and "
                    f"gaps were checked on {MAX_ASSIGNMENTS} random inputs",
                    rules.needs[need].file,
                )
            )
        for rule in need_rules:
            if rule.id in (r.id for r in rules.common_rules):
                continue
            if wins[rule.id] is None:
                higher = [r.id for r in ordered if r.priority > rule.priority]
                why = (
                    "it is never true"
                    if rule.id not in true_somewhere
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
