"""The parsed rule set: plain, immutable data shared by compiler, engine and checks.

Nothing here knows about YAML, durable_rules, HTTP or databases.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeAlias

from triage.localized import Text as Text  # re-exported: the one home is localized
from triage.messages import LOCALES as LOCALES  # re-exported: the one home is messages
from triage.messages import Locale as Locale
from triage.rules.timing import Calendar, Deadline

Value: TypeAlias = bool | int | float | str
FactType = Literal["enum", "bool", "int", "number", "code"]
Op = Literal["eq", "ne", "lt", "le", "gt", "ge", "in"]
ListingKind = Literal["open", "continuity", "none"]
Sector = Literal["health", "social", "other"]
ORDER_OPS: frozenset[str] = frozenset({"lt", "le", "gt", "ge"})


@dataclass(frozen=True)
class Fact:
    """A fact a rule can read: its type, domain, default and the question that asks for it."""

    code: str
    type: FactType
    question: Text
    values: tuple[str, ...] = ()
    labels: tuple[tuple[str, Text], ...] = ()  # (enum value, label), in the order of values
    min: float | None = None
    max: float | None = None
    default: Value | None = None
    unit: str | None = None
    is_client_attribute: bool = False
    safety: bool = False  # policy 3: an answer can make the decision more urgent (no default)
    accepts_not_known: bool = False  # policy 3: "not_known" is a valid answer
    deprecated: bool = False  # policy 3: read only under known(); never asked
    file: str | None = None
    line: int | None = None

    def label(self, value: str) -> Text | None:
        """What a person reads for an enum value, or None when the rule file gives none."""
        return next((t for v, t in self.labels if v == value), None)

    def option_text(self, value: str) -> Text:
        """The label of an enum value, or the value itself where the rule file gives none."""
        return self.label(value) or Text(fi=value)

    @property
    def bounds(self) -> tuple[int | float | None, int | float | None]:
        """(min, max), as integers for an int fact."""
        if self.type != "int":
            return self.min, self.max
        low = None if self.min is None else int(self.min)
        return low, None if self.max is None else int(self.max)

    @property
    def always_known(self) -> bool:
        """True when the fact can never be unknown: a required attribute, or a default that
        no "not_known" answer can override."""
        return self.is_client_attribute or (self.default is not None and not self.accepts_not_known)


def fact_problem(fact: Fact, value: Any) -> tuple[str, dict[str, Any]] | None:
    """Why `value` is not valid for `fact` (a message code and its safe parameters, see
    messages.py), or None when it is."""
    if fact.type == "bool":
        return None if isinstance(value, bool) else ("wrong_type", {"type": "boolean"})
    if fact.type == "enum":
        if not isinstance(value, str) or value not in fact.values:
            return ("not_one_of", {"options": ", ".join(fact.values)})
        return None
    if fact.type == "code":
        return None if isinstance(value, str) else ("wrong_type", {"type": "string"})
    wanted = "integer" if fact.type == "int" else "number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ("wrong_type", {"type": wanted})
    if fact.type == "int" and not isinstance(value, int):
        return ("wrong_type", {"type": "integer"})
    if isinstance(value, float) and not math.isfinite(value):
        return ("number_not_finite", {})
    assert fact.min is not None and fact.max is not None  # guaranteed by the rule loader
    if not fact.min <= value <= fact.max:
        return ("out_of_range", {"min": _num(fact.min), "max": _num(fact.max)})
    return None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# Client attributes that rules may read. Each use must carry a justification (PRODUCT.md).
CLIENT_ATTRIBUTES: Mapping[str, Fact] = {
    "client.age": Fact(
        code="client.age",
        type="int",
        min=0,
        max=120,
        is_client_attribute=True,
        question=Text(fi="Asiakkaan ikä", sv="Klientens ålder", en="Client's age"),
    ),
    "client.municipality": Fact(
        code="client.municipality",
        type="code",
        is_client_attribute=True,
        question=Text(
            fi="Asiakkaan kotikunta", sv="Klientens hemkommun", en="Client's municipality"
        ),
    ),
}


# --- conditions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Always:
    """True for every case."""


@dataclass(frozen=True)
class Compare:
    fact: str
    op: Op
    value: Value | tuple[Value, ...]


@dataclass(frozen=True)
class Known:
    fact: str


@dataclass(frozen=True)
class Missing:
    fact: str


@dataclass(frozen=True)
class RedFlagAny:
    """True when the case carries at least one red flag (never unknown)."""


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition: TypeAlias = Always | Compare | Known | Missing | RedFlagAny | All | AnyOf | Not


def subconditions(condition: Condition) -> Iterator[Condition]:
    """The condition and every condition inside it, depth first."""
    yield condition
    if isinstance(condition, All | AnyOf):
        for item in condition.items:
            yield from subconditions(item)
    elif isinstance(condition, Not):
        yield from subconditions(condition.item)


def facts_of(condition: Condition) -> tuple[str, ...]:
    """Every fact or client attribute a condition reads, in order of first use.

    A red-flag test reads the pseudo-fact `red_flag_count`.
    """
    seen: dict[str, None] = {}
    for c in subconditions(condition):
        if isinstance(c, Compare | Known | Missing):
            seen.setdefault(c.fact, None)
        elif isinstance(c, RedFlagAny):
            seen.setdefault("red_flag_count", None)
    return tuple(seen)


# --- rules, needs, the whole set ------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One routing rule: when `when` is definitely true, route to `service` at `urgency`."""

    id: str
    priority: int
    description: Text
    when: Condition
    service: str
    urgency: str
    justification: str | None = None
    safety_net: Text | None = None  # when to call 116117 / 112 (else the need's)
    instruction: Text | None = None  # what staff tell the client at once
    notices: tuple[str, ...] = ()  # duties staff must consider (codes of RuleSet.notices)
    file: str | None = None
    line: int | None = None

    @property
    def outcome(self) -> tuple[str, str]:
        return (self.service, self.urgency)

    @property
    def client_attributes(self) -> tuple[str, ...]:
        return tuple(f for f in facts_of(self.when) if f in CLIENT_ATTRIBUTES)

    @cached_property
    def compared(self) -> frozenset[str]:
        """The facts the rule compares: the only ones that can leave it unknown."""
        return frozenset(c.fact for c in subconditions(self.when) if isinstance(c, Compare))

    @cached_property
    def flat(self) -> tuple[str, ...] | None:
        """For a condition that is one leaf or an `all`/`any` of leaves (a comparison,
        negated or not, known, missing, red flags), its compared facts in order of use;
        None for a nested one. Such a rule, when unknown, waits on exactly its compared
        facts that are unknown: a part that is known cannot be deciding it."""
        items = self.when.items if isinstance(self.when, All | AnyOf) else (self.when,)
        inner = [i.item if isinstance(i, Not) else i for i in items]
        if any(isinstance(i, All | AnyOf | Not) for i in inner):
            return None
        return tuple(dict.fromkeys(i.fact for i in inner if isinstance(i, Compare)))


@dataclass(frozen=True)
class Need:
    code: str
    name: Text
    facts: Mapping[str, Fact]
    rules: tuple[Rule, ...]
    file: str | None = None
    safety_net: Text | None = None  # for the need's health-sector outcomes
    safety_net_line: int | None = None


@dataclass(frozen=True)
class RuleSet:
    """Everything under `rules/`, validated. `version` is a hash of the files' content."""

    urgencies: Mapping[str, Text]
    services: Mapping[str, Text]
    red_flags: Mapping[str, Text]
    needs: Mapping[str, Need]
    common_rules: tuple[Rule, ...]
    version: str
    listing: Mapping[str, ListingKind] = field(default_factory=dict)
    sectors: Mapping[str, Sector] = field(default_factory=dict)
    policy: int = 2  # which routing semantics: 2 (before v3) or 3 (common.yaml `policy: 3`)
    urgency_instructions: Mapping[str, Text] = field(default_factory=dict)
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)
    red_flag_instructions: Mapping[str, Text] = field(default_factory=dict)
    notices: Mapping[str, Text] = field(default_factory=dict)
    open_24_7: frozenset[str] = frozenset()
    after_hours: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    calendar: Calendar | None = None
    common_file: str | None = None
    common_lines: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (kind, code)
    _rules_by_need: dict[str, tuple[Rule, ...]] = field(default_factory=dict, compare=False)
    _by_priority: dict[str, tuple[Rule, ...]] = field(default_factory=dict, compare=False)
    _reads: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def rules_for(self, need: str) -> tuple[Rule, ...]:
        """The need's rules plus the common ones, in file order (common first)."""
        cached = self._rules_by_need.get(need)
        if cached is None:
            cached = self.common_rules + self.needs[need].rules
            self._rules_by_need[need] = cached
        return cached

    def by_priority(self, need: str) -> tuple[Rule, ...]:
        """The need's rules, highest priority first (file order among equals); computed once."""
        cached = self._by_priority.get(need)
        if cached is None:
            cached = tuple(sorted(self.rules_for(need), key=lambda r: -r.priority))
            self._by_priority[need] = cached
        return cached

    def reads(self, need: str) -> tuple[str, ...]:
        """Every value the need's rules read (facts, client attributes, red_flag_count):
        two cases that agree on these get the same rule truths and outcome."""
        cached = self._reads.get(need)
        if cached is None:
            found = {f: None for rule in self.rules_for(need) for f in facts_of(rule.when)}
            cached = self._reads[need] = tuple(sorted(found))
        return cached

    def fact(self, need: str, code: str) -> Fact:
        """A need's fact or a client attribute."""
        return (
            CLIENT_ATTRIBUTES[code] if code in CLIENT_ATTRIBUTES else self.needs[need].facts[code]
        )
