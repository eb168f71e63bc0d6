"""Hypothesis strategies for valid cases of the shipped rules, boundaries included.

Under policy 3 each fact is drawn independently absent, answered or (where it accepts it)
"not_known"; red flags absent (not screened), none, or some; and a time of contact."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from triage.engine.analysis import representative_values
from triage.rules.model import Fact, RuleSet

MUNICIPALITIES = ["179", "077", "892", "182"]
NOT_KNOWN = "not_known"
# Times of contact around the calendar's edges: a Friday afternoon, a night, Easter,
# Midsummer Eve, Christmas, the change to summer time, and UTC.
CONTACT_TIMES = [
    "2026-03-13T15:55:00+02:00",
    "2026-03-13T23:30:00+02:00",
    "2026-04-01T12:00:00+03:00",
    "2026-06-18T09:00:00+03:00",
    "2026-12-23T16:30:00+02:00",
    "2026-03-28T23:59:59+02:00",
    "2026-07-01T09:00:00Z",
]


def fact_values(fact: Fact, rules: RuleSet, need: str) -> st.SearchStrategy[Any]:
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from(fact.values)
    assert fact.min is not None and fact.max is not None
    edges = representative_values(fact, rules.rules_for(need))
    if fact.type == "int":
        return st.one_of(st.sampled_from(edges), st.integers(int(fact.min), int(fact.max)))
    steps = (-0.1, -1e-9, 1e-9, 0.1)
    numbers = [float(e) for e in edges if isinstance(e, int | float)]  # a number fact's edges
    near = [e + d for e in numbers for d in steps if fact.min <= e + d <= fact.max]
    return st.one_of(
        st.sampled_from(edges + near),
        st.floats(fact.min, fact.max, allow_nan=False, allow_infinity=False),
    )


@st.composite
def cases(
    draw: st.DrawFn, rules: RuleSet, need: str | None = None, red_flags: bool = True
) -> dict[str, Any]:
    need = need or draw(st.sampled_from(sorted(rules.needs)))
    facts: dict[str, Any] = {}
    for code, fact in rules.needs[need].facts.items():
        state = draw(st.sampled_from(("absent", "answered", "not_known")))
        if state == "answered":
            facts[code] = draw(fact_values(fact, rules, need))
        elif state == "not_known" and fact.accepts_not_known:
            facts[code] = NOT_KNOWN
    flags = (
        draw(st.lists(st.sampled_from(sorted(rules.red_flags)), max_size=2, unique=True))
        if red_flags and draw(st.integers(0, 4)) == 0
        else []
    )
    age = draw(st.one_of(st.sampled_from([0, 17, 18, 64, 65, 120]), st.integers(0, 120)))
    case: dict[str, Any] = {
        "need": need,
        "client": {"age": age, "municipality": draw(st.sampled_from(MUNICIPALITIES))},
        "facts": facts,
        "contact_time": draw(st.sampled_from(CONTACT_TIMES)),
    }
    if flags or draw(st.integers(0, 3)) != 0:  # absent now and then: not screened
        case["red_flags"] = flags
    return case


def random_case(rng: random.Random, rules: RuleSet, known: float = 0.5) -> dict[str, Any]:
    """A valid case drawn without hypothesis (for benchmarks): each fact given with
    probability `known` (1.0: every fact, for a peer engine that has no unknown)."""
    need = rng.choice(sorted(rules.needs))
    facts: dict[str, Any] = {}
    for code, fact in rules.needs[need].facts.items():
        if rng.random() < 1 - known:
            continue
        if known < 1 and fact.accepts_not_known and rng.random() < 0.1:
            facts[code] = NOT_KNOWN
        elif fact.type == "bool":
            facts[code] = rng.random() < 0.5
        elif fact.type == "enum":
            facts[code] = rng.choice(fact.values)
        else:
            facts[code] = rng.choice(representative_values(fact, rules.rules_for(need)))
    case: dict[str, Any] = {
        "need": need,
        "client": {"age": rng.randint(0, 120), "municipality": rng.choice(MUNICIPALITIES)},
        "facts": facts,
        "contact_time": rng.choice(CONTACT_TIMES),
    }
    chance = rng.random()
    if chance < 0.05:
        case["red_flags"] = [rng.choice(sorted(rules.red_flags))]
    elif chance < 0.9 or known == 1.0:
        case["red_flags"] = []
    return case


@st.composite
def contacts(draw: st.DrawFn, rules: RuleSet, red_flags: bool = True) -> dict[str, Any]:
    """A valid contact: one client with 1 to 6 distinct needs, each drawn like a case."""
    needs = draw(
        st.lists(st.sampled_from(sorted(rules.needs)), min_size=1, max_size=6, unique=True)
    )
    drawn = [draw(cases(rules, need, red_flags=red_flags)) for need in needs]
    items = []
    for case in drawn:
        item: dict[str, Any] = {"need": case["need"], "facts": case["facts"]}
        if "red_flags" in case:
            item["red_flags"] = case["red_flags"]
        items.append(item)
    client = dict(drawn[0]["client"])
    consent = draw(st.sampled_from([None, True, False]))
    if consent is not None:
        client["consent_to_share"] = consent
    return {"client": client, "needs": items, "contact_time": drawn[0]["contact_time"]}


@st.composite
def identity_codes(draw: st.DrawFn) -> str:
    """Henkilötunnus-like: DDMMYY, a century sign, three digits, a check character; upper
    or lower case."""
    day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(0, 99))
    sign = draw(st.sampled_from("-+ABCDEFUVWXY"))
    number = draw(st.integers(2, 899))
    check = draw(st.sampled_from("0123456789ABCDEFHJKLMNPRSTUVWXY"))
    code = f"{day:02d}{month:02d}{year:02d}{sign}{number:03d}{check}"
    return code.lower() if draw(st.booleans()) else code
