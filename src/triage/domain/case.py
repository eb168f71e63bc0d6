"""Turning untrusted input into a valid Case, or an InvalidCaseError naming the field.

Two steps: the structural contract (pydantic, strict types, unknown fields refused), then
the codes and domains defined by the loaded rule set. Only validated, typed values ever
reach the rule engine (durable_rules coerces types in comparisons).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from triage.catalog.municipalities import MUNICIPALITY_YEAR, municipality_codes
from triage.domain.deadlines import parse_contact_time
from triage.errors import InvalidCaseError, did_you_mean
from triage.identity import find_identity_code
from triage.jsonsafe import join, key_name
from triage.messages import choose_locale
from triage.rules.model import LOCALES, Locale, RuleSet, Value, fact_problem
from triage.strict import Problem, first_problem

MAX_ITEMS = 16
MAX_FLAGS = 32  # a case may tick every red flag (18 in routing policy v3)
M = TypeVar("M", bound=BaseModel)
FactValue = StrictBool | StrictInt | StrictFloat | StrictStr


class Client(BaseModel):
    """The only personal factors the policy may use; no name, gender or identity code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Required, except in a case with a red flag (policy S7a): `parse_case` checks.
    age: StrictInt | None = Field(default=None, ge=0, le=120)
    municipality: Annotated[StrictStr, Field(pattern=r"^[0-9]{3}$")] | None = None
    languages: list[Annotated[StrictStr, Field(pattern=r"^[a-z]{2,3}$")]] | None = Field(
        default=None, max_length=MAX_ITEMS
    )
    chosen_provider: Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]{2,64}$")] | None = None
    needs_accessible_premises: StrictBool | None = None
    consent_to_share: StrictBool | None = None  # absent: not asked (read by a contact's plan)


def no_null(value: Any) -> Any:
    """An explicit null is refused where absence means something (red_flags: not screened)."""
    if value is None:
        raise PydanticCustomError("list_type", "Input should be a valid list")
    return value


class Case(BaseModel):
    """A client's need in structured answers. Validated against the rules by `parse_case`.

    `red_flags` absent means not screened, `[]` screened with none present (policy 3).
    A fact answered `"not_known"` was asked and nobody could tell."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    need: StrictStr
    client: Client | None = None  # required unless a red flag is given (S7a)
    contact_time: StrictStr | None = Field(default=None, max_length=40)
    red_flags: list[StrictStr] | None = Field(default=None, max_length=MAX_FLAGS)
    facts: dict[StrictStr, FactValue] = Field(default_factory=dict, max_length=MAX_ITEMS)
    locale: Locale | None = None

    _no_null = field_validator("red_flags", "contact_time", mode="before")(no_null)

    @property
    def flags(self) -> list[str]:
        """The red flags given (none when not screened)."""
        return self.red_flags or []

    @property
    def screened(self) -> bool:
        return self.red_flags is not None


# pydantic's error types, as this project's message codes (no pydantic text reaches callers).
_TYPES = {
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "string_type": "string",
    "bool_type": "boolean",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "list_type": "list",
}


def _safe_path(raw: Any, loc: tuple[str | int, ...]) -> str:
    """`loc` in the one path style, naming keys that are not codes by position."""
    path, node = "", raw
    for part in loc:
        if isinstance(part, int):
            path, node = join(path, part), node[part] if isinstance(node, list) else None
        elif isinstance(node, Mapping) and part in node:
            position = list(node).index(part) + 1
            path, node = join(path, key_name(part, position)), node[part]
        else:
            path, node = join(path, key_name(part, 0) if key_name(part, 0) == part else "#?"), None
    return path


def structure_error(problem: Problem, raw: Any) -> InvalidCaseError:
    """A structural (pydantic) problem as this project's error: own words, safe path."""
    field = _safe_path(raw, problem.loc)
    ctx = problem.context
    kind = problem.kind
    if kind in _TYPES:
        if len(problem.loc) >= 2 and problem.loc[-2] == "facts":  # a fact value
            return InvalidCaseError(field, "wrong_type", type="fact_value")
        return InvalidCaseError(field, "wrong_type", type=_TYPES[kind])
    if kind == "missing":
        return InvalidCaseError(field, "required")
    if kind == "extra_forbidden":
        return InvalidCaseError(field, "unknown_field")
    if kind in ("greater_than_equal", "greater_than"):
        return InvalidCaseError(field, "too_small", min=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return InvalidCaseError(field, "too_big", max=ctx.get("le", ctx.get("lt")))
    if kind == "too_long":
        return InvalidCaseError(field, "too_many", max=ctx.get("max_length"))
    if kind == "literal_error":
        return InvalidCaseError(field, "not_one_of", options=", ".join(LOCALES))
    return InvalidCaseError(field, "bad_format")


def parse_structure(raw: Any, model: type[M]) -> M:
    """Untrusted input as `model`: no identity code anywhere, an object, the structural
    contract; InvalidCaseError naming the field otherwise."""
    where = find_identity_code(raw)
    if where:
        raise InvalidCaseError(where, "identity_code")
    if not isinstance(raw, Mapping):
        raise InvalidCaseError("body", "wrong_type", type="object")
    try:
        return model.model_validate(raw)
    except PydanticValidationError as exc:
        raise structure_error(first_problem(exc), raw) from None


NOT_KNOWN = "not_known"  # the answer "asked, and nobody can tell" (policy 3)


def parse_case(raw: Any, rules: RuleSet, *, require_client: bool = True) -> Case:
    """Validate untrusted input into a Case; raise InvalidCaseError naming the field.

    Every field given is validated; the client's age and municipality may be left out
    only when a red flag is given (policy S7a: a red flag needs no other answer), or when
    the caller says so (`require_client`: a contact in which another need has one)."""
    case = parse_structure(raw, Case)
    client = case.client
    municipality = client.municipality if client else None
    if municipality is not None and municipality not in municipality_codes():
        raise InvalidCaseError(
            "client.municipality", "unknown_municipality", year=MUNICIPALITY_YEAR
        )
    need = rules.needs.get(case.need)
    if need is None:
        raise _unknown("need", "need", case.need, rules.needs)
    for i, flag in enumerate(case.flags):
        if flag not in rules.red_flags:
            raise _unknown(f"red_flags[{i}]", "red_flag", flag, rules.red_flags)
    if len(set(case.flags)) != len(case.flags):
        raise InvalidCaseError("red_flags", "repeated")
    if case.contact_time is not None:
        parse_contact_time(case.contact_time)
    for position, (code, value) in enumerate(case.facts.items(), start=1):
        fact = need.facts.get(code)
        if fact is not None and value != NOT_KNOWN and not fact_problem(fact, value):
            continue  # the usual case, without building the field's name
        field = join("facts", key_name(code, position))
        if fact is None:
            other = [n for n, nd in rules.needs.items() if code in nd.facts]
            if other:
                raise InvalidCaseError(
                    field, "fact_of_other_need", other=", ".join(other), need=case.need
                )
            raise _unknown(field, "fact", code, need.facts)
        if value == NOT_KNOWN and rules.policy >= 3:
            if not fact.accepts_not_known:
                raise InvalidCaseError(field, "not_known_refused")
            continue
        wrong = fact_problem(fact, value)
        if wrong:
            raise InvalidCaseError(field, wrong[0], **wrong[1])
    if require_client and not case.flags:  # S7a: without a red flag the client is required
        if client is None:
            raise InvalidCaseError("client", "required")
        if client.age is None:
            raise InvalidCaseError("client.age", "required")
        if client.municipality is None:
            raise InvalidCaseError("client.municipality", "required")
    return case


def _unknown(field: str, what: str, code: str, known: Mapping[str, object]) -> InvalidCaseError:
    """An unknown code, with the closest known one as a hint (ours: safe to show)."""
    hint = did_you_mean(code, known)
    if hint:
        return InvalidCaseError(field, "unknown_code_hint", what=what, hint=hint)
    return InvalidCaseError(field, "unknown_code", what=what)


def case_values(case: Case, rules: RuleSet) -> dict[str, Value]:
    """The values rules read: the case's facts, defaults for the rest, and client attributes.

    A fact with no value and no default is absent, and a fact answered "not_known" is
    left out too (never given its default): both make comparisons unknown. Which of the
    two an unknown is, `not_known_facts` tells.
    """
    values: dict[str, Value] = {}
    for code, fact in rules.needs[case.need].facts.items():
        if code in case.facts:
            value = case.facts[code]
            if value != NOT_KNOWN or not fact.accepts_not_known:
                values[code] = value
        elif fact.default is not None:
            values[code] = fact.default
    client = case.client
    if client is not None and client.age is not None:
        values["client.age"] = client.age
    if client is not None and client.municipality is not None:
        values["client.municipality"] = client.municipality
    values["red_flag_count"] = len(case.flags)
    return values


def screened(case: Case, rules: RuleSet) -> bool:
    """Whether the case's red flags count as screened: always before policy 3 (no
    screening requirement), else when the case gives `red_flags` at all (S9)."""
    return rules.policy < 3 or case.screened


def not_known_facts(case: Case, rules: RuleSet) -> frozenset[str]:
    """The facts the case answers "not_known" (asked; nobody can tell)."""
    if rules.policy < 3 or NOT_KNOWN not in case.facts.values():
        return frozenset()
    facts = rules.needs[case.need].facts
    return frozenset(
        c for c, v in case.facts.items() if v == NOT_KNOWN and facts[c].accepts_not_known
    )


def resolve_locale(case: Case, fallback: Locale | None = None) -> Locale:
    return choose_locale(case.locale, fallback)
