"""The only composition root: settings -> database engine -> adapters -> service.

Nothing else reads settings or opens the database. The HTTP app and the CLI ask here for
a service; tests build one from the fakes in `store.fakes` instead.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from triage.catalog.model import load_catalog_file
from triage.config import Settings
from triage.rules.loader import read_rule_files
from triage.service.core import Service
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.catalogs import SqlCatalogStore
from triage.store.sql.db import make_engine
from triage.store.sql.fleet import SqlFleet
from triage.store.sql.keys import SqlKeyStore
from triage.store.sql.rules import SqlRulesStore
from triage.store.sql.versions import SqlVersions


class SqlHealth:
    """`ping` answers within `budget` seconds whatever the database does: the probe runs in
    a thread of its own, one at a time; a probe still out counts as unavailable."""

    def __init__(self, engine: Engine, budget: float = 0.8) -> None:
        self._engine = engine
        self._budget = budget
        self._lock = threading.Lock()
        self._probe: threading.Thread | None = None
        self._last = False

    def _check(self) -> None:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            self._last = True
        except SQLAlchemyError:
            self._last = False

    def ping(self) -> bool:
        with self._lock:
            if self._probe is None or not self._probe.is_alive():
                self._probe = threading.Thread(target=self._check, daemon=True)
                self._probe.start()
            probe = self._probe
        probe.join(self._budget)
        return False if probe.is_alive() else self._last


def build_service(
    settings: Settings | None = None, *, defaults: bool = True, sample_catalog: bool = True
) -> Service:
    """A service on the configured database, serving its active versions. With `defaults`,
    a database with none yet gets the configured rule directory and (with `sample_catalog`)
    the configured catalog file first."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    service = Service(
        audit=SqlAuditLog(engine),
        rules=SqlRulesStore(engine),
        catalogs=SqlCatalogStore(engine),
        versions=SqlVersions(engine),
        keys=SqlKeyStore(engine),
        fleet=SqlFleet(engine),
        health=SqlHealth(engine),
    )
    if defaults:
        publish_defaults(service, settings, catalog=sample_catalog)
    else:
        service.refresh()
    return service


def publish_defaults(service: Service, settings: Settings, *, catalog: bool = True) -> None:
    """First start: publish the rule directory and load the catalog file, then serve."""
    active = service.versions.active()
    if "rules" not in active:
        files = read_rule_files(settings.rules_dir)
        service.publish_rules(files, root=settings.rules_dir)
    service.refresh()
    if catalog and "catalog" not in active:
        loaded = load_catalog_file(settings.catalog_file, service.current.rules.services)
        service.load_catalog(loaded)
    service.refresh()


def create_app() -> object:
    """The uvicorn factory: the HTTP app on the configured service."""
    from triage.http import logpolicy
    from triage.http.app import create_app as app_for

    logpolicy.install()
    settings = Settings()
    return app_for(
        build_service(settings), rules_dir=settings.rules_dir, bench_echo=settings.bench_echo
    )
