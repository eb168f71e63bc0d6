"""The `triage` command for staff, integrators, rule authors and operators."""

from __future__ import annotations

import click

from triage import __version__
from triage.cli import authors, cases, catalogs, operators, workspace
from triage.cli.common import TriageGroup


@click.group(cls=TriageGroup)
@click.version_option(__version__, prog_name="triage")
def main() -> None:
    """Rule-based client needs triage for social and health service guidance."""


for command in (
    *cases.COMMANDS,
    *authors.COMMANDS,
    *operators.COMMANDS,
    *catalogs.COMMANDS,
    *workspace.COMMANDS,
):
    main.add_command(command)
