"""Audit rows carry `commit_by`; on PostgreSQL a deferred trigger refuses to commit a row
after it, so a request answered 503 (its deadline passed) can never leave a row behind
when a frozen server resumes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column("decision", sa.Column("commit_by", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION triage_commit_by() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.commit_by IS NOT NULL AND clock_timestamp() > NEW.commit_by THEN
                RAISE EXCEPTION 'audit row % committed after its deadline', NEW.id
                    USING ERRCODE = 'query_canceled';
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE CONSTRAINT TRIGGER decision_commit_by AFTER INSERT ON decision
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION triage_commit_by()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER decision_commit_by ON decision")
        op.execute("DROP FUNCTION triage_commit_by()")
    op.drop_column("decision", "commit_by")
