"""Readiness: is the database answering? Never slower than its budget."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError


class SqlHealth:
    """`ping` answers within `budget` seconds whatever the database does: the probe runs in
    a thread of its own, one at a time; a probe still out counts as unavailable."""

    def __init__(self, engine: Engine, budget: float = 0.8) -> None:
        self._engine = engine
        self._budget = budget
        self._lock = threading.Lock()
        self._probe: threading.Thread | None = None
        self._last = False

    def _check(self) -> None:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            self._last = True
        except SQLAlchemyError:
            self._last = False

    def ping(self) -> bool:
        with self._lock:
            if self._probe is None or not self._probe.is_alive():
                self._probe = threading.Thread(target=self._check, daemon=True)
                self._probe.start()
            probe = self._probe
        probe.join(self._budget)
        return False if probe.is_alive() else self._last
