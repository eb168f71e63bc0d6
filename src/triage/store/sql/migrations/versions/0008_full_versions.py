"""Rules and catalog versions are whole SHA-256 digests ("sha256:" and 64 hex digits, 71
characters): every column that holds one is widened to 80. Versions stored before keep
their 16-digit ids, under which they still resolve (decisions name them so).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"

COLUMNS = {
    "catalog_version": ["version"],
    "rules_version": ["version"],
    "active_version": ["version"],
    "decision": ["rules_version", "catalog_version"],
    "contact": ["rules_version", "catalog_version"],
    "worker": ["rules_version", "catalog_version"],
}


def _resize(length: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # SQLite keeps text of any length (and a table copy would trip its keys)
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String(length), existing_nullable=False)


def upgrade() -> None:
    _resize(80)


def downgrade() -> None:
    _resize(64)
