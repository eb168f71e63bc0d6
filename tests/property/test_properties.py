"""Hypothesis properties of decisions on the real engine (durable_rules)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RULES_DIR
from tests.reference import reference_decide
from tests.strategies import cases, fact_values
from triage.domain.case import case_values, parse_case
from triage.domain.triage import Triage
from triage.engine.analysis import load_checked_rules
from triage.engine.policy import PythonEvaluator
from triage.rules.model import RuleSet

NEEDS = sorted(load_checked_rules(RULES_DIR).needs)  # every need the shipped rules define
DIFFERENTIAL_CASES = 600  # per need per run


def test_the_properties_cover_all_ten_needs_of_policy_v2() -> None:
    assert len(NEEDS) == 10 and {"physiotherapy", "first_contact", "anticoagulation"} <= set(NEEDS)


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def codes(d: Any) -> tuple[Any, ...]:
    return (
        d.status,
        d.service.code if d.service else None,
        d.urgency,
        d.winning_rule,
        tuple(m.fact for m in d.missing_facts),
    )


@pytest.mark.parametrize("need", NEEDS)
def test_engine_agrees_with_reference(engine_triage: Triage, rules: RuleSet, need: str) -> None:
    """Differential test: at least 600 generated cases per need per run, all ten needs, one
    by one and through the bulk path (`evaluate_many`, `decide_many`)."""
    python = PythonEvaluator(rules)
    seen: list[dict[str, Any]] = []

    @settings(
        max_examples=DIFFERENTIAL_CASES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,  # no replayed examples: each run draws its own
    )
    @given(raw=cases(rules, need))
    def check(raw: dict[str, Any]) -> None:
        seen.append(raw)
        d = engine_triage.decide(raw)
        ref = reference_decide(rules, raw)
        assert codes(d) == (ref.status, ref.service, ref.urgency, ref.winning_rule, ref.missing)
        # The engine's rule truths themselves match the plain-Python evaluation.
        values = case_values(parse_case(raw, rules), rules)
        assert engine_triage.evaluator.evaluate(need, values) == python.evaluate(need, values)

    check()
    assert len(seen) >= DIFFERENTIAL_CASES and {c["need"] for c in seen} == {need}
    # The bulk path on the same cases, in one call: each outcome and decision equals the
    # one-by-one evaluation (everything but the decision id) and the reference.
    parsed = [engine_triage.validate(raw) for raw in seen]
    assert engine_triage.evaluate_many(parsed) == [engine_triage.evaluate(c) for c in parsed]
    seeds = list(range(len(parsed)))
    bulk = engine_triage.decide_many(parsed, seeds=seeds)
    for raw, case, seed, d in zip(seen, parsed, seeds, bulk, strict=True):
        one = engine_triage.decide_case(case, seed=seed)
        assert d.model_dump(exclude={"decision_id"}) == one.model_dump(exclude={"decision_id"})
        ref = reference_decide(rules, raw)
        assert codes(d) == (ref.status, ref.service, ref.urgency, ref.winning_rule, ref.missing)


@FAST
@given(data=st.data())
def test_any_red_flag_decides_emergency(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(cases(rules, red_flags=False))
    raw["red_flags"] = data.draw(
        st.lists(st.sampled_from(sorted(rules.red_flags)), min_size=1, unique=True)
    )
    d = engine_triage.decide(raw)
    assert d.status == "decided" and d.service is not None
    assert (d.service.code, d.urgency) == ("emergency", "emergency")


@FAST
@given(data=st.data())
def test_fact_order_and_locale_do_not_matter(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(cases(rules))
    items = list(raw["facts"].items())
    random.Random(data.draw(st.integers())).shuffle(items)
    shuffled = {**raw, "facts": dict(items)}
    base = codes(engine_triage.decide(raw, locale="fi"))
    for locale in ("sv", "en"):
        assert codes(engine_triage.decide(shuffled, locale=locale)) == base


@FAST
@given(data=st.data())
def test_answering_missing_facts_never_asks_them_again(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    raw = data.draw(cases(rules))
    for _ in range(10):  # each round answers at least one fact, so this ends
        d = engine_triage.decide(raw)
        if d.status == "decided":
            return
        asked = [m.fact for m in d.missing_facts]
        if not asked:
            return  # no rule applies: nothing to ask (a rule-set gap; the shipped rules have none)
        facts = dict(raw["facts"])
        for code in asked:
            facts[code] = data.draw(
                fact_values(rules.needs[raw["need"]].facts[code], rules, raw["need"])
            )
        raw = {**raw, "facts": facts}
        again = engine_triage.decide(raw)
        assert not set(asked) & {m.fact for m in again.missing_facts}
    raise AssertionError("still not decided after answering every asked fact ten times")


@FAST
@given(data=st.data())
def test_shipped_rules_always_decide_when_every_fact_is_known(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    need = data.draw(st.sampled_from(NEEDS))
    facts = {
        code: data.draw(fact_values(f, rules, need)) for code, f in rules.needs[need].facts.items()
    }
    d = engine_triage.decide(
        {
            "need": need,
            "client": {"age": data.draw(st.integers(0, 120)), "municipality": "179"},
            "facts": facts,
        }
    )
    assert d.status == "decided"
