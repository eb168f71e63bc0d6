"""`triage diff`: what a rule change does, case by case, before it is deployed.

Both rule sets decide the same corpus: every scenario, plus cases generated from every
fact's representative values in either rule set (each boundary of the old and the new
thresholds, every enum value, known and missing). Small needs get the full product; large
ones get every pair of fact values varied around each scenario of the need. Cases whose
status, service or urgency change are listed, grouped by the rule that won before and after.

A fact that only one version knows (a new or a removed question) is not a change of every
case: each version decides the case on the facts it knows. A case that leaves such a fact
at its neutral value (unanswered, its default, or false) is compared like any other, so a
new fact that stays false changes nothing. A case that sets it is reported apart, in a
"new fact" (or "removed fact") group with its counts.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage.catalog.municipalities import municipality_codes
from triage.domain.case import Case
from triage.domain.decider import Triage
from triage.engine.analysis import ABSENT, NOT_KNOWN, Candidate, candidates, representative_values
from triage.engine.policy import Outcome as EngineOutcome
from triage.errors import InvalidCaseError
from triage.rules.model import CLIENT_ATTRIBUTES, RuleSet, Value, facts_of

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
        elif value is NOT_KNOWN:
            facts[code] = "not_known"
        else:
            facts[code] = value
    # screened: a generated case is about the facts, not about asking the red flags
    return {"need": need, "client": client, "facts": facts, "red_flags": base.get("red_flags", [])}


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


def _unshared(old: RuleSet, new: RuleSet, need: str) -> dict[str, tuple[str, Value | None]]:
    """Facts of `need` that only one version knows: code -> (kind, neutral value). The
    neutral value is the fact's default, else false for a yes/no fact; unanswered always is."""
    if need not in old.needs or need not in new.needs:
        return {}
    out: dict[str, tuple[str, Value | None]] = {}
    for kind, knows, other in (("new fact", new, old), ("removed fact", old, new)):
        for code, fact in knows.needs[need].facts.items():
            if code not in other.needs[need].facts:
                neutral = fact.default if fact.default is not None else None
                out[code] = (kind, False if neutral is None and fact.type == "bool" else neutral)
    return out


def _known_to(rules: RuleSet, raw: dict[str, Any]) -> dict[str, Any]:
    """The case with the facts this version does not know left out."""
    need = rules.needs.get(raw.get("need", ""))
    facts = raw.get("facts", {})
    if need is None or all(f in need.facts for f in facts):
        return raw
    return {**raw, "facts": {f: v for f, v in facts.items() if f in need.facts}}


def _outcomes(triage: Triage, raws: list[dict[str, Any]]) -> list[Outcome]:
    """Each case's outcome, the valid ones through the engine's bulk path."""
    found: list[Outcome | None] = []
    valid: list[Case] = []
    for raw in raws:
        try:
            valid.append(triage.validate(raw))
            found.append(None)
        except InvalidCaseError as exc:
            found.append(("invalid", None, None, f"invalid:{exc.field}"))
    results = iter(triage.evaluate_many(valid))
    return [f or _summary(next(results)) for f in found]


def _summary(result: EngineOutcome) -> Outcome:
    w = result.winner
    return (result.status, w.service if w else None, w.urgency if w else None, w.id if w else None)


@dataclass(frozen=True)
class Change:
    case: dict[str, Any]
    old: Outcome
    new: Outcome


@dataclass
class UnsharedFact:
    """Cases that set a fact only one version knows: how many, and which decide differently."""

    need: str
    kind: str  # "new fact" or "removed fact"
    fact: str
    cases: int = 0
    changes: list[Change] = field(default_factory=list)


def _grouped(changes: Iterable[Change]) -> dict[tuple[str, str, str], list[Change]]:
    grouped: dict[tuple[str, str, str], list[Change]] = defaultdict(list)
    for ch in changes:
        grouped[(ch.case["need"], ch.old[3] or ch.old[0], ch.new[3] or ch.new[0])].append(ch)
    return dict(sorted(grouped.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0])))


@dataclass
class DiffReport:
    old_version: str
    new_version: str
    cases: int
    changes: list[Change]
    unshared: list[UnsharedFact] = field(default_factory=list)

    def groups(self) -> dict[tuple[str, str, str], list[Change]]:
        return _grouped(self.changes)

    def as_dict(self) -> dict[str, Any]:
        def out(o: Outcome) -> dict[str, Any]:
            return {"status": o[0], "service": o[1], "urgency": o[2], "rule": o[3]}

        def groups(changes: Iterable[Change]) -> list[dict[str, Any]]:
            return [
                {"need": need, "from": a, "to": b, "count": len(chs)}
                for (need, a, b), chs in _grouped(changes).items()
            ]

        def listed(changes: Iterable[Change]) -> list[dict[str, Any]]:
            return [{"case": c.case, "old": out(c.old), "new": out(c.new)} for c in changes]

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "cases": self.cases,
            "changed": len(self.changes),
            "groups": groups(self.changes),
            "changes": listed(self.changes),
            "unshared_facts": [
                {
                    "need": u.need,
                    "kind": u.kind,
                    "fact": u.fact,
                    "cases": u.cases,
                    "changed": len(u.changes),
                    "groups": groups(u.changes),
                    "changes": listed(u.changes),
                }
                for u in self.unshared
            ],
        }

    def render(self, shown: int = 3) -> str:
        apart = sum(u.cases for u in self.unshared)
        lines = [
            f"old {self.old_version} -> new {self.new_version}: {self.cases - apart} cases on "
            f"the facts both versions know, {len(self.changes)} change status, service or urgency"
        ]
        lines += _render_groups(self.changes, shown, "")
        for u in self.unshared:
            lines.append(
                f"{u.kind} {u.need}.{u.fact}: set in {u.cases} cases, "
                f"{len(u.changes)} decided differently"
            )
            lines += _render_groups(u.changes, shown, "  ")
        return "\n".join(lines)


def _render_groups(changes: Iterable[Change], shown: int, indent: str) -> list[str]:
    lines = []
    for (need, a, b), group in _grouped(changes).items():
        o, n = group[0].old, group[0].new
        lines.append(
            f"{indent}{need}: {a} -> {b} ({len(group)} cases): "
            f"{o[1] or o[0]}/{o[2]} -> {n[1] or n[0]}/{n[2]}"
        )
        for ch in group[:shown]:
            example = {k: ch.case[k] for k in ("client", "facts") if k in ch.case}
            lines.append(f"{indent}    e.g. {json.dumps(example, ensure_ascii=False)}")
    return lines


def diff_rules(old: RuleSet, new: RuleSet, scenario_cases: Iterable[dict[str, Any]]) -> DiffReport:
    a, b = Triage.from_rules(old), Triage.from_rules(new)
    cases = corpus(old, new, scenario_cases)
    changes = []
    apart: dict[tuple[str, str], UnsharedFact] = {}
    unshared = {n: _unshared(old, new, n) for n in set(old.needs) | set(new.needs)}
    olds = _outcomes(a, [_known_to(old, raw) for raw in cases])
    news = _outcomes(b, [_known_to(new, raw) for raw in cases])
    for raw, before, after in zip(cases, olds, news, strict=True):
        changed = before[:3] != after[:3]
        sided = unshared.get(raw.get("need", ""), {})
        facts = raw.get("facts", {})
        setting = next((f for f in facts if f in sided and facts[f] != sided[f][1]), None)
        if setting is None:
            if changed:
                changes.append(Change(raw, before, after))
            continue
        need = raw["need"]
        group = apart.setdefault((need, setting), UnsharedFact(need, sided[setting][0], setting))
        group.cases += 1
        if changed:
            group.changes.append(Change(raw, before, after))
    groups = [apart[k] for k in sorted(apart)]
    return DiffReport(old.version, new.version, len(cases), changes, groups)
