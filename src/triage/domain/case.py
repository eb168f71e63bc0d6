"""Turning untrusted input into a valid Case, or an InvalidCaseError naming the field.

Two steps: the structural contract (pydantic, strict types, unknown fields refused), then
the codes and domains defined by the loaded rule set. Only validated, typed values ever
reach the rule engine (durable_rules coerces types in comparisons).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from triage.errors import InvalidCaseError, did_you_mean
from triage.rules.model import Locale, RuleSet, Value, check_fact_value
from triage.strict import first_problem

MAX_ITEMS = 16
# Finnish personal identity code (henkilötunnus): DDMMYY, century sign, 3 digits, check char.
_HETU = re.compile(r"(?<![0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![0-9A-Za-z])", re.I)

FactValue = StrictBool | StrictInt | StrictFloat | StrictStr


class Client(BaseModel):
    """The only personal factors the policy may use; no name, gender or identity code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age: StrictInt = Field(ge=0, le=120)
    municipality: Annotated[StrictStr, Field(pattern=r"^\d{3}$")]
    languages: list[Annotated[StrictStr, Field(pattern=r"^[a-z]{2,3}$")]] | None = Field(
        default=None, max_length=MAX_ITEMS
    )
    chosen_provider: Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]{2,64}$")] | None = None
    needs_accessible_premises: StrictBool | None = None


class Case(BaseModel):
    """A client's need in structured answers. Validated against the rules by `parse_case`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: StrictStr
    client: Client
    red_flags: list[StrictStr] = Field(default_factory=list, max_length=MAX_ITEMS)
    facts: dict[StrictStr, FactValue] = Field(default_factory=dict, max_length=MAX_ITEMS)
    locale: Locale | None = None


def find_identity_code(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string that looks like a henkilötunnus, or None."""
    if isinstance(value, str):
        return path or "<body>" if _HETU.search(value) else None
    if isinstance(value, Mapping):
        for k, v in value.items():
            key = str(k)
            sub = f"{path}.{key}" if path else key
            if _HETU.search(key):
                return sub
            found = find_identity_code(v, sub)
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = find_identity_code(v, f"{path}[{i}]")
            if found:
                return found
    return None


def parse_case(raw: Any, rules: RuleSet) -> Case:
    """Validate untrusted input into a Case; raise InvalidCaseError naming the field."""
    where = find_identity_code(raw)
    if where:
        raise InvalidCaseError(
            where, "looks like a personal identity code; the case must not identify the client"
        )
    if not isinstance(raw, Mapping):
        raise InvalidCaseError("", "a case must be a JSON object")
    try:
        case = Case.model_validate(raw)
    except PydanticValidationError as exc:
        problem = first_problem(exc)
        raise InvalidCaseError(problem.path, problem.message) from None

    need = rules.needs.get(case.need)
    if need is None:
        raise InvalidCaseError("need", _unknown("need", case.need, rules.needs))
    for i, flag in enumerate(case.red_flags):
        if flag not in rules.red_flags:
            raise InvalidCaseError(f"red_flags[{i}]", _unknown("red flag", flag, rules.red_flags))
    if len(set(case.red_flags)) != len(case.red_flags):
        raise InvalidCaseError("red_flags", "a red flag is listed twice")
    for code, value in case.facts.items():
        fact = need.facts.get(code)
        if fact is None:
            other = [n for n, nd in rules.needs.items() if code in nd.facts]
            msg = (
                f"{code!r} is a fact of {', '.join(other)}, not of {case.need}"
                if other
                else _unknown(f"fact of {case.need}", code, need.facts)
            )
            raise InvalidCaseError(f"facts.{code}", msg)
        wrong = check_fact_value(fact, value)
        if wrong:
            raise InvalidCaseError(f"facts.{code}", wrong)
    return case


def _unknown(what: str, code: str, known: Mapping[str, object]) -> str:
    hint = did_you_mean(code, known)
    return f"unknown {what} {code!r}" + (f" (did you mean {hint!r}?)" if hint else "")


def case_values(case: Case, rules: RuleSet) -> dict[str, Value]:
    """The values rules read: the case's facts, defaults for the rest, and client attributes.

    A fact with no value and no default is absent: that is what *unknown* means.
    """
    values: dict[str, Value] = {}
    for code, fact in rules.needs[case.need].facts.items():
        if code in case.facts:
            values[code] = case.facts[code]
        elif fact.default is not None:
            values[code] = fact.default
    values["client.age"] = case.client.age
    values["client.municipality"] = case.client.municipality
    values["red_flag_count"] = len(case.red_flags)
    return values


def resolve_locale(case: Case, fallback: Locale | None = None) -> Locale:
    return case.locale or fallback or "fi"
