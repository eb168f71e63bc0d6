"""The three-valued evaluation without steps (`evaluate`, `unknown_facts`) agrees with the
one that keeps every step (`trace`, which `triage explain` shows), on random conditions."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

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


def unknown_facts_over_trace(c: Condition, known: dict[str, Value]) -> list[str]:
    """The walk over a whole trace, as `unknown_facts` did before it skipped the trace."""
    found: dict[str, None] = {}

    def walk(t: Trace) -> None:
        if t.truth is not Truth.UNKNOWN:
            return
        if isinstance(t.condition, Compare):
            found.setdefault(t.condition.fact, None)
        for part in t.parts:
            walk(part)

    walk(trace(c, known))
    return list(found)


@settings(max_examples=500, deadline=None)
@given(conditions, values)
def test_evaluate_and_unknown_facts_agree_with_the_trace(
    c: Condition, known: dict[str, Value]
) -> None:
    assert evaluate(c, known) is trace(c, known).truth
    assert unknown_facts(c, known) == unknown_facts_over_trace(c, known)


flat_parts = st.lists(leaves | st.builds(Not, leaves), min_size=1, max_size=5).map(tuple)
flat_conditions = (
    leaves | st.builds(Not, leaves) | st.builds(All, flat_parts) | st.builds(AnyOf, flat_parts)
)


@settings(max_examples=800, deadline=None)
@given(flat_conditions | conditions, values)
def test_an_unknown_rule_waits_on_what_the_walk_finds(
    c: Condition, known: dict[str, Value]
) -> None:
    """`waits_on` reads a flat rule's unknown facts off its compared facts, without the
    walk: for every unknown rule it gives what `unknown_facts` gives."""
    rule = Rule("r", 1, Text("r"), c, "s", "routine")
    assume(evaluate(c, known) is Truth.UNKNOWN)
    assert waits_on(rule, known) == unknown_facts(c, known)
    assert set(unknown_facts(c, known)) <= rule.compared - known.keys()
