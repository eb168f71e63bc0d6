"""Hypothesis properties of decisions on the real engine (durable_rules), under routing
policy 3: every fact of a generated case is absent, answered or "not_known", drawn
independently; red flags absent (not screened), none, or some."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RULES_DIR
from tests.helpers import examples
from tests.reference import reference_decide
from tests.strategies import cases, fact_values
from triage.domain.case import case_values, parse_case
from triage.domain.decider import Triage
from triage.engine.checked import load_checked_rules
from triage.engine.policy import PythonEvaluator
from triage.rules.model import RuleSet

NEEDS = sorted(load_checked_rules(RULES_DIR).needs)  # every need the shipped rules define
DIFFERENTIAL_CASES = 600  # per need per run


def test_the_properties_cover_all_ten_needs_of_policy_v3() -> None:
    rules = load_checked_rules(RULES_DIR)
    assert rules.policy == 3
    assert len(NEEDS) == 10 and {"physiotherapy", "first_contact", "anticoagulation"} <= set(NEEDS)


FAST = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def codes(d: Any) -> tuple[Any, ...]:
    return (
        d.status,
        d.service.code if d.service else None,
        d.urgency,
        d.winning_rule,
        tuple(m.fact for m in d.missing_facts),
        tuple(m.fact for m in d.precautionary),
    )


def ref_codes(ref: Any) -> tuple[Any, ...]:
    return (ref.status, ref.service, ref.urgency, ref.winning_rule, ref.missing, ref.precautionary)


@pytest.mark.parametrize("need", NEEDS)
def test_engine_agrees_with_reference(engine_triage: Triage, rules: RuleSet, need: str) -> None:
    """Differential test: at least 600 generated cases per need per run, all ten needs, one
    by one and through the bulk path (`evaluate_many`, `decide_many`)."""
    python = PythonEvaluator(rules)
    seen: list[dict[str, Any]] = []

    @settings(
        max_examples=examples(DIFFERENTIAL_CASES),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,  # no replayed examples: each run draws its own
    )
    @given(raw=cases(rules, need))
    def check(raw: dict[str, Any]) -> None:
        seen.append(raw)
        d = engine_triage.decide(raw)
        ref = reference_decide(rules, raw)
        assert codes(d) == ref_codes(ref)
        # The engine's rule truths themselves match the plain-Python evaluation.
        values = case_values(parse_case(raw, rules), rules)
        assert engine_triage.evaluator.evaluate(need, values) == python.evaluate(need, values)

    check()
    assert len(seen) >= examples(DIFFERENTIAL_CASES) and {c["need"] for c in seen} == {need}
    # the three states of a fact and both of screening were all drawn
    states = {("nk" if v == "not_known" else "answered") for c in seen for v in c["facts"].values()}
    assert states == {"nk", "answered"} or (need == "multi_service" and "answered" in states)
    assert {"red_flags" in c for c in seen} == {True, False}
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
        assert codes(d) == ref_codes(ref)


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
        assert asked, "no rule applies and nothing to ask (a rule-set gap; C8)"
        facts = dict(raw["facts"])
        for code in asked:
            if code == "red_flags":
                raw = {**raw, "red_flags": []}
                continue
            assert facts.get(code) != "not_known", "a fact answered not_known was asked again"
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
            "red_flags": [],
        }
    )
    assert d.status == "decided"


@FAST
@given(data=st.data())
def test_shipped_rules_decide_when_every_fact_is_answered_or_not_known(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    """C8: once every fact is answered or "not_known" (and red flags are screened), some
    rule is a candidate: the case is decided."""
    need = data.draw(st.sampled_from(NEEDS))
    facts = {
        code: "not_known"
        if f.accepts_not_known and data.draw(st.booleans())
        else data.draw(fact_values(f, rules, need))
        for code, f in rules.needs[need].facts.items()
    }
    raw = {
        "need": need,
        "client": {"age": data.draw(st.integers(0, 120)), "municipality": "179"},
        "facts": facts,
        "red_flags": [],
    }
    assert engine_triage.decide(raw).status == "decided"


@FAST
@given(data=st.data())
def test_a_value_for_a_not_known_answer_never_raises_the_winning_priority(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    """Precaution assumes the higher rule: learning the value can only keep the decision
    or lower the winning rule's priority, never raise it."""
    raw = data.draw(cases(rules))
    d = engine_triage.decide(raw)
    unknown = [c for c, v in raw["facts"].items() if v == "not_known"]
    if d.status != "decided" or not unknown:
        return
    code = data.draw(st.sampled_from(unknown))
    fact = rules.needs[raw["need"]].facts[code]
    raw2 = {
        **raw,
        "facts": {**raw["facts"], code: data.draw(fact_values(fact, rules, raw["need"]))},
    }
    again = engine_triage.decide(raw2)
    priority = {r.id: r.priority for r in rules.rules_for(raw["need"])}
    if again.status == "decided":
        assert priority[again.winning_rule or ""] <= priority[d.winning_rule or ""]


@FAST
@given(data=st.data())
def test_never_decided_past_a_higher_rule_waiting_on_an_absent_fact(
    engine_triage: Triage, rules: RuleSet, data: st.DataObject
) -> None:
    """Checked against the plain Kleene evaluation of the reference: above the winning rule
    no rule is unknown because of a fact the case does not give."""
    from tests.reference import kleene, needed, values_of

    raw = data.draw(cases(rules))
    d = engine_triage.decide(raw)
    if d.status != "decided":
        return
    values, not_known = values_of(rules, raw)
    top = next(r.priority for r in rules.rules_for(raw["need"]) if r.id == d.winning_rule)
    for rule in rules.rules_for(raw["need"]):
        if rule.priority > top and kleene(rule.when, values) is None:
            waits: list[str] = []
            needed(rule.when, values, waits)
            assert set(waits) <= not_known, (rule.id, waits)
