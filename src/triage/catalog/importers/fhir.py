"""A FHIR R4 Bundle of HealthcareService, Organization and Location into the catalog format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.catalog.importers.common import (
    _FHIR_DAYS,
    _FHIR_ORG_TYPES,
    FHIR_ORG_TYPE,
    MUNICIPALITY_OID,
    OWNERSHIP_SYSTEM,
    SERVICE_SYSTEM,
    Draft,
    ImportResult,
    accessibility_from_text,
    finish,
    municipality_code,
    osm_hours,
    slug,
)


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
    drafts: dict[str, Draft] = {}
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
            org_ref or key, Draft(id=slug(org["id"]), name=org.get("name") or org["id"])
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
    return ImportResult(finish(drafts, report), report)
