"""`triage diff`: what a rule change does, case by case, before it is deployed.

Both rule sets decide the same corpus: every scenario, plus cases generated from every
fact's representative values in either rule set (each boundary of the old and the new
thresholds, every enum value, known and missing). Small needs get the full product; large
ones get every pair of fact values varied around each scenario of the need. Cases whose
status, service or urgency change are listed, grouped by the rule that won before and after.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from triage.catalog.municipalities import municipality_codes
from triage.domain.triage import Triage
from triage.engine.analysis import ABSENT, Candidate, candidates, representative_values
from triage.errors import InvalidCaseError
from triage.rules.model import CLIENT_ATTRIBUTES, RuleSet, facts_of

FULL_PRODUCT_LIMIT = 20_000
Outcome = tuple[str, str | None, str | None, str | None]  # status, service, urgency, winning rule


def _domains(sets: Sequence[RuleSet], need: str) -> dict[str, list[Candidate]]:
    """Representative values (and unknown) of the need's facts and the client attributes
    its rules read, merged over both rule sets."""
    domains: dict[str, list[Candidate]] = {}
    for rules in sets:
        if need not in rules.needs:
            continue
        read = {f for r in rules.rules_for(need) for f in facts_of(r.when)}
        codes = [*rules.needs[need].facts, *(a for a in CLIENT_ATTRIBUTES if a in read)]
        for code, values in candidates(rules, need, codes).items():
            merged = domains.setdefault(code, [])
            merged.extend(v for v in values if v not in merged)
    return domains


def _client(rules: RuleSet, need: str) -> dict[str, Any]:
    """A neutral client: an adult, in a real municipality the need's rules do not name."""
    named = {
        str(v)
        for v in representative_values(
            CLIENT_ATTRIBUTES["client.municipality"], rules.rules_for(need)
        )
    }
    area = min(code for code in municipality_codes() if code not in named)
    return {"age": 40, "municipality": area}


def _case(need: str, assignment: dict[str, Candidate], base: dict[str, Any]) -> dict[str, Any]:
    client = dict(base["client"])
    facts = dict((base or {}).get("facts", {}))
    for code, value in assignment.items():
        if code.startswith("client."):
            client[code.removeprefix("client.")] = value
        elif value is ABSENT:
            facts.pop(code, None)
        else:
            facts[code] = value
    case = {"need": need, "client": client, "facts": facts}
    if base.get("red_flags"):
        case["red_flags"] = base["red_flags"]
    return case


def corpus(
    old: RuleSet, new: RuleSet, scenario_cases: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Scenario cases plus generated ones, without duplicates, in a stable order."""
    scenario_cases = [c for c in scenario_cases if isinstance(c, dict)]
    out: dict[str, dict[str, Any]] = {}

    def add(case: dict[str, Any]) -> None:
        out.setdefault(json.dumps(case, sort_keys=True), case)

    for case in scenario_cases:
        add(case)
    for need in sorted(set(old.needs) | set(new.needs)):
        domains = _domains([old, new], need)
        codes = list(domains)
        size = 1
        for c in codes:
            size *= len(domains[c])
        rules = new if need in new.needs else old
        neutral = {"client": _client(rules, need)}
        flag = next(iter(rules.red_flags), None)
        if flag is not None:
            add(_case(need, {}, {**neutral, "red_flags": [flag]}))
        if size <= FULL_PRODUCT_LIMIT:
            for combo in itertools.product(*(domains[c] for c in codes)):
                add(_case(need, dict(zip(codes, combo, strict=True)), neutral))
            continue
        bases: list[dict[str, Any]] = [
            c for c in scenario_cases if c.get("need") == need and not c.get("red_flags")
        ]
        for base in [*bases, neutral]:
            for a, b in itertools.combinations(codes, 2):
                for va, vb in itertools.product(domains[a], domains[b]):
                    add(_case(need, {a: va, b: vb}, base))
    return list(out.values())


def _outcome(triage: Triage, raw: dict[str, Any]) -> Outcome:
    try:
        result = triage.evaluate(triage.validate(raw))
    except InvalidCaseError as exc:
        return ("invalid", None, None, f"invalid:{exc.field}")
    w = result.winner
    return (result.status, w.service if w else None, w.urgency if w else None, w.id if w else None)


@dataclass(frozen=True)
class Change:
    case: dict[str, Any]
    old: Outcome
    new: Outcome


@dataclass
class DiffReport:
    old_version: str
    new_version: str
    cases: int
    changes: list[Change]

    def groups(self) -> dict[tuple[str, str, str], list[Change]]:
        grouped: dict[tuple[str, str, str], list[Change]] = defaultdict(list)
        for ch in self.changes:
            grouped[(ch.case["need"], ch.old[3] or ch.old[0], ch.new[3] or ch.new[0])].append(ch)
        return dict(sorted(grouped.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0])))

    def as_dict(self) -> dict[str, Any]:
        def out(o: Outcome) -> dict[str, Any]:
            return {"status": o[0], "service": o[1], "urgency": o[2], "rule": o[3]}

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "cases": self.cases,
            "changed": len(self.changes),
            "groups": [
                {"need": need, "from": a, "to": b, "count": len(chs)}
                for (need, a, b), chs in self.groups().items()
            ],
            "changes": [
                {"case": c.case, "old": out(c.old), "new": out(c.new)} for c in self.changes
            ],
        }

    def render(self, shown: int = 3) -> str:
        lines = [
            f"old {self.old_version} -> new {self.new_version}: {self.cases} cases, "
            f"{len(self.changes)} change status, service or urgency"
        ]
        for (need, a, b), changes in self.groups().items():
            o, n = changes[0].old, changes[0].new
            lines.append(
                f"{need}: {a} -> {b} ({len(changes)} cases): "
                f"{o[1] or o[0]}/{o[2]} -> {n[1] or n[0]}/{n[2]}"
            )
            for ch in changes[:shown]:
                example = {k: ch.case[k] for k in ("client", "facts") if k in ch.case}
                lines.append(f"    e.g. {json.dumps(example, ensure_ascii=False)}")
        return "\n".join(lines)


def diff_rules(old: RuleSet, new: RuleSet, scenario_cases: Iterable[dict[str, Any]]) -> DiffReport:
    a, b = Triage.from_rules(old), Triage.from_rules(new)
    cases = corpus(old, new, scenario_cases)
    changes = []
    for raw in cases:
        before, after = _outcome(a, raw), _outcome(b, raw)
        if before[:3] != after[:3]:
            changes.append(Change(raw, before, after))
    return DiffReport(old.version, new.version, len(cases), changes)
