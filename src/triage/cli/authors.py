"""Commands for rule authors: check, test, diff, and publishing rules versions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from triage.authoring.check import check_directory
from triage.authoring.diff import diff_rules
from triage.authoring.scenarios import (
    coverage_table,
    format_failure,
    junit_xml,
    load_scenarios,
    report_json,
    run_scenarios,
)
from triage.catalog.municipalities import CENTRAL_FINLAND, municipality_codes
from triage.catalog.network import network as build_network
from triage.cli.common import (
    catalog_option,
    rules_option,
    settings,
    triage_with_catalog,
)
from triage.engine.checked import check_rule_files, load_checked_rules
from triage.errors import RuleFileError
from triage.rules.loader import read_rule_files


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the results as JUnit XML to this file.",
)
@click.option(
    "--coverage/--no-coverage", default=True, help="Per-rule true/won counts (text format)."
)
@rules_option
@catalog_option
def test(
    paths: tuple[Path, ...],
    fmt: str,
    junit: Path | None,
    coverage: bool,
    rules_dir: Path | None,
    catalog_file: Path | None,
) -> None:
    """Run scenario files; show expected-vs-got for failures and rules no scenario exercises.
    Providers and `route_to` come from the catalog file (default: the sample catalog)."""
    triage = triage_with_catalog(rules_dir, catalog_file or settings().catalog_file)
    scenarios = load_scenarios(paths or [settings().scenarios_dir])
    if not scenarios:
        click.echo("error: no scenarios found", err=True)
        sys.exit(2)
    report = run_scenarios(triage, scenarios)
    if junit is not None:
        junit.write_text(junit_xml(report), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2, default=str))
        sys.exit(1 if report.failed else 0)
    for result in report.failed:
        click.echo(format_failure(result))
    if coverage:
        click.echo("coverage (scenarios in which each rule was true / won):")
        for line in coverage_table(report):
            click.echo(f"  {line}")
    unexercised = report.unexercised
    if unexercised:
        click.echo(f"rules no scenario exercised ({len(unexercised)}): {', '.join(unexercised)}")
    else:
        click.echo("every rule wins at least one scenario")
    passed = len(report.results) - len(report.failed)
    click.echo(f"{passed} passed, {len(report.failed)} failed")
    sys.exit(1 if report.failed else 0)


@click.command()
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def check(rules_dir: Path | None, fmt: str) -> None:
    """Lint rule files: errors (exit 1) and warnings, each with file, line and rule."""
    directory = rules_dir or settings().rules_dir
    if not directory.is_dir():
        click.echo(f"error: {directory}: directory not found", err=True)
        sys.exit(2)
    findings = check_directory(directory)
    errors = [f for f in findings if f.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f.render())
        warnings = sum(f.severity == "warning" for f in findings)
        click.echo(f"{directory}: {len(errors)} errors, {warnings} warnings")
    sys.exit(1 if errors else 0)


@click.command()
@click.argument(
    "old", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.argument(
    "new", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--against",
    "rev",
    default=None,
    help="Compare the committed rules at this git revision (OLD) with the rule directory (NEW).",
)
@click.option(
    "--scenarios",
    "scenario_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Scenario files or folders for the corpus (default: scenarios/).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def diff(
    old: Path | None, new: Path | None, rev: str | None, scenario_paths: tuple[Path, ...], fmt: str
) -> None:
    """Which cases change status, service or urgency between two rule sets."""
    config = settings()
    if rev is not None:
        new_rules = load_checked_rules(old or config.rules_dir)
        old_rules = check_rule_files(
            _rules_at_revision(rev, old or config.rules_dir), root=Path(f"{rev}:rules")
        )
    elif old is not None and new is not None:
        old_rules, new_rules = load_checked_rules(old), load_checked_rules(new)
    else:
        click.echo("error: give OLD and NEW rule directories, or --against REV", err=True)
        sys.exit(2)
    scenarios = load_scenarios(scenario_paths or [config.scenarios_dir])
    report = diff_rules(old_rules, new_rules, [s.case for s in scenarios])
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.render())


def _rules_at_revision(rev: str, rules_dir: Path) -> dict[str, str]:
    """The rule files as committed at `rev`, read with git."""

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=rules_dir, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuleFileError(f"git {' '.join(args)}: {proc.stderr.strip()}", file=str(rules_dir))
        return proc.stdout

    files = {}
    for name in git(
        "ls-tree", "-r", "--name-only", rev, "--", "."
    ).split():  # relative to rules_dir
        if name == "common.yaml" or (name.startswith("needs/") and name.endswith(".yaml")):
            files[name] = git("show", f"{rev}:./{name}")
    return files


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text")
@click.option(
    "--municipality",
    "area",
    multiple=True,
    help="A municipality code (repeat it); default: the 22 of Central Finland.",
)
@rules_option
@catalog_option
def network(
    fmt: str, area: tuple[str, ...], rules_dir: Path | None, catalog_file: Path | None
) -> None:
    """Providers taking new clients, per service the rules can decide and municipality.
    Gaps (no provider) and single-provider cells are flagged; the exit code is 0 either way."""
    triage = triage_with_catalog(rules_dir, catalog_file)
    for code in area:
        if code not in municipality_codes():
            click.echo(f"error: --municipality {code}: not a municipality code", err=True)
            sys.exit(2)
    report = build_network(triage.rules, triage.catalog, area or CENTRAL_FINLAND)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(report.to_csv(), nl=False)
    else:
        click.echo(report.render())


@click.group()
def rules() -> None:
    """Rules versions in the database: publish, activate (roll back), export, list."""


@rules.command("publish")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-activate", is_flag=True, help="Store the version without activating it.")
def rules_publish(directory: Path, no_activate: bool) -> None:
    """Validate, compile and store the rules in DIRECTORY, and make them active: every
    worker switches within 2 seconds. DIRECTORY is only read."""
    from triage.bootstrap import build_service

    service = build_service(defaults=False)
    version = service.publish_rules(
        read_rule_files(directory), root=directory, activate=not no_activate
    )
    click.echo(f"{version} {'stored' if no_activate else 'active'}")


@rules.command("activate")
@click.argument("version")
def rules_activate(version: str) -> None:
    """Make a stored rules VERSION active (a rollback is activating an older one)."""
    from triage.bootstrap import build_service

    changed = build_service(defaults=False).activate("rules", version)
    click.echo(f"{version} {'active' if changed else 'was already active'}")


@rules.command("export")
@click.argument("version")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def rules_export(version: str, directory: Path) -> None:
    """Write the files of a stored rules VERSION into DIRECTORY (it must not hold rules)."""
    from triage.bootstrap import build_service

    files = build_service(defaults=False).rules_files(version)
    if directory.exists() and any(directory.iterdir()):
        click.echo(f"error: {directory} is not empty; export into a new folder", err=True)
        sys.exit(2)
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"{len(files)} files of {version} written to {directory}")


@rules.command("versions")
def rules_versions() -> None:
    """Every stored rules version, oldest first; the active one is marked."""
    from triage.bootstrap import build_service

    for v in build_service(defaults=False).stored_versions("rules"):
        click.echo(f"{'*' if v.active else ' '} {v.version}  {v.stored_at:%Y-%m-%d %H:%M:%S}")


COMMANDS = (test, check, diff, network, rules)
