"""The one JSON reader: what it refuses, with which message code, and where.

Every door (API bodies, CLI files, JSON scenario and catalog files) reads through it, so
these tests state its rules once: the limits sit exactly at their values, each refusal has
its own code, and the place is named in the one path style, never by a value."""

from __future__ import annotations

import pytest

from triage import jsonsafe
from triage.jsonsafe import MAX_DEPTH, MAX_INT_DIGITS, JsonProblem, parse


def refused(data: bytes | str, **kw: int) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(JsonProblem) as caught:
        parse(data, **kw)
    return caught.value.code, caught.value.field, caught.value.params


def nested(depth: int) -> str:
    """A value `depth` levels below the top: {"a": ... [[0]] ...}."""
    return '{"a":' + "[" * (depth - 1) + "0" + "]" * (depth - 1) + "}"


def test_nesting_is_allowed_up_to_the_limit_and_refused_one_level_deeper() -> None:
    assert parse(nested(MAX_DEPTH))["a"] is not None
    code, field, params = refused(nested(MAX_DEPTH + 1))
    assert (code, params) == ("too_deep", {"max": MAX_DEPTH})
    assert field == "a" + "[0]" * MAX_DEPTH  # the first value past the limit
    assert refused(nested(4), max_depth=3)[:2] == ("too_deep", "a[0][0][0]")
    assert refused(nested(4), max_depth=3)[2] == {"max": 3}


def test_a_structure_deeper_than_python_can_parse_is_too_deep_not_a_crash() -> None:
    assert refused("[" * 100_000 + "]" * 100_000) == ("too_deep", "body", {"max": MAX_DEPTH})


def test_integers_are_allowed_up_to_the_digit_limit_either_sign() -> None:
    longest = "9" * MAX_INT_DIGITS
    assert parse(f'{{"n":{longest}}}') == {"n": int(longest)}
    assert parse(f'{{"n":-{longest}}}') == {"n": -int(longest)}
    assert refused(f'{{"n":{longest}9}}')[0] == "number_too_long"
    assert refused(f'{{"n":-{longest}9}}')[0] == "number_too_long"
    assert refused("1" * 5000)[0] == "number_too_long"  # past Python's own digit limit


def test_numbers_that_are_not_finite_are_refused_however_written() -> None:
    for text in ('{"x":NaN}', '{"x":Infinity}', '{"x":-Infinity}', '{"x":1e999}'):
        assert refused(text)[0] == "number_not_finite", text
    assert parse('{"x":1.5e3}') == {"x": 1500.0}
    assert isinstance(parse('{"x":2.0}')["x"], float)


def test_a_repeated_key_is_refused_at_its_first_repeat_by_position() -> None:
    assert refused('{"facts":{"pain":2,"pain":9}}')[:2] == ("duplicate_key", "facts.#2")
    assert refused('{"a":1,"b":2,"a":3,"b":4}')[:2] == ("duplicate_key", "#3")


def test_text_that_is_not_utf8_json_or_whole_is_refused_with_its_own_code() -> None:
    assert refused(b'{"a":"\xff"}')[:2] == ("invalid_utf8", "body")
    code, field, params = refused('{"a":\n 1,}')
    assert (code, field, params) == ("invalid_json", "body", {"line": 2, "column": 4})
    assert refused('{"a":"\\ud800"}')[:2] == ("invalid_text", "a")
    assert refused('{"\\udc00":1}')[:2] == ("invalid_text", "#1")
    assert refused('{"a":{"b":1,"\\udc00":1}}')[:2] == ("invalid_text", "a.#2")
    assert refused('["ok","\\ud800"]')[:2] == ("invalid_text", "[1]")
    assert refused('"\\ud800"')[:2] == ("invalid_text", "body")
    for lone in ("\\ud800", "\\udbff", "\\udc00", "\\udfff"):  # each end of both halves
        assert refused(f'["{lone}"]')[:2] == ("invalid_text", "[0]"), lone
    assert parse('["\\ud7ff\\ue000\\ud83d\\ude00"]') == ["\ud7ff\ue000\U0001f600"]


def test_paths_name_code_like_keys_and_number_the_others() -> None:
    assert jsonsafe.key_name("pain", 3) == "pain"
    assert jsonsafe.key_name("Matti Meikäläinen", 3) == "#3"
    assert jsonsafe.key_name("a" * 64, 1) == "a" * 64
    assert jsonsafe.key_name("a" * 65, 1) == "#1"
    assert jsonsafe.key_name("9lives", 2) == "#2"
    assert jsonsafe.join("", "facts") == "facts"
    assert jsonsafe.join("facts", "pain") == "facts.pain"
    assert jsonsafe.join("client.languages", 0) == "client.languages[0]"
    assert refused('{"x y":{"z":NaN}}')[0] == "number_not_finite"
    assert refused('{"x y":{"z":"\\ud800"}}')[:2] == ("invalid_text", "#1.z")


def test_what_is_accepted_comes_back_as_plain_values() -> None:
    value = parse(b'{"a":[{"b":1}],"c":null,"d":true,"e":"\\u00e4"}')
    assert value == {"a": [{"b": 1}], "c": None, "d": True, "e": "ä"}
    assert type(value) is dict and type(value["a"][0]) is dict
    assert parse("[]") == [] and parse("0") == 0


@pytest.mark.parametrize(
    ("code", "params", "english"),
    [
        ("too_deep", {"max": MAX_DEPTH}, str(MAX_DEPTH)),
        ("number_too_long", {}, "too many digits"),
        ("number_not_finite", {}, "finite"),
        ("duplicate_key", {}, "repeats a key"),
        ("invalid_text", {}, "invalid character"),
    ],
)
def test_each_refusal_reads_as_its_own_message(
    code: str, params: dict[str, object], english: str
) -> None:
    problem = JsonProblem(code, "facts.x", **params)
    assert english in problem.render("en"), problem.render("en")
    assert len({problem.render(loc) for loc in ("fi", "sv", "en")}) == 3


def test_the_first_refusal_in_document_order_is_the_one_named() -> None:
    assert refused('{"a":"\\ud800","\\udc00":1}')[:2] == ("invalid_text", "a")
    assert refused('{"a":1,"\\udc00":"\\ud800"}')[:2] == ("invalid_text", "#2")
    assert refused('{"a":{"b":1,"b":2},"c":3}')[:2] == ("duplicate_key", "a.#2")
    assert refused('{"a":{"b":1,"b":2},"a":3}')[:2] == ("duplicate_key", "#2")  # last "a" kept
    assert refused('[[1],["\\ud800"]]')[:2] == ("invalid_text", "[1][0]")
