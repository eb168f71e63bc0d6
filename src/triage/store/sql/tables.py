"""Database tables. The schema itself is created by the alembic migrations in migrations/."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

# a rules or catalog version: "sha256:" and 64 hex digits (16 before migration 0008)
VERSION_LENGTH = 80


class CatalogVersionRow(SQLModel, table=True):
    """Every catalog ever loaded, kept so that old decisions can be replayed."""

    __tablename__ = "catalog_version"
    version: str = Field(primary_key=True, max_length=VERSION_LENGTH)
    loaded_at: datetime
    document: str


class RulesVersionRow(SQLModel, table=True):
    """Every rules version that served decisions, with its files, so decisions can be replayed."""

    __tablename__ = "rules_version"
    version: str = Field(primary_key=True, max_length=VERSION_LENGTH)
    loaded_at: datetime
    files: str  # JSON {relative path: text}


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_key"
    id: str = Field(primary_key=True, max_length=16)
    role: str = Field(max_length=16)
    label: str = Field(default="", max_length=200)
    key_hash: str = Field(max_length=64)
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class WebSessionRow(SQLModel, table=True):
    """A signed-in staff page: the hash of the cookie's token, the key it stands for."""

    __tablename__ = "web_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    key_id: str = Field(max_length=16, index=True)
    created_at: datetime
    last_seen: datetime


class DecisionRow(SQLModel, table=True):
    """The audit log: one row per decision answered to a caller. Append-only."""

    __tablename__ = "decision"
    id: str = Field(primary_key=True, max_length=36)
    created_at: datetime = Field(index=True)
    key_id: str | None = Field(default=None, max_length=16)
    need: str = Field(max_length=64)
    status: str = Field(max_length=32)
    service: str | None = Field(default=None, max_length=64)
    urgency: str | None = Field(default=None, max_length=32)
    rules_version: str = Field(max_length=VERSION_LENGTH)
    catalog_version: str = Field(max_length=VERSION_LENGTH)
    seed: int
    locale: str = Field(max_length=2)
    case_json: str
    decision_json: str
    commit_by: datetime | None = None  # PostgreSQL refuses a later commit (migration 0004)
    contact_id: str | None = Field(default=None, index=True, max_length=36)


class ContactRow(SQLModel, table=True):
    """A contact with several needs: its validated input and its answer with the plan. Each
    need's decision is its own `decision` row carrying this id."""

    __tablename__ = "contact"
    id: str = Field(primary_key=True, max_length=36)
    created_at: datetime = Field(index=True)
    key_id: str | None = Field(default=None, max_length=16)
    rules_version: str = Field(max_length=VERSION_LENGTH)
    catalog_version: str = Field(max_length=VERSION_LENGTH)
    contact_json: str
    answer_json: str


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: str = Field(foreign_key="decision.id", index=True, max_length=36)
    created_at: datetime
    key_id: str | None = Field(default=None, max_length=16)
    verdict: str = Field(max_length=16)
    expected_service: str | None = Field(default=None, max_length=64)
    expected_urgency: str | None = Field(default=None, max_length=32)


class ActiveVersionRow(SQLModel, table=True):
    """The one active version of each kind (`rules`, `catalog`) that every worker serves."""

    __tablename__ = "active_version"
    kind: str = Field(primary_key=True, max_length=16)
    version: str = Field(max_length=VERSION_LENGTH)
    activated_at: datetime


class WorkerRow(SQLModel, table=True):
    """A serving process's heartbeat: what it serves, and since when it is alive."""

    __tablename__ = "worker"
    id: str = Field(primary_key=True, max_length=120)
    host: str = Field(max_length=255)
    pid: int
    rules_version: str = Field(max_length=VERSION_LENGTH)
    catalog_version: str = Field(max_length=VERSION_LENGTH)
    started_at: datetime
    last_seen: datetime = Field(index=True)
    error: str | None = None


class ListingRow(SQLModel, table=True):
    """One provider at one place of one decision's listing (written with the decision), so
    exposure reports are aggregated in SQL."""

    __tablename__ = "listing"
    decision_id: str = Field(foreign_key="decision.id", primary_key=True, max_length=36)
    rank: int = Field(primary_key=True)
    created_at: datetime = Field(index=True)
    provider_id: str = Field(max_length=64)
    ownership: str = Field(max_length=16)
    first: int
    expected_first: float
    exposure: float
    expected_exposure: float
