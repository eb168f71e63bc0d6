"""Importers from open service-directory standards into the catalog format.

- Open Referral HSDS v3 (JSON): a list of services (or a paginated `{"contents": [...]}`)
  with their nested `organization`, `service_areas`, `service_at_locations`, `languages`,
  `phones`, `schedules` and `attributes`.
- FHIR R4 Bundle of HealthcareService with the Organization and Location resources it
  references.

One provider is made per organization. Service codes are read from HSDS taxonomy terms /
FHIR `type` codings whose code is a service code of the rules; municipalities from
3-digit codes or Central Finland municipality names. What cannot be mapped is listed in
the report, never guessed; a provider left without services, area or ownership is skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from triage.catalog.hours import HoursError, parse_hours
from triage.catalog.model import UTC_ZONE
from triage.catalog.municipalities import municipalities, municipality_codes

MUNICIPALITY_OID = "urn:oid:1.2.246.537.6.21"  # Finnish municipality code system
OWNERSHIP_SYSTEM = "urn:triage:ownership"
SERVICE_SYSTEM = "urn:triage:service"
FHIR_ORG_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"

_OWNERSHIP_WORDS = {
    "public": "public",
    "municipal": "public",
    "government": "public",
    "julkinen": "public",
    "private": "private",
    "company": "private",
    "for-profit": "private",
    "yksityinen": "private",
    "third_sector": "third_sector",
    "non-profit": "third_sector",
    "nonprofit": "third_sector",
    "association": "third_sector",
    "foundation": "third_sector",
    "cooperative": "third_sector",
    "järjestö": "third_sector",
}
_FHIR_ORG_TYPES = {
    "govt": "public",
    "bus": "private",
    "cg": "third_sector",
    "reli": "third_sector",
    "crs": "third_sector",
}
_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_RRULE_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_FHIR_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class ImportShapeError(ValueError):
    """The input is not in a shape this importer reads; the message says what it expected."""


@dataclass
class ImportResult:
    document: dict[str, Any] = field(default_factory=lambda: {"version": 1, "providers": []})
    report: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> providers skipped
    unmapped: Counter[str] = field(default_factory=Counter)  # external code -> times seen

    @property
    def providers(self) -> int:
        return len(self.document["providers"])

    def summary(self) -> list[str]:
        lines = [f"{self.providers} providers imported"]
        lines += [f"skipped: {n} {reason}" for reason, n in self.skipped.most_common()]
        lines += [f"unmapped code: {code} ({n}x)" for code, n in self.unmapped.most_common()]
        return lines


def listed(value: Any) -> list[Any]:
    """A list field as published: None (or absent) is empty, a single object is a list of
    one, and null entries are dropped."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return [value]


def mapping(value: Any) -> dict[str, Any]:
    """An object field as published: anything that is not an object is empty."""
    return value if isinstance(value, dict) else {}


class Published(list[Any]):
    """Several published files read as one import (e.g. a directory's services, channels
    and organisations, or FHIR resources one per file): their records are pooled."""


def records(data: Any, expected: str, is_record: Callable[[dict[str, Any]], bool]) -> list[Any]:
    """The records of a published file: a list, a single record, or a page wrapping them
    (`contents`, `content`, `itemList`, `items`). ImportShapeError saying what was
    expected otherwise, so a file of the wrong kind never imports as silently empty."""
    if isinstance(data, Published):
        return [r for doc in data for r in records(doc, expected, is_record)]
    if isinstance(data, dict):
        page = next(
            (data[k] for k in ("contents", "content", "itemList", "items") if k in data), None
        )
        if page is None and is_record(data):
            return [data]
        data = page
    if isinstance(data, list) and all(isinstance(r, dict) for r in data if r is not None):
        found = [r for r in data if isinstance(r, dict)]
        if not found or any(is_record(r) for r in found):
            return found
    raise ImportShapeError(f"expected {expected}")


Span = tuple[int, str, str]  # (weekday 0-6, opens HH:MM, closes HH:MM)


@dataclass
class Draft:
    id: str
    name: str
    ownership: str | None = None
    services: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    accessible: bool | None = None
    contact: dict[str, str] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)  # opening hours, as published
    located_in: str | None = None  # the municipality code of its (first) address
    open_always: bool = False
    accepting: bool | None = None
    names: dict[str, str] = field(default_factory=dict)  # other languages, as published

    def add(self, attr: str, values: Iterable[str]) -> None:
        target: list[str] = getattr(self, attr)
        target.extend(v for v in values if v not in target)


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (s or "provider")[:64]


def municipality_code(text: Any) -> str | None:
    """A municipality code from a code (`"179"`), a name in Finnish or Swedish
    (`"Jyväskylä"`), or both (`"491 Mikkeli"`); only codes on the official list."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    t = str(text).strip()
    match = re.match(r"^(\d{3})\b", t)
    if match:
        return match.group(1) if match.group(1) in municipality_codes() else None
    return _by_name().get(t.lower())


@cache
def _by_name() -> dict[str, str]:
    return {
        name.lower(): code for code, names in municipalities().items() for name in names.values()
    }


def phone(text: Any) -> str | None:
    """A phone number without the quotes and spaces some directories leave around it."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().strip("\"'“”").strip()
    return cleaned or None


def accessibility_from_text(texts: Iterable[str]) -> bool | None:
    joined = " ".join(texts).lower()
    if re.search(r"\b(not|no|ei)\b.{0,20}(accessible|wheelchair|esteetön)", joined):
        return False
    if re.search(r"wheelchair|step-free|accessible|esteetön|esteettömät", joined):
        return True
    return None


def osm_hours(spans: Iterable[Span], always: bool = False) -> str | None:
    """OSM opening_hours from spans: one rule per set of weekdays with the same ranges, a
    day's ranges all in its rule (a later rule for the same day would replace an earlier
    one); "24/7" when `always`."""
    if always:
        return "24/7"
    by_day: dict[int, set[tuple[str, str]]] = {}
    for day, opens, closes in spans:
        by_day.setdefault(day, set()).add((opens[:5], closes[:5]))
    by_ranges: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for day in sorted(by_day):
        by_ranges.setdefault(tuple(sorted(by_day[day])), []).append(day)
    rules = []
    for ranges, days in by_ranges.items():
        runs, start, prev = [], days[0], days[0]
        for cur in days[1:]:
            if cur != prev + 1:
                runs.append(_day_run(start, prev))
                start = cur
            prev = cur
        runs.append(_day_run(start, prev))
        rules.append(f"{','.join(runs)} {','.join(f'{a}-{b}' for a, b in ranges)}")
    return "; ".join(rules) or None


def _day_run(first: int, last: int) -> str:
    return _DAYS[first] if first == last else f"{_DAYS[first]}-{_DAYS[last]}"


def expired(schedule: Mapping[str, Any], today: date) -> bool:
    """A schedule whose `valid_to` (HSDS) or `validTo` (PTV) date has passed."""
    end = schedule.get("valid_to") or schedule.get("validTo")
    if not isinstance(end, str):
        return False
    try:
        return date.fromisoformat(end[:10]) < today
    except ValueError:
        return False


def finish(drafts: Mapping[str, Draft], result: ImportResult) -> ImportResult:
    """The catalog document of the drafts that have ownership, services and an area; the
    others are reported and counted as skipped."""
    providers = []
    for d in drafts.values():
        missing = [
            what
            for what, ok in (
                ("ownership", d.ownership),
                ("services", d.services),
                ("municipalities", d.municipalities),
            )
            if not ok
        ]
        if missing:
            result.report.append(
                f"provider {d.id}: skipped, no {' / '.join(missing)} could be mapped"
            )
            result.skipped[f"providers without {' / '.join(missing)}"] += 1
            continue
        p: dict[str, Any] = {
            "id": d.id,
            "name": {"fi": d.name, **{k: v for k, v in d.names.items() if k in ("sv", "en")}},
            "ownership": d.ownership,
            "municipalities": d.municipalities,
            "services": d.services,
        }
        if d.languages:
            p["languages"] = d.languages
        if d.accessible is not None:
            p["accessible"] = d.accessible
        if d.contact:
            p["contact"] = d.contact
        hours = osm_hours(d.spans, d.open_always)
        if hours is not None:
            try:
                parse_hours(hours, UTC_ZONE)
                p["opening_hours"] = hours
            except HoursError as exc:
                result.report.append(f"provider {d.id}: opening hours left out: {exc}")
        if d.located_in is not None:
            p["located_in"] = d.located_in
        if d.accepting is not None:
            p["accepting_new_clients"] = d.accepting
        providers.append(p)
    result.document = {"version": 1, "providers": providers}
    return result
