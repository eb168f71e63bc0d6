"""Database engines and schema migrations (alembic, applied automatically on first use)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATED: set[str] = set()
_LOCK = threading.Lock()
_PG_MIGRATION_LOCK = 74_201_301  # advisory lock id: one worker migrates at a time


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the schema migrated to the newest version."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
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
