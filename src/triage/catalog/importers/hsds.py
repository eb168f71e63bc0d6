"""Open Referral HSDS 3.0 / 3.1 (JSON) into the catalog format, taking data as published:
a list of services, a single service, or a page (`contents` / `content`); `null` anywhere
is absent; expired schedules are ignored; HSDS 3.1 `capacities` with nothing available
mean no new clients."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from triage.catalog.crosswalk import EMPTY, Crosswalk
from triage.catalog.importers.drafts import (
    _OWNERSHIP_WORDS,
    _RRULE_DAYS,
    Draft,
    ImportResult,
    accessibility_from_text,
    expired,
    finish,
    listed,
    mapping,
    municipality_code,
    phone,
    records,
    slug,
)

EXPECTED = (
    "HSDS services (or organizations or service_at_locations with their services): a list, "
    "a single record, or a page with `contents`"
)


def _is_service(r: dict[str, Any]) -> bool:
    return "id" in r and ("status" in r or "organization" in r or "organization_id" in r)


def _is_located(r: dict[str, Any]) -> bool:
    """A service_at_location record with its service nested."""
    return isinstance(r.get("service"), dict) and "location" in r


def _is_record(r: dict[str, Any]) -> bool:
    return _is_service(r) or _is_located(r) or ("id" in r and isinstance(r.get("services"), list))


def _services(data: Any) -> list[dict[str, Any]]:
    """Services, each with its organization: an organization's nested services get it."""
    out = []
    for r in records(data, EXPECTED, _is_record):
        if _is_located(r):
            sal = {k: v for k, v in r.items() if k != "service"}
            out.append({**r["service"], "service_at_locations": [sal]})
        elif _is_service(r):
            out.append(r)
            continue
        org = {k: v for k, v in r.items() if k != "services"}
        out += [{**mapping(s), "organization": org} for s in listed(r.get("services"))]
    return out


def import_hsds(
    data: Any,
    services: Mapping[str, object],
    today: date | None = None,
    crosswalk: Crosswalk = EMPTY,
    language: str = "fi",
) -> ImportResult:
    """Map HSDS services (with nested organizations) to a catalog document. HSDS text has
    no language tag: `language` says which one the names are in (fi, sv or en)."""
    today = today or date.today()
    result = ImportResult()
    report = result.report
    if language != "fi":
        report.append(f"names are in {language}: the Finnish name shows the same text")
    report.append(
        "HSDS 3.0 has no accepting-new-clients field: 3.1 `capacities` are read where given, "
        "else the default (true) applies."
    )
    drafts: dict[str, Draft] = {}
    for svc in _services(data):
        sid = svc.get("id") or "?"
        if (svc.get("status") or "active") != "active":
            report.append(f"service {sid}: status {svc.get('status')!r}, skipped")
            result.skipped["services not active"] += 1
            continue
        org = mapping(svc.get("organization"))
        org_id = org.get("id") or svc.get("organization_id")
        if not isinstance(org_id, str) or not org_id:
            report.append(f"service {sid}: no organization, skipped")
            result.skipped["services without an organization"] += 1
            continue
        name = str(org.get("name") or org_id)
        d = drafts.setdefault(org_id, Draft(id=slug(org_id), name=name, names={language: name}))
        status = str(org.get("legal_status") or "").strip().lower()
        owner = crosswalk.ownership_for("hsds:organization", org_id)
        if owner or status in _OWNERSHIP_WORDS:
            d.ownership = owner or _OWNERSHIP_WORDS[status]
        elif d.ownership is None:
            result.unmapped[f"hsds:organization|{org_id}"] += 1
            report.append(f"organization {org_id}: legal_status {status!r} not mapped to ownership")
        terms = [mapping(mapping(a).get("taxonomy_term")) for a in listed(svc.get("attributes"))]
        for term in terms:
            term_code = str(term.get("code") or term.get("name") or "")
            system = str(
                term.get("taxonomy") or mapping(term.get("taxonomy_detail")).get("uri") or "hsds"
            )
            found = (
                [term_code]
                if term_code in services
                else list(crosswalk.services_for(system, term_code))
            )
            found = found or list(crosswalk.services_for("hsds", term_code))
            d.add("services", found)
            if term_code and not found:
                result.unmapped[f"{system}|{term_code}"] += 1
                report.append(
                    f"service {sid}: taxonomy term {term_code!r} is not a service code, ignored"
                )
        for area in map(mapping, listed(svc.get("service_areas"))):
            text = area.get("extent") if area.get("extent_type") == "text" else None
            codes = _place(text, crosswalk) or _place(area.get("name"), crosswalk)
            if codes:
                d.add("municipalities", codes)
            else:
                report.append(f"service {sid}: service area {area.get('name')!r} not mapped")
        d.add("languages", _codes(svc.get("languages")))
        texts: list[str] = []
        for sal in map(mapping, listed(svc.get("service_at_locations"))):
            loc = mapping(sal.get("location"))
            d.add("languages", _codes(loc.get("languages")))
            texts += [
                str(a.get("description") or a.get("details") or "")
                for a in map(mapping, listed(loc.get("accessibility")))
            ]
            addresses = [mapping(a) for a in listed(loc.get("addresses"))]
            for addr in addresses:
                codes = _place(addr.get("city"), crosswalk) or _place(addr.get("region"), crosswalk)
                if codes and not d.municipalities:
                    d.add("municipalities", codes)
                town = _place(addr.get("city"), crosswalk)
                if len(town) == 1:  # its address is in one municipality
                    d.located_in = d.located_in or town[0]
                elif not codes:
                    result.unmapped[f"hsds:city|{addr.get('city')}"] += 1
            if addresses and "address" not in d.contact:
                addr = addresses[0]
                line = " ".join(f"{addr.get('postal_code') or ''} {addr.get('city') or ''}".split())
                d.contact["address"] = ", ".join(x for x in (addr.get("address_1"), line) if x)
        d.accessible = accessibility_from_text(texts) if texts else d.accessible
        numbers = [phone(mapping(p).get("number")) for p in listed(svc.get("phones"))]
        if any(numbers) and "phone" not in d.contact:
            d.contact["phone"] = next(n for n in numbers if n)
        if isinstance(svc.get("url"), str) and "booking_url" not in d.contact:
            d.contact["booking_url"] = svc["url"]
        capacities = [mapping(c) for c in listed(svc.get("capacities"))]
        if capacities and all(c.get("available") == 0 for c in capacities):
            d.accepting = False
        spans = []
        for sch in map(mapping, listed(svc.get("schedules"))):
            if expired(sch, today):
                report.append(f"service {sid}: schedule {sch.get('id', '?')} expired, ignored")
                continue
            opens, closes = sch.get("opens_at"), sch.get("closes_at")
            freq = str(sch.get("freq") or "WEEKLY").upper()
            if freq != "WEEKLY" or not isinstance(opens, str) or not isinstance(closes, str):
                report.append(f"service {sid}: schedule {sch.get('id', '?')} not weekly, ignored")
                continue
            if closes[:5] <= opens[:5]:
                report.append(f"service {sid}: schedule {sch.get('id', '?')} ends before it starts")
            for day in str(sch.get("byday") or "").split(","):
                if day.strip().upper() in _RRULE_DAYS:
                    spans.append((_RRULE_DAYS[day.strip().upper()], opens, closes))
        d.spans += spans
    return finish(drafts, result)


def _place(text: Any, crosswalk: Crosswalk) -> list[str]:
    """Municipality codes of a place as written: an official code or name, else the
    crosswalk's `hsds:city` line for it."""
    code = municipality_code(text)
    return [code] if code else list(crosswalk.municipalities_for("hsds:city", text))


def _codes(languages: Any) -> list[str]:
    out = []
    for lang in listed(languages):
        code = lang.get("code") if isinstance(lang, dict) else lang
        if isinstance(code, str) and code:
            out.append(code.split("-")[0].lower())
    return out
