"""Worker heartbeats: each serving process upserts its row; stale rows are swept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from triage.store.ports import WorkerState
from triage.store.sql.db import storage_errors
from triage.store.sql.tables import WorkerRow

FORGET_AFTER = timedelta(hours=1)  # rows of workers gone longer than this are deleted


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class SqlFleet:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @storage_errors(attempts=2, retry_conflicts=True)
    def beat(self, state: WorkerState) -> None:
        with Session(self._engine) as s, s.begin():
            row = s.get(WorkerRow, state.id) or WorkerRow(
                id=state.id,
                host=state.host,
                pid=state.pid,
                started_at=state.started_at,
                rules_version=state.rules_version,
                catalog_version=state.catalog_version,
                last_seen=state.last_seen,
            )
            row.rules_version, row.catalog_version = state.rules_version, state.catalog_version
            row.last_seen, row.error = state.last_seen, state.error
            s.add(row)
            s.execute(
                delete(WorkerRow).where(col(WorkerRow.last_seen) < state.last_seen - FORGET_AFTER)
            )

    @storage_errors()
    def leave(self, worker_id: str) -> None:
        with Session(self._engine) as s, s.begin():
            s.execute(delete(WorkerRow).where(col(WorkerRow.id) == worker_id))

    @storage_errors()
    def live(self, within_seconds: float) -> list[WorkerState]:
        cutoff = datetime.now(UTC) - timedelta(seconds=within_seconds)
        query = select(WorkerRow).where(col(WorkerRow.last_seen) >= cutoff)
        with Session(self._engine) as s:
            rows = s.exec(query.order_by(col(WorkerRow.id))).all()
        return [
            WorkerState(
                r.id,
                r.host,
                r.pid,
                r.rules_version,
                r.catalog_version,
                _aware(r.started_at),
                _aware(r.last_seen),
                r.error,
            )
            for r in rows
        ]
