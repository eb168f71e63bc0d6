"""Storage: sqlmodel tables, alembic migrations, repositories (SQL and in-memory)."""
