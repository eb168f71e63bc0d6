"""The `triage` command for staff, integrators and rule authors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

import click

from triage.config import Settings
from triage.errors import InvalidCaseError, RuleFileError, ScenarioError, TriageError
from triage.explain import explain_text, explain_tree
from triage.ruleset import Locale
from triage.scenarios import format_failure, load_scenarios, run_scenarios
from triage.service import Triage

LOCALE = click.Choice(["fi", "sv", "en"])


def _rules_option(f: Any) -> Any:
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Rule directory (default: TRIAGE_RULES_DIR or the shipped rules/).",
    )(f)


def _triage(rules_dir: Path | None) -> Triage:
    try:
        return Triage.from_directory(rules_dir or Settings().rules_dir)
    except RuleFileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _read_cases(path: str) -> list[tuple[int, Any]]:
    """(line number, parsed JSON or the error text) for one JSON document or JSON Lines."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        return [(1, json.loads(text))]
    except json.JSONDecodeError:
        pass
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            out.append((number, _BadJson(f"not valid JSON: {exc.msg} (column {exc.colno})")))
    return out


class _BadJson(str):
    pass


@click.group()
def main() -> None:
    """Rule-based client needs triage for social and health service guidance."""


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--locale", type=LOCALE, default=None, help="Language of texts (default fi).")
@click.option("--seed", type=int, default=None, help="Seed for reproducible provider order.")
@_rules_option
def decide(file: str, locale: str | None, seed: int | None, rules_dir: Path | None) -> None:
    """Decide one JSON case, or JSON Lines (one case a line); one decision a line out."""
    triage = _triage(rules_dir)
    bad = False
    try:
        cases = _read_cases(file)
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(2)
    for index, (line, raw) in enumerate(cases):
        if isinstance(raw, _BadJson):
            click.echo(json.dumps({"line": line, "error": str(raw)}, ensure_ascii=False))
            bad = True
            continue
        try:
            decision = triage.decide(
                raw,
                locale=cast(Locale | None, locale),
                seed=None if seed is None else seed + index,
            )
        except InvalidCaseError as exc:
            error = {"line": line, "field": exc.field, "error": str(exc)}
            click.echo(json.dumps(error, ensure_ascii=False))
            bad = True
            continue
        click.echo(decision.model_dump_json())
    sys.exit(1 if bad else 0)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@_rules_option
def test(paths: tuple[Path, ...], rules_dir: Path | None) -> None:
    """Run scenario files; show expected-vs-got for failures and rules no scenario exercises."""
    triage = _triage(rules_dir)
    try:
        scenarios = load_scenarios(paths or [Settings().scenarios_dir])
    except ScenarioError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not scenarios:
        click.echo("error: no scenarios found", err=True)
        sys.exit(2)
    report = run_scenarios(triage, scenarios)
    for result in report.failed:
        click.echo(format_failure(result))
    unexercised = report.unexercised
    if unexercised:
        click.echo(f"rules no scenario exercised ({len(unexercised)}): {', '.join(unexercised)}")
    else:
        click.echo("every rule wins at least one scenario")
    passed = len(report.results) - len(report.failed)
    click.echo(f"{passed} passed, {len(report.failed)} failed")
    sys.exit(1 if report.failed else 0)


@main.command()
@click.argument("file", type=click.Path(exists=True, allow_dash=True))
@click.option("--locale", type=LOCALE, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_rules_option
def explain(file: str, locale: str | None, fmt: str, rules_dir: Path | None) -> None:
    """Show the decision and every rule of the need, each condition true/false/unknown."""
    triage = _triage(rules_dir)
    (line, raw), *_ = _read_cases(file)
    try:
        decision = triage.decide(raw, locale=cast(Locale | None, locale), seed=0)
    except InvalidCaseError as exc:
        click.echo(f"error: {file}:{line}: {exc}", err=True)
        sys.exit(1)
    if fmt == "json":
        tree = explain_tree(triage, raw, decision)
        click.echo(
            json.dumps(
                {"decision": decision.model_dump(), "rules": tree}, ensure_ascii=False, indent=2
            )
        )
    else:
        click.echo(explain_text(triage, raw, decision))


@main.command()
@click.argument("rules_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
def check(rules_dir: Path | None) -> None:
    """Check rule files: schema, references and conflicting rules."""
    directory = rules_dir or Settings().rules_dir
    try:
        triage = Triage.from_directory(directory)
    except TriageError as exc:
        click.echo(f"error: {exc}")
        sys.exit(1)
    count = sum(len(triage.rules.rules_for(n)) for n in triage.rules.needs)
    click.echo(
        f"{directory}: {len(triage.rules.needs)} needs, {count} rules, no errors "
        f"(version {triage.rules.version})"
    )
