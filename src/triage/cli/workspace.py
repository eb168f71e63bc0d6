"""`triage init`: a working folder that rule authors and operators edit and version."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from triage.config import SETTINGS_FILE, shipped

SETTINGS = """\
# Settings of this triage working folder. triage reads this file when it runs in this
# folder (or when TRIAGE_HOME names it); TRIAGE_* environment variables win over it.
# Paths are relative to this folder.
rules_dir = "rules"
scenarios_dir = "scenarios"
catalog_file = "catalog/sample.yaml"
database_url = "sqlite:///var/triage.db"
# database_url = "postgresql+psycopg://triage@db.example/triage"
"""


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write a working folder: the shipped rules, scenarios and sample catalog, and a
    triage.toml. Then, in it: triage check, triage test, triage serve."""
    if directory.exists() and any(directory.iterdir()):
        click.echo(f"error: {directory}: not empty; give a new or empty folder", err=True)
        sys.exit(2)
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("rules", "scenarios", "catalog"):
        shutil.copytree(shipped(name), directory / name)
    (directory / SETTINGS_FILE).write_text(SETTINGS, encoding="utf-8")
    (directory / ".gitignore").write_text("var/\n", encoding="utf-8")
    click.echo(f"{directory}: rules/, scenarios/, catalog/ and {SETTINGS_FILE} written")
    click.echo(f"next: cd {directory} && triage check && triage test")


COMMANDS = (init,)
