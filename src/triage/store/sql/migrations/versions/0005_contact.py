"""Contacts: one client with several needs. Each need's decision stays its own audit row,
carrying the contact's id; the contact row keeps the validated input and the answer (with
its plan) so that it can be read back and replayed.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", TS, nullable=False, index=True),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("contact_json", sa.Text(), nullable=False),
        sa.Column("answer_json", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("contact_id", sa.String(36), nullable=True))
        batch.create_index("ix_decision_contact_id", ["contact_id"])


def downgrade() -> None:
    with op.batch_alter_table("decision") as batch:
        batch.drop_index("ix_decision_contact_id")
        batch.drop_column("contact_id")
    op.drop_table("contact")
