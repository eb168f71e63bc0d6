"""Database tables. The schema itself is created by the alembic migrations in migrations/."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class CatalogVersionRow(SQLModel, table=True):
    """Every catalog ever loaded, kept so that old decisions can be replayed."""

    __tablename__ = "catalog_version"
    version: str = Field(primary_key=True, max_length=64)
    loaded_at: datetime
    document: str


class CurrentCatalogRow(SQLModel, table=True):
    __tablename__ = "current_catalog"
    slot: int = Field(default=1, primary_key=True)
    version: str = Field(foreign_key="catalog_version.version", max_length=64)


class ProviderRow(SQLModel, table=True):
    """The current catalog's providers, queryable by service and municipality."""

    __tablename__ = "provider"
    id: str = Field(primary_key=True, max_length=64)
    ownership: str = Field(max_length=16)
    document: str


class ProviderServiceRow(SQLModel, table=True):
    __tablename__ = "provider_service"
    provider_id: str = Field(foreign_key="provider.id", primary_key=True, max_length=64)
    service: str = Field(primary_key=True, index=True, max_length=64)


class ProviderMunicipalityRow(SQLModel, table=True):
    __tablename__ = "provider_municipality"
    provider_id: str = Field(foreign_key="provider.id", primary_key=True, max_length=64)
    municipality: str = Field(primary_key=True, index=True, max_length=3)


class RulesVersionRow(SQLModel, table=True):
    """Every rules version that served decisions, with its files, so decisions can be replayed."""

    __tablename__ = "rules_version"
    version: str = Field(primary_key=True, max_length=64)
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
    rules_version: str = Field(max_length=64)
    catalog_version: str = Field(max_length=64)
    seed: int
    locale: str = Field(max_length=2)
    case_json: str
    decision_json: str


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    id: int | None = Field(default=None, primary_key=True)
    decision_id: str = Field(foreign_key="decision.id", index=True, max_length=36)
    created_at: datetime
    key_id: str | None = Field(default=None, max_length=16)
    verdict: str = Field(max_length=16)
    expected_service: str | None = Field(default=None, max_length=64)
    expected_urgency: str | None = Field(default=None, max_length=32)
