"""The same repository tests on SQLite, on PostgreSQL and on the in-memory fake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from tests.conftest import postgres_url
from triage.catalog.model import Catalog, build_catalog
from triage.rules.model import RuleSet
from triage.store.sql.catalogs import (
    CatalogRepository,
    InMemoryCatalogRepository,
    SqlCatalogRepository,
)
from triage.store.sql.db import make_engine


@pytest.fixture(params=["sqlite", "postgresql", "fake"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogRepository]:
    if request.param == "fake":
        yield InMemoryCatalogRepository()
        return
    url = f"sqlite:///{tmp_path / 'triage.db'}" if request.param == "sqlite" else postgres_url()
    engine: Engine = make_engine(url)
    yield SqlCatalogRepository(engine)
    engine.dispose()


def smaller(sample: Catalog, rules: RuleSet) -> Catalog:
    doc = sample.to_document()
    doc["providers"] = doc["providers"][:3]
    return build_catalog(doc, rules.services)


def test_empty_database_has_no_catalog(repo: CatalogRepository) -> None:
    assert repo.current() is None


def test_replace_is_idempotent_and_keeps_versions(
    repo: CatalogRepository, sample_catalog: Catalog, rules: RuleSet
) -> None:
    assert repo.replace(sample_catalog) is True
    assert repo.replace(sample_catalog) is False
    current = repo.current()
    assert current is not None and current.version == sample_catalog.version
    assert [p.id for p in current.providers] == [p.id for p in sample_catalog.providers]
    assert current.providers == sample_catalog.providers

    small = smaller(sample_catalog, rules)
    assert repo.replace(small) is True
    assert repo.current() == small
    old = repo.by_version(sample_catalog.version)  # kept for replaying old decisions
    assert old is not None and old.providers == sample_catalog.providers
    assert repo.by_version("sha256:nope") is None
    assert repo.replace(sample_catalog) is True  # back to an earlier version


def test_find_by_service_and_municipality(repo: CatalogRepository, sample_catalog: Catalog) -> None:
    repo.replace(sample_catalog)
    dental_077 = [p.id for p in repo.find(service="dental_booking", municipality="077")]
    assert dental_077 == ["hankasalmi-health-station", "hymyhammas-dental"]
    assert len(repo.find(service=None, municipality=None)) == len(sample_catalog.providers)
    assert repo.find(service="kela_guidance", municipality="999") == []


def test_replace_is_atomic(database_url: str, sample_catalog: Catalog) -> None:
    engine = make_engine(database_url)
    repo = SqlCatalogRepository(engine)
    repo.replace(sample_catalog)
    broken = Catalog(sample_catalog.providers + sample_catalog.providers[:1], "sha256:broken")
    with pytest.raises(IntegrityError):  # duplicate primary key inside the transaction
        repo.replace(broken)
    current = repo.current()
    assert current is not None and current.version == sample_catalog.version
    assert len(repo.find(service=None, municipality=None)) == len(sample_catalog.providers)
    engine.dispose()


def test_migrations_run_once_and_survive_a_second_engine(
    database_url: str, sample_catalog: Catalog
) -> None:
    first = make_engine(database_url)
    SqlCatalogRepository(first).replace(sample_catalog)
    second = make_engine(database_url)
    assert SqlCatalogRepository(second).current() is not None
    first.dispose()
    second.dispose()


def test_sqlite_file_is_created_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "dir" / "t.db"
    engine = make_engine(f"sqlite:///{target}")
    assert target.exists()
    engine.dispose()
