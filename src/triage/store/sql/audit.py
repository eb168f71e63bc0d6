"""Audit log and feedback: append-only. There is no update or delete here, on purpose."""

from __future__ import annotations

import json
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, cast

from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from triage.domain.decision import Decision
from triage.store.sql.tables import DecisionRow, FeedbackRow

Verdict = Literal["correct", "misrouted"]


@dataclass(frozen=True)
class StoredDecision:
    decision: Decision
    case: dict[str, Any]
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


class AuditRepository(Protocol):
    def record(self, decision: Decision, case: dict[str, Any], key_id: str | None) -> None: ...
    def get(self, decision_id: str) -> StoredDecision | None: ...
    def between(self, start: datetime | None, end: datetime | None) -> list[StoredDecision]: ...
    def count(self) -> int: ...
    def add_feedback(
        self,
        decision_id: str,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> Feedback: ...
    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


class SqlAuditRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # SQLite has one writer; queueing writers here is cheaper than its busy-wait sleeps.
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def record(self, decision: Decision, case: dict[str, Any], key_id: str | None) -> None:
        values = dict(
            id=decision.decision_id,
            created_at=_now(),
            key_id=key_id,
            need=decision.need,
            status=decision.status,
            service=decision.service.code if decision.service else None,
            urgency=decision.urgency,
            rules_version=decision.rules_version,
            catalog_version=decision.catalog_version,
            seed=decision.seed,
            locale=decision.locale,
            case_json=json.dumps(case, ensure_ascii=False),
            decision_json=decision.model_dump_json(),
        )
        statement = insert(DecisionRow).values(**values)
        with self._write_lock, self._engine.begin() as conn:
            conn.execute(statement)

    @staticmethod
    def _stored(row: DecisionRow) -> StoredDecision:
        return StoredDecision(
            Decision.model_validate_json(row.decision_json),
            json.loads(row.case_json),
            _aware(row.created_at),
            row.key_id,
        )

    def get(self, decision_id: str) -> StoredDecision | None:
        with Session(self._engine) as s:
            row = s.get(DecisionRow, decision_id)
            return self._stored(row) if row else None

    def between(self, start: datetime | None, end: datetime | None) -> list[StoredDecision]:
        query = select(DecisionRow)
        if start is not None:
            query = query.where(col(DecisionRow.created_at) >= start)
        if end is not None:
            query = query.where(col(DecisionRow.created_at) < end)
        with Session(self._engine) as s:
            return [self._stored(r) for r in s.exec(query.order_by(col(DecisionRow.created_at)))]

    def count(self) -> int:
        with Session(self._engine) as s:
            return int(s.exec(select(func.count()).select_from(DecisionRow)).one())

    def add_feedback(
        self,
        decision_id: str,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> Feedback:
        row = FeedbackRow(
            decision_id=decision_id,
            created_at=_now(),
            key_id=key_id,
            verdict=verdict,
            expected_service=expected_service,
            expected_urgency=expected_urgency,
        )
        with Session(self._engine, expire_on_commit=False) as s, s.begin():
            s.add(row)
            s.flush()
        return self._feedback(row)

    @staticmethod
    def _feedback(row: FeedbackRow) -> Feedback:
        assert row.id is not None
        return Feedback(
            row.id,
            row.decision_id,
            cast(Verdict, row.verdict),
            row.expected_service,
            row.expected_urgency,
            _aware(row.created_at),
            row.key_id,
        )

    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]:
        query = select(FeedbackRow)
        if verdict is not None:
            query = query.where(FeedbackRow.verdict == verdict)
        with Session(self._engine) as s:
            return [self._feedback(r) for r in s.exec(query.order_by(col(FeedbackRow.id)))]


class InMemoryAuditRepository:
    """The fake, for unit tests."""

    def __init__(self) -> None:
        self._decisions: dict[str, StoredDecision] = {}
        self._feedback: list[Feedback] = []

    def record(self, decision: Decision, case: dict[str, Any], key_id: str | None) -> None:
        if decision.decision_id in self._decisions:
            raise ValueError("decision ids are unique")
        self._decisions[decision.decision_id] = StoredDecision(decision, case, _now(), key_id)

    def get(self, decision_id: str) -> StoredDecision | None:
        return self._decisions.get(decision_id)

    def between(self, start: datetime | None, end: datetime | None) -> list[StoredDecision]:
        return [
            d
            for d in self._decisions.values()
            if (start is None or d.created_at >= start) and (end is None or d.created_at < end)
        ]

    def count(self) -> int:
        return len(self._decisions)

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
            _now(),
            key_id,
        )
        self._feedback.append(fb)
        return fb

    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]:
        return [f for f in self._feedback if verdict is None or f.verdict == verdict]
