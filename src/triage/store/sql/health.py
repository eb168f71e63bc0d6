"""Readiness: is the database answering, and can the audit log be written? Never slower
than its budget."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

MIN_FREE = 16 * 1024 * 1024  # bytes free beside an SQLite file, or the audit log may fail


class SqlHealth:
    """`ping` answers within `budget` seconds whatever the database does: the probe runs in
    a thread of its own, one at a time; a probe still out counts as unavailable. For an
    SQLite file the probe also finds out for itself whether writes can succeed: less than
    MIN_FREE bytes free on its file system is not ready, and ready again once space returns
    (no request needed)."""

    def __init__(self, engine: Engine, budget: float = 0.8) -> None:
        self._engine = engine
        self._budget = budget
        self._lock = threading.Lock()
        self._probe: threading.Thread | None = None
        self._last = False
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        self._folder = Path(database).parent if database and database != ":memory:" else None

    def _check(self) -> None:
        try:
            if self._folder is not None and shutil.disk_usage(self._folder).free < MIN_FREE:
                self._last = False
                return
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            self._last = True
        except (SQLAlchemyError, OSError):
            self._last = False

    def ping(self) -> bool:
        with self._lock:
            if self._probe is None or not self._probe.is_alive():
                self._probe = threading.Thread(target=self._check, daemon=True)
                self._probe.start()
            probe = self._probe
        probe.join(self._budget)
        return False if probe.is_alive() else self._last
