"""The only composition root: settings -> database engine -> adapters -> service.

Nothing else reads settings or opens the database. The HTTP app and the CLI ask here for
a service; tests build one from the fakes in `store.fakes` instead.
"""

from __future__ import annotations

from triage.catalog.model import load_catalog_file
from triage.config import Settings
from triage.domain.decider import Triage
from triage.rules.loader import read_rule_files
from triage.service.usecases import Service
from triage.store.sql.audit import SqlAuditLog, Writer
from triage.store.sql.catalogs import SqlCatalogStore
from triage.store.sql.db import make_engine
from triage.store.sql.fleet import SqlFleet
from triage.store.sql.health import SqlHealth
from triage.store.sql.keys import SqlKeyStore
from triage.store.sql.rules import SqlRulesStore
from triage.store.sql.versions import SqlVersions


def build_service(
    settings: Settings | None = None,
    *,
    defaults: bool = True,
    sample_catalog: bool = True,
    audit_writer: Writer = "thread",
) -> Service:
    """A service on the configured database, serving its active versions. With `defaults`,
    a database with none yet gets the configured rule directory and (with `sample_catalog`)
    the configured catalog file first. `audit_writer`: see SqlAuditLog."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    service = Service(
        audit=SqlAuditLog(engine, audit_writer),
        rules=SqlRulesStore(engine),
        catalogs=SqlCatalogStore(engine),
        versions=SqlVersions(engine),
        keys=SqlKeyStore(engine),
        fleet=SqlFleet(engine),
        health=SqlHealth(engine),
        make_triage=lambda rules, catalog: Triage.from_rules(
            rules, catalog, settings.max_providers
        ),
        release=engine.dispose,
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


def app_from_settings() -> object:
    """The uvicorn factory: the HTTP app on the configured service."""
    from triage.http import logpolicy
    from triage.http.app import create_app as app_for

    logpolicy.install()
    settings = Settings()
    service = build_service(settings, audit_writer=settings.audit_writer)
    return app_for(service, rules_dir=settings.rules_dir, bench_echo=settings.bench_echo)


def serve(host: str, port: int, workers: int) -> None:
    """Run the HTTP API with uvicorn (`triage serve`): the database migrated and the
    defaults published once, before the workers start; each worker builds its app here."""
    import uvicorn

    from triage.http.protocol import NoDelayH11Protocol

    build_service()
    uvicorn.run(
        "triage.bootstrap:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,  # the log policy: decision ids, never requests
        limit_concurrency=256,  # beyond: 503 at once rather than a growing queue
        backlog=2048,
        timeout_keep_alive=5,  # idle connections are closed
        timeout_graceful_shutdown=15,
        h11_max_incomplete_event_size=16 * 1024,  # headers larger than this: 400
        http=NoDelayH11Protocol,  # TCP_NODELAY with --workers N too (see the module)
    )


def openapi_document(settings: Settings) -> dict[str, object]:
    """The HTTP API's OpenAPI document for the configured rules (on a scratch database)."""
    import tempfile

    from triage.http.app import create_app as app_for

    with tempfile.TemporaryDirectory() as tmp:
        config = settings.model_copy(update={"database_url": f"sqlite:///{tmp}/openapi.db"})
        return app_for(build_service(config)).openapi()
