"""Use cases: triage a case. Wiring of rules and engine happens in `Triage.from_directory`."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

from triage.analysis import check_conflicts
from triage.compiler import compile_rules
from triage.decide import Evaluator, Outcome, outcome
from triage.engine import DurableEngine
from triage.explain import explanation
from triage.models import Decision, FiredRule, MissingFact, ServiceRef
from triage.rulefile import load_rules
from triage.ruleset import Locale, RuleSet
from triage.validation import Case, case_values, parse_case, resolve_locale


def load_checked_rules(directory: str | Path) -> RuleSet:
    """Load rule files and refuse conflicting sets (ROUTING_POLICY.md, semantics 4)."""
    rules = load_rules(directory)
    check_conflicts(rules)
    return rules


class Triage:
    """Decides cases with one loaded rule set and one evaluator."""

    def __init__(self, *, rules: RuleSet, evaluator: Evaluator) -> None:
        self.rules = rules
        self.evaluator = evaluator

    @classmethod
    def from_directory(cls, directory: str | Path) -> Triage:
        rules = load_checked_rules(directory)
        return cls(rules=rules, evaluator=DurableEngine(compile_rules(rules)))

    def evaluate(self, case: Case) -> Outcome:
        values = case_values(case, self.rules)
        truths = self.evaluator.evaluate(case.need, values)
        return outcome(self.rules, case.need, values, truths)

    def decide(
        self, raw: Any, *, locale: Locale | None = None, seed: int | None = None
    ) -> Decision:
        """Validate `raw` (raises InvalidCaseError naming the field) and decide it."""
        case = parse_case(raw, self.rules)
        return self.decide_case(case, locale=locale, seed=seed)

    def decide_case(
        self, case: Case, *, locale: Locale | None = None, seed: int | None = None
    ) -> Decision:
        loc = resolve_locale(case, locale)
        result = self.evaluate(case)
        rules = self.rules
        winner = result.winner
        return Decision(
            decision_id=str(uuid.uuid4()),
            status=result.status,
            need=case.need,
            service=(
                ServiceRef(code=winner.service, name=rules.services[winner.service].get(loc))
                if winner
                else None
            ),
            urgency=winner.urgency if winner else None,
            missing_facts=[
                MissingFact(fact=f, question=rules.fact(case.need, f).question.get(loc))
                for f in result.missing
            ],
            fired_rules=[
                FiredRule(
                    id=r.id,
                    priority=r.priority,
                    service=r.service,
                    urgency=r.urgency,
                    description=r.description.get(loc),
                )
                for r in result.fired
            ],
            winning_rule=winner.id if winner else None,
            blocking_rules=[r.id for r in result.blocking],
            providers=[],
            rules_version=rules.version,
            seed=secrets.randbits(31) if seed is None else seed,
            locale=loc,
            explanation=explanation(rules, case.need, result, loc),
        )
