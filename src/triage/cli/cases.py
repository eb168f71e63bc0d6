"""Commands for staff and integrators on cases and contacts: decide, plan, explain, replay."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click
from pydantic import BaseModel

from triage.authoring.explain import explain_contact_text, explain_text, explain_tree
from triage.cli.batch import Batch, decide_lines, default_jobs
from triage.cli.common import (
    LOCALE,
    BadJson,
    bad_line,
    catalog_option,
    read_cases,
    rules_option,
    triage_with_catalog,
)
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer
from triage.domain.decider import Triage
from triage.errors import InvalidCaseError
from triage.rules.model import Locale

if TYPE_CHECKING:
    from triage.service.reports import ContactReplay, Replay


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--locale", type=LOCALE, default=None, help="Language of texts (default fi).")
@click.option("--seed", type=int, default=None, help="Seed for reproducible provider order.")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Processes deciding at once (default 0: one per CPU); the same output in any case.",
)
@rules_option
@catalog_option
def decide(
    file: str,
    locale: str | None,
    seed: int | None,
    jobs: int,
    rules_dir: Path | None,
    catalog_file: Path | None,
) -> None:
    """Decide one JSON case, or JSON Lines (one case a line); one decision a line out.

    Providers come from the database named by TRIAGE_DATABASE_URL (the sample catalog is
    loaded there on first use) unless --catalog names a file. With --seed S the case on
    line index i gets seed S + i, so a run can be repeated exactly (apart from the ids).
    """
    triage = triage_with_catalog(rules_dir, catalog_file)
    try:
        items = read_cases(file)
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(2)
    # A batch of short-lived objects without cycles: the collector only slowed it down
    # (measured: 100,000 cases 11.4 s with it, against 8.6 s with chunks of 1,000 and less
    # without it). Reference counting still frees each chunk.
    gc.disable()
    batch = Batch(triage=triage, items=items, locale=cast(Locale | None, locale), seed=seed)
    bad = False
    out = sys.stdout
    for text, chunk_bad in decide_lines(batch, jobs or default_jobs()):
        out.write(text)
        bad = bad or chunk_bad
    out.flush()
    sys.exit(1 if bad else 0)


def _answer_each(file: str, answer: Callable[[int, Any], BaseModel]) -> NoReturn:
    """One JSON document or JSON Lines in, one answer a line out, in input order, each with
    `"stored": false` (use the API to decide into the audit log). A line
    that is not JSON or not valid prints {"line", "code", "field", "error"}, the others run,
    and the exit code is then 1."""
    bad = False
    try:
        items = read_cases(file)
    except OSError as exc:
        click.echo(f"error: {file}: {exc.strerror}", err=True)
        sys.exit(2)
    for index, (line, raw) in enumerate(items):
        if isinstance(raw, BadJson):
            click.echo(bad_line(line, raw.problem))
            bad = True
            continue
        try:
            out = answer(index, raw)
        except InvalidCaseError as exc:
            click.echo(bad_line(line, exc))
            bad = True
            continue
        # Nothing from the CLI is stored: the ids are for reading the output, not the audit log.
        click.echo(json.dumps({**out.model_dump(mode="json"), "stored": False}, ensure_ascii=False))
    sys.exit(1 if bad else 0)


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--locale", type=LOCALE, default=None, help="Language of texts (default fi).")
@click.option("--seed", type=int, default=None, help="Seed for reproducible provider order.")
@rules_option
@catalog_option
def plan(
    file: str,
    locale: str | None,
    seed: int | None,
    rules_dir: Path | None,
    catalog_file: Path | None,
) -> None:
    """Decide one JSON contact (a client with 1 to 6 needs), or JSON Lines (one contact a
    line): one answer a line out, with a decision per need and the plan. An invalid line
    prints {"line", "code", "field", "error"} naming the need's index and field; the others
    still run, and the exit code is 1.
    """
    triage = triage_with_catalog(rules_dir, catalog_file)
    loc = cast(Locale | None, locale)

    def plan_one(index: int, raw: Any) -> BaseModel:
        _, cases = triage.validate_contact(raw)
        seeds = None if seed is None else [seed + 10 * index + i for i in range(len(cases))]
        return triage.decide_contact(cases, locale=loc, seeds=seeds)

    _answer_each(file, plan_one)


@click.command()
@click.argument("file", type=click.Path(exists=True, allow_dash=True))
@click.option("--locale", type=LOCALE, default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@rules_option
@catalog_option
def explain(
    file: str, locale: str | None, fmt: str, rules_dir: Path | None, catalog_file: Path | None
) -> None:
    """Show the decision and every rule of the need, each condition true/false/unknown, and
    (with --format json) the providers the decision would list. For a contact (a client
    with several needs): the plan, then each need."""
    triage = triage_with_catalog(rules_dir, catalog_file)
    (line, raw), *_ = read_cases(file)
    loc = cast(Locale | None, locale)
    try:
        if isinstance(raw, BadJson):
            raise raw.problem
        if isinstance(raw, dict) and "needs" in raw:
            _, cases = triage.validate_contact(raw)
            answer = triage.decide_contact(cases, locale=loc, seeds=[0] * len(cases))
            _explain_contact(triage, cases, answer, fmt)
            return
        decision = triage.decide(raw, locale=loc, seed=0)
    except InvalidCaseError as exc:
        click.echo(f"error: {file}:{line}: {exc}", err=True)
        sys.exit(1)
    if fmt == "json":
        tree = explain_tree(triage, raw, decision)
        document = {"decision": decision.model_dump(), "rules": tree}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(explain_text(triage, raw, decision))


def _explain_contact(triage: Triage, cases: list[Case], answer: ContactAnswer, fmt: str) -> None:
    if fmt == "text":
        click.echo(explain_contact_text(triage, cases, answer))
        return
    needs = [
        {
            "decision": d.model_dump(),
            "rules": explain_tree(triage, c.model_dump(exclude_none=True), d),
        }
        for c, d in zip(cases, answer.decisions, strict=True)
    ]
    document = {"plan": answer.plan.model_dump(), "needs": needs}
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.command()
@click.argument("decision_id")
def replay(decision_id: str) -> None:
    """Recompute a stored decision, or a stored contact with its plan, with its own rules,
    catalog, seeds and locale."""
    from triage.bootstrap import build_service
    from triage.service.reports import replay as replay_decision
    from triage.service.reports import replay_contact

    service = build_service(defaults=False)
    result: Replay | ContactReplay
    if service.audit.get(decision_id) is None and service.audit.get_contact(decision_id):
        result = replay_contact(service, decision_id)
    else:
        result = replay_decision(service, decision_id)
    if result.identical:
        click.echo(f"{decision_id}: identical")
        return
    click.echo(f"{decision_id}: DIFFERENT")
    for line in result.differences:
        click.echo(f"  {line}")
    sys.exit(1)


COMMANDS = (decide, plan, explain, replay)
