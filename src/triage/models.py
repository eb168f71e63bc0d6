"""The decision contract (PRODUCT.md) as pydantic models: what callers receive."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

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
    id: str
    name: str
    reason: str
    contact: dict[str, str] = {}
    accessible: bool | None = None


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
    rules_version: str
    seed: int
    locale: Literal["fi", "sv", "en"]
    explanation: str
