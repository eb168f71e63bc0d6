"""Active version pointers, worker heartbeats, listing roll-ups; one source of truth for
the catalog (the provider tables that duplicated the current catalog are dropped).

Revision ID: 0003
Revises: 0002
"""

import json
import math
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    active = op.create_table(
        "active_version",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("activated_at", TS, nullable=False),
    )
    conn = op.get_bind()
    current = conn.execute(sa.text('SELECT version FROM "current_catalog" WHERE slot = 1')).first()
    if current is not None:
        op.bulk_insert(
            active,
            [{"kind": "catalog", "version": current[0], "activated_at": datetime.now(UTC)}],
        )
    for table in ("provider_municipality", "provider_service", "provider", "current_catalog"):
        op.drop_table(table)
    op.create_table(
        "worker",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_worker_last_seen", "worker", ["last_seen"])
    op.create_table(
        "listing",
        sa.Column("decision_id", sa.String(36), sa.ForeignKey("decision.id"), primary_key=True),
        sa.Column("rank", sa.Integer(), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("ownership", sa.String(16), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("expected_first", sa.Float(), nullable=False),
        sa.Column("exposure", sa.Float(), nullable=False),
        sa.Column("expected_exposure", sa.Float(), nullable=False),
    )
    op.create_index("ix_listing_created_at", "listing", ["created_at"])
    _backfill(conn)


def _backfill(conn: sa.Connection) -> None:
    """Listing rows for decisions recorded before this revision (same arithmetic as
    triage.catalog.exposure.positions, written out so the migration never changes)."""
    rows = conn.execute(sa.text("SELECT id, created_at, decision_json FROM decision"))
    batch = []
    for decision_id, created_at, document in rows:
        shown = [(p["id"], p["reason"], p["ownership"]) for p in json.loads(document)["providers"]]
        start = 0
        while start < len(shown):
            end = start
            while end < len(shown) and shown[end][1] == shown[start][1]:
                end += 1
            size = end - start
            mean = sum(1 / math.log2(2 + r) for r in range(start, end)) / size
            for rank in range(start + 1, end + 1):
                pid, _, ownership = shown[rank - 1]
                batch.append(
                    {
                        "decision_id": decision_id,
                        "rank": rank,
                        "created_at": created_at,
                        "provider_id": pid,
                        "ownership": ownership,
                        "first": int(rank == 1),
                        "expected_first": 1 / size if start == 0 else 0.0,
                        "exposure": 1 / math.log2(1 + rank),
                        "expected_exposure": mean,
                    }
                )
            start = end
    if batch:  # plain SQL: created_at passes through exactly as the decision row holds it
        conn.execute(
            sa.text(
                "INSERT INTO listing (decision_id, rank, created_at, provider_id, ownership, "
                "first, expected_first, exposure, expected_exposure) VALUES (:decision_id, "
                ":rank, :created_at, :provider_id, :ownership, :first, :expected_first, "
                ":exposure, :expected_exposure)"
            ),
            batch,
        )


def downgrade() -> None:
    raise NotImplementedError("0003 dropped the duplicate provider tables; restore a backup")
