"""Open Referral HSDS v3 (JSON) into the catalog format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.catalog.importers.common import (
    _OWNERSHIP_WORDS,
    _RRULE_DAYS,
    Draft,
    ImportResult,
    accessibility_from_text,
    finish,
    municipality_code,
    osm_hours,
    slug,
)


def import_hsds(data: Any, services: Mapping[str, object]) -> ImportResult:
    """Map HSDS v3 services (with nested organizations) to a catalog document."""
    items = data.get("contents", []) if isinstance(data, Mapping) else data
    report: list[str] = ["HSDS has no accepting-new-clients field: left at the default (true)."]
    drafts: dict[str, Draft] = {}
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
        d = drafts.setdefault(org_id, Draft(id=slug(org_id), name=org.get("name") or org_id))
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
    return ImportResult(finish(drafts, report), report)
