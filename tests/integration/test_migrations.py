"""Upgrading a database that already holds decisions and a current catalog (revision 0002)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, insert, text

from tests.helpers import DENTAL_FACTS
from triage.catalog.exposure import exposure_report
from triage.catalog.model import Catalog
from triage.domain.decider import Triage
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.db import MIGRATIONS, make_engine
from triage.store.sql.tables import CatalogVersionRow, DecisionRow


def migrated_to(database_url: str, revision: str) -> Engine:
    """An engine on a database whose schema is at `revision` (as an older release left it)."""
    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine


def test_0003_keeps_the_current_catalog_and_backfills_listings(
    database_url: str, full_triage: Triage, sample_catalog: Catalog
) -> None:
    old = migrated_to(database_url, "0002")
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
    catalog_version = sample_catalog.version[:23]  # as ids were then: 16 hex digits
    with old.begin() as conn:
        document = json.dumps(sample_catalog.to_document())
        conn.execute(
            insert(CatalogVersionRow).values(
                version=catalog_version, loaded_at=datetime.now(UTC), document=document
            )
        )
        conn.execute(text('INSERT INTO "current_catalog" VALUES (1, :v)'), {"v": catalog_version})
        for d in decisions:
            conn.execute(
                insert(DecisionRow).values(
                    id=d.decision_id,
                    created_at=datetime.now(UTC),
                    need=d.need,
                    status=d.status,
                    rules_version=d.rules_version[:23],
                    catalog_version=catalog_version,
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
    assert [tuple(r) for r in active] == [("catalog", catalog_version)]
    assert listed == sum(len(d.providers) for d in decisions) > 0
    expected = exposure_report(
        [[(p.id, p.reason) for p in d.providers] for d in decisions],
        {p.id: p.ownership for p in sample_catalog.providers},
    )
    assert SqlAuditLog(engine).exposure(None, None).as_dict() == expected.as_dict()
    engine.dispose()


def test_0008_full_versions_and_old_16_digit_ids_still_resolve(
    database_url: str, sample_catalog: Catalog
) -> None:
    """A database from before full SHA-256 versions: its rules and catalog stored and
    active under 16-digit ids. After the upgrade it serves them under those ids, decides
    and replays with them; the same content published again gets its whole digest, and
    both ids resolve."""
    from tests.conftest import CATALOG_FILE, RULES_DIR
    from triage.bootstrap import build_service
    from triage.config import Settings
    from triage.rules.loader import read_rule_files
    from triage.service.reports import replay
    from triage.store.sql.tables import ActiveVersionRow, RulesVersionRow

    files = read_rule_files(RULES_DIR)
    old = migrated_to(database_url, "0007")
    now = datetime.now(UTC)
    short_rules, short_catalog = "sha256:0123456789abcdef", sample_catalog.version[:23]
    with old.begin() as conn:
        conn.execute(
            insert(RulesVersionRow).values(
                version=short_rules, loaded_at=now, files=json.dumps(files)
            )
        )
        document = json.dumps(sample_catalog.to_document())
        conn.execute(
            insert(CatalogVersionRow).values(
                version=short_catalog, loaded_at=now, document=document
            )
        )
        for kind, version in (("rules", short_rules), ("catalog", short_catalog)):
            conn.execute(
                insert(ActiveVersionRow).values(kind=kind, version=version, activated_at=now)
            )
    old.dispose()
    settings = Settings(rules_dir=RULES_DIR, catalog_file=CATALOG_FILE, database_url=database_url)
    service = build_service(settings)  # migrates to head; serves what is active
    try:
        assert service.current.rules.version == short_rules
        assert service.current.catalog.version == short_catalog
        case = {"need": "dental", "client": {"age": 30, "municipality": "179"},
                "red_flags": [], "facts": DENTAL_FACTS}  # fmt: skip
        made = service.decide(case, locale=None, key_id=None)
        assert (made.rules_version, made.catalog_version) == (short_rules, short_catalog)
        assert replay(service, made.decision_id).identical
        full = service.publish_rules(files)  # the same content: its whole digest now
        assert len(full) == len("sha256:") + 64 and full.startswith("sha256:")
        service.refresh()
        again = service.decide(case, locale=None, key_id=None)
        assert again.rules_version == full and service.rules.get(full) == files
        assert service.triage_for(short_rules, short_catalog).rules.version == short_rules
        assert replay(service, made.decision_id).identical  # still its own 16-digit rules
    finally:
        service.close()
