"""Upgrading a database that already holds decisions and a current catalog (revision 0002)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, insert, text

from tests.helpers import DENTAL_FACTS
from triage.catalog.exposure import exposure_report
from triage.catalog.model import Catalog
from triage.domain.triage import Triage
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.db import MIGRATIONS, make_engine
from triage.store.sql.tables import CatalogVersionRow, DecisionRow


def test_0003_keeps_the_current_catalog_and_backfills_listings(
    database_url: str, full_triage: Triage, sample_catalog: Catalog
) -> None:
    old = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with old.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    decisions = [
        full_triage.decide(
            {
                "need": "dental",
                "client": {"age": 30, "municipality": m},
                "red_flags": [],
                "facts": DENTAL_FACTS,
            },
            seed=seed,
        )
        for seed, m in enumerate(["179", "077", "892", "179"])
    ]
    with old.begin() as conn:
        document = json.dumps(sample_catalog.to_document())
        conn.execute(
            insert(CatalogVersionRow).values(
                version=sample_catalog.version, loaded_at=datetime.now(UTC), document=document
            )
        )
        conn.execute(
            text('INSERT INTO "current_catalog" VALUES (1, :v)'), {"v": sample_catalog.version}
        )
        for d in decisions:
            conn.execute(
                insert(DecisionRow).values(
                    id=d.decision_id,
                    created_at=datetime.now(UTC),
                    need=d.need,
                    status=d.status,
                    rules_version=d.rules_version,
                    catalog_version=d.catalog_version,
                    seed=d.seed,
                    locale=d.locale,
                    case_json="{}",
                    decision_json=d.model_dump_json(),
                )
            )
    old.dispose()
    engine = make_engine(database_url)  # migrates to head
    with engine.connect() as conn:
        active = conn.execute(text("SELECT kind, version FROM active_version")).all()
        listed = conn.execute(text("SELECT count(*) FROM listing")).scalar_one()
    assert [tuple(r) for r in active] == [("catalog", sample_catalog.version)]
    assert listed == sum(len(d.providers) for d in decisions) > 0
    expected = exposure_report(
        [[(p.id, p.reason) for p in d.providers] for d in decisions],
        {p.id: p.ownership for p in sample_catalog.providers},
    )
    assert SqlAuditLog(engine).exposure(None, None).as_dict() == expected.as_dict()
    engine.dispose()
