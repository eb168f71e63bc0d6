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
