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
class _Draft:
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


def _finish(drafts: Mapping[str, _Draft], report: list[str]) -> dict[str, Any]:
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


def import_hsds(data: Any, services: Mapping[str, object]) -> ImportResult:
    """Map HSDS v3 services (with nested organizations) to a catalog document."""
    items = data.get("contents", []) if isinstance(data, Mapping) else data
    report: list[str] = ["HSDS has no accepting-new-clients field: left at the default (true)."]
    drafts: dict[str, _Draft] = {}
    for svc in items if isinstance(items, list) else []:
        sid = svc.get("id", "?")
        if svc.get("status", "active") != "active":
            report.append(f"service {sid}: status {svc.get('status')!r}, skipped")
            continue
        org = svc.get("organization") or {}
        org_id = org.get("id") or svc.get("organization_id")
        if not org_id:
            report.append(f"service {sid}: no organization, skipped")
            continue
        d = drafts.setdefault(org_id, _Draft(id=slug(org_id), name=org.get("name") or org_id))
        status = str(org.get("legal_status") or "").strip().lower()
        if status in _OWNERSHIP_WORDS:
            d.ownership = _OWNERSHIP_WORDS[status]
        elif d.ownership is None:
            report.append(f"organization {org_id}: legal_status {status!r} not mapped to ownership")
        codes = [
            ((a.get("taxonomy_term") or {}).get("code") or "") for a in svc.get("attributes", [])
        ]
        d.add("services", [c for c in codes if c in services])
        for c in codes:
            if c not in services:
                report.append(f"service {sid}: taxonomy term {c!r} is not a service code, ignored")
        for area in svc.get("service_areas", []):
            code = municipality_code(
                area.get("extent") if area.get("extent_type") == "text" else None
            ) or municipality_code(area.get("name"))
            if code:
                d.add("municipalities", [code])
            else:
                report.append(f"service {sid}: service area {area.get('name')!r} not mapped")
        d.add("languages", [lang["code"] for lang in svc.get("languages", []) if lang.get("code")])
        texts: list[str] = []
        for sal in svc.get("service_at_locations", []):
            loc = sal.get("location") or {}
            d.add("languages", [lg["code"] for lg in loc.get("languages", []) if lg.get("code")])
            texts += [
                a.get("description") or a.get("details") or "" for a in loc.get("accessibility", [])
            ]
            addr = (loc.get("addresses") or [None])[0]
            if addr and "address" not in d.contact:
                d.contact["address"] = ", ".join(
                    x
                    for x in (
                        addr.get("address_1"),
                        f"{addr.get('postal_code', '')} {addr.get('city', '')}".strip(),
                    )
                    if x
                )
        d.accessible = accessibility_from_text(texts) if texts else d.accessible
        phones = [p.get("number") for p in svc.get("phones", []) if p.get("number")]
        if phones and "phone" not in d.contact:
            d.contact["phone"] = phones[0]
        if svc.get("url") and "booking_url" not in d.contact:
            d.contact["booking_url"] = svc["url"]
        spans = []
        for sch in svc.get("schedules", []):
            if str(sch.get("freq", "WEEKLY")).upper() != "WEEKLY" or not sch.get("opens_at"):
                report.append(f"service {sid}: schedule {sch.get('id', '?')} not weekly, ignored")
                continue
            for day in str(sch.get("byday", "")).split(","):
                if day.strip().upper() in _RRULE_DAYS:
                    spans.append(
                        (_RRULE_DAYS[day.strip().upper()], sch["opens_at"], sch["closes_at"])
                    )
        hours = osm_hours(spans)
        if hours and hours not in d.hours:
            d.hours.append(hours)
    return ImportResult(_finish(drafts, report), report)


def import_fhir(bundle: Any, services: Mapping[str, object]) -> ImportResult:
    """Map a FHIR R4 Bundle of HealthcareService (+ Organization, Location) to a catalog."""
    report: list[str] = [
        "FHIR R4 has no accepting-new-patients element: left at the default (true)."
    ]
    resources: dict[str, dict[str, Any]] = {}
    for entry in bundle.get("entry", []) if isinstance(bundle, Mapping) else []:
        r = entry.get("resource") or {}
        if r.get("resourceType") and r.get("id"):
            resources[f"{r['resourceType']}/{r['id']}"] = r
    drafts: dict[str, _Draft] = {}
    for key, hs in resources.items():
        if not key.startswith("HealthcareService/"):
            continue
        if hs.get("active") is False:
            report.append(f"{key}: inactive, skipped")
            continue
        org_ref = (hs.get("providedBy") or {}).get("reference")
        org = resources.get(org_ref or "")
        if org is None:
            report.append(f"{key}: providedBy {org_ref!r} not in the bundle, skipped")
            continue
        d = drafts.setdefault(
            org_ref or key, _Draft(id=slug(org["id"]), name=org.get("name") or org["id"])
        )
        for coding in (c for t in org.get("type", []) for c in t.get("coding", [])):
            if coding.get("system") == OWNERSHIP_SYSTEM and coding.get("code") in (
                "public",
                "private",
                "third_sector",
            ):
                d.ownership = coding["code"]
            elif (
                coding.get("system") == FHIR_ORG_TYPE
                and coding.get("code") in _FHIR_ORG_TYPES
                and d.ownership is None
            ):
                d.ownership = _FHIR_ORG_TYPES[coding["code"]]
        if d.ownership is None:
            report.append(f"{org_ref}: no organization type maps to an ownership")
        for coding in (c for t in hs.get("type", []) for c in t.get("coding", [])):
            if coding.get("system") == SERVICE_SYSTEM and coding.get("code") in services:
                d.add("services", [coding["code"]])
            else:
                report.append(f"{key}: type {coding.get('system')}|{coding.get('code')} not mapped")
        for ref in hs.get("coverageArea", []):
            loc = resources.get(ref.get("reference", ""))
            code = None
            if loc:
                code = next(
                    (
                        i.get("value")
                        for i in loc.get("identifier", [])
                        if i.get("system") == MUNICIPALITY_OID
                    ),
                    None,
                )
                code = (
                    municipality_code(code)
                    or municipality_code((loc.get("address") or {}).get("city"))
                    or municipality_code(loc.get("name"))
                )
            if code:
                d.add("municipalities", [code])
            else:
                report.append(
                    f"{key}: coverage area {ref.get('reference')!r} not mapped to a municipality"
                )
        d.add(
            "languages",
            [
                c["code"].split("-")[0].lower()
                for cc in hs.get("communication", [])
                for c in cc.get("coding", [])
                if c.get("code")
            ],
        )
        characteristic = [
            c.get("code", "") + " " + (c.get("display") or "")
            for cc in hs.get("characteristic", [])
            for c in cc.get("coding", [])
        ]
        if characteristic:
            d.accessible = (
                accessibility_from_text(characteristic) if d.accessible is None else d.accessible
            )
        for tp in hs.get("telecom", []):
            kind = {"phone": "phone", "url": "booking_url"}.get(tp.get("system", ""))
            if kind and kind not in d.contact and tp.get("value"):
                d.contact[kind] = tp["value"]
        for ref in hs.get("location", []):
            loc = resources.get(ref.get("reference", ""))
            addr = (loc or {}).get("address")
            if addr and "address" not in d.contact:
                d.contact["address"] = ", ".join(
                    x
                    for x in (
                        " ".join(addr.get("line", [])),
                        f"{addr.get('postalCode', '')} {addr.get('city', '')}".strip(),
                    )
                    if x
                )
        spans = [
            (_FHIR_DAYS[day], t["availableStartTime"], t["availableEndTime"])
            for t in hs.get("availableTime", [])
            if t.get("availableStartTime") and t.get("availableEndTime")
            for day in t.get("daysOfWeek", [])
            if day in _FHIR_DAYS
        ]
        hours = osm_hours(spans)
        if hours and hours not in d.hours:
            d.hours.append(hours)
    return ImportResult(_finish(drafts, report), report)
