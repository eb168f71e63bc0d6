"""Catalog versions by content hash: every catalog ever loaded, kept for replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from triage.catalog.model import Catalog, Provider
from triage.store.sql.db import storage_errors
from triage.store.sql.tables import CatalogVersionRow


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)


class SqlCatalogStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cache: dict[str, Catalog] = {}  # versions are immutable

    @storage_errors(attempts=2, retry_conflicts=True)
    def save(self, catalog: Catalog) -> None:
        with Session(self._engine) as s, s.begin():
            if s.get(CatalogVersionRow, catalog.version) is None:
                s.add(
                    CatalogVersionRow(
                        version=catalog.version,
                        loaded_at=datetime.now(UTC),
                        document=json.dumps(catalog.to_document(), ensure_ascii=False),
                    )
                )

    @storage_errors()
    def get(self, version: str) -> Catalog | None:
        if version in self._cache:
            return self._cache[version]
        with Session(self._engine) as s:
            row = s.get(CatalogVersionRow, version)
        if row is None:
            return None
        data = json.loads(row.document)
        catalog = Catalog(tuple(Provider.model_validate(p) for p in data["providers"]), version)
        self._cache[version] = catalog
        return catalog

    @storage_errors()
    def versions(self) -> list[tuple[str, datetime]]:
        query = select(CatalogVersionRow.version, CatalogVersionRow.loaded_at)
        with Session(self._engine) as s:
            rows = s.exec(query.order_by(col(CatalogVersionRow.loaded_at))).all()
        return [(v, _aware(t)) for v, t in rows]
