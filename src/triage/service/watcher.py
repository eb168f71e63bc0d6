"""Keeps one serving process on the active versions and reports it in the fleet.

A daemon thread waits for a version change (NOTIFY on PostgreSQL, else the poll
interval), lets the service switch, and writes this worker's heartbeat. Stopping it removes
the heartbeat, so the fleet view lists only live workers.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import uuid
from datetime import UTC, datetime

from triage.errors import StorageError
from triage.service.usecases import Service
from triage.store.ports import WorkerState

log = logging.getLogger("triage")


class Watcher:
    def __init__(self, service: Service, *, interval: float = 0.5) -> None:
        self.service = service
        self.interval = interval
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.id = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self.started_at = datetime.now(UTC)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="triage-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.service.versions.wake()
        self._thread.join(timeout=self.interval + 5)
        self.service.versions.close()
        try:
            self.service.fleet.leave(self.id)
        except StorageError:
            log.warning("worker %s could not remove its heartbeat", self.id)

    def tick(self) -> None:
        """One round: switch if a new version is active, then report. Keys verified
        before this round are checked again (a revocation takes effect by the next round)."""
        self.service.verified.forget()
        if self.service.refresh():
            gc.freeze()  # the new rules live long: keep them out of full collections
        current = self.service.ready()
        self.service.fleet.beat(
            WorkerState(
                id=self.id,
                host=self.host,
                pid=self.pid,
                rules_version=current["rules_version"],
                catalog_version=current["catalog_version"],
                started_at=self.started_at,
                last_seen=datetime.now(UTC),
                error=self.service.error,
            )
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except StorageError:
                log.warning("version check failed: database unavailable")
            except Exception:  # the watcher must outlive any one bad round
                log.exception("version check failed")
            self.service.versions.wait(self.interval)
