"""Request and response bodies of the HTTP API that are not domain models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from triage.domain.case import MAX_FLAGS, MAX_ITEMS, Case
from triage.domain.contact import ContactIn
from triage.rules.model import Locale


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    file: str | None = None
    line: int | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class FeedbackIn(_In):
    verdict: Literal["correct", "misrouted"]
    expected_service: str | None = Field(default=None, max_length=64)
    expected_urgency: str | None = Field(default=None, max_length=32)


class FeedbackOut(BaseModel):
    feedback_id: int
    decision_id: str


class RuleFilesIn(_In):
    """Rule files as {relative path: YAML text}: `common.yaml` and `needs/<need>.yaml`."""

    files: dict[str, str] = Field(max_length=64)


class ReloadIn(_In):
    files: dict[str, str] | None = Field(default=None, max_length=64)


class RulesOut(BaseModel):
    valid: bool
    rules_version: str


class Named(BaseModel):
    code: str
    name: str


class ServiceOut(Named):
    """A service: where to try next when it is closed (`after_hours`, in order), and
    whether it is open around the clock."""

    after_hours: list[str]
    open_24_7: bool


class OptionOut(BaseModel):
    """An enum value with what a person reads: `label` in the asked locale, `labels` in all."""

    code: str
    label: str
    labels: dict[Locale, str]


class FactOut(BaseModel):
    """A fact and its question. `safety`: an answer can make the decision more urgent (it
    has no default); `not_known`: "not_known" is a valid answer (policy 3); a `deprecated`
    fact is still accepted but never asked (no question)."""

    code: str
    type: str
    question: str | None
    values: list[str] | None = None
    options: list[OptionOut] | None = None
    min: int | float | None = None  # an integer for an int fact
    max: int | float | None = None
    default: bool | int | float | str | None = None
    unit: str | None = None
    safety: bool = False
    not_known: bool = False
    deprecated: bool = False


class NeedOut(BaseModel):
    code: str
    name: str
    facts: list[FactOut]
    safety_net: str | None = None  # said with the need's health-sector outcomes


class DeadlineOut(BaseModel):
    """How the deadline follows from the time of contact (Europe/Helsinki): `hours` after
    it, or 23:59 local time `days` calendar days or `working_days` working days after the
    contact day, at least `at_least_hours` after the contact."""

    hours: int | None = None
    days: int | None = None
    working_days: int | None = None
    at_least_hours: int = 0


class UrgencyOut(BaseModel):
    code: str
    name: str
    instruction: str | None = None  # what staff do with every decision of this urgency
    deadline: DeadlineOut | None = None  # none: no deadline


class RedFlagOut(BaseModel):
    code: str
    name: str
    instruction: str | None = None  # what staff do for this flag


class NeedsOut(BaseModel):
    rules_version: str
    policy: int = 2
    locale: Locale
    needs: list[NeedOut]
    red_flags: list[RedFlagOut]
    red_flags_question: str | None = None  # asked when red flags were not screened
    urgencies: list[UrgencyOut]
    notices: list[Named] = []
    max_facts: int = MAX_ITEMS
    max_red_flags: int = MAX_FLAGS


class ProviderOut(BaseModel):
    id: str
    name: str
    ownership: str
    municipalities: list[str]
    services: list[str]
    languages: list[str] | None
    accessible: bool | None
    accepting_new_clients: bool
    contact: dict[str, str]
    opening_hours: str | None


class ProvidersOut(BaseModel):
    catalog_version: str
    providers: list[ProviderOut]


class ExposureRow(BaseModel):
    listed: int
    first: int
    first_share: float
    expected_first_share: float
    mean_exposure: float
    expected_mean_exposure: float


class ExposureOut(BaseModel):
    decisions: int
    providers: dict[str, ExposureRow]
    ownership: dict[str, ExposureRow]


class NetworkCellOut(BaseModel):
    service: str
    municipality: str
    municipality_name: str
    listing: Literal["open", "continuity", "none"]
    providers: int
    flag: Literal["gap", "single"] | None


class NetworkOut(BaseModel):
    """Providers taking new clients per service and municipality; gaps and single-provider
    cells flagged."""

    rules_version: str
    catalog_version: str
    gaps: int
    singles: int
    cells: list[NetworkCellOut]


class HealthOut(BaseModel):
    status: Literal["ok"]


class WorkerOut(BaseModel):
    id: str
    host: str
    pid: int
    rules_version: str
    catalog_version: str
    started_at: datetime
    last_seen: datetime
    error: str | None


class FleetOut(BaseModel):
    """The live workers and whether every one serves the active versions."""

    rules_version: str | None
    catalog_version: str | None
    agree: bool
    workers: list[WorkerOut]


class ReadyOut(BaseModel):
    status: Literal["ready", "not_ready"]
    database: Literal["ok", "unavailable"]
    rules_version: str
    catalog_version: str


def _inlined(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with every `$ref` replaced by its definition."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].split("/")[-1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return dict(inline(schema))


def _codes(schema: dict[str, Any], needs: list[str], red_flags: list[str]) -> None:
    schema["properties"]["need"] = {"type": "string", "enum": needs, "title": "Need"}
    schema["properties"]["red_flags"]["items"] = {"type": "string", "enum": red_flags}


def case_schema(needs: list[str], red_flags: list[str]) -> dict[str, Any]:
    """The Case JSON schema, inlined, with the loaded codes as enums (for the OpenAPI document)."""
    schema = _inlined(Case)
    _codes(schema, needs, red_flags)
    return schema


def contact_schema(needs: list[str], red_flags: list[str]) -> dict[str, Any]:
    """The contact JSON schema: 1 to 6 needs, each once, with the loaded codes as enums."""
    schema = _inlined(ContactIn)
    _codes(schema["properties"]["needs"]["items"], needs, red_flags)
    schema["properties"]["needs"]["minItems"] = 1
    return schema
