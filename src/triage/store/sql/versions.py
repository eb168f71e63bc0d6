"""The active version pointers. Activation is one transaction; on PostgreSQL it also sends
NOTIFY, and `wait` LISTENs, so workers hear of it at once (polling stays as the fallback)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from typing import cast

import psycopg
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from triage.errors import NotFoundError
from triage.store.ports import Kind
from triage.store.sql.db import storage_errors
from triage.store.sql.tables import ActiveVersionRow, CatalogVersionRow, RulesVersionRow

log = logging.getLogger("triage.store")
CHANNEL = "triage_versions"


class SqlVersions:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pg = engine.dialect.name == "postgresql"
        self._listener: psycopg.Connection[tuple[object, ...]] | None = None
        self._woken = threading.Event()  # SQLite: a poll's pause, ended by wake()

    @storage_errors()
    def active(self) -> dict[Kind, str]:
        with Session(self._engine) as s:
            rows = s.exec(select(ActiveVersionRow)).all()
        return {cast(Kind, r.kind): r.version for r in rows}

    @storage_errors(attempts=3, retry_conflicts=True)  # two workers may start at once
    def activate(self, kind: Kind, version: str) -> bool:
        table = RulesVersionRow if kind == "rules" else CatalogVersionRow
        with Session(self._engine) as s, s.begin():
            if s.get(table, version) is None:
                raise NotFoundError(f"no stored {kind} version {version}")
            row = s.get(ActiveVersionRow, kind, with_for_update=self._pg)
            if row is not None and row.version == version:
                return False
            row = row or ActiveVersionRow(kind=kind, version=version, activated_at=_now())
            row.version, row.activated_at = version, _now()
            s.add(row)
            if self._pg:
                s.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": kind})
        return True

    def wait(self, timeout: float) -> None:
        if not self._pg:
            self._woken.wait(timeout)
            return
        try:
            if self._listener is None or self._listener.closed:
                self._listener = self._listen()
            for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                break
        except psycopg.Error as exc:  # the database went away: poll until it is back
            log.warning("version listener lost (%s); polling", type(exc).__name__)
            self.close()
            time.sleep(timeout)

    def _listen(self) -> psycopg.Connection[tuple[object, ...]]:
        url = self._engine.url.set(drivername="postgresql")
        conn = psycopg.connect(
            url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        )
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def wake(self) -> None:
        """SQLite: end the pause at once; PostgreSQL: its wait ends by the next notification
        or its timeout (the listener belongs to the waiting thread)."""
        self._woken.set()

    def close(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(psycopg.Error):
                self._listener.close()
            self._listener = None


def _now() -> datetime:
    return datetime.now(UTC)
