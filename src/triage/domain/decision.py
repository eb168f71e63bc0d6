"""The decision contract (PRODUCT.md) as pydantic models: what callers receive."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    reason: Literal["chosen_by_client", "language_match", "located_in_municipality", "eligible"]
    contact: dict[str, str]
    opening_hours: str | None
    languages: list[str] | None
    accessible: bool | None
    accessibility_unknown: bool
    # with opening hours (policy 3): open at the time of contact, the next opening when
    # not (local time, within 14 days), and whether the hours are known at all
    open_now: bool | None = None
    opens_at: str | None = None
    hours_known: bool | None = None
    # reachable before the deadline (S13); False: closed for all of it, listed after the
    # others (urgencies without the fallback); None: hours unknown, or no deadline
    open_before_deadline: bool | None = None
    located_in: str | None = None  # the municipality code of its address, when known


NoteCode = Literal[
    "ask_chosen_provider",
    "chosen_provider_not_offering",
    "no_provider_in_area",
    "not_open_before_deadline",
]


class ProviderNote(_Out):
    """Why the provider list is empty, and what to do."""

    code: NoteCode
    text: str


class RedFlagInstruction(_Out):
    """What staff do for one red flag given (policy 3)."""

    flag: str
    text: str


class Notice(_Out):
    """A duty the staff member must consider (e.g. a child protection notification)."""

    code: str
    text: str


class Fallback(_Out):
    """A service tried before `route_to` and skipped, and why."""

    service: str
    reason: Literal["not_open_before_deadline", "no_provider_in_area"]


class RouteTo(_Out):
    """Where to send the client now: the decided service, or its out-of-hours fallback."""

    code: str
    name: str
    fallback: list[Fallback]


class Decision(_Out):
    """A decision. The fields after `explanation` come with routing policy 3; a decision
    made under an earlier rule set keeps their defaults, so it replays exactly."""

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
    precautionary: list[MissingFact] = Field(default_factory=list)
    red_flags_screened: bool | None = None
    red_flag_instructions: list[RedFlagInstruction] = Field(default_factory=list)
    contact_time: str | None = None
    contact_time_source: Literal["client", "server"] | None = None
    deadline: str | None = None
    route_to: RouteTo | None = None
    warnings: list[Literal["no_provider_in_area"]] = Field(default_factory=list)
    safety_net: str | None = None
    instruction: str | None = None
    urgency_instruction: str | None = None
    notices: list[Notice] = Field(default_factory=list)
    more_providers: int = 0  # eligible providers beyond the listing's limit, not listed
    # the out-of-hours fallback and the providers' hours were applied (S13); a decision
    # made before they were replays without them
    opening_hours_used: bool = False

    @cached_property
    def json_bytes(self) -> bytes:
        """The decision as UTF-8 JSON, encoded once: the audit row and the answer share it."""
        return self.__pydantic_serializer__.to_json(self)
