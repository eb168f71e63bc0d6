"""The three-valued evaluation (`evaluate`, `trace` which `triage explain` shows, and
`unknown_facts`) against an independent statement of Kleene's logic, on random conditions."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.helpers import examples
from triage.engine.logic import Trace, Truth, evaluate, trace, unknown_facts
from triage.engine.policy import waits_on
from triage.rules.model import (
    All,
    Always,
    AnyOf,
    Compare,
    Condition,
    Known,
    Missing,
    Not,
    RedFlagAny,
    Rule,
    Text,
    Value,
)

FACTS = ("a", "b", "c", "d")

leaves: st.SearchStrategy[Condition] = st.one_of(
    st.builds(
        Compare,
        st.sampled_from(FACTS),
        st.sampled_from(["eq", "ne", "lt", "ge"]),
        st.integers(0, 3),
    ),
    st.builds(
        Compare,
        st.sampled_from(FACTS),
        st.just("in"),
        st.tuples(st.integers(0, 3), st.integers(0, 3)),
    ),
    st.builds(Known, st.sampled_from(FACTS)),
    st.builds(Missing, st.sampled_from(FACTS)),
    st.just(Always()),
    st.just(RedFlagAny()),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(All, st.lists(inner, min_size=1, max_size=4).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=4).map(tuple)),
    ),
    max_leaves=12,
)
values = st.dictionaries(st.sampled_from((*FACTS, "red_flag_count")), st.integers(0, 3), max_size=5)


# An independent statement of the three-valued logic (Kleene's): truth as a number,
# false 0, unknown 1/2, true 1; `all` is the least of its parts, `any` the greatest, `not`
# is 1 - x; a comparison of a fact with no value is unknown. Nothing here is shared with
# triage.engine.logic.
FALSE, UNKNOWN, TRUE = Fraction(0), Fraction(1, 2), Fraction(1)
AS_TRUTH = {FALSE: Truth.FALSE, UNKNOWN: Truth.UNKNOWN, TRUE: Truth.TRUE}
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "ge": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
}


def kleene(c: Condition, known: dict[str, Value]) -> Fraction:
    if isinstance(c, Compare):
        if c.fact not in known:
            return UNKNOWN
        return TRUE if OPS[c.op](known[c.fact], c.value) else FALSE
    if isinstance(c, Known):
        return TRUE if c.fact in known else FALSE
    if isinstance(c, Missing):
        return FALSE if c.fact in known else TRUE
    if isinstance(c, Always):
        return TRUE
    if isinstance(c, RedFlagAny):
        return TRUE if known.get("red_flag_count") else FALSE
    if isinstance(c, Not):
        return 1 - kleene(c.item, known)
    truths = [kleene(item, known) for item in c.items]
    return min(truths) if isinstance(c, All) else max(truths)


def facts_keeping_unknown(c: Condition, known: dict[str, Value]) -> list[str]:
    """The facts of the unknown comparisons reached through unknown parts only, first
    appearance first: what answering would settle, and nothing behind a settled part."""
    if kleene(c, known) != UNKNOWN:
        return []
    if isinstance(c, Compare):
        return [c.fact]
    items = [c.item] if isinstance(c, Not) else list(getattr(c, "items", ()))
    found = [f for item in items for f in facts_keeping_unknown(item, known)]
    return list(dict.fromkeys(found))


@settings(max_examples=examples(500), deadline=None)
@given(conditions, values)
def test_evaluation_and_unknown_facts_follow_kleene_logic(
    c: Condition, known: dict[str, Value]
) -> None:
    assert evaluate(c, known) is AS_TRUTH[kleene(c, known)]
    assert trace(c, known).truth is AS_TRUTH[kleene(c, known)]
    assert unknown_facts(c, known) == facts_keeping_unknown(c, known)


@settings(max_examples=examples(300), deadline=None)
@given(conditions, values)
def test_every_step_of_a_trace_names_its_condition_and_the_value_seen(
    c: Condition, known: dict[str, Value]
) -> None:
    """What `triage explain` shows: each step is the condition it evaluated, with the value
    it read (a fact's, or the count of red flags, 0 when none was given)."""

    def check(t: Trace, condition: Condition) -> None:
        assert t.condition is condition
        if isinstance(condition, Compare | Known | Missing):
            assert t.value == known.get(condition.fact)
        if isinstance(condition, RedFlagAny):
            assert t.value == known.get("red_flag_count", 0)
        inner = [condition.item] if isinstance(condition, Not) else getattr(condition, "items", ())
        assert len(t.parts) == len(inner)
        for part, item in zip(t.parts, inner, strict=True):
            check(part, item)

    check(trace(c, known), c)


def test_the_oracle_itself_on_worked_conditions() -> None:
    """Pinned by hand, so that the oracle cannot drift along with the code."""
    pain = Compare("a", "ge", 2)
    assert kleene(All((pain, Compare("b", "eq", 1))), {"b": 0}) == FALSE
    assert facts_keeping_unknown(All((pain, Compare("b", "eq", 1))), {"b": 0}) == []
    assert facts_keeping_unknown(AnyOf((pain, Compare("b", "eq", 1))), {"b": 0}) == ["a"]
    assert kleene(Not(AnyOf((pain, Known("c")))), {}) == UNKNOWN
    assert facts_keeping_unknown(Not(AnyOf((pain, Missing("c")))), {}) == []
    assert kleene(RedFlagAny(), {"red_flag_count": 2}) == TRUE


flat_parts = st.lists(leaves | st.builds(Not, leaves), min_size=1, max_size=5).map(tuple)
flat_conditions = (
    leaves | st.builds(Not, leaves) | st.builds(All, flat_parts) | st.builds(AnyOf, flat_parts)
)


@settings(max_examples=examples(800), deadline=None)
@given(flat_conditions | conditions, values, st.data())
def test_an_unknown_rule_waits_on_what_the_walk_finds(
    c: Condition, given: dict[str, Value], data: st.DataObject
) -> None:
    """`waits_on` reads a flat rule's unknown facts off its compared facts, without the
    walk: for every unknown rule it gives what `unknown_facts` gives."""
    rule = Rule("r", 1, Text(fi="r"), c, "s", "routine")
    # some of the facts it compares left out, so that it is mostly unknown
    compared = sorted(rule.compared)
    left_out = data.draw(st.sets(st.sampled_from(compared), min_size=1)) if compared else set()
    known = {f: v for f, v in given.items() if f not in left_out}
    assume(evaluate(c, known) is Truth.UNKNOWN)
    assert waits_on(rule, known) == facts_keeping_unknown(c, known)
    assert set(unknown_facts(c, known)) <= rule.compared - known.keys()
