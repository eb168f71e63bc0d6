"""Commands for staff and integrators: decide, explain, replay."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import cast

import click

from triage.authoring.explain import explain_text, explain_tree
from triage.cli.common import (
    LOCALE,
    BadJson,
    catalog_option,
    local_triage,
    read_cases,
    rules_option,
    triage_with_catalog,
)
from triage.errors import InvalidCaseError
from triage.rules.model import Locale


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--locale", type=LOCALE, default=None, help="Language of texts (default fi).")
@click.option("--seed", type=int, default=None, help="Seed for reproducible provider order.")
@rules_option
@catalog_option
def decide(
    file: str,
    locale: str | None,
    seed: int | None,
    rules_dir: Path | None,
    catalog_file: Path | None,
) -> None:
    """Decide one JSON case, or JSON Lines (one case a line); one decision a line out.

    Providers come from the database named by TRIAGE_DATABASE_URL (the sample catalog is
    loaded there on first use) unless --catalog names a file.
    """
    triage = triage_with_catalog(rules_dir, catalog_file)
    bad = False
    try:
        cases = read_cases(file)
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(2)
    for index, (line, raw) in enumerate(cases):
        if isinstance(raw, BadJson):
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


@click.command()
@click.argument("file", type=click.Path(exists=True, allow_dash=True))
@click.option("--locale", type=LOCALE, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@rules_option
def explain(file: str, locale: str | None, fmt: str, rules_dir: Path | None) -> None:
    """Show the decision and every rule of the need, each condition true/false/unknown."""
    triage = local_triage(rules_dir)
    (line, raw), *_ = read_cases(file)
    try:
        decision = triage.decide(raw, locale=cast(Locale | None, locale), seed=0)
    except InvalidCaseError as exc:
        click.echo(f"error: {file}:{line}: {exc}", err=True)
        sys.exit(1)
    if fmt == "json":
        tree = explain_tree(triage, raw, decision)
        document = {"decision": decision.model_dump(), "rules": tree}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(explain_text(triage, raw, decision))


@click.command()
@click.argument("decision_id")
def replay(decision_id: str) -> None:
    """Recompute a stored decision with its own rules, catalog, seed and locale."""
    from triage.bootstrap import build_service
    from triage.service.reports import replay as replay_decision

    result = replay_decision(build_service(defaults=False), decision_id)
    if result.identical:
        click.echo(f"{decision_id}: identical")
        return
    click.echo(f"{decision_id}: DIFFERENT")
    for line in result.differences:
        click.echo(f"  {line}")
    sys.exit(1)


COMMANDS = (decide, explain, replay)
