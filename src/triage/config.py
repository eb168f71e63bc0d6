"""Settings, read from TRIAGE_* environment variables when asked for, never at import.

Each default is resolved in this order:
1. an explicit setting (`TRIAGE_RULES_DIR`, `TRIAGE_DATABASE_URL`, ...);
2. the working folder: `TRIAGE_HOME`, or the current directory when it holds `triage.toml`
   (`triage init DIR` writes one). Its `triage.toml` may set the same keys, paths relative
   to the folder, and its `rules/`, `scenarios/` and `catalog/` are used when present;
3. the shipped copy: in an installed package `triage/shipped/`, in a checkout its folders.
The database defaults to `var/triage.db` in the working folder, else to `triage.db` in the
per-user data folder (platformdirs: `~/.local/share/triage/` on Linux), never a path
inside the virtual environment or the checkout.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

SETTINGS_FILE = "triage.toml"
CHECKOUT = Path(__file__).resolve().parents[2]  # src/triage/ -> the checkout, in development


def working_folder() -> Path | None:
    home = os.environ.get("TRIAGE_HOME")
    if home:
        return Path(home).resolve()
    cwd = Path.cwd()
    return cwd if (cwd / SETTINGS_FILE).is_file() else None


def shipped(name: str) -> Path:
    """A shipped folder (`rules`, `scenarios`, `catalog`, `examples`): the installed
    package's copy, or the checkout's when running from one."""
    packaged = Path(str(resources.files("triage"))) / "shipped" / name
    return packaged if packaged.exists() else CHECKOUT / name


def _default(name: str) -> Path:
    home = working_folder()
    if home is not None and (home / name).exists():
        return home / name
    return shipped(name)


def _default_database() -> str:
    home = working_folder()
    folder = home / "var" if home is not None else Path(platformdirs.user_data_dir("triage"))
    return f"sqlite:///{folder / 'triage.db'}"


class Settings(BaseSettings):
    """`TRIAGE_DATABASE_URL` names the database: an SQLite file by default, or PostgreSQL
    (`postgresql+psycopg://user@host/db`)."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    rules_dir: Path = Field(default_factory=lambda: _default("rules"))
    scenarios_dir: Path = Field(default_factory=lambda: _default("scenarios"))
    catalog_file: Path = Field(default_factory=lambda: _default("catalog") / "sample.yaml")
    database_url: str = Field(default_factory=_default_database)
    # Serves POST /v1/_bench/echo (not in the contract) for bench/api.py's baseline.
    bench_echo: bool = False
    # Where the server writes the audit log: a process of its own per worker ("process"),
    # or a thread of the worker ("thread"). The command line always uses a thread.
    audit_writer: Literal["process", "thread"] = "process"
    # A decision lists at most this many providers and says how many more are eligible.
    max_providers: int = Field(default=20, ge=1, le=1000)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        home = working_folder()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if home is not None and (home / SETTINGS_FILE).is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, home / SETTINGS_FILE))
        return tuple(sources)

    @field_validator("rules_dir", "scenarios_dir", "catalog_file", mode="before")
    @classmethod
    def _relative_to_home(cls, value: Any) -> Any:
        home = working_folder()
        if isinstance(value, str | Path) and home is not None and not Path(value).is_absolute():
            return home / value
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _sqlite_relative_to_home(cls, value: Any) -> Any:
        home = working_folder()
        if isinstance(value, str) and value.startswith("sqlite:///") and home is not None:
            path = value.removeprefix("sqlite:///")
            if path != ":memory:" and not Path(path).is_absolute():
                return f"sqlite:///{home / path}"
        return value
