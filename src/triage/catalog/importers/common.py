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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Statistics Finland municipality codes of Central Finland.
MUNICIPALITY_CODES = {
    "hankasalmi": "077",
    "joutsa": "172",
    "jyväskylä": "179",
    "jämsä": "182",
    "kannonkoski": "216",
    "karstula": "226",
    "keuruu": "249",
    "kinnula": "256",
    "kivijärvi": "265",
    "konnevesi": "275",
    "kuhmoinen": "291",
    "kyyjärvi": "312",
    "laukaa": "410",
    "luhanka": "414",
    "multia": "495",
    "muurame": "500",
    "petäjävesi": "592",
    "pihtipudas": "601",
    "saarijärvi": "729",
    "toivakka": "850",
    "uurainen": "892",
    "viitasaari": "931",
    "äänekoski": "992",
}
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


@dataclass
class ImportResult:
    document: dict[str, Any]
    report: list[str] = field(default_factory=list)


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
    hours: list[str] = field(default_factory=list)

    def add(self, attr: str, values: Iterable[str]) -> None:
        target: list[str] = getattr(self, attr)
        target.extend(v for v in values if v not in target)


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (s or "provider")[:64]


def municipality_code(text: str | None) -> str | None:
    if not text:
        return None
    t = text.strip()
    if re.fullmatch(r"\d{3}", t):
        return t
    return MUNICIPALITY_CODES.get(t.lower())


def accessibility_from_text(texts: Iterable[str]) -> bool | None:
    joined = " ".join(texts).lower()
    if re.search(r"\b(not|no|ei)\b.{0,20}(accessible|wheelchair|esteetön)", joined):
        return False
    if re.search(r"wheelchair|step-free|accessible|esteetön|esteettömät", joined):
        return True
    return None


def osm_hours(spans: Iterable[tuple[int, str, str]]) -> str | None:
    """OSM opening_hours from (weekday 0-6, opens HH:MM, closes HH:MM) spans."""
    by_time: dict[tuple[str, str], list[int]] = {}
    for day, opens, closes in spans:
        by_time.setdefault((opens[:5], closes[:5]), []).append(day)
    rules = []
    for (opens, closes), days in sorted(by_time.items(), key=lambda kv: min(kv[1])):
        days = sorted(set(days))
        runs, start, prev = [], days[0], days[0]
        for cur in days[1:]:
            if cur != prev + 1:
                runs.append(_day_run(start, prev))
                start = cur
            prev = cur
        runs.append(_day_run(start, prev))
        rules.append(f"{','.join(runs)} {opens}-{closes}")
    return "; ".join(rules) or None


def _day_run(first: int, last: int) -> str:
    return _DAYS[first] if first == last else f"{_DAYS[first]}-{_DAYS[last]}"


def finish(drafts: Mapping[str, Draft], report: list[str]) -> dict[str, Any]:
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
            report.append(f"provider {d.id}: skipped, no {' / '.join(missing)} could be mapped")
            continue
        p: dict[str, Any] = {
            "id": d.id,
            "name": {"fi": d.name},
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
        if d.hours:
            p["opening_hours"] = "; ".join(d.hours)
        providers.append(p)
    return {"version": 1, "providers": providers}
