"""Commands for operators' catalogs: load and activate a catalog, import a published one."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click

from triage.catalog.crosswalk import EMPTY, load_crosswalk
from triage.catalog.importers import import_fhir, import_hsds, import_ptv
from triage.catalog.importers.drafts import ImportResult, ImportShapeError, Published
from triage.catalog.model import build_catalog, load_catalog_file
from triage.cli.common import rules_option, settings
from triage.identity import IDENTITY_MESSAGE, find_identity_code, identity_code_line
from triage.rules.loader import load_rules
from triage.safefiles import UnsafeFile, read_text

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # a whole published directory's export, read at once


@click.group()
def catalog() -> None:
    """Provider catalog: load into the database, import from HSDS or FHIR."""


@catalog.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def catalog_load(file: Path) -> None:
    """Validate FILE against the active rules, store it and make it the active catalog:
    every worker switches within 2 seconds (idempotent)."""
    from triage.bootstrap import build_service

    service = build_service(sample_catalog=False)
    loaded = load_catalog_file(file, service.current.rules.services)
    state = "loaded" if service.load_catalog(loaded) else "already current"
    click.echo(f"{file}: {len(loaded.providers)} providers, version {loaded.version} ({state})")


@catalog.command("activate")
@click.argument("version")
def catalog_activate(version: str) -> None:
    """Make a stored catalog VERSION active again."""
    from triage.bootstrap import build_service

    changed = build_service(defaults=False).activate("catalog", version)
    click.echo(f"{version} {'active' if changed else 'was already active'}")


@catalog.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--from", "fmt", type=click.Choice(["hsds", "fhir", "ptv"]), required=True)
@click.option(
    "--names-in",
    type=click.Choice(["fi", "sv", "en"]),
    default="fi",
    show_default=True,
    help="HSDS only: the language its names are written in (HSDS does not say).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the catalog here (JSON); default: stdout.",
)
@click.option(
    "--crosswalk",
    "crosswalk_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="External codes to service codes (YAML), e.g. catalog/crosswalk.yaml.",
)
@rules_option
def catalog_import(
    files: tuple[Path, ...],
    fmt: str,
    names_in: str,
    output: Path | None,
    crosswalk_file: Path | None,
    rules_dir: Path | None,
) -> None:
    """Map published HSDS 3, FHIR R4 or PTV v11 JSON to the catalog format. Several FILES are
    read as one import (FHIR resources one per file; PTV channels with the services and
    organisations they name). A report, then a summary (providers, skipped by reason,
    unmapped codes with counts) go to stderr; no provider, or a file of the wrong shape,
    is exit code 2."""
    services = load_rules(rules_dir or settings().rules_dir).services  # nothing compiled
    crosswalk = load_crosswalk(crosswalk_file, services) if crosswalk_file else EMPTY
    docs = Published()
    for file in files:
        try:  # published files may have a BOM
            text = read_text(file, limit=MAX_IMPORT_BYTES).removeprefix("\ufeff")
            at = identity_code_line(text)  # refused before any report could repeat it
            if at is not None:
                click.echo(f"error: {file}:{at}: {IDENTITY_MESSAGE}", err=True)
                sys.exit(2)
            doc = json.loads(text)
            where = find_identity_code(doc)  # one written with escapes (\u0031...)
            if where is not None:
                click.echo(f"error: {file}: {IDENTITY_MESSAGE} (at {where})", err=True)
                sys.exit(2)
            docs.append(doc)
        except UnsafeFile as exc:
            click.echo(f"error: {file}: {exc}", err=True)
            sys.exit(2)
        except json.JSONDecodeError as exc:
            click.echo(f"error: {file}:{exc.lineno}: not valid JSON: {exc.msg}", err=True)
            sys.exit(2)
    file = files[0] if len(files) == 1 else Path(", ".join(map(str, files)))
    try:
        importers: dict[str, Callable[..., ImportResult]] = {
            "hsds": partial(import_hsds, language=names_in),
            "fhir": import_fhir,
            "ptv": import_ptv,
        }
        importer = importers[fmt]
        result = importer(docs if len(docs) > 1 else docs[0], services, crosswalk=crosswalk)
    except ImportShapeError as exc:
        click.echo(f"error: {file}: not {fmt} data as this importer reads it: {exc}", err=True)
        sys.exit(2)
    for line in result.report:
        click.echo(f"report: {line}", err=True)
    for line in result.summary():
        click.echo(f"summary: {line}", err=True)
    if result.providers == 0:
        click.echo(f"error: {file}: no provider could be imported (see the summary)", err=True)
        sys.exit(2)
    imported = build_catalog(result.document, services, file=str(file))
    text = json.dumps(result.document, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(
            f"{output}: {len(imported.providers)} providers, version {imported.version}", err=True
        )
    else:
        click.echo(text)


COMMANDS = (catalog,)
