"""Triage: one rule set, one evaluator and one catalog, turning a valid case into a Decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.catalog.model import EMPTY_CATALOG, Catalog
from triage.domain.case import (
    Case,
    Client,
    case_values,
    not_known_facts,
    parse_case,
    resolve_locale,
    screened,
)
from triage.domain.contact import (
    ContactAnswer,
    ContactIn,
    Plan,
    contact_cases,
    make_plan,
    parse_contact,
)
from triage.domain.decision import (
    Decision,
)
from triage.domain.ids import random_bytes, time_ordered_id
from triage.domain.parts import outcome_parts, seeker, timing_parts
from triage.domain.shown import Shown
from triage.engine.checked import load_checked_rules
from triage.engine.compiler import compile_rules
from triage.engine.durable import DurableEngine
from triage.engine.policy import Evaluator, Outcome, outcome
from triage.errors import InvalidCaseError
from triage.rules.model import Locale, RuleSet, Value

_UNKNOWN = object()  # a value the case does not give (in evaluate_many's keys)
_NOT_KNOWN = object()  # a value the case answers "not_known"


PARTS_SEEN = 4096  # outcomes whose parts are kept (forgotten all at once beyond)
MAX_PROVIDERS = 20  # a decision lists at most this many (None: all), and says how many more


class Triage:
    """Decides cases with one loaded rule set and one evaluator."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        evaluator: Evaluator,
        catalog: Catalog = EMPTY_CATALOG,
        max_providers: int | None = MAX_PROVIDERS,
    ) -> None:
        self.rules, self.evaluator, self.catalog = rules, evaluator, catalog
        self.max_providers = max_providers
        self._shown = Shown(rules, catalog, max_providers)
        self._templates: dict[tuple[object, ...], Decision] = {}
        self._times: dict[tuple[object, ...], dict[str, Any]] = {}
        self._pieces: dict[tuple[str, ...], Any] = {}  # fired rules, missing facts by locale

    @classmethod
    def from_directory(cls, directory: str | Path, catalog: Catalog = EMPTY_CATALOG) -> Triage:
        return cls.from_rules(load_checked_rules(directory), catalog)

    @classmethod
    def from_rules(
        cls,
        rules: RuleSet,
        catalog: Catalog = EMPTY_CATALOG,
        max_providers: int | None = MAX_PROVIDERS,
    ) -> Triage:
        engine = DurableEngine(compile_rules(rules))
        return cls(rules=rules, evaluator=engine, catalog=catalog, max_providers=max_providers)

    def with_catalog(self, catalog: Catalog, max_providers: int | None = -1) -> Triage:
        limit = self.max_providers if max_providers == -1 else max_providers  # -1: the same
        return Triage(
            rules=self.rules, evaluator=self.evaluator, catalog=catalog, max_providers=limit
        )

    def evaluate(self, case: Case) -> Outcome:
        rules = self.rules
        values = case_values(case, rules)
        truths = self.evaluator.evaluate(case.need, values)
        return outcome(
            rules, case.need, values, truths, not_known_facts(case, rules), screened(case, rules)
        )

    def decide(
        self, raw: Any, *, locale: Locale | None = None, seed: int | None = None
    ) -> Decision:
        """Validate `raw` (raises InvalidCaseError naming the field) and decide it."""
        return self.decide_case(self.validate(raw), locale=locale, seed=seed)

    def validate(self, raw: Any) -> Case:
        """A valid case for these rules and this catalog, or InvalidCaseError naming the field."""
        case = parse_case(raw, self.rules)
        self._check_client(case.client)
        return case

    def validate_contact(self, raw: Any) -> tuple[ContactIn, list[Case]]:
        """A valid contact and its needs as cases, in the order given; InvalidCaseError
        naming the need's index and field (`needs[1].facts.pain`) otherwise."""
        contact, cases = parse_contact(raw, self.rules)
        self._check_client(contact.client)
        return contact, cases

    def _check_client(self, client: Client | None) -> None:
        chosen = client.chosen_provider if client else None
        if chosen and self.catalog.providers and self.catalog.get(chosen) is None:
            raise InvalidCaseError(
                "client.chosen_provider", "unknown_provider", catalog=self.catalog.version
            )

    def decide_contact(
        self,
        cases: Sequence[Case],
        *,
        locale: Locale | None = None,
        seeds: Sequence[int] | None = None,
        now: datetime | None = None,
    ) -> ContactAnswer:
        """Decide each need of a validated contact as a case of its own (the bulk path),
        and plan them. All needs share one time of contact (`now` when the contact gives
        none). When the client's age or municipality is left out because a need has a red
        flag (S7a), only the needs with a red flag are decided."""
        chosen = contact_cases(cases)
        decisions = self.decide_many(
            [cases[i] for i in chosen],
            locale=locale,
            seeds=seeds,
            now=(now or datetime.now(UTC)) if self.rules.policy >= 3 else None,
        )
        undecided = [c.need for i, c in enumerate(cases) if i not in chosen]
        return ContactAnswer(
            contact_id=time_ordered_id(random_bytes(10)),
            decisions=decisions,
            plan=self.plan(decisions, cases, undecided),
        )

    def plan(
        self, decisions: Sequence[Decision], cases: Sequence[Case], undecided: Sequence[str] = ()
    ) -> Plan:
        first = cases[0]
        return make_plan(
            decisions,
            list(self.rules.urgencies),
            self.rules.sectors,
            policy=self.rules.policy,
            consent=first.client.consent_to_share if first.client else None,
            locale=resolve_locale(first) if not decisions else decisions[0].locale,
            undecided=undecided,
        )

    def evaluate_many(self, cases: Sequence[Case]) -> list[Outcome]:
        """`evaluate` on each case, in order, in one pass. Cases that agree on every value
        their need's rules read (RuleSet.reads) are evaluated once and share the outcome;
        the engine takes the distinct ones need by need under one lock."""
        rules = self.rules
        firsts: dict[tuple[object, ...], int] = {}  # distinct input -> its first case
        keys: list[tuple[object, ...]] = []
        values: dict[int, tuple[dict[str, Value], frozenset[str], bool]] = {}
        for i, case in enumerate(cases):
            v = case_values(case, rules)
            nk = not_known_facts(case, rules)
            seen = screened(case, rules)
            key = (
                case.need,
                seen,
                *(v.get(f, _NOT_KNOWN if f in nk else _UNKNOWN) for f in rules.reads(case.need)),
            )
            keys.append(key)
            if key not in firsts:
                firsts[key] = i
                values[i] = (v, nk, seen)
        by_need: dict[str, list[int]] = {}
        for i in firsts.values():
            by_need.setdefault(cases[i].need, []).append(i)
        outcomes: dict[int, Outcome] = {}
        for need, where in by_need.items():
            found = self.evaluator.evaluate_many(need, [values[i][0] for i in where])
            for i, truths in zip(where, found, strict=True):
                v, nk, seen = values[i]
                outcomes[i] = outcome(rules, need, v, truths, nk, seen)
        return [outcomes[firsts[key]] for key in keys]

    def decide_many(
        self,
        cases: Sequence[Case],
        *,
        locale: Locale | None = None,
        seeds: Sequence[int] | None = None,
        now: datetime | None = None,
    ) -> list[Decision]:
        """`decide_case` on each case, in order, with the engine's bulk path."""
        results = self.evaluate_many(cases)
        return [
            self.decide_case(
                case,
                locale=locale,
                seed=None if seeds is None else seeds[i],
                result=result,
                now=now,
            )
            for i, (case, result) in enumerate(zip(cases, results, strict=True))
        ]

    def decide_case(
        self,
        case: Case,
        *,
        locale: Locale | None = None,
        seed: int | None = None,
        result: Outcome | None = None,
        now: datetime | None = None,
        hours: bool = True,
    ) -> Decision:
        """The decision on a valid case (`result`: its outcome, when already evaluated).
        `hours`: apply opening hours and the out-of-hours fallback (S13; replay passes
        what the decision recorded). `now` is the time of contact when the case gives none
        (replay passes the recorded one); the clock is read only when neither is given."""
        loc = resolve_locale(case, locale)
        result = self.evaluate(case) if result is None else result
        winner = result.winner
        template = self._template(case, result, loc)
        fresh = random_bytes(14)  # the id and the seed
        seed = int.from_bytes(fresh[10:]) >> 1 if seed is None else seed  # 31 bits
        update = (
            timing_parts(self.rules, case, winner, now, self._times)
            if self.rules.policy >= 3
            else {}
        )
        update.update(
            self._shown.parts(winner, seeker(case), seed, update, template.explanation, loc, hours)
        )
        # Every value below is a validated model or made here; the template was validated.
        update["decision_id"] = time_ordered_id(fresh[:10])
        update["seed"] = seed
        return template.model_copy(update=update)

    def _template(self, case: Case, result: Outcome, loc: Locale) -> Decision:
        """A decision holding `outcome_parts`, validated once per outcome and locale (a
        rule set has few distinct outcomes); `decide_case` copies it with what is its own.
        Decisions share the template's lists: nothing changes a decision once made."""
        key = (
            case.need,
            loc,
            case.screened,
            tuple(case.flags),
            result.precautionary,
            result.status,
            result.winner.id if result.winner else None,
            result.missing,
            tuple([r.id for r in result.fired]),
            tuple([r.id for r in result.blocking]),
        )
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) >= PARTS_SEEN:
                self._templates.clear()
            parts = outcome_parts(self.rules, self.catalog.version, case, result, loc, self._pieces)
            template = self._templates[key] = Decision(
                decision_id="", seed=0, providers=[], provider_note=None, **parts
            )
        return template
