"""Audit log and feedback: append-only. There is no update or delete here, on purpose."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any, Literal, cast

from sqlalchemy import Engine, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from triage.catalog.exposure import ExposureReport, Row
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision
from triage.store.ports import Feedback, StoredContact, StoredDecision, Verdict
from triage.store.sql.auditrows import Record, insert_sql, make_record, rows
from triage.store.sql.db import check_file, storage_errors
from triage.store.sql.groupcommit import AuditWriter, Entry, GroupWriter
from triage.store.sql.tables import ContactRow, DecisionRow, FeedbackRow, ListingRow
from triage.store.sql.writerproc import ProcessWriter

RECORD_ATTEMPTS = 5  # retries while the deadline allows, before a decision is refused
RECORD_DEADLINE = 2.5  # seconds; the request then answers 503 with no decision
# The server refuses a commit that arrives after this much of the deadline (trigger in 0004),
# so a row can never be committed after its caller was told 503.
COMMIT_BY = timedelta(seconds=RECORD_DEADLINE - 0.5)
COMMIT_MARGIN = 0.25  # seconds: a group is not started for a row this close to its commit_by
ROWS_PER_INSERT = 500  # rows in one INSERT: 500 x 15 columns stays below SQLite's 32,766 variables


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


Writer = Literal["thread", "process"]


class SqlAuditLog:
    """`writer` says where the group commit runs: a thread of this process, or a process of
    its own (`writerproc`: the server's choice, so that writing the audit log does not take
    the interpreter lock from the event loop)."""

    def __init__(self, engine: Engine, writer: Writer = "thread") -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite has one writer; queueing writers here is cheaper than its busy-wait sleeps.
        lock = threading.Lock() if self._sqlite else nullcontext()
        self._write_lock: AbstractContextManager[Any] = lock
        self._writer: AuditWriter
        if writer == "process" and engine.url.database not in (None, "", ":memory:"):
            self._writer = ProcessWriter(engine.url.render_as_string(hide_password=False))
        else:
            self._writer = GroupWriter(lambda group: self.write([e.record for e in group]))

    def close(self) -> None:
        """Write what is waiting and stop the writer."""
        self._writer.close()

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._writer.attach(loop)

    def record(self, decision: Decision, case: Case, key_id: str | None) -> None:
        self.submit([(decision, case)], None, key_id).wait(RECORD_DEADLINE)

    async def record_async(self, decision: Decision, case: Case, key_id: str | None) -> None:
        await self.submit([(decision, case)], None, key_id).wait_async(RECORD_DEADLINE)

    def record_contact(
        self,
        answer: ContactAnswer,
        contact: dict[str, Any],
        cases: list[Case],
        key_id: str | None,
    ) -> None:
        pairs = list(zip(answer.decisions, cases, strict=True))
        self.submit(pairs, (answer, contact), key_id).wait(RECORD_DEADLINE)

    def submit(
        self,
        pairs: list[tuple[Decision, Case]],
        contact: tuple[ContactAnswer, dict[str, Any]] | None,
        key_id: str | None,
    ) -> Entry:
        """Queue the decisions (and their contact) for the next group commit; the entry's
        `wait` returns once they are stored, or raises StorageError. The rows are built by
        the writer: the request's thread only hands over the JSON it answered with, and
        its case's."""
        record = make_record(pairs, contact, key_id)
        commit_by = time.monotonic() + COMMIT_BY.total_seconds() - COMMIT_MARGIN
        return self._writer.submit(Entry(record, commit_by))

    @storage_errors(attempts=RECORD_ATTEMPTS, deadline=RECORD_DEADLINE)
    def write(self, group: Sequence[Record]) -> None:
        """One transaction for a group's decisions, listings and contacts, one INSERT per
        table (of at most ROWS_PER_INSERT rows). Idempotent: a retry after a commit whose
        answer was lost finds the rows there."""
        tables = rows(group, COMMIT_BY, self._sqlite)
        mark = "?" if self._sqlite else "%s"
        check_file(self._engine)  # never a group into a file that replaced the database
        with self._write_lock, self._engine.begin() as conn:
            for table, all_rows in tables.items():
                for start in range(0, len(all_rows), ROWS_PER_INSERT):
                    part = all_rows[start : start + ROWS_PER_INSERT]
                    sql = insert_sql(table, len(part), mark)
                    conn.exec_driver_sql(sql, tuple(chain.from_iterable(part)))

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
