"""SQL adapters (sqlmodel + alembic): the only code that talks to the database."""
