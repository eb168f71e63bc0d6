"""Database engines and schema migrations (alembic, applied automatically on first use)."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import create_engine

from triage.errors import StorageError
from triage.store.sql.deadlines import WATCHDOGS, Watchdog

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATED: set[str] = set()
_LOCK = threading.Lock()
_PG_MIGRATION_LOCK = 74_201_301  # advisory lock id: one worker migrates at a time


def make_engine(url: str, *, migrate_schema: bool = True) -> Engine:
    """An engine for `url`, with the schema migrated to the newest version (unless the
    caller knows another process did that already)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            watch_file(engine, Path(url.removeprefix("sqlite:///")))  # before any pragma
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(
            url,
            pool_timeout=POOL_TIMEOUT,
            connect_args={"connect_timeout": CONNECT_TIMEOUT, "options": _pg_options(url)},
        )
        watchdog = Watchdog()
        watchdog.watch(engine)  # pings on checkout, under the caller's deadline
        WATCHDOGS[id(engine)] = watchdog
    if not migrate_schema:
        return engine
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StorageError(f"the database at {engine.url!r} cannot be reached or migrated") from exc
    return engine


class DatabaseReplaced(SQLAlchemyError):
    """The SQLite file at the configured path is no longer the file this process opened."""


class FileIdentity:
    """The device and inode of an SQLite file, taken when it is first seen. `check` raises
    DatabaseReplaced once the path names another file or none (deleted, moved, replaced
    by a restore), and from then on always: this process is not ready until restarted,
    and never writes to the file now at the path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self.replaced = False

    def check(self) -> None:
        if not self.replaced:
            try:
                found = os.stat(self.path)
            except FileNotFoundError:
                self.replaced = self._seen is not None
            else:
                ident = (found.st_dev, found.st_ino)
                self._seen = self._seen or ident
                self.replaced = ident != self._seen
        if self.replaced:
            raise DatabaseReplaced("the database file was replaced or removed; restart")


FILES: dict[int, FileIdentity] = {}  # id(engine) -> the SQLite file it must keep using


def watch_file(engine: Engine, path: Path) -> None:
    """Check the file's identity whenever a connection is made or taken from the pool
    (a stat, a few microseconds); the audit log checks again before each group commit."""
    identity = FILES[id(engine)] = FileIdentity(path)
    event.listen(engine, "connect", lambda *_: identity.check())
    event.listen(engine, "checkout", lambda *_: identity.check())


def check_file(engine: Engine) -> None:
    """DatabaseReplaced if `engine` is an SQLite file's and the file was replaced."""
    identity = FILES.get(id(engine))
    if identity is not None:
        identity.check()


# A database that does not answer is a 503 within seconds, never a hang.
CONNECT_TIMEOUT = 2  # seconds to open a connection
POOL_TIMEOUT = 2  # seconds to wait for a pooled connection
CALL_DEADLINE = 1.5  # seconds an adapter call may take, retries included
STATEMENT_TIMEOUT_MS = 5000  # a statement the server runs longer than this is cancelled


def _pg_options(url: str) -> str:
    """libpq `options`: the URL's own (e.g. a search_path) plus the timeouts."""
    from urllib.parse import parse_qs, urlsplit

    own = parse_qs(urlsplit(url).query).get("options", [""])[0]
    timeouts = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout=3000"
    return f"{own} {timeouts}".strip()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head, once per engine URL and process."""
    key = engine.url.render_as_string(hide_password=False)
    with _LOCK:
        if key in _MIGRATED:
            return
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK}
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _MIGRATED.add(key)


P = ParamSpec("P")
R = TypeVar("R")


def storage_errors(
    attempts: int = 1,
    pause: float = 0.1,
    *,
    retry_conflicts: bool = False,
    deadline: float = CALL_DEADLINE,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run an adapter method (its `self._engine` is the engine) within `deadline` seconds,
    retrying a lost connection up to `attempts` times while time is left, and turn any
    database error into StorageError: driver errors never leave an adapter. With
    `retry_conflicts`, a write that lost a race (IntegrityError) is tried again too."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            engine = getattr(args[0], "_engine", None)
            watchdog = WATCHDOGS.get(id(engine))
            limit = watchdog.limit(deadline) if watchdog else contextlib.nullcontext(0.0)
            with limit:
                stop = time.monotonic() + deadline
                for attempt in range(attempts):
                    try:
                        return fn(*args, **kwargs)
                    except IntegrityError:
                        if not retry_conflicts or attempt + 1 == attempts:
                            raise StorageError("the database refused a conflicting write") from None
                    except SQLAlchemyError:
                        wait = pause * 2**attempt
                        # a retry may have to open a connection, which no watchdog can cut
                        if (
                            attempt + 1 == attempts
                            or time.monotonic() + wait + CONNECT_TIMEOUT > stop
                        ):
                            break
                        time.sleep(wait)
            raise StorageError("the database is unavailable")

        return run

    return wrap
