"""Wiring in one place: settings -> rules, engine, database, catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from triage.catalog import Catalog, load_catalog_file
from triage.config import Settings
from triage.service import Triage
from triage.store.catalog_repo import SqlCatalogRepository
from triage.store.db import make_engine


@dataclass
class App:
    settings: Settings
    engine: Engine
    catalogs: SqlCatalogRepository
    triage: Triage


def current_catalog(
    settings: Settings, catalogs: SqlCatalogRepository, services: Mapping[str, object]
) -> Catalog:
    """The database's current catalog; on first use, the configured catalog file is loaded."""
    catalog = catalogs.current()
    if catalog is None:
        catalog = load_catalog_file(settings.catalog_file, services)
        catalogs.replace(catalog)
    return catalog


def bootstrap(settings: Settings | None = None) -> App:
    settings = settings or Settings()
    triage = Triage.from_directory(settings.rules_dir)
    engine = make_engine(settings.database_url)
    catalogs = SqlCatalogRepository(engine)
    triage = triage.with_catalog(current_catalog(settings, catalogs, triage.rules.services))
    return App(settings, engine, catalogs, triage)
