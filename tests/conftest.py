from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from triage.catalog.model import Catalog, load_catalog_file
from triage.domain.decider import Triage
from triage.engine.checked import load_checked_rules
from triage.engine.policy import PythonEvaluator
from triage.rules.model import RuleSet

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "rules"
SCENARIOS_DIR = ROOT / "scenarios"


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_checked_rules(RULES_DIR)


@pytest.fixture(scope="session")
def engine_triage() -> Triage:
    """The real thing: shipped rules on durable_rules."""
    return Triage.from_directory(RULES_DIR)


@pytest.fixture(scope="session")
def python_triage(rules: RuleSet) -> Triage:
    """Shipped rules on the plain-Python evaluator (no durable_rules)."""
    return Triage(rules=rules, evaluator=PythonEvaluator(rules))


RULES_V2_DIR = ROOT / "tests" / "fixtures" / "rules_v2"  # the rules shipped before policy 3


@pytest.fixture(scope="session")
def rules_v2() -> RuleSet:
    """The last rule set of routing policy v2: still served and replayed exactly (S0)."""
    return load_checked_rules(RULES_V2_DIR)


@pytest.fixture(scope="session")
def python_triage_v2(rules_v2: RuleSet) -> Triage:
    return Triage(rules=rules_v2, evaluator=PythonEvaluator(rules_v2))


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules, for tests that break them."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


CATALOG_FILE = ROOT / "catalog" / "sample.yaml"


@pytest.fixture(scope="session")
def sample_catalog(rules: RuleSet) -> Catalog:
    return load_catalog_file(CATALOG_FILE, rules.services)


@pytest.fixture(scope="session")
def full_triage(engine_triage: Triage, sample_catalog: Catalog) -> Triage:
    """Shipped rules on durable_rules with the sample catalog."""
    return engine_triage.with_catalog(sample_catalog)


# --- databases ----------------------------------------------------------------------------

PG_ENV = "TRIAGE_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """A PostgreSQL URL in a fresh schema, or skip (fail under CI) when no server answers."""
    import uuid

    import sqlalchemy as sa

    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set in CI: the PostgreSQL tests must run")
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {url} did not answer in CI: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: no server answers at {url}")
    _PG_SCHEMAS.append((url, schema))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


_PG_SCHEMAS: list[tuple[str, str]] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import sqlalchemy as sa

    for url, schema in _PG_SCHEMAS:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triage.db'}"
    return postgres_url()
