"""FHIR R4 HealthcareService, Organization and Location into the catalog format, taking
data as published: a Bundle, a list of resources, or a single resource. `null` anywhere is
absent. The municipality comes from `coverageArea`, else from the addresses of the
service's Locations, else from its Organization's address. An Organization published on
its own (no HealthcareService) is reported: nothing says which services it gives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.catalog.crosswalk import EMPTY, Crosswalk
from triage.catalog.importers.drafts import (
    _FHIR_DAYS,
    _FHIR_ORG_TYPES,
    FHIR_ORG_TYPE,
    MUNICIPALITY_OID,
    OWNERSHIP_SYSTEM,
    SERVICE_SYSTEM,
    Draft,
    ImportResult,
    Published,
    accessibility_from_text,
    finish,
    listed,
    mapping,
    municipality_code,
    phone,
    records,
    slug,
)

EXPECTED = (
    "FHIR R4 JSON: a Bundle, a list of resources, or a HealthcareService, Organization or Location"
)
KINDS = ("HealthcareService", "Organization", "Location")


def _resources(data: Any) -> dict[str, dict[str, Any]]:
    if isinstance(data, Published):  # several files: their resources together
        return {k: v for doc in data for k, v in _resources(doc).items()}
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        items = [mapping(e).get("resource") for e in listed(data.get("entry"))]
    else:
        items = records(data, EXPECTED, lambda r: r.get("resourceType") in KINDS)
    found = {}
    for r in map(mapping, items):
        if r.get("resourceType") in KINDS and isinstance(r.get("id"), str):
            found[f"{r['resourceType']}/{r['id']}"] = r
    return found


def _codings(concepts: Any) -> list[dict[str, Any]]:
    return [mapping(c) for cc in listed(concepts) for c in listed(mapping(cc).get("coding"))]


def _address_code(resource: Mapping[str, Any]) -> str | None:
    for addr in map(mapping, listed(resource.get("address"))):
        code = municipality_code(addr.get("city")) or municipality_code(addr.get("district"))
        if code:
            return code
    return None


def _address_text(resource: Mapping[str, Any]) -> str | None:
    for addr in map(mapping, listed(resource.get("address"))):
        lines = " ".join(str(x) for x in listed(addr.get("line")))
        town = " ".join(f"{addr.get('postalCode') or ''} {addr.get('city') or ''}".split())
        text = ", ".join(x for x in (lines, town) if x)
        if text:
            return text
    return None


def _ownership(org: Mapping[str, Any]) -> str | None:
    for coding in _codings(org.get("type")):
        if coding.get("system") == OWNERSHIP_SYSTEM and coding.get("code") in (
            "public",
            "private",
            "third_sector",
        ):
            return str(coding["code"])
        if coding.get("system") == FHIR_ORG_TYPE and coding.get("code") in _FHIR_ORG_TYPES:
            return _FHIR_ORG_TYPES[str(coding["code"])]
    return None


def _id_ownership(org: Mapping[str, Any], crosswalk: Crosswalk) -> str | None:
    for ident in map(mapping, listed(org.get("identifier"))):
        found = crosswalk.ownership_for(ident.get("system"), ident.get("value"))
        if found:
            return found
    return None


def _organization_alone(
    key: str,
    org: Mapping[str, Any],
    crosswalk: Crosswalk,
    drafts: dict[str, Draft],
    result: ImportResult,
) -> None:
    """An Organization with no HealthcareService: a provider when the crosswalk maps one of
    its identifiers (e.g. its SOTE organisation register OID) to services."""
    idents = [mapping(i) for i in listed(org.get("identifier"))]
    found = [s for i in idents for s in crosswalk.services_for(i.get("system"), i.get("value"))]
    if not found:
        result.report.append(f"{key}: an organization with no HealthcareService in the input")
        result.skipped["organizations without a HealthcareService or crosswalk line"] += 1
        for i in idents:
            result.unmapped[f"{i.get('system')}|{i.get('value')}"] += 1
        return
    d = Draft(id=slug(str(org["id"])), name=str(org.get("name") or org["id"]))
    d.ownership = _ownership(org) or _id_ownership(org, crosswalk)
    d.add("services", found)
    code = _address_code(org)
    d.add("municipalities", [code] if code else [])
    d.located_in = code
    for tp in map(mapping, listed(org.get("telecom"))):
        number = phone(tp.get("value")) if tp.get("system") == "phone" else None
        if number and "phone" not in d.contact:
            d.contact["phone"] = number
    text = _address_text(org)
    if text:
        d.contact["address"] = text
    drafts[key] = d


def import_fhir(
    data: Any, services: Mapping[str, object], crosswalk: Crosswalk = EMPTY
) -> ImportResult:
    """Map FHIR resources to a catalog document: one provider per Organization."""
    result = ImportResult()
    report = result.report
    report.append("FHIR R4 has no accepting-new-patients element: left at the default (true).")
    resources = _resources(data)
    drafts: dict[str, Draft] = {}
    for key, hs in resources.items():
        if not key.startswith("HealthcareService/"):
            continue
        if hs.get("active") is False:
            report.append(f"{key}: inactive, skipped")
            result.skipped["services not active"] += 1
            continue
        org_ref = mapping(hs.get("providedBy")).get("reference")
        org = resources.get(org_ref) if isinstance(org_ref, str) else None
        if org is None:
            report.append(f"{key}: providedBy {org_ref!r} not in the input, skipped")
            result.skipped["services whose organization is not in the input"] += 1
            continue
        d = drafts.setdefault(
            str(org_ref), Draft(id=slug(org["id"]), name=str(org.get("name") or org["id"]))
        )
        d.ownership = d.ownership or _ownership(org) or _id_ownership(org, crosswalk)
        if d.ownership is None:
            report.append(f"{org_ref}: no organization type maps to an ownership")
        concepts = [
            *listed(hs.get("type")),
            *listed(hs.get("category")),
            *listed(hs.get("specialty")),
        ]
        for coding in _codings(concepts):
            system, code = coding.get("system"), coding.get("code")
            if system == SERVICE_SYSTEM and code in services:
                d.add("services", [str(code)])
            elif crosswalk.services_for(system, code):
                d.add("services", crosswalk.services_for(system, code))
            else:
                result.unmapped[f"{system}|{code}"] += 1
                report.append(f"{key}: type {system}|{code} not mapped")
        areas = listed(hs.get("coverageArea"))
        for ref in map(mapping, areas):
            loc = resources.get(str(ref.get("reference")))
            code = None
            if loc:
                oid = next(
                    (
                        i.get("value")
                        for i in map(mapping, listed(loc.get("identifier")))
                        if i.get("system") == MUNICIPALITY_OID
                    ),
                    None,
                )
                code = (
                    municipality_code(oid)
                    or _address_code(loc)
                    or municipality_code(loc.get("name"))
                )
            if code:
                d.add("municipalities", [code])
            else:
                report.append(f"{key}: coverage area {ref.get('reference')!r} not mapped")
        refs = [str(mapping(r).get("reference")) for r in listed(hs.get("location"))]
        locations = [resources[r] for r in refs if r in resources]
        if not areas:  # where the service is given, else where its organization is
            codes = [_address_code(loc) for loc in locations] or [_address_code(org)]
            d.add("municipalities", [c for c in codes if c])
        located = [_address_code(loc) for loc in locations] + [_address_code(org)]
        d.located_in = d.located_in or next((c for c in located if c), None)
        d.add(
            "languages",
            [
                str(c["code"]).split("-")[0].lower()
                for c in _codings(hs.get("communication"))
                if isinstance(c.get("code"), str)
            ],
        )
        characteristic = [
            f"{c.get('code') or ''} {c.get('display') or ''}"
            for c in _codings(hs.get("characteristic"))
        ]
        if characteristic and d.accessible is None:
            d.accessible = accessibility_from_text(characteristic)
        for tp in map(mapping, [*listed(hs.get("telecom")), *listed(org.get("telecom"))]):
            kind = {"phone": "phone", "url": "booking_url"}.get(str(tp.get("system")))
            value = phone(tp.get("value")) if kind == "phone" else tp.get("value")
            if kind and kind not in d.contact and isinstance(value, str) and value:
                d.contact[kind] = value
        if "address" not in d.contact:
            text = next((_address_text(loc) for loc in locations if loc), None) or _address_text(
                org
            )
            if text:
                d.contact["address"] = text
        spans = []
        for t in map(mapping, listed(hs.get("availableTime"))):
            start, end = t.get("availableStartTime"), t.get("availableEndTime")
            if not isinstance(start, str) or not isinstance(end, str):
                continue
            if end[:5] <= start[:5]:
                report.append(f"{key}: available time {start}-{end} ends before it starts")
            spans += [
                (_FHIR_DAYS[day], start, end)
                for day in listed(t.get("daysOfWeek"))
                if day in _FHIR_DAYS
            ]
        d.spans += spans
    for key, org in resources.items():
        if key.startswith("Organization/") and key not in drafts:
            _organization_alone(key, org, crosswalk, drafts, result)
    return finish(drafts, result)
