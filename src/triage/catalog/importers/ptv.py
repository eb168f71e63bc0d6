"""Suomi.fi Palvelutietovaranto (PTV) Open API v11 service locations into the catalog format.

Reads ServiceLocation channels as published: a page (`itemList`), a list, or one channel;
`null` anywhere is absent. One provider per channel, named in fi, sv and en as given.
Municipalities come from `addresses[].streetAddress.municipality.code` and from areas of
type Municipality; hours from `serviceHours` (regular and over-midnight hours, always
open; closed, exceptional and expired ones are reported, not listed). PTV links a channel
to services and an organisation by id, so its services and ownership come from the
crosswalk: systems `ptv:service` and `ptv:organization` (ids) and the PTV service class
and ontology term URIs a channel carries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from triage.catalog.crosswalk import EMPTY, Crosswalk
from triage.catalog.importers.common import (
    Draft,
    ImportResult,
    expired,
    finish,
    listed,
    mapping,
    municipality_code,
    osm_hours,
    phone,
    records,
    slug,
)

EXPECTED = "PTV Open API v11 service channels: a page (itemList), a list, or one channel"
DAYS = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
SERVICE_CLASSES = "http://uri.suomi.fi/codelist/ptv/ptvserclass2"


def _is_channel(r: dict[str, Any]) -> bool:
    return "serviceChannelNames" in r or "serviceChannelType" in r


def _texts(values: Any, kind: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in map(mapping, listed(values)):
        lang, text = v.get("language"), v.get("value")
        wanted = kind is None or v.get("type") in (None, kind)
        if wanted and isinstance(lang, str) and isinstance(text, str) and text.strip():
            out.setdefault(lang, text.strip())
    return out


def _municipalities(ch: Mapping[str, Any]) -> list[str]:
    codes = [
        mapping(mapping(mapping(a).get("streetAddress")).get("municipality")).get("code")
        for a in listed(ch.get("addresses"))
    ]
    for area in map(mapping, listed(ch.get("areas"))):
        if str(area.get("type") or "").lower() == "municipality":
            codes += [area.get("code"), *listed(area.get("areaCodes"))]
        codes += [mapping(m).get("code") for m in listed(area.get("municipalities"))]
    found = [municipality_code(c) for c in codes]
    return list(dict.fromkeys(c for c in found if c))


def _service_codes(ch: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(system, code) pairs that say what the channel offers."""
    pairs = [
        ("ptv:service", str(mapping(mapping(s).get("service")).get("id")))
        for s in listed(ch.get("services"))
    ]
    for cls in map(mapping, listed(ch.get("serviceClasses"))):
        pairs.append(
            (SERVICE_CLASSES, str(cls.get("code") or str(cls.get("uri") or "").rsplit("/", 1)[-1]))
        )
    pairs += [("ptv:ontology", str(mapping(t).get("uri"))) for t in listed(ch.get("ontologyTerms"))]
    return [p for p in pairs if p[1] not in ("", "None")]


def _hours(ch: Mapping[str, Any], key: str, today: date, result: ImportResult) -> list[str]:
    spans: list[tuple[int, str, str]] = []
    always = False
    for h in map(mapping, listed(ch.get("serviceHours"))):
        kind = str(h.get("serviceHourType") or "DaysOfTheWeek")
        if expired(h, today):
            result.report.append(f"{key}: service hours valid to {h.get('validTo')} have expired")
            continue
        if kind.lower().startswith("exception") or h.get("isClosed") is True:
            result.report.append(f"{key}: exceptional or closed hours ({kind}) not listed")
            continue
        if h.get("isAlwaysOpen") is True:
            always = True
            continue
        for oh in map(mapping, listed(h.get("openingHour"))):
            first = DAYS.get(str(oh.get("dayFrom") or "").lower())
            last = DAYS.get(str(oh.get("dayTo") or oh.get("dayFrom") or "").lower())
            opens, closes = oh.get("from"), oh.get("to")
            if (
                first is None
                or last is None
                or not isinstance(opens, str)
                or not isinstance(closes, str)
            ):
                result.report.append(f"{key}: opening hour {oh} not read")
                continue
            if closes[:5] <= opens[:5] and kind != "OverMidnight":
                result.report.append(f"{key}: opening hour {opens}-{closes} ends before it starts")
            days = (
                range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            )
            spans += [(day, opens, closes) for day in days]
    if always:
        return ["24/7"]
    hours = osm_hours(spans)
    return [hours] if hours else []


def import_ptv(
    data: Any,
    services: Mapping[str, object],
    crosswalk: Crosswalk = EMPTY,
    today: date | None = None,
) -> ImportResult:
    """Map PTV v11 ServiceLocation channels to a catalog document."""
    today = today or date.today()
    result = ImportResult()
    result.report.append("PTV has no accepting-new-clients field: left at the default (true).")
    drafts: dict[str, Draft] = {}
    for ch in records(data, EXPECTED, _is_channel):
        cid = str(ch.get("id") or "?")
        key = f"channel {cid}"
        kind = ch.get("serviceChannelType") or "ServiceLocation"
        if kind != "ServiceLocation":
            result.skipped[f"channels of type {kind}"] += 1
            continue
        if (ch.get("publishingStatus") or "Published") != "Published":
            result.skipped["channels not published"] += 1
            continue
        names = _texts(ch.get("serviceChannelNames"), "Name")
        name = names.get("fi") or names.get("sv") or names.get("en") or cid
        if "fi" not in names:
            result.report.append(f"{key}: no Finnish name, {name!r} used")
        d = drafts.setdefault(cid, Draft(id=slug(f"ptv-{cid}"), name=name, names=names))
        org = str(ch.get("organizationId") or "")
        d.ownership = crosswalk.ownership_for("ptv:organization", org)
        if d.ownership is None:
            result.unmapped[f"ptv:organization|{org}"] += 1
        found = list(crosswalk.services_for("ptv:organization", org))
        for system, code in _service_codes(ch):
            mapped = crosswalk.services_for(system, code)
            found += mapped
            if not mapped:
                result.unmapped[f"{system}|{code}"] += 1
        d.add("services", [s for s in found if s in services])
        d.add("municipalities", _municipalities(ch))
        d.add(
            "languages",
            [x for x in listed(ch.get("languages")) if isinstance(x, str) and len(x) == 2],
        )
        for p in map(mapping, listed(ch.get("phoneNumbers"))):
            number = phone(f"{p.get('prefixNumber') or ''} {p.get('number') or ''}")
            if number and "phone" not in d.contact:
                d.contact["phone"] = number
        for a in map(mapping, listed(ch.get("addresses"))):
            street = mapping(a.get("streetAddress"))
            line = " ".join(
                x
                for x in (_texts(street.get("street")).get("fi"), street.get("streetNumber"))
                if isinstance(x, str) and x
            )
            town = " ".join(
                x
                for x in (street.get("postalCode"), _texts(street.get("postOffice")).get("fi"))
                if isinstance(x, str) and x
            )
            if (line or town) and "address" not in d.contact:
                d.contact["address"] = ", ".join(x for x in (line, town) if x)
        d.hours = _hours(ch, key, today, result)
    return finish(drafts, result)
