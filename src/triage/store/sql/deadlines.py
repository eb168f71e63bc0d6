"""Deadlines on database calls that a frozen database cannot outlast.

libpq has no read timeout: against a PostgreSQL server that stopped answering (SIGSTOP,
a hung host) a query waits forever, and so does the request behind it. Every adapter call
runs under a deadline. Each engine's connections are tracked by the thread that holds
them, and a watchdog thread shuts down the socket of a connection whose thread is past
its deadline: the waiting call then fails at once (a StorageError, so a 503), and the
connection is thrown away.

A write whose COMMIT may still reach the server after its caller was told 503 is stopped
by the server itself: audit rows carry `commit_by`, and a deferred trigger refuses a
commit that arrives later (see migration 0004).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError


class DeadlinePassed(SQLAlchemyError):
    """The caller's deadline passed while the database did not answer."""


class Watchdog:
    def __init__(self) -> None:
        self._held: dict[int, Any] = {}  # thread id -> DBAPI connection it has checked out
        self._due: dict[int, float] = {}  # thread id -> monotonic deadline
        self._lock = threading.Lock()
        self._fired: set[int] = set()  # threads whose connection was cut this deadline
        self._thread: threading.Thread | None = None

    def watch(self, engine: Engine) -> None:
        """Track the engine's checked-out connections; ping each one on checkout."""

        @event.listens_for(engine, "checkout")
        def checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
            with self._lock:
                self._held[threading.get_ident()] = dbapi_conn
            try:  # the ping runs under the caller's deadline (unlike pool_pre_ping)
                cursor = dbapi_conn.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
            except Exception as exc:
                with self._lock:
                    self._held.pop(threading.get_ident(), None)
                    due = self._due.get(threading.get_ident())
                if due is not None and time.monotonic() >= due - 0.05:
                    raise DeadlinePassed() from exc  # no new connection: out of time
                raise DisconnectionError() from exc  # stale: the pool tries a fresh one

        @event.listens_for(engine, "checkin")
        def checkin(dbapi_conn: Any, _record: Any) -> None:
            with self._lock:
                for tid in [t for t, c in self._held.items() if c is dbapi_conn]:
                    del self._held[tid]

    @contextlib.contextmanager
    def limit(self, seconds: float) -> Iterator[float]:
        """Run the block under a deadline; yields the monotonic deadline."""
        tid = threading.get_ident()
        due = time.monotonic() + seconds
        with self._lock:
            outer = self._due.get(tid)
            self._due[tid] = due if outer is None else min(outer, due)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
        try:
            yield self._due[tid]
        finally:
            with self._lock:
                self._fired.discard(tid)
                if outer is None:
                    self._due.pop(tid, None)
                else:
                    self._due[tid] = outer

    def _run(self) -> None:
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            with self._lock:
                late = [
                    (tid, self._held.get(tid))
                    for tid, due in self._due.items()
                    if due < now and tid not in self._fired
                ]
                for tid, _ in late:
                    self._due[tid] = now  # fire once; checkout sees the deadline has passed
                    self._fired.add(tid)
            for _, conn in late:
                if conn is not None:
                    _cut(conn)


def _cut(dbapi_conn: Any) -> None:
    """Shut the connection's socket down: a read blocked on it returns with an error."""
    fd = getattr(getattr(dbapi_conn, "pgconn", None), "socket", -1)
    if not isinstance(fd, int) or fd < 0:
        return
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fd))
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


WATCHDOGS: dict[int, Watchdog] = {}  # id(engine) -> its watchdog (PostgreSQL engines only)
