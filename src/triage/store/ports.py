"""The service layer's ports: what it needs from storage, as Protocols.

Each port has an in-memory fake (`store.fakes`) and a SQL adapter (`store.sql`). Adapters
raise only this package's errors: a database that cannot be reached is a StorageError,
never a driver exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from triage.catalog.exposure import ExposureReport
from triage.catalog.model import Catalog
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision
from triage.roles import Role

Verdict = Literal["correct", "misrouted"]
Kind = Literal["rules", "catalog"]


@dataclass(frozen=True)
class StoredDecision:
    decision: Decision
    case: dict[str, Any]
    created_at: datetime
    key_id: str | None
    contact_id: str | None = None


@dataclass(frozen=True)
class StoredContact:
    answer: ContactAnswer
    contact: dict[str, Any]  # the validated input
    created_at: datetime
    key_id: str | None


@dataclass(frozen=True)
class Feedback:
    id: int
    decision_id: str
    verdict: Verdict
    expected_service: str | None
    expected_urgency: str | None
    created_at: datetime
    key_id: str | None


@dataclass(frozen=True)
class KeyInfo:
    id: str
    role: Role
    label: str
    created_at: datetime
    revoked: bool
    last_used: datetime | None = None  # to the minute: kept up to date at most once a minute


@dataclass(frozen=True)
class WorkerState:
    """One serving process, as its heartbeat reports it."""

    id: str
    host: str
    pid: int
    rules_version: str
    catalog_version: str
    started_at: datetime
    last_seen: datetime
    error: str | None = None


class AuditLog(Protocol):
    """Append-only: every decision answered to a caller, and feedback on decisions."""

    def record(self, decision: Decision, case: Case, key_id: str | None) -> None:
        """Store the decision (and its provider listing), or raise StorageError."""

    async def record_async(self, decision: Decision, case: Case, key_id: str | None) -> None:
        """`record` for the event loop: awaits the write without holding a thread."""

    def record_contact(
        self,
        answer: ContactAnswer,
        contact: dict[str, Any],
        cases: list[Case],
        key_id: str | None,
    ) -> None:
        """Store the contact and each of its decisions (with the contact's id), all in one
        transaction, or raise StorageError. `cases[i]` is the case of `answer.decisions[i]`."""

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """The server's event loop, while it runs (None when it stops): a writer that
        answers through a pipe is read there."""

    def close(self) -> None:
        """Write what is waiting, then stop writing."""

    def get(self, decision_id: str) -> StoredDecision | None: ...
    def get_contact(self, contact_id: str) -> StoredContact | None: ...
    def count(self) -> int: ...

    def exposure(self, start: datetime | None, end: datetime | None) -> ExposureReport:
        """First-position and exposure sums over the listings shown in [start, end)."""

    def add_feedback(
        self,
        decision_id: str,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> Feedback: ...
    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]: ...


class RulesStore(Protocol):
    """Every rules version ever published, by content hash, with its files."""

    def save(self, version: str, files: Mapping[str, str]) -> None: ...
    def get(self, version: str) -> dict[str, str] | None: ...
    def versions(self) -> list[tuple[str, datetime]]: ...


class CatalogStore(Protocol):
    """Every catalog version ever loaded, by content hash."""

    def save(self, catalog: Catalog) -> None: ...
    def get(self, version: str) -> Catalog | None: ...
    def versions(self) -> list[tuple[str, datetime]]: ...


class Versions(Protocol):
    """One active version per kind: the pointer every worker converges on."""

    def active(self) -> dict[Kind, str]: ...

    def activate(self, kind: Kind, version: str) -> bool:
        """Point `kind` at a stored `version`, in one transaction; False if it already was.
        Raises NotFoundError when no such version is stored."""

    def wait(self, timeout: float) -> None:
        """Return when a version may have changed, or after `timeout` seconds."""

    def wake(self) -> None:
        """End a `wait` early where the store can (the watcher is stopping)."""

    def close(self) -> None: ...


class KeyStore(Protocol):
    def create(self, role: Role, label: str = "") -> tuple[KeyInfo, str]: ...
    def revoke(self, key_id: str) -> bool: ...
    def verify(self, presented: str) -> KeyInfo | None: ...
    def list(self) -> list[KeyInfo]: ...

    # Staff-page sessions: a random token in an HttpOnly cookie stands for a key that was
    # presented once; only the token's hash is stored, and never the key itself.
    def open_session(self, key_id: str, idle: timedelta) -> str:
        """A new session token for a verified key; sessions idle longer than `idle`
        (everyone's, ended either way) are deleted meanwhile, so they never pile up."""

    def session(self, token: str, idle: timedelta) -> KeyInfo | None:
        """The key of a live session (and the session touched), or None when the token is
        unknown, idle longer than `idle`, signed out, or its key revoked."""

    def close_session(self, token: str) -> None: ...


class Fleet(Protocol):
    """Heartbeats of the serving processes."""

    def beat(self, state: WorkerState) -> None: ...
    def leave(self, worker_id: str) -> None: ...
    def live(self, within_seconds: float) -> list[WorkerState]: ...


class Health(Protocol):
    def ping(self) -> bool: ...
