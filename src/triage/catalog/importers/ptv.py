"""Suomi.fi Palvelutietovaranto (PTV) Open API v11 service locations into the catalog format.

Reads ServiceLocation channels as published: a page (`itemList`), a list, or one channel,
alone or with the services and organisations files they name by id (PTV's early import set
is rewritten into channels first, see ptv_early); `null` anywhere is absent. One provider
per channel, named in fi, sv and en as given. Municipalities come from
`addresses[].streetAddress.municipality.code` and from areas of type Municipality; hours
from `serviceHours` (regular and over-midnight hours, always open; closed, exceptional and
expired ones are reported, not listed). Services come through the crosswalk from the
service ids (`ptv:service`) and the service classes and ontology terms of the channel and
of its services; ownership from the organisation's type, else the crosswalk
(`ptv:organization`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from triage.catalog.crosswalk import EMPTY, Crosswalk, Ownership
from triage.catalog.importers.drafts import (
    Draft,
    ImportResult,
    ImportShapeError,
    Span,
    expired,
    finish,
    listed,
    mapping,
    municipality_code,
    phone,
    records,
    slug,
)
from triage.catalog.importers.ptv_early import as_channel, is_location

EXPECTED = "PTV Open API v11 service channels: a page (itemList), a list, or one channel"
DAYS = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
SERVICE_CLASSES = "http://uri.suomi.fi/codelist/ptv/ptvserclass2"


ORGANIZATION_TYPES: dict[str, Ownership] = {  # v11 codes and the early set's Finnish words
    "state": "public",
    "valtio": "public",
    "municipality": "public",
    "kunta": "public",
    "region": "public",
    "regionalorganization": "public",
    "alueellinen yhteistoimintaorganisaatio": "public",
    "sotepublic": "public",
    "company": "private",
    "yritys": "private",
    "yritykset": "private",
    "soteprivate": "private",
    "organization": "third_sector",
    "järjestö": "third_sector",
    "järjestöt": "third_sector",
}


def _is_channel(r: dict[str, Any]) -> bool:
    return "serviceChannelNames" in r or "serviceChannelType" in r


def _kind(r: dict[str, Any]) -> str | None:
    if _is_channel(r) or is_location(r):
        return "channel"
    if "organizationType" in r or "organizationNames" in r:
        return "organization"
    if any(k in r for k in ("serviceNames", "serviceClasses", "serviceClass")):
        return "service"
    return None


def _pool(data: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """The records of every file given, by kind and id; early records become channels."""
    pool: dict[str, dict[str, dict[str, Any]]] = {"channel": {}, "organization": {}, "service": {}}
    for r in records(data, EXPECTED, lambda r: _kind(r) is not None):
        kind = _kind(r)
        if kind:
            pool[kind][str(r.get("id"))] = as_channel(r) if is_location(r) else r
    if not pool["channel"]:
        raise ImportShapeError(
            f"expected {EXPECTED}; services and organisations are read with the channels "
            "that name them"
        )
    return pool


def _texts(values: Any, kind: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in map(mapping, listed(values)):
        lang, text = v.get("language"), v.get("value")
        wanted = kind is None or v.get("type") in (None, kind)
        if wanted and isinstance(lang, str) and isinstance(text, str) and text.strip():
            out.setdefault(lang, text.strip())
    return out


def _address_municipality(ch: Mapping[str, Any]) -> str | None:
    """The municipality of the channel's first address that names one."""
    for a in listed(ch.get("addresses")):
        street = mapping(mapping(a).get("streetAddress"))
        code = municipality_code(mapping(street.get("municipality")).get("code"))
        if code:
            return code
    return None


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


def _service_codes(
    ch: Mapping[str, Any], known: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """(system, code) pairs that say what the channel offers: its services' ids, and the
    service classes and ontology terms of the channel and of those services given."""
    ids = [str(mapping(mapping(s).get("service")).get("id")) for s in listed(ch.get("services"))]
    pairs = [("ptv:service", i) for i in ids]
    for i in ids:
        pairs += _class_codes(known.get(i, {}))
    return [p for p in [*pairs, *_class_codes(ch)] if p[1] not in ("", "None")]


def _class_codes(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = [("ptv:serviceClassName", str(n)) for n in listed(record.get("serviceClass"))]
    for cls in map(mapping, listed(record.get("serviceClasses"))):
        pairs.append(
            (SERVICE_CLASSES, str(cls.get("code") or str(cls.get("uri") or "").rsplit("/", 1)[-1]))
        )
    terms = listed(record.get("ontologyTerms"))
    return pairs + [("ptv:ontology", str(mapping(t).get("uri"))) for t in terms]


def _ownership(org_id: str, org: Mapping[str, Any], crosswalk: Crosswalk) -> Ownership | None:
    kind = str(org.get("organizationType") or "").strip().lower()
    return crosswalk.ownership_for("ptv:organization", org_id) or ORGANIZATION_TYPES.get(kind)


def _hours(
    ch: Mapping[str, Any], key: str, today: date, result: ImportResult
) -> tuple[list[Span], bool]:
    """A channel's weekly spans, and whether it says it is always open."""
    spans: list[Span] = []
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
    return spans, always


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
    pool = _pool(data)
    for ch in pool["channel"].values():
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
        d.ownership = _ownership(org, pool["organization"].get(org, {}), crosswalk)
        if d.ownership is None:
            result.unmapped[f"ptv:organization|{org}"] += 1
        found = list(crosswalk.services_for("ptv:organization", org))
        for system, code in _service_codes(ch, pool["service"]):
            mapped = crosswalk.services_for(system, code)
            found += mapped
            given = system == "ptv:service" and code in pool["service"]  # its classes count
            if not mapped and not given:
                result.unmapped[f"{system}|{code}"] += 1
        d.add("services", [s for s in found if s in services])
        d.add("municipalities", _municipalities(ch))
        d.located_in = d.located_in or _address_municipality(ch)
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
        d.spans, d.open_always = _hours(ch, key, today, result)
    return finish(drafts, result)
