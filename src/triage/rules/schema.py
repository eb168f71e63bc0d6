"""The rule-file format as pydantic models, and reading YAML into them with file:line errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from triage.errors import RuleFileError, did_you_mean
from triage.messages import render
from triage.rules.model import Fact, Text, fact_problem
from triage.rules.timing import Calendar, NonWorkingDay
from triage.strict import Strict, first_problem
from triage.yamlfile import YamlSyntaxError, line_of, parse, plain

CODE = r"^[a-z][a-z0-9_]*$"
RULE_ID = r"^[a-z0-9][a-z0-9-]{1,63}$"
MAX_RULES = 200  # rules in one need file
MAX_FACTS = 64  # facts in one need file

# --- file schema (pydantic) -----------------------------------------------------------


class TextIn(Text):
    """A text in a rule file: a translation given must not be empty (C6 counts it)."""

    sv: StrictStr | None = Field(default=None, min_length=1)
    en: StrictStr | None = Field(default=None, min_length=1)

    def to_text(self) -> Text:
        return Text(fi=self.fi, sv=self.sv, en=self.en)


class FactIn(Strict):
    type: Literal["enum", "bool", "int", "number"]
    question: TextIn | None = None  # required unless the fact is deprecated
    values: list[StrictStr] | None = None
    labels: dict[str, TextIn] | None = None  # enum value -> what a person reads
    min: StrictInt | StrictFloat | None = None
    max: StrictInt | StrictFloat | None = None
    default: StrictBool | StrictInt | StrictFloat | StrictStr | None = None
    unit: StrictStr | None = None
    # policy 3: a safety fact never has a default; not_known says whether "not_known" is a
    # valid answer; a deprecated fact is never asked and is read only under known().
    safety: StrictBool = False
    not_known: Literal["accepted", "refused"] = "refused"
    deprecated: StrictBool = False


class ServiceIn(TextIn):
    """A service's name, and how providers are listed for it: `open` (every eligible
    provider, impartially ordered), `continuity` (only the client's chosen provider) or
    `none` (no provider list, e.g. the emergency number)."""

    listing: Literal["open", "continuity", "none"] = "open"
    sector: Literal["health", "social", "other"] | None = None
    open_24_7: StrictBool = False
    after_hours: list[StrictStr] | None = None  # services to try when this one is closed


class DeadlineIn(Strict):
    """`hours` after the contact; or 23:59 local time `days` (calendar) or `working_days`
    after the contact day, at least `at_least_hours` after the contact."""

    hours: StrictInt | None = Field(default=None, ge=0, le=72)
    days: StrictInt | None = Field(default=None, ge=0, le=366)
    working_days: StrictInt | None = Field(default=None, ge=1, le=60)
    at_least_hours: StrictInt = Field(default=0, ge=0, le=72)


class UrgencyIn(TextIn):
    instruction: TextIn | None = None  # what staff do, shown with every such decision
    deadline: DeadlineIn | None = None  # none: no deadline (routine)


class RedFlagIn(TextIn):
    instruction: TextIn | None = None  # the staff instruction for this flag


class NonWorkingDayIn(Strict):
    """One of: `date: MM-DD`; `easter: N` (days from Easter Sunday); `weekday` (monday ..
    sunday) `between: [MM-DD, MM-DD]`."""

    name: TextIn
    date: StrictStr | None = Field(default=None, pattern=r"^\d\d-\d\d$")
    easter: StrictInt | None = Field(default=None, ge=-60, le=60)
    weekday: (
        Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None
    ) = None
    between: list[Annotated[StrictStr, Field(pattern=r"^\d\d-\d\d$")]] | None = Field(
        default=None, min_length=2, max_length=2
    )


class CalendarIn(Strict):
    time_zone: StrictStr
    non_working_days: list[NonWorkingDayIn]


class ThenIn(Strict):
    service: StrictStr
    urgency: StrictStr


class RuleIn(Strict):
    id: str = Field(pattern=RULE_ID)
    priority: StrictInt = Field(ge=0, le=10_000)
    description: TextIn
    justification: StrictStr | None = Field(default=None, min_length=10)
    when: Any
    then: ThenIn
    safety_net: TextIn | None = None
    instruction: TextIn | None = None
    notices: list[StrictStr] = Field(default_factory=list, max_length=8)


class CommonFileIn(Strict):
    policy: Literal[3] | None = None  # absent: routing policy v2 (rule sets before v3)
    urgencies: dict[str, UrgencyIn] = Field(min_length=1)
    services: dict[str, ServiceIn] = Field(min_length=1)
    red_flags: dict[str, RedFlagIn]
    notices: dict[str, TextIn] = Field(default_factory=dict)
    calendar: CalendarIn | None = None
    rules: list[RuleIn] = Field(default_factory=list)


class NeedFileIn(Strict):
    need: str = Field(pattern=CODE)
    name: TextIn
    facts: dict[str, FactIn] = Field(max_length=MAX_FACTS)
    safety_net: TextIn | None = None  # for the need's health-sector outcomes (policy 3)
    rules: list[RuleIn] = Field(min_length=1, max_length=MAX_RULES)


# --- YAML with positions --------------------------------------------------------------


def parse_yaml(text: str, path: Path) -> Any:
    try:
        return parse(text)
    except YamlSyntaxError as exc:
        raise RuleFileError(
            f"not valid YAML: {exc.problem}", file=str(path), line=exc.line
        ) from None


def validate(model: type[Strict], raw: Any, path: Path) -> Any:
    try:
        return model.model_validate(plain(raw))
    except PydanticValidationError as exc:
        problem = first_problem(exc)
        loc = list(problem.loc)
        rule_id = problem.item_id(raw, "rules")
        field = problem.path or "<file>"
        suggestion = None
        if problem.kind == "extra_forbidden" and loc:
            allowed = _fields_at(model, loc[:-1])
            suggestion = did_you_mean(str(loc[-1]), allowed)
        raise RuleFileError(
            f"{field}: {problem.message}",
            file=str(path),
            line=line_of(raw, loc),
            rule_id=rule_id,
            suggestion=suggestion,
        ) from None


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model reached by walking `loc` (for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        current = next(
            (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), annotation
        )
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def check_fact_value(fact: Fact, value: Any) -> str | None:
    """`fact_problem` in English, for rule authors' messages (a default out of range)."""
    found = fact_problem(fact, value)
    return render(found[0], "en", **found[1]) if found else None


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def calendar_of(cin: CalendarIn) -> Calendar:
    """The calendar section of common.yaml as plain data."""
    days = []
    for d in cin.non_working_days:
        month = day = until_month = until_day = None
        if d.date:
            month, day = (int(x) for x in d.date.split("-"))
        if d.between:
            (month, day), (until_month, until_day) = (
                tuple(int(x) for x in b.split("-")) for b in d.between
            )
        days.append(
            NonWorkingDay(
                name=tuple(d.name.model_dump(exclude_none=True).items()),
                month=month,
                day=day,
                easter=d.easter,
                weekday=WEEKDAYS.index(d.weekday) if d.weekday else None,
                until_month=until_month,
                until_day=until_day,
            )
        )
    return Calendar(time_zone=cin.time_zone, non_working_days=tuple(days))
