from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import CATALOG_FILE, RULES_DIR
from tests.helpers import DENTAL_FACTS
from triage.bootstrap import build_service
from triage.config import Settings
from triage.http.app import create_app
from triage.roles import ROLES
from triage.service.usecases import Service

CASE: dict[str, Any] = {
    "need": "dental",
    "client": {"age": 34, "municipality": "179", "languages": ["fi"]},
    "red_flags": [],
    "facts": DENTAL_FACTS,
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    return Settings(
        rules_dir=rules, catalog_file=CATALOG_FILE, database_url=f"sqlite:///{tmp_path / 'api.db'}"
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    service = build_service(settings)
    yield service
    service.close()


@pytest.fixture
def client(service: Service, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(service, rules_dir=settings.rules_dir)) as c:
        yield c


@pytest.fixture
def keys(service: Service) -> dict[str, str]:
    return {role: service.keys.create(role)[1] for role in ROLES}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
