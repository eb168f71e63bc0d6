"""Catalog repository: the port, its SQL implementation and the in-memory fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from triage.catalog.model import Catalog, Provider
from triage.store.sql.tables import (
    CatalogVersionRow,
    CurrentCatalogRow,
    ProviderMunicipalityRow,
    ProviderRow,
    ProviderServiceRow,
)


class CatalogRepository(Protocol):
    def replace(self, catalog: Catalog) -> bool:
        """Make `catalog` current, atomically; False when it already was."""

    def current(self) -> Catalog | None: ...

    def by_version(self, version: str) -> Catalog | None: ...

    def find(self, *, service: str | None, municipality: str | None) -> list[Provider]: ...


def _catalog(document: str, version: str) -> Catalog:
    data = json.loads(document)
    return Catalog(tuple(Provider.model_validate(p) for p in data["providers"]), version)


class SqlCatalogRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def replace(self, catalog: Catalog) -> bool:
        with Session(self._engine) as s, s.begin():
            current = s.get(CurrentCatalogRow, 1)
            if current is not None and current.version == catalog.version:
                return False
            if s.get(CatalogVersionRow, catalog.version) is None:
                s.add(
                    CatalogVersionRow(
                        version=catalog.version,
                        loaded_at=datetime.now(UTC),
                        document=json.dumps(catalog.to_document(), ensure_ascii=False),
                    )
                )
            s.execute(delete(ProviderServiceRow))
            s.execute(delete(ProviderMunicipalityRow))
            s.execute(delete(ProviderRow))
            s.flush()
            for p in catalog.providers:
                s.add(
                    ProviderRow(
                        id=p.id,
                        ownership=p.ownership,
                        document=p.model_dump_json(exclude_none=True),
                    )
                )
            s.flush()
            for p in catalog.providers:
                s.add_all(ProviderServiceRow(provider_id=p.id, service=x) for x in p.services)
                s.add_all(
                    ProviderMunicipalityRow(provider_id=p.id, municipality=m)
                    for m in p.municipalities
                )
            if current is None:
                s.add(CurrentCatalogRow(slot=1, version=catalog.version))
            else:
                current.version = catalog.version
                s.add(current)
        return True

    def current(self) -> Catalog | None:
        with Session(self._engine) as s:
            current = s.get(CurrentCatalogRow, 1)
            if current is None:
                return None
            row = s.get(CatalogVersionRow, current.version)
            assert row is not None  # foreign key
            return _catalog(row.document, row.version)

    def by_version(self, version: str) -> Catalog | None:
        with Session(self._engine) as s:
            row = s.get(CatalogVersionRow, version)
            return _catalog(row.document, row.version) if row else None

    def find(self, *, service: str | None, municipality: str | None) -> list[Provider]:
        query = select(ProviderRow)
        if service is not None:
            query = query.where(
                col(ProviderRow.id).in_(
                    select(ProviderServiceRow.provider_id).where(
                        ProviderServiceRow.service == service
                    )
                )
            )
        if municipality is not None:
            query = query.where(
                col(ProviderRow.id).in_(
                    select(ProviderMunicipalityRow.provider_id).where(
                        ProviderMunicipalityRow.municipality == municipality
                    )
                )
            )
        with Session(self._engine) as s:
            rows = s.exec(query.order_by(col(ProviderRow.id))).all()
            return [Provider.model_validate_json(r.document) for r in rows]


class InMemoryCatalogRepository:
    """The fake: same behaviour, no database."""

    def __init__(self) -> None:
        self._versions: dict[str, Catalog] = {}
        self._current: str | None = None

    def replace(self, catalog: Catalog) -> bool:
        if self._current == catalog.version:
            return False
        self._versions.setdefault(catalog.version, catalog)
        self._current = catalog.version
        return True

    def current(self) -> Catalog | None:
        return self._versions[self._current] if self._current else None

    def by_version(self, version: str) -> Catalog | None:
        return self._versions.get(version)

    def find(self, *, service: str | None, municipality: str | None) -> list[Provider]:
        catalog = self.current()
        if catalog is None:
            return []
        return sorted(
            (
                p
                for p in catalog.providers
                if (service is None or service in p.services)
                and (municipality is None or municipality in p.municipalities)
            ),
            key=lambda p: p.id,
        )
