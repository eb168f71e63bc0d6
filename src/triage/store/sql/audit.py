"""Audit log and feedback: append-only. There is no update or delete here, on purpose."""

from __future__ import annotations

import json
import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, Engine, bindparam, func, text
from sqlalchemy import select as sql_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from triage.catalog.exposure import ExposureReport, Row, positions
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision
from triage.store.ports import Feedback, StoredContact, StoredDecision, Verdict
from triage.store.sql.db import storage_errors
from triage.store.sql.tables import ContactRow, DecisionRow, FeedbackRow, ListingRow

# Compiled once: the ORM insert construct costs about a third of a record() otherwise.
_INSERT_LISTING = text(
    "INSERT INTO listing (decision_id, rank, created_at, provider_id, ownership, first, "
    "expected_first, exposure, expected_exposure) VALUES (:decision_id, :rank, :created_at, "
    ":provider_id, :ownership, :first, :expected_first, :exposure, :expected_exposure) "
    "ON CONFLICT DO NOTHING"
).bindparams(bindparam("created_at", type_=DateTime(timezone=True)))
RECORD_ATTEMPTS = 5  # retries while the deadline allows, before a decision is refused
RECORD_DEADLINE = 2.5  # seconds; the request then answers 503 with no decision
# The server refuses a commit that arrives after this much of the deadline (trigger in 0004),
# so a row can never be committed after its caller was told 503.
COMMIT_BY = timedelta(seconds=RECORD_DEADLINE - 0.5)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


class SqlAuditLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # SQLite has one writer; queueing writers here is cheaper than its busy-wait sleeps.
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )
        dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
        self._insert_decision = dialect.insert(DecisionRow)
        self._insert_contact = dialect.insert(ContactRow)

    def record(self, decision: Decision, case: dict[str, Any], key_id: str | None) -> None:
        self._record([(decision, case)], None, key_id, _now())

    def record_contact(
        self,
        answer: ContactAnswer,
        contact: dict[str, Any],
        cases: list[dict[str, Any]],
        key_id: str | None,
    ) -> None:
        created = _now()
        first = answer.decisions[0]
        row = dict(
            id=answer.contact_id,
            created_at=created,
            key_id=key_id,
            rules_version=first.rules_version,
            catalog_version=first.catalog_version,
            contact_json=json.dumps(contact, ensure_ascii=False),
            answer_json=answer.model_dump_json(),
        )
        pairs = list(zip(answer.decisions, cases, strict=True))
        self._record(pairs, row, key_id, created)

    @storage_errors(attempts=RECORD_ATTEMPTS, deadline=RECORD_DEADLINE)
    def _record(
        self,
        pairs: list[tuple[Decision, dict[str, Any]]],
        contact: dict[str, Any] | None,
        key_id: str | None,
        created: datetime,
    ) -> None:
        """One transaction for the decisions (and their contact). Idempotent: a retry after
        a commit whose answer was lost finds the rows there."""
        contact_id = contact["id"] if contact else None
        rows = [self._decision_row(d, case, key_id, created, contact_id) for d, case in pairs]
        listed = [row for d, _ in pairs for row in self._listing_rows(d, created)]
        with self._write_lock, self._engine.begin() as conn:
            if contact is not None:
                conn.execute(self._insert_contact.values(**contact).on_conflict_do_nothing())
            conn.execute(self._insert_decision.on_conflict_do_nothing(), rows)
            if listed:
                conn.execute(_INSERT_LISTING, listed)

    @staticmethod
    def _decision_row(
        decision: Decision,
        case: dict[str, Any],
        key_id: str | None,
        created: datetime,
        contact_id: str | None,
    ) -> dict[str, Any]:
        return dict(
            commit_by=created + COMMIT_BY,
            id=decision.decision_id,
            created_at=created,
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
            contact_id=contact_id,
        )

    @staticmethod
    def _listing_rows(decision: Decision, created: datetime) -> list[dict[str, Any]]:
        shown = [(p.id, p.reason) for p in decision.providers]
        owners = {p.id: p.ownership for p in decision.providers}
        return [
            {"decision_id": decision.decision_id, "created_at": created, **vars(p)}
            for p in positions(shown, owners)
        ]

    @storage_errors()
    def get_contact(self, contact_id: str) -> StoredContact | None:
        with Session(self._engine) as s:
            row = s.get(ContactRow, contact_id)
            if row is None:
                return None
            return StoredContact(
                ContactAnswer.model_validate_json(row.answer_json),
                json.loads(row.contact_json),
                _aware(row.created_at),
                row.key_id,
            )

    @staticmethod
    def _stored(row: DecisionRow) -> StoredDecision:
        return StoredDecision(
            Decision.model_validate_json(row.decision_json),
            json.loads(row.case_json),
            _aware(row.created_at),
            row.key_id,
            row.contact_id,
        )

    @storage_errors()
    def get(self, decision_id: str) -> StoredDecision | None:
        with Session(self._engine) as s:
            row = s.get(DecisionRow, decision_id)
            return self._stored(row) if row else None

    @storage_errors()
    def count(self) -> int:
        with Session(self._engine) as s:
            return int(s.exec(select(func.count()).select_from(DecisionRow)).one())

    @storage_errors()
    def exposure(self, start: datetime | None, end: datetime | None) -> ExposureReport:
        """Sums over the stored positions: no audit row is loaded into Python."""
        where = []
        if start is not None:
            where.append(col(ListingRow.created_at) >= start)
        if end is not None:
            where.append(col(ListingRow.created_at) < end)
        sums = (
            func.count(),
            func.sum(ListingRow.first),
            func.sum(ListingRow.expected_first),
            func.sum(ListingRow.exposure),
            func.sum(ListingRow.expected_exposure),
        )
        report = ExposureReport()
        with self._engine.connect() as conn:
            decisions = conn.execute(
                sql_select(func.count(func.distinct(ListingRow.decision_id))).where(*where)
            ).scalar_one()
            report.decisions = int(decisions)
            groups: tuple[tuple[Any, dict[str, Row]], ...] = (
                (col(ListingRow.provider_id), report.providers),
                (col(ListingRow.ownership), report.ownership),
            )
            for key, target in groups:
                for name, listed, first, e_first, exp, e_exp in conn.execute(
                    sql_select(key, *sums).where(*where).group_by(key)
                ):
                    target[name] = Row(int(listed), int(first), e_first, exp, e_exp)
        return report

    @storage_errors()
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

    @storage_errors()
    def feedback(self, verdict: Verdict | None = None) -> list[Feedback]:
        query = select(FeedbackRow)
        if verdict is not None:
            query = query.where(FeedbackRow.verdict == verdict)
        with Session(self._engine) as s:
            return [self._feedback(r) for r in s.exec(query.order_by(col(FeedbackRow.id)))]
