"""The same store contract on SQLite, on PostgreSQL and on the in-memory fakes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import postgres_url
from triage.catalog.model import Catalog, build_catalog
from triage.errors import NotFoundError
from triage.rules.model import RuleSet
from triage.store.fakes import (
    InMemoryCatalogStore,
    InMemoryFleet,
    InMemoryRulesStore,
    InMemoryVersions,
)
from triage.store.ports import CatalogStore, Fleet, RulesStore, Versions, WorkerState
from triage.store.sql.catalogs import SqlCatalogStore
from triage.store.sql.db import make_engine
from triage.store.sql.fleet import SqlFleet
from triage.store.sql.rules import SqlRulesStore
from triage.store.sql.versions import SqlVersions


@dataclass
class Stores:
    catalogs: CatalogStore
    rules: RulesStore
    versions: Versions
    fleet: Fleet


@pytest.fixture(params=["sqlite", "postgresql", "fake"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "fake":
        rules, catalogs = InMemoryRulesStore(), InMemoryCatalogStore()
        yield Stores(catalogs, rules, InMemoryVersions(rules, catalogs), InMemoryFleet())
        return
    url = f"sqlite:///{tmp_path / 'triage.db'}" if request.param == "sqlite" else postgres_url()
    engine = make_engine(url)
    versions = SqlVersions(engine)
    yield Stores(SqlCatalogStore(engine), SqlRulesStore(engine), versions, SqlFleet(engine))
    versions.close()
    engine.dispose()


def smaller(sample: Catalog, rules: RuleSet) -> Catalog:
    doc = sample.to_document()
    doc["providers"] = doc["providers"][:3]
    return build_catalog(doc, rules.services)


def test_a_new_store_has_nothing_active(stores: Stores) -> None:
    assert stores.versions.active() == {}
    assert stores.catalogs.versions() == []


def test_versions_are_kept_and_one_is_active(
    stores: Stores, sample_catalog: Catalog, rules: RuleSet
) -> None:
    small = smaller(sample_catalog, rules)
    for catalog in (sample_catalog, sample_catalog, small):
        stores.catalogs.save(catalog)  # saving twice is harmless
    assert [v for v, _ in stores.catalogs.versions()] == [sample_catalog.version, small.version]
    got = stores.catalogs.get(sample_catalog.version)
    assert got is not None and got.providers == sample_catalog.providers
    assert stores.catalogs.get("sha256:nope") is None

    assert stores.versions.activate("catalog", sample_catalog.version) is True
    assert stores.versions.activate("catalog", sample_catalog.version) is False
    assert stores.versions.activate("catalog", small.version) is True
    assert stores.versions.active() == {"catalog": small.version}
    assert stores.versions.activate("catalog", sample_catalog.version) is True  # rollback


def test_only_stored_versions_can_be_activated(stores: Stores) -> None:
    with pytest.raises(NotFoundError):
        stores.versions.activate("rules", "sha256:never-published")
    stores.rules.save("sha256:r1", {"common.yaml": "x"})
    assert stores.versions.activate("rules", "sha256:r1") is True
    assert stores.rules.get("sha256:r1") == {"common.yaml": "x"}
    assert stores.versions.active() == {"rules": "sha256:r1"}


def test_fleet_lists_live_workers_only(stores: Stores) -> None:
    now = datetime.now(UTC)

    def state(wid: str, seen: datetime) -> WorkerState:
        return WorkerState(wid, "host", 1, "r", "c", now - timedelta(minutes=5), seen)

    stores.fleet.beat(state("a", now))
    stores.fleet.beat(state("b", now - timedelta(seconds=60)))  # stopped beating
    stores.fleet.beat(state("a", now))  # a second beat updates, never duplicates
    assert [w.id for w in stores.fleet.live(5)] == ["a"]
    stores.fleet.leave("a")
    assert stores.fleet.live(5) == []


def test_versions_wait_returns_within_its_timeout(stores: Stores) -> None:
    import time

    start = time.monotonic()
    stores.versions.wait(0.2)
    assert time.monotonic() - start < 3


def test_migrations_run_once_and_survive_a_second_engine(
    database_url: str, sample_catalog: Catalog
) -> None:
    first = make_engine(database_url)
    SqlCatalogStore(first).save(sample_catalog)
    second = make_engine(database_url)
    assert SqlCatalogStore(second).get(sample_catalog.version) is not None
    first.dispose()
    second.dispose()


def test_sqlite_file_is_created_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "dir" / "t.db"
    engine = make_engine(f"sqlite:///{target}")
    assert target.exists()
    engine.dispose()


def test_postgresql_activation_wakes_a_waiting_worker_at_once() -> None:
    """LISTEN/NOTIFY: a worker waiting up to 10 s hears of an activation far sooner."""
    import threading
    import time

    url = postgres_url()
    waiter_engine, writer_engine = make_engine(url), make_engine(url)
    waiting, writer = SqlVersions(waiter_engine), SqlVersions(writer_engine)
    SqlRulesStore(writer_engine).save("sha256:r1", {"common.yaml": "x"})
    waiting.wait(0.01)  # LISTEN is in place from here on
    woke: list[float] = []

    def wait() -> None:
        start = time.monotonic()
        waiting.wait(10)
        woke.append(time.monotonic() - start)

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.3)
    writer.activate("rules", "sha256:r1")
    thread.join(timeout=15)
    assert woke and woke[0] < 5  # polling alone would have slept the full 10 s
    waiting.close()
    waiter_engine.dispose()
    writer_engine.dispose()
