"""The `triage` command for staff, integrators and rule authors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from triage.catalog.model import build_catalog, load_catalog_file
from triage.config import Settings
from triage.errors import CatalogError, InvalidCaseError, RuleFileError, ScenarioError, TriageError
from triage.authoring.explain import explain_text, explain_tree
from triage.rules.model import Locale
from triage.authoring.scenarios import (
    coverage_table,
    format_failure,
    junit_xml,
    load_scenarios,
    report_json,
    run_scenarios,
)
from triage.domain.triage import Triage

if TYPE_CHECKING:
    from triage.store.sql.keys import SqlKeyRepository
from triage.roles import ROLES, Role

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


def _triage_with_catalog(rules_dir: Path | None, catalog_file: Path | None) -> Triage:
    """Rules plus a catalog: from `catalog_file` if given, else the database's current one."""
    try:
        if catalog_file is not None:
            triage = _triage(rules_dir)
            return triage.with_catalog(load_catalog_file(catalog_file, triage.rules.services))
        from triage.service.core import build_runtime

        settings = Settings()
        if rules_dir is not None:
            settings = settings.model_copy(update={"rules_dir": rules_dir})
        return build_runtime(settings).triage
    except (RuleFileError, CatalogError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _catalog_option(f: Any) -> Any:
    return click.option(
        "--catalog",
        "catalog_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Catalog file to use instead of the database's current catalog.",
    )(f)


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
@_catalog_option
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
    triage = _triage_with_catalog(rules_dir, catalog_file)
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
@_rules_option
def test(
    paths: tuple[Path, ...], fmt: str, junit: Path | None, coverage: bool, rules_dir: Path | None
) -> None:
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def check(rules_dir: Path | None, fmt: str) -> None:
    """Lint rule files: errors (exit 1) and warnings, each with file, line and rule."""
    from triage.authoring.check import check_directory

    directory = rules_dir or Settings().rules_dir
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


@main.group()
def catalog() -> None:
    """Provider catalog: load into the database, import from HSDS or FHIR."""


@catalog.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_rules_option
def catalog_load(file: Path, rules_dir: Path | None) -> None:
    """Validate FILE and make it the current catalog, atomically (idempotent)."""
    from triage.store.sql.catalogs import SqlCatalogRepository
    from triage.store.sql.db import make_engine

    settings = Settings()
    triage = _triage(rules_dir)
    try:
        loaded = load_catalog_file(file, triage.rules.services)
    except CatalogError as exc:
        click.echo(f"error: {exc}", err=True)
        click.echo("the current catalog is unchanged", err=True)
        sys.exit(1)
    changed = SqlCatalogRepository(make_engine(settings.database_url)).replace(loaded)
    state = "loaded" if changed else "already current"
    click.echo(f"{file}: {len(loaded.providers)} providers, version {loaded.version} ({state})")


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "fmt", type=click.Choice(["hsds", "fhir"]), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the catalog here (JSON); default: stdout.",
)
@_rules_option
def catalog_import(file: Path, fmt: str, output: Path | None, rules_dir: Path | None) -> None:
    """Map an HSDS v3 JSON file or a FHIR R4 Bundle to the catalog format, with a report."""
    from triage.catalog.importers import import_fhir, import_hsds

    triage = _triage(rules_dir)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        click.echo(f"error: {file}:{exc.lineno}: not valid JSON: {exc.msg}", err=True)
        sys.exit(2)
    result = (import_hsds if fmt == "hsds" else import_fhir)(data, triage.rules.services)
    for line in result.report:
        click.echo(f"report: {line}", err=True)
    try:
        imported = build_catalog(result.document, triage.rules.services, file=str(file))
    except CatalogError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    text = json.dumps(result.document, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(
            f"{output}: {len(imported.providers)} providers, version {imported.version}", err=True
        )
    else:
        click.echo(text)


@main.group()
def report() -> None:
    """Audit reports."""


@report.command("exposure")
@click.option(
    "--simulate",
    type=int,
    default=10_000,
    show_default=True,
    help="Number of simulated listings (random service, municipality, languages).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_rules_option
@_catalog_option
def report_exposure(
    simulate: int, seed: int, fmt: str, rules_dir: Path | None, catalog_file: Path | None
) -> None:
    """First-position share and exposure per provider and ownership, against equal chance."""
    from triage.catalog.exposure import exposure_report, format_report
    from triage.catalog.exposure import simulate as simulate_listings

    triage = _triage_with_catalog(rules_dir, catalog_file)
    cat = triage.catalog
    result = exposure_report(
        simulate_listings(cat, decisions=simulate, seed=seed),
        {p.id: p.ownership for p in cat.providers},
    )
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(f"catalog {cat.version}, {simulate} simulated listings")
        click.echo(format_report(result))


@main.command()
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
    """Run the HTTP API (shipped rules, sample catalog on first start, SQLite by default)."""
    import uvicorn

    from triage.service.core import build_runtime

    build_runtime()  # migrate and load the catalog once, before workers start
    uvicorn.run(
        "triage.http.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
    )


@main.group()
def keys() -> None:
    """API keys: create (shown once), revoke, list."""


def _key_repo() -> SqlKeyRepository:
    from triage.store.sql.db import make_engine
    from triage.store.sql.keys import SqlKeyRepository

    return SqlKeyRepository(make_engine(Settings().database_url))


@keys.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
)
@click.option("--label", default="", help="Who or what uses the key (no personal data).")
def keys_create(role: str, label: str) -> None:
    """Create a key and print it once; only its hash is stored."""
    info, secret = _key_repo().create(cast(Role, role), label)
    click.echo(secret)
    click.echo(
        f"key id {info.id}, role {info.role}: store the key now, it cannot be shown again", err=True
    )


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (the part after 'trg_')."""
    if not _key_repo().revoke(key_id):
        click.echo(f"error: no active key {key_id}", err=True)
        sys.exit(1)
    click.echo(f"key {key_id} revoked")


@keys.command("list")
def keys_list() -> None:
    for k in _key_repo().list():
        click.echo(f"{k.id}  {k.role:<12} {'revoked' if k.revoked else 'active ':<8} {k.label}")


@main.command()
@click.argument("decision_id")
def replay(decision_id: str) -> None:
    """Recompute a stored decision with its own rules, catalog, seed and locale."""
    from triage.service.core import build_runtime

    try:
        result = build_runtime().replay(decision_id)
    except TriageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if result.identical:
        click.echo(f"{decision_id}: identical")
        return
    click.echo(f"{decision_id}: DIFFERENT")
    for line in result.differences:
        click.echo(f"  {line}")
    sys.exit(1)


@main.group()
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
    from triage.service.core import build_runtime

    written = build_runtime().export_misrouted(directory)
    click.echo(f"{len(written)} scenario files written to {directory}")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (default: stdout). The committed contract is api/openapi.json.",
)
def openapi(output: Path | None) -> None:
    """Print the OpenAPI document of the HTTP API for the configured rules."""
    import tempfile

    from triage.http.app import create_app
    from triage.service.core import build_runtime

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/openapi.db")
        document = create_app(build_runtime(settings)).openapi()
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
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
    from triage.authoring.diff import diff_rules
    from triage.domain.triage import check_rule_files, load_checked_rules

    settings = Settings()
    try:
        if rev is not None:
            new_rules = load_checked_rules(old or settings.rules_dir)
            old_rules = check_rule_files(
                _rules_at_revision(rev, old or settings.rules_dir), root=Path(f"{rev}:rules")
            )
        elif old is not None and new is not None:
            old_rules, new_rules = load_checked_rules(old), load_checked_rules(new)
        else:
            click.echo("error: give OLD and NEW rule directories, or --against REV", err=True)
            sys.exit(2)
        scenarios = load_scenarios(scenario_paths or [settings.scenarios_dir])
    except TriageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    report = diff_rules(old_rules, new_rules, [s.case for s in scenarios])
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.render())


def _rules_at_revision(rev: str, rules_dir: Path) -> dict[str, str]:
    """The rule files as committed at `rev`, read with git."""
    import subprocess

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
