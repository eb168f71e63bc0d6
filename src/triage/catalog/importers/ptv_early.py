"""PTV's early import set (`servicelocations.json`, `services.json`, `organizations.json` of
the first PTV data import): flat records with integer ids, municipalities written as
`"491 Mikkeli"`, `openingTimes` with ISO weekday numbers and service classes by their
Finnish names. Each service location is rewritten as the Open API v11 ServiceLocation
channel it became, so one importer reads both."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.catalog.importers.drafts import listed, mapping

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_location(r: Mapping[str, Any]) -> bool:
    return "openingTimes" in r or ("serviceArea" in r and "visitAddress" in r)


def as_channel(loc: Mapping[str, Any]) -> dict[str, Any]:
    """An early service location as a v11 ServiceLocation channel."""
    hours = []
    for t in map(mapping, listed(loc.get("openingTimes"))):
        days = [WEEKDAYS[int(d) - 1] for d in listed(t.get("dayOfWeek")) if str(d) in "1234567"]
        hours.append(
            {
                "serviceHourType": "DaysOfTheWeek",
                "validTo": t.get("validTo") or None,
                "openingHour": [
                    {"dayFrom": d, "dayTo": d, "from": t.get("opens"), "to": t.get("closes")}
                    for d in days
                ],
            }
        )
    return {
        "id": str(loc.get("id")),
        "serviceChannelType": "ServiceLocation",
        "organizationId": str(loc.get("organization")),
        "serviceChannelNames": [{"language": "fi", "value": loc.get("name"), "type": "Name"}],
        "languages": loc.get("language"),
        "phoneNumbers": [{"number": mapping(p).get("phone")} for p in listed(loc.get("phone"))],
        "addresses": [
            {
                "streetAddress": {
                    "street": [{"language": "fi", "value": a.get("streetAddress")}],
                    "postalCode": a.get("postalCode"),
                    "postOffice": [{"language": "fi", "value": a.get("postalDistrict")}],
                    "municipality": {"code": a.get("municipality")},
                }
            }
            for a in map(mapping, listed(loc.get("visitAddress")))
        ],
        "areas": [{"type": "Municipality", "code": a} for a in listed(loc.get("serviceArea"))],
        "serviceHours": hours,
        "services": [{"service": {"id": str(s)}} for s in listed(loc.get("services"))],
    }
