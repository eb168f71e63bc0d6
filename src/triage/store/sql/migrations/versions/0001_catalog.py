"""Provider catalog: versions kept for replay, current providers queryable.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "catalog_version",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    )
    op.create_table(
        "current_catalog",
        sa.Column("slot", sa.Integer(), primary_key=True),
        sa.Column(
            "version", sa.String(64), sa.ForeignKey("catalog_version.version"), nullable=False
        ),
    )
    op.create_table(
        "provider",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("ownership", sa.String(16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    )
    op.create_table(
        "provider_service",
        sa.Column("provider_id", sa.String(64), sa.ForeignKey("provider.id"), primary_key=True),
        sa.Column("service", sa.String(64), primary_key=True),
    )
    op.create_index("ix_provider_service_service", "provider_service", ["service"])
    op.create_table(
        "provider_municipality",
        sa.Column("provider_id", sa.String(64), sa.ForeignKey("provider.id"), primary_key=True),
        sa.Column("municipality", sa.String(3), primary_key=True),
    )
    op.create_index(
        "ix_provider_municipality_municipality", "provider_municipality", ["municipality"]
    )


def downgrade() -> None:
    for table in (
        "provider_municipality",
        "provider_service",
        "provider",
        "current_catalog",
        "catalog_version",
    ):
        op.drop_table(table)
