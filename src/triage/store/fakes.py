"""In-memory fakes of every port: same behaviour, no database. For tests and the harness."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from triage.catalog.exposure import ExposureReport, add_positions, positions
from triage.catalog.model import Catalog
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError, NotFoundError, StorageError
from triage.roles import ROLES, Role
from triage.store.ports import (
    Feedback,
    KeyInfo,
    Kind,
    StoredContact,
    StoredDecision,
    Verdict,
    WorkerState,
)


def now() -> datetime:
    return datetime.now(UTC)


class InMemoryAuditLog:
    def __init__(self) -> None:
        self._decisions: dict[str, StoredDecision] = {}
        self._contacts: dict[str, StoredContact] = {}
        self._feedback: list[Feedback] = []
        self.fail_writes = False  # a test switch: the database is down

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Nothing to do: writes here are done before `record` returns."""

    def close(self) -> None:
        """Nothing waits here."""

    def record(self, decision: Decision, case: Case, key_id: str | None) -> None:
        if self.fail_writes:
            raise StorageError("the audit log is unavailable; no decision was given")
        if decision.decision_id in self._decisions:
            raise StorageError("decision ids are unique")
        self._decisions[decision.decision_id] = StoredDecision(
            decision, case.model_dump(exclude_none=True), now(), key_id
        )

    async def record_async(self, decision: Decision, case: Case, key_id: str | None) -> None:
        self.record(decision, case, key_id)

    def record_contact(
        self,
        answer: ContactAnswer,
        contact: dict[str, Any],
        cases: list[Case],
        key_id: str | None,
    ) -> None:
        if self.fail_writes:
            raise StorageError("the audit log is unavailable; no decision was given")
        ids = [d.decision_id for d in answer.decisions]
        if answer.contact_id in self._contacts or any(i in self._decisions for i in ids):
            raise StorageError("contact and decision ids are unique")
        at = now()
        for decision, case in zip(answer.decisions, cases, strict=True):
            self._decisions[decision.decision_id] = StoredDecision(
                decision, case.model_dump(exclude_none=True), at, key_id, answer.contact_id
            )
        self._contacts[answer.contact_id] = StoredContact(answer, contact, at, key_id)

    def get_contact(self, contact_id: str) -> StoredContact | None:
        return self._contacts.get(contact_id)

    def get(self, decision_id: str) -> StoredDecision | None:
        return self._decisions.get(decision_id)

    def count(self) -> int:
        return len(self._decisions)

    def exposure(self, start: datetime | None, end: datetime | None) -> ExposureReport:
        report = ExposureReport()
        for d in self._decisions.values():
            if (start is None or d.created_at >= start) and (end is None or d.created_at < end):
                shown = [(p.id, p.reason) for p in d.decision.providers]
                owners = {p.id: p.ownership for p in d.decision.providers}
                add_positions(report, positions(shown, owners))
        return report

    def add_feedback(
        self,
        decision_id: str,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> Feedback:
        fb = Feedback(
            len(self._feedback) + 1,
            decision_id,
            verdict,
            expected_service,
            expected_urgency,
            now(),
            key_id,
        )
        self._feedback.append(fb)
        return fb

    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]:
        return [f for f in self._feedback if verdict is None or f.verdict == verdict]


class InMemoryRulesStore:
    def __init__(self) -> None:
        self._files: dict[str, tuple[dict[str, str], datetime]] = {}

    def save(self, version: str, files: Mapping[str, str]) -> None:
        self._files.setdefault(version, (dict(files), now()))

    def get(self, version: str) -> dict[str, str] | None:
        found = self._files.get(version)
        return dict(found[0]) if found else None

    def versions(self) -> list[tuple[str, datetime]]:
        return sorted(((v, at) for v, (_, at) in self._files.items()), key=lambda x: x[1])


class InMemoryCatalogStore:
    def __init__(self) -> None:
        self._catalogs: dict[str, tuple[Catalog, datetime]] = {}

    def save(self, catalog: Catalog) -> None:
        self._catalogs.setdefault(catalog.version, (catalog, now()))

    def get(self, version: str) -> Catalog | None:
        found = self._catalogs.get(version)
        return found[0] if found else None

    def versions(self) -> list[tuple[str, datetime]]:
        return sorted(((v, at) for v, (_, at) in self._catalogs.items()), key=lambda x: x[1])


class InMemoryVersions:
    def __init__(self, rules: InMemoryRulesStore, catalogs: InMemoryCatalogStore) -> None:
        self._rules, self._catalogs = rules, catalogs
        self._active: dict[Kind, str] = {}
        self._changed = threading.Event()

    def active(self) -> dict[Kind, str]:
        return dict(self._active)

    def activate(self, kind: Kind, version: str) -> bool:
        store: InMemoryRulesStore | InMemoryCatalogStore = (
            self._rules if kind == "rules" else self._catalogs
        )
        if store.get(version) is None:
            raise NotFoundError(f"no stored {kind} version {version}")
        if self._active.get(kind) == version:
            return False
        self._active[kind] = version
        self._changed.set()
        return True

    def wait(self, timeout: float) -> None:
        self._changed.wait(timeout)
        self._changed.clear()

    def wake(self) -> None:
        self._changed.set()

    def close(self) -> None:
        self._changed.set()


class InMemoryKeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, tuple[KeyInfo, str]] = {}
        self._sessions: dict[str, tuple[str, datetime]] = {}  # token hash -> key id, last seen

    def create(self, role: Role, label: str = "") -> tuple[KeyInfo, str]:
        if role not in ROLES:
            raise InvalidCaseError("role", "unknown_code", what="role")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        info = KeyInfo(key_id, role, label, now(), False)
        self._keys[key_id] = (info, hashlib.sha256(secret.encode()).hexdigest())
        return info, f"trg_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        found = self._keys.get(key_id)
        if found is None or found[0].revoked:
            return False
        info, digest = found
        self._keys[key_id] = (
            KeyInfo(info.id, info.role, info.label, info.created_at, True),
            digest,
        )
        return True

    def verify(self, presented: str) -> KeyInfo | None:
        parts = presented.split("_", 2)
        found = self._keys.get(parts[1]) if len(parts) == 3 and parts[0] == "trg" else None
        if found is None or found[0].revoked:
            return None
        if hashlib.sha256(parts[2].encode()).hexdigest() != found[1]:
            return None
        info = found[0]
        used = KeyInfo(info.id, info.role, info.label, info.created_at, False, now())
        self._keys[info.id] = (used, found[1])
        return used

    def list(self) -> list[KeyInfo]:
        return [info for info, _ in self._keys.values()]

    def open_session(self, key_id: str, idle: timedelta) -> str:
        for digest, (_, seen) in list(self._sessions.items()):
            if now() - seen > idle:
                del self._sessions[digest]
        token = secrets.token_urlsafe(32)
        self._sessions[hashlib.sha256(token.encode()).hexdigest()] = (key_id, now())
        return token

    def session(self, token: str, idle: timedelta) -> KeyInfo | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = self._sessions.get(digest)
        if found is None or now() - found[1] > idle:
            self._sessions.pop(digest, None)
            return None
        key = self._keys.get(found[0])
        if key is None or key[0].revoked:
            return None
        self._sessions[digest] = (found[0], now())
        return key[0]

    def close_session(self, token: str) -> None:
        self._sessions.pop(hashlib.sha256(token.encode()).hexdigest(), None)


class InMemoryFleet:
    def __init__(self) -> None:
        self._workers: dict[str, WorkerState] = {}

    def beat(self, state: WorkerState) -> None:
        self._workers[state.id] = state

    def leave(self, worker_id: str) -> None:
        self._workers.pop(worker_id, None)

    def live(self, within_seconds: float) -> list[WorkerState]:
        cutoff = now() - timedelta(seconds=within_seconds)
        return sorted(
            (w for w in self._workers.values() if w.last_seen >= cutoff), key=lambda w: w.id
        )


class AlwaysHealthy:
    def ping(self) -> bool:
        return True
