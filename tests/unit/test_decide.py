"""The decision semantics of routing policy v2, which rule sets published before policy 3
keep (S0), on the plain-Python evaluator (no durable). Policy 3: test_decide_v3.py."""

from __future__ import annotations

from typing import Any

import pytest

from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError
from triage.rules.model import Locale


@pytest.fixture(scope="module")
def python_triage(python_triage_v2: Triage) -> Triage:
    return python_triage_v2


def case(need: str, age: int = 40, **facts: Any) -> dict[str, Any]:
    return {"need": need, "client": {"age": age, "municipality": "179"}, "facts": facts}


def test_highest_priority_true_rule_wins(python_triage: Triage) -> None:
    d = python_triage.decide(case("dental", pain=8, request="cleaning"))
    assert (d.status, d.service and d.service.code, d.urgency) == (
        "decided",
        "dental_emergency",
        "same_day",
    )
    assert d.winning_rule == "dn-severe-pain"
    assert [r.id for r in d.fired_rules] == ["dn-severe-pain", "dn-pain-adult", "dn-cleaning"]


def test_unknown_higher_rule_blocks_a_lower_true_rule(python_triage: Triage) -> None:
    # ac-default (10) is true, but ac-switch-contraindicated (60) is unknown.
    d = python_triage.decide(
        case("anticoagulation", current_drug="warfarin", request="switch_to_doac", egfr=50)
    )
    assert d.status == "needs_information" and d.service is None and d.urgency is None
    assert "ac-switch-contraindicated" in d.blocking_rules
    assert [m.fact for m in d.missing_facts] == [
        "mechanical_valve",
        "mitral_stenosis",
        "antiphospholipid_syndrome",
        "pregnant",
    ]


def test_missing_facts_skip_parts_already_false(python_triage: Triage) -> None:
    # current_drug is doac, so the warfarin rows are false: their unknown facts are not asked.
    d = python_triage.decide(case("anticoagulation", current_drug="doac"))
    assert [m.fact for m in d.missing_facts] == ["request"]


def test_known_and_missing_are_never_unknown(python_triage: Triage) -> None:
    # inr missing: known(inr) is false, so the INR rows are false rather than unknown.
    d = python_triage.decide(case("anticoagulation", current_drug="warfarin", request="inr_result"))
    assert d.status == "decided" and d.winning_rule == "ac-default"


def test_equal_priority_same_outcome_picks_first_in_file(python_triage: Triage) -> None:
    d = python_triage.decide(case("dental", trauma=True, swelling=True, pain=9))
    assert d.winning_rule == "dn-trauma"
    assert {r.id for r in d.fired_rules} >= {"dn-trauma", "dn-swelling", "dn-severe-pain"}


def test_questions_are_localized(python_triage: Triage) -> None:
    raw = case("dental")
    texts = {
        loc: python_triage.decide(raw, locale=loc).missing_facts[0].question
        for loc in ("fi", "sv", "en")
    }
    assert texts["fi"] != texts["sv"] != texts["en"]
    assert texts["en"] == "What does the client need from dental care?"


def test_case_locale_wins_over_default(python_triage: Triage) -> None:
    d = python_triage.decide({**case("dental", pain=5), "locale": "sv"}, locale="en")
    assert (
        d.locale == "sv"
        and d.service is not None
        and d.service.name == "Tidsbeställning till tandvården"
    )


def test_decision_carries_version_seed_and_explanation(python_triage: Triage) -> None:
    d = python_triage.decide(case("dental", pain=5), seed=42, locale="en")
    assert d.seed == 42 and d.rules_version.startswith("sha256:")
    assert "dn-pain-adult" in d.explanation and "No higher-priority rule" in d.explanation


def test_invalid_case_is_refused_before_evaluation(python_triage: Triage) -> None:
    with pytest.raises(InvalidCaseError) as info:
        python_triage.decide(case("dental", pain=True))
    assert info.value.field == "facts.pain"


def test_random_bytes_are_fresh_per_call_and_per_forked_process() -> None:
    """Decision ids and seeds come from a buffered CSPRNG pool: no two calls share bytes, and
    a forked child does not hand out its parent's buffered bytes again."""
    import os

    from triage.domain.ids import random_bytes

    seen = {random_bytes(20) for _ in range(1000)}
    assert len(seen) == 1000 and all(len(b) == 20 for b in seen)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        os.write(write, random_bytes(20))
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 20)
    assert child != random_bytes(20) and child not in seen


def test_the_bulk_path_decides_like_one_by_one_with_providers(full_triage: Triage) -> None:
    """decide_many with the sample catalog (provider lists, seeds) equals decide_case on each
    case, whatever the mix of needs; contacts go through it too."""
    import random

    from tests.strategies import random_case

    rng = random.Random(5)
    cases = [full_triage.validate(random_case(rng, full_triage.rules)) for _ in range(300)]
    seeds = [rng.randrange(2**31) for _ in cases]
    bulk = full_triage.decide_many(cases, locale="en", seeds=seeds)
    assert any(d.providers for d in bulk)
    for case, seed, d in zip(cases, seeds, bulk, strict=True):
        one = full_triage.decide_case(case, locale="en", seed=seed)
        assert d.model_dump(exclude={"decision_id"}) == one.model_dump(exclude={"decision_id"})
    assert len({d.decision_id for d in bulk}) == len(bulk)


def test_remembered_outcome_parts_never_cross_cases(full_triage: Triage) -> None:
    """A Triage builds the outcome-only parts of a decision once per outcome, locale and
    red flags (Triage._template): after 400 varied cases in three locales, each decision equals
    the one a Triage that remembers nothing gives the same case."""
    import random

    from tests.strategies import random_case

    rng = random.Random(11)
    warm = full_triage.with_catalog(full_triage.catalog)
    for i in range(400):
        case = full_triage.validate(random_case(rng, full_triage.rules))
        locale: Locale = ("fi", "sv", "en")[i % 3]
        seed = rng.randrange(2**31)
        cold = full_triage.with_catalog(full_triage.catalog)  # nothing remembered yet
        got = warm.decide_case(case, locale=locale, seed=seed)
        want = cold.decide_case(case, locale=locale, seed=seed)
        assert got.model_dump(exclude={"decision_id"}) == want.model_dump(exclude={"decision_id"})
        # what a decision holds beyond its validated template passes validation too
        assert Decision.model_validate_json(got.json_bytes).model_dump() == got.model_dump()
    assert 0 < len(warm._templates) < 400  # outcomes did repeat, and were remembered


def test_decision_ids_are_unique_time_ordered_uuids(full_triage: Triage) -> None:
    """Decision and contact ids are UUIDs of version 7: unique, and in time order across
    milliseconds (the audit log's indexes grow at their end)."""
    import time
    import uuid

    valid = full_triage.validate(case("dental", pain=5))
    first = [full_triage.decide_case(valid).decision_id for _ in range(200)]
    time.sleep(0.002)
    later = full_triage.decide_case(valid).decision_id
    time.sleep(0.002)
    contact = full_triage.decide_contact([valid]).contact_id
    for made in [*first, later, contact]:
        parsed = uuid.UUID(made)
        assert str(parsed) == made and parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert len(set(first)) == 200
    assert max(first) < later < contact
