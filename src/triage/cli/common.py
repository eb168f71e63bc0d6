"""What every command group shares: the one error handler, options, reading cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import click

from triage import jsonsafe
from triage.catalog.model import load_catalog_file
from triage.config import Settings
from triage.domain.decider import Triage
from triage.errors import CatalogError, InvalidCaseError, StorageError, TriageError
from triage.jsonsafe import JsonProblem
from triage.rules.model import LOCALES

LOCALE = click.Choice(LOCALES)

# Exit codes: 0 ok; 1 the thing checked failed (bad case lines, failing scenarios, lint
# errors, an invalid catalog); 2 an input could not be used (rule or scenario file, unknown
# version or decision); 3 the database is unavailable.
EXIT_CODES: tuple[tuple[type[TriageError], int], ...] = ((CatalogError, 1), (StorageError, 3))


class TriageGroup(click.Group):
    """Renders every TriageError as one `error:` line and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TriageError as exc:
            click.echo(f"error: {exc}", err=True)
            if isinstance(exc, CatalogError):
                click.echo("the current catalog is unchanged", err=True)
            code = next((c for kind, c in EXIT_CODES if isinstance(exc, kind)), 2)
            sys.exit(code)


def rules_option(f: Any) -> Any:
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Rule directory (default: TRIAGE_RULES_DIR or the shipped rules/).",
    )(f)


def catalog_option(f: Any) -> Any:
    return click.option(
        "--catalog",
        "catalog_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Catalog file to use instead of the database's active catalog.",
    )(f)


def settings() -> Settings:
    return Settings()


def local_triage(rules_dir: Path | None) -> Triage:
    """Rules from a directory (an author's working copy), no catalog."""
    return Triage.from_directory(rules_dir or settings().rules_dir)


def triage_with_catalog(rules_dir: Path | None, catalog_file: Path | None) -> Triage:
    """Rules from a directory, plus a catalog: `catalog_file`, else the database's active one."""
    triage = local_triage(rules_dir)
    if catalog_file is not None:
        return triage.with_catalog(load_catalog_file(catalog_file, triage.rules.services))
    from triage.bootstrap import build_service

    return triage.with_catalog(build_service(settings()).current.catalog)


class BadJson(NamedTuple):
    """A document or line the JSON reader refused: the problem the API answers 422 with."""

    problem: JsonProblem


def bad_line(line: int, problem: InvalidCaseError) -> str:
    """The output line for an input line that is not JSON or not valid:
    {"line", "code", "field", "error"}: the code and field the API answers 422 with."""
    field = problem.field or "body"
    error = {"line": line, "code": "invalid_input", "field": field, "error": str(problem)}
    return json.dumps(error, ensure_ascii=False)


def read_cases(path: str) -> list[tuple[int, Any]]:
    """(line number, parsed JSON or a BadJson) for one JSON document or JSON Lines, read by
    the same defensive reader as the API's bodies (duplicate keys, depth, long numbers)."""
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
        return [(1, jsonsafe.parse(text))]
    except UnicodeDecodeError:
        return [(1, BadJson(JsonProblem("invalid_utf8")))]
    except JsonProblem as whole:
        if whole.code != "invalid_json":  # one document, refused as the API refuses it
            return [(1, BadJson(whole))]
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, jsonsafe.parse(line)))
        except JsonProblem as problem:
            out.append((number, BadJson(problem)))
    return out
