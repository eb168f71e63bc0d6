"""What a request hands to the audit writer (`Record`), and the rows it becomes.

A record is plain data, as a writer process gets it pickled: each decision's JSON as it was
answered, its case's JSON and the decision's own columns, read off the Decision when it is
answered so that the writer has no JSON to parse."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from triage.catalog.exposure import places
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision

# id, need, status, service code, urgency, rules and catalog versions, seed, locale, and the
# providers shown as (id, reason, ownership): the first nine are the decision table's own
Columns = tuple[
    str, str, str, str | None, str | None, str, str, int, str, tuple[tuple[str, str, str], ...]
]
Rows = list[tuple[Any, ...]]
# each table's columns, in the order its rows are built below
TABLES: dict[str, tuple[str, ...]] = {
    "contact": (
        "id", "created_at", "key_id", "rules_version", "catalog_version", "contact_json",
        "answer_json",
    ),
    "decision": (
        "id", "need", "status", "service", "urgency", "rules_version", "catalog_version", "seed",
        "locale", "created_at", "commit_by", "key_id", "case_json", "decision_json",
        "contact_id",
    ),
    "listing": (
        "decision_id", "created_at", "provider_id", "ownership", "rank", "first",
        "expected_first", "exposure", "expected_exposure",
    ),
}  # fmt: skip


class Record(NamedTuple):
    """What one request stores: its decisions, and its contact if it had several needs."""

    decisions: list[tuple[bytes, bytes, Columns]]  # UTF-8 JSON of the decision and its case
    contact: tuple[str, str, dict[str, Any]] | None  # id, the answer's JSON, the contact given
    key_id: str | None
    created: float  # POSIX time (a datetime takes eight times as long to pickle)


def columns(d: Decision) -> Columns:
    # tie groups: runs of equal reason, the providers closed before the deadline apart
    shown = tuple(
        (p.id, p.reason if p.open_before_deadline is not False else f"{p.reason}/closed",
         p.ownership)
        for p in d.providers
    )  # fmt: skip
    service = d.service.code if d.service is not None else None
    return (d.decision_id, d.need, d.status, service, d.urgency, d.rules_version,
            d.catalog_version, d.seed, d.locale, shown)  # fmt: skip


def make_record(
    pairs: list[tuple[Decision, Case]],
    contact: tuple[ContactAnswer, dict[str, Any]] | None,
    key_id: str | None,
) -> Record:
    given = None
    if contact is not None:
        answer, as_given = contact
        given = (answer.contact_id, answer.model_dump_json(), as_given)
    parts = [
        (d.json_bytes, c.__pydantic_serializer__.to_json(c, exclude_none=True), columns(d))
        for d, c in pairs
    ]
    return Record(parts, given, key_id, time.time())


def rows(group: Sequence[Record], commit_by: timedelta, sqlite: bool) -> dict[str, Rows]:
    """The rows of a group's contacts, decisions and listing positions, by table. Times as
    the driver takes them: SQLite gets the text SQLAlchemy writes there (its driver's own
    form differs); PostgreSQL's driver takes the datetime."""
    out: dict[str, Rows] = {table: [] for table in TABLES}
    contacts, decisions, listings = out["contact"], out["decision"], out["listing"]
    for record in group:
        at = datetime.fromtimestamp(record.created, UTC)
        created: object = at
        by: object = at + commit_by
        if sqlite:
            created = at.isoformat(" ", "microseconds")[:26]
            by = (at + commit_by).isoformat(" ", "microseconds")[:26]
        key_id, contact_id = record.key_id, None
        if record.contact is not None:
            contact_id, answer, given = record.contact
            first = record.decisions[0][2]
            given_json = json.dumps(given, ensure_ascii=False)
            contacts.append((contact_id, created, key_id, first[5], first[6], given_json, answer))
        for text, case, cols in record.decisions:
            decisions.append((*cols[:9], created, by, key_id, case.decode(), text.decode(),
                              contact_id))  # fmt: skip
            shown = cols[9]
            ranked = places(tuple(reason for _, reason, _ in shown))
            listings.extend(
                (cols[0], created, pid, ownership, *place)
                for (pid, _, ownership), place in zip(shown, ranked, strict=True)
            )
    return out


@functools.lru_cache(maxsize=256)
def insert_sql(table: str, count: int, mark: str) -> str:
    """INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING for `count` rows of `table`,
    in the driver's own parameter style (`mark`)."""
    names = TABLES[table]
    values = f"({', '.join([mark] * len(names))})"
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES "
        f"{', '.join([values] * count)} ON CONFLICT DO NOTHING"
    )
