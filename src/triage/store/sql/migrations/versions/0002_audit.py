"""Audit log, feedback, API keys and rules snapshots.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rules_version",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("loaded_at", TS, nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
    )
    op.create_table(
        "api_key",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("need", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("service", sa.String(64), nullable=True),
        sa.Column("urgency", sa.String(32), nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("locale", sa.String(2), nullable=False),
        sa.Column("case_json", sa.Text(), nullable=False),
        sa.Column("decision_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_decision_created_at", "decision", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(36), sa.ForeignKey("decision.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("expected_service", sa.String(64), nullable=True),
        sa.Column("expected_urgency", sa.String(32), nullable=True),
    )
    op.create_index("ix_feedback_decision_id", "feedback", ["decision_id"])


def downgrade() -> None:
    for table in ("feedback", "decision", "api_key", "rules_version"):
        op.drop_table(table)
