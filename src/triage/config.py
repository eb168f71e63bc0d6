"""Settings, read from TRIAGE_* environment variables when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository's shipped rules (src/triage/ -> repo root), used when nothing else is set.
_REPO = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    rules_dir: Path = _REPO / "rules"
    scenarios_dir: Path = _REPO / "scenarios"
