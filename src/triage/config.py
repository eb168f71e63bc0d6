"""Settings, read from TRIAGE_* environment variables when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository's shipped files (src/triage/ -> repo root), used when nothing else is set.
REPO = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """`TRIAGE_DATABASE_URL` names the database: an SQLite file by default, or PostgreSQL
    (`postgresql+psycopg://user@host/db`)."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    rules_dir: Path = REPO / "rules"
    scenarios_dir: Path = REPO / "scenarios"
    catalog_file: Path = REPO / "catalog" / "sample.yaml"
    database_url: str = f"sqlite:///{REPO / 'var' / 'triage.db'}"
    # Serves POST /v1/_bench/echo (not in the contract) for bench/api.py's baseline.
    bench_echo: bool = False
