"""Commands for operators: serve, catalogs, keys, reports, feedback, the fleet."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from ruamel.yaml import YAML

from triage.catalog.exposure import exposure_report, format_report
from triage.catalog.exposure import simulate as simulate_listings
from triage.cli.common import (
    catalog_option,
    rules_option,
    settings,
    triage_with_catalog,
)
from triage.roles import ROLES, Role

if TYPE_CHECKING:
    from triage.service.usecases import Service
    from triage.store.ports import KeyStore


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Worker processes; they share the database (use PostgreSQL for several hosts).",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the HTTP API on the database's active rules and catalog (on a new database: the
    configured rule directory and the sample catalog). SQLite by default."""
    from triage.bootstrap import serve as run

    run(host, port, workers)


@click.group()
def report() -> None:
    """Audit reports."""


@report.command("exposure")
@click.option(
    "--simulate",
    type=int,
    default=None,
    help="Instead of the audit log: N simulated listings (random service, area, languages).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="For --simulate.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@rules_option
@catalog_option
def report_exposure(
    simulate: int | None, seed: int, fmt: str, rules_dir: Path | None, catalog_file: Path | None
) -> None:
    """First-position share and exposure per provider and ownership, against equal chance:
    over the decisions in the audit log, or over simulated listings."""
    if simulate is None:
        from triage.bootstrap import build_service
        from triage.service.reports import exposure

        result = exposure(build_service(settings(), defaults=False), None, None)
        heading = f"audit log: {result.decisions} decisions with a provider list"
    else:
        triage = triage_with_catalog(rules_dir, catalog_file)
        cat = triage.catalog
        open_services = [s for s, kind in triage.rules.listing.items() if kind == "open"]
        result = exposure_report(
            simulate_listings(cat, open_services=open_services, decisions=simulate, seed=seed),
            {p.id: p.ownership for p in cat.providers},
        )
        heading = f"catalog {cat.version}, {simulate} simulated listings"
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(heading)
        click.echo(format_report(result))


@click.group()
def keys() -> None:
    """API keys: create (shown once), revoke, list."""


def _keys() -> KeyStore:
    return _service().keys


def _service() -> Service:
    from triage.bootstrap import build_service

    return build_service(defaults=False)


@keys.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
)
@click.option("--label", default="", help="Who or what uses the key (no personal data).")
def keys_create(role: str, label: str) -> None:
    """Create a key and print it once; only its hash is stored."""
    info, secret = _keys().create(cast(Role, role), label)
    click.echo(secret)
    click.echo(
        f"key id {info.id}, role {info.role}: store the key now, it cannot be shown again", err=True
    )


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (the part after 'trg_', as `keys list` shows it)."""
    parts = key_id.split("_", 2)
    if len(parts) == 3 and parts[0] == "trg":  # a whole key: never echo its secret
        click.echo(
            f"error: that is a whole key; give its id instead: triage keys revoke {parts[1]}",
            err=True,
        )
        sys.exit(2)
    if not _service().verified.revoke(key_id):
        click.echo(f"error: no active key {key_id}", err=True)
        sys.exit(1)
    from triage.service.keys import KEY_CACHE_SECONDS

    click.echo(f"key {key_id} revoked: running servers refuse it within {KEY_CACHE_SECONDS:g} s")


@keys.command("list")
def keys_list() -> None:
    """Every key: id, role, state, when created and last used (UTC), label."""
    click.echo(f"{'id':<12}  {'role':<12} {'state':<8} {'created':<16}  {'last used':<16}  label")
    for k in _keys().list():
        state = "revoked" if k.revoked else "active"
        used = _minute(k.last_used) if k.last_used else "never"
        click.echo(
            f"{k.id:<12}  {k.role:<12} {state:<8} {_minute(k.created_at)}  {used:<16}  {k.label}"
        )


def _minute(t: datetime) -> str:
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")


@click.group()
def feedback() -> None:
    """Staff feedback on decisions."""


@feedback.command("export")
@click.option(
    "--misrouted",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each misrouted decision here as a scenario file.",
)
def feedback_export(directory: Path) -> None:
    """Misrouted decisions as scenarios: `triage test DIR` shows what the rules get wrong."""
    from triage.bootstrap import build_service
    from triage.service.reports import misrouted_scenarios

    directory.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    yaml.default_flow_style = False
    scenarios = misrouted_scenarios(build_service(defaults=False))
    for feedback_id, scenario in scenarios:
        with (directory / f"feedback-{feedback_id}.yaml").open("w", encoding="utf-8") as fh:
            yaml.dump({"scenarios": [scenario]}, fh)
    click.echo(f"{len(scenarios)} scenario files written to {directory}")


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (default: stdout). The committed contract is api/openapi.json.",
)
def openapi(output: Path | None) -> None:
    """Print the OpenAPI document of the HTTP API for the configured rules."""
    from triage.bootstrap import openapi_document

    text = json.dumps(openapi_document(settings()), indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def fleet(fmt: str) -> None:
    """The live workers, the versions each serves, and whether they all agree."""
    from triage.bootstrap import build_service

    view = build_service(defaults=False).fleet_view()
    if fmt == "json":
        document = {
            "rules_version": view.rules_version,
            "catalog_version": view.catalog_version,
            "agree": view.agree,
            "workers": [
                {**vars(w), "started_at": str(w.started_at), "last_seen": str(w.last_seen)}
                for w in view.workers
            ],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(f"active: rules {view.rules_version}, catalog {view.catalog_version}")
        for w in view.workers:
            problem = f"  ERROR {w.error}" if w.error else ""
            click.echo(f"  {w.id}  rules {w.rules_version}  catalog {w.catalog_version}{problem}")
        click.echo(
            f"{len(view.workers)} workers, {'all agree' if view.agree else 'NOT in agreement'}"
        )
    sys.exit(0 if view.agree else 1)


COMMANDS = (serve, report, keys, feedback, openapi, fleet)
