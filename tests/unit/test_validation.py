"""Invalid input names the field; nothing invalid reaches the engine."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import examples
from triage.domain.case import parse_case
from triage.errors import InvalidCaseError
from triage.identity import IDENTITY_CODE, _holds_identity_code, find_identity_code
from triage.rules.model import RuleSet

BASE: dict[str, Any] = {"need": "dental", "client": {"age": 40, "municipality": "179"}}


def refused(rules: RuleSet, raw: Any) -> InvalidCaseError:
    with pytest.raises(InvalidCaseError) as info:
        parse_case(raw, rules)
    return info.value


@pytest.mark.parametrize(
    ("patch", "field", "words"),
    [
        ({"need": "dentl"}, "need", "did you mean dental?"),
        ({"red_flags": ["chest_pian"]}, "red_flags[0]", "did you mean chest_pain?"),
        ({"red_flags": ["chest_pain", "chest_pain"]}, "red_flags", "same value twice"),
        ({"facts": {"pian": 3}}, "facts.pian", "did you mean pain?"),
        ({"facts": {"topic": "housing"}}, "facts.topic", "non_medical, not of dental"),
        ({"facts": {"pain": "5"}}, "facts.pain", "integer"),
        ({"facts": {"pain": True}}, "facts.pain", "integer"),
        ({"facts": {"pain": 4.5}}, "facts.pain", "integer"),
        ({"facts": {"pain": -1}}, "facts.pain", "between 0 and 10"),
        ({"facts": {"swelling": 1}}, "facts.swelling", "true or false"),
        ({"facts": {"swelling": "true"}}, "facts.swelling", "true or false"),
        ({"facts": {"request": "cleanin"}}, "facts.request", "one of"),
        ({"facts": {"request": None}}, "facts.request", ""),
        ({"client": {"age": "40", "municipality": "179"}}, "client.age", ""),
        ({"client": {"age": -1, "municipality": "179"}}, "client.age", ""),
        ({"client": {"age": 40}}, "client.municipality", "required"),
        (
            {"client": {"age": 40, "municipality": "179", "gender": "f"}},
            "client.gender",
            "not a known field",
        ),
        (
            {"client": {"age": 40, "municipality": "179", "languages": ["Finnish"]}},
            "client.languages[0]",
            "",
        ),
        ({"surname": "Virtanen"}, "surname", "not a known field"),
        ({"locale": "de"}, "locale", ""),
        ({"facts": {f"f{i}": 1 for i in range(17)}}, "facts", "16"),
        ({"red_flags": ["chest_pain"] * 33}, "red_flags", "32"),
        ({"client": {"age": 40, "municipality": "１７９"}}, "client.municipality", "format"),
        ({"client": {"age": 40, "municipality": "999"}}, "client.municipality", "2021"),
        ({"client": {"age": 40, "municipality": "414"}}, "client.municipality", "municipality"),
        ({"facts": {"Matti Meikäläinen": 1}}, "facts.#1", "unknown fact"),
        ({"client": {"age": 40, "municipality": "179", "Nimi": "x"}}, "client.#3", "known field"),
    ],
)
def test_invalid_input_names_the_field(
    rules: RuleSet, patch: dict[str, Any], field: str, words: str
) -> None:
    err = refused(rules, {**BASE, **patch})
    assert err.field == field
    assert words in str(err)


def test_missing_need_is_named(rules: RuleSet) -> None:
    assert refused(rules, {"client": BASE["client"]}).field == "need"


def test_a_non_object_is_refused(rules: RuleSet) -> None:
    assert "JSON object" in str(refused(rules, [1, 2]))


def test_fact_of_another_need_names_that_need(rules: RuleSet) -> None:
    err = refused(rules, {**BASE, "facts": {"inr": 3.0}})
    assert "anticoagulation" in str(err)


@pytest.mark.parametrize(
    "value", ["010101-123N", "131052-308T", "abc 010199A1234 x", "311299+999X"]
)
def test_identity_codes_are_refused_anywhere(rules: RuleSet, value: str) -> None:
    err = refused(rules, {**BASE, "facts": {"request": value}})
    assert err.field == "facts.request" and "identity code" in str(err)
    err = refused(rules, {**BASE, "client": {**BASE["client"], "chosen_provider": value}})
    assert err.field == "client.chosen_provider"


def test_non_finite_numbers_are_refused(rules: RuleSet) -> None:
    raw = {"need": "anticoagulation", "client": BASE["client"], "facts": {"egfr": float("nan")}}
    assert refused(rules, raw).field == "facts.egfr"


def test_integers_are_accepted_for_number_facts(rules: RuleSet) -> None:
    case = parse_case(
        {"need": "anticoagulation", "client": BASE["client"], "facts": {"egfr": 30}}, rules
    )
    assert case.facts["egfr"] == 30


def test_luhanka_is_435_on_the_official_list() -> None:
    from triage.catalog.municipalities import MUNICIPALITY_YEAR, municipalities

    names = municipalities()
    assert names["435"]["fi"] == "Luhanka" and "414" not in names
    assert MUNICIPALITY_YEAR == 2021 and len(names) == 309


@pytest.mark.parametrize(
    "raw",
    [
        {**BASE, "facts": {"pain": "Matti Virtanen 010101-123N"}},
        {**BASE, "facts": {"Matti Virtanen": 3}},
        {**BASE, "need": "Matti Virtanen"},
        {**BASE, "red_flags": ["Matti Virtanen"]},
        {**BASE, "client": {"age": 40, "municipality": "Matti Virtanen"}},
        {**BASE, "note": "Matti Virtanen"},
        {**BASE, "facts": {"request": "Matti Virtanen"}},
    ],
)
def test_errors_never_repeat_what_was_sent(rules: RuleSet, raw: dict[str, Any]) -> None:
    err = refused(rules, raw)
    for locale in ("fi", "sv", "en"):
        text = f"{err.field} {err.render(locale)}"
        assert "Matti" not in text and "Virtanen" not in text and "010101" not in text


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fi", "pitää olla välillä 0–10"),
        ("sv", "måste vara mellan 0 och 10"),
        ("en", "must be between 0 and 10"),
    ],
)
def test_errors_are_localized(rules: RuleSet, locale: str, words: str) -> None:
    err = refused(rules, {**BASE, "facts": {"pain": 11}})
    assert err.field == "facts.pain" and err.render(locale) == words  # type: ignore[arg-type]


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(t for v in value.values() for t in _texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


# Unicode digits too: the regex's \d takes them, and the scan skips it only for ASCII text
# without six ASCII digits in a row.
_CODE_TEXT = st.text(alphabet="0123456789-+AaNnUY_x \n٣０é", max_size=14) | st.sampled_from(
    [
        "010101-123N",
        "_010101A123N_",
        "x010101A123N",
        "a 010101+1234 b",
        "0101011-123N",
        "131052-308T",
        "０１０１０１-123N",
        "١٢٣٤٥٦-123N",
        "ä 010101-123N",
    ]
)
_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | _CODE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_CODE_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=examples(1000), deadline=None)
@given(_JSONISH)
def test_the_one_search_over_all_texts_finds_what_a_search_of_each_finds(value: Any) -> None:
    """The scan joins every key and string with newlines and searches once: the same
    answer as searching each text on its own (no code spans two texts)."""
    each = any(IDENTITY_CODE.search(t) for t in _texts(value))
    assert _holds_identity_code(value) == each
    assert (find_identity_code(value) is not None) == each
