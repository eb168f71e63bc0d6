"""API keys: shown once at creation, stored as a SHA-256 hash, revocable; and the staff
page's sessions, which stand for a key presented once (only the token's hash is stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Engine, delete, text, update
from sqlmodel import Session, col, select

from triage.errors import InvalidCaseError
from triage.roles import ROLES, Role
from triage.store.ports import KeyInfo
from triage.store.sql.db import storage_errors
from triage.store.sql.tables import ApiKeyRow, WebSessionRow
from triage.store.sql.versions import CHANNEL

PREFIX = "trg"
LAST_USED_EVERY = timedelta(minutes=1)  # a key's last use is written at most this often


def _hash(secret: str) -> str:
    # Keys carry 256 random bits, so a plain hash (no slow KDF) is enough.
    return hashlib.sha256(secret.encode()).hexdigest()


class SqlKeyStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @storage_errors()
    def create(self, role: Role, label: str = "") -> tuple[KeyInfo, str]:
        """A new key; the returned secret string is never stored and cannot be shown again."""
        if role not in ROLES:
            raise InvalidCaseError("role", "unknown_code", what="role")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with Session(self._engine) as s, s.begin():
            s.add(
                ApiKeyRow(id=key_id, role=role, label=label, key_hash=_hash(secret), created_at=now)
            )
        return KeyInfo(key_id, role, label, now, False), f"{PREFIX}_{key_id}_{secret}"

    @storage_errors()
    def revoke(self, key_id: str) -> bool:
        with Session(self._engine) as s, s.begin():
            row = s.get(ApiKeyRow, key_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = datetime.now(UTC)
            s.add(row)
            if self._engine.dialect.name == "postgresql":  # wakes every worker's watcher
                s.execute(text("SELECT pg_notify(:c, 'keys')"), {"c": CHANNEL})
            return True

    @storage_errors()
    def verify(self, presented: str) -> KeyInfo | None:
        """The key's info if `presented` is a valid, unrevoked key; None otherwise."""
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        with Session(self._engine) as s:
            row = s.get(ApiKeyRow, parts[1])
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.key_hash, _hash(parts[2])):
            return None
        now = datetime.now(UTC)
        if row.last_used_at is None or now - _aware(row.last_used_at) > LAST_USED_EVERY:
            with Session(self._engine) as s, s.begin():
                s.execute(
                    update(ApiKeyRow).where(col(ApiKeyRow.id) == row.id).values(last_used_at=now)
                )
        return KeyInfo(row.id, row.role, row.label, row.created_at, False, now)  # type: ignore[arg-type]

    @storage_errors()
    def list(self) -> list[KeyInfo]:
        with Session(self._engine) as s:
            rows = s.exec(select(ApiKeyRow).order_by(col(ApiKeyRow.created_at))).all()
            return [
                KeyInfo(
                    r.id,
                    cast(Role, r.role),
                    r.label,
                    r.created_at,
                    r.revoked_at is not None,
                    r.last_used_at,
                )
                for r in rows
            ]

    @storage_errors()
    def open_session(self, key_id: str, idle: timedelta) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with Session(self._engine) as s, s.begin():
            s.execute(delete(WebSessionRow).where(col(WebSessionRow.last_seen) < now - idle))
            s.add(
                WebSessionRow(token_hash=_hash(token), key_id=key_id, created_at=now, last_seen=now)
            )
        return token

    @storage_errors()
    def session(self, token: str, idle: timedelta) -> KeyInfo | None:
        now = datetime.now(UTC)
        with Session(self._engine) as s, s.begin():
            row = s.get(WebSessionRow, _hash(token))
            if row is None:
                return None
            if now - _aware(row.last_seen) > idle:
                s.delete(row)
                return None
            key = s.get(ApiKeyRow, row.key_id)
            if key is None or key.revoked_at is not None:
                return None
            row.last_seen = now
            s.add(row)
            return KeyInfo(key.id, key.role, key.label, key.created_at, False)  # type: ignore[arg-type]

    @storage_errors()
    def close_session(self, token: str) -> None:
        with Session(self._engine) as s, s.begin():
            row = s.get(WebSessionRow, _hash(token))
            if row is not None:
                s.delete(row)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
