"""The decision contract (PRODUCT.md) as pydantic models: what callers receive."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict

from triage.rules.model import Locale

Status = Literal["decided", "needs_information"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServiceRef(_Out):
    code: str
    name: str


class MissingFact(_Out):
    fact: str
    question: str


class FiredRule(_Out):
    """A rule that was definitely true for the case."""

    id: str
    priority: int
    service: str
    urgency: str
    description: str


class ProviderRef(_Out):
    """A provider shown to staff, in the order shown. `reason` says why it is at its place."""

    id: str
    name: str
    ownership: str
    reason: Literal["chosen_by_client", "language_match", "eligible"]
    contact: dict[str, str]
    opening_hours: str | None
    languages: list[str] | None
    accessible: bool | None
    accessibility_unknown: bool


class ProviderNote(_Out):
    """Why the provider list is empty, and what to do."""

    code: Literal["ask_chosen_provider", "chosen_provider_not_offering", "no_provider_in_area"]
    text: str


class Decision(_Out):
    decision_id: str
    status: Status
    need: str
    service: ServiceRef | None
    urgency: str | None
    missing_facts: list[MissingFact]
    fired_rules: list[FiredRule]
    winning_rule: str | None
    blocking_rules: list[str]
    providers: list[ProviderRef]
    provider_note: ProviderNote | None
    rules_version: str
    catalog_version: str
    seed: int
    locale: Locale
    explanation: str

    @cached_property
    def json_bytes(self) -> bytes:
        """The decision as UTF-8 JSON, encoded once: the audit row and the answer share it."""
        return self.__pydantic_serializer__.to_json(self)
