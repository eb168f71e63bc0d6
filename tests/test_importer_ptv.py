"""PTV Open API v11 service locations: names in three languages, municipalities from the
address and from areas, hours of every kind, services and ownership from the crosswalk,
`null` anywhere; the published page imports once the crosswalk has a line for it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from triage.catalog.crosswalk import load_crosswalk
from triage.catalog.importers import import_ptv
from triage.catalog.importers.drafts import ImportShapeError
from triage.catalog.model import build_catalog
from triage.cli import main
from triage.rules.model import RuleSet

REALDATA = ROOT / "tests" / "data" / "realdata"  # copied with their licences
CROSSWALK = """\
codes:
  - {system: "ptv:organization", code: "org-1", ownership: public}
  - {system: "ptv:service", code: "svc-dental", services: [dental_booking]}
  - system: "ptv:organization"
    code: "75c2ec6f-1127-41ce-a71d-4c7077366757"
    services: [self_care_guidance]
    ownership: private
"""
CHANNEL: dict[str, Any] = {
    "id": "ch-1",
    "serviceChannelType": "ServiceLocation",
    "organizationId": "org-1",
    "publishingStatus": "Published",
    "serviceChannelNames": [
        None,
        {"language": "fi", "value": "Hammashoitola", "type": "Name"},
        {"language": "sv", "value": "Tandklinik", "type": "Name"},
        {"language": "en", "value": "Dental clinic", "type": "Name"},
    ],
    "languages": ["fi", None, "sv"],
    "areas": [None, {"type": "Municipality", "areaCodes": ["435", None]}],
    "addresses": [
        {
            "streetAddress": {
                "street": [{"language": "fi", "value": "Kauppatie"}],
                "streetNumber": "5",
                "postalCode": "41800",
                "postOffice": [{"language": "fi", "value": "KORPILAHTI"}],
                "municipality": {"code": "179"},
            }
        }
    ],
    "phoneNumbers": [None, {"prefixNumber": "+358", "number": "14 123 4567"}],
    "services": [None, {"service": {"id": "svc-dental", "name": "Hammashoito"}}],
    "serviceHours": [
        None,
        {
            "serviceHourType": "DaysOfTheWeek",
            "openingHour": [
                {"dayFrom": "Monday", "dayTo": "Friday", "from": "08:00:00", "to": "16:00:00"}
            ],
        },
        {
            "serviceHourType": "OverMidnight",
            "openingHour": [{"dayFrom": "Saturday", "from": "22:00:00", "to": "02:00:00"}],
        },
        {
            "serviceHourType": "DaysOfTheWeek",
            "validTo": "2020-12-31T00:00:00Z",
            "openingHour": [{"dayFrom": "Sunday", "from": "10:00:00", "to": "12:00:00"}],
        },
        {"serviceHourType": "Exceptional", "isClosed": True, "validFrom": "2026-12-24"},
    ],
}


@pytest.fixture
def crosswalk(tmp_path: Path, rules: RuleSet) -> Any:
    path = tmp_path / "cw.yaml"
    path.write_text(CROSSWALK, encoding="utf-8")
    return load_crosswalk(path, rules.services)


def test_a_channel_as_published(rules: RuleSet, crosswalk: Any) -> None:
    for shape in (CHANNEL, [None, CHANNEL], {"pageNumber": 1, "itemList": [CHANNEL]}):
        result = import_ptv(shape, rules.services, crosswalk=crosswalk, today=date(2026, 11, 30))
        (p,) = build_catalog(result.document, rules.services).providers
        assert (p.name.fi, p.name.sv, p.name.en) == ("Hammashoitola", "Tandklinik", "Dental clinic")
        assert p.municipalities == ["179", "435"] and p.services == ["dental_booking"]
        assert p.ownership == "public" and p.languages == ["fi", "sv"]
        assert p.contact is not None and p.contact.phone == "+358 14 123 4567"
        assert p.contact.address == "Kauppatie 5, 41800 KORPILAHTI"
        assert p.located_in == "179"  # Korpilahti is part of Jyväskylä (the address's code)
        assert p.opening_hours == "Mo-Fr 08:00-16:00; Sa 22:00-02:00"  # expired Sunday left out
        report = "\n".join(result.report)
        assert "have expired" in report and "exceptional or closed hours" in report


def test_always_open_and_a_channel_with_nothing_mapped(rules: RuleSet, crosswalk: Any) -> None:
    always = {**CHANNEL, "serviceHours": [{"isAlwaysOpen": True}]}
    (p,) = build_catalog(
        import_ptv(always, rules.services, crosswalk=crosswalk).document, rules.services
    ).providers
    assert p.opening_hours == "24/7"
    bare = {**CHANNEL, "services": None, "organizationId": "org-2"}
    result = import_ptv(bare, rules.services, crosswalk=crosswalk)
    assert result.providers == 0 and result.unmapped["ptv:organization|org-2"] == 1
    with pytest.raises(ImportShapeError, match="PTV Open API v11"):
        import_ptv({"pageNumber": 1, "itemList": [{"x": 1}]}, rules.services)


def test_the_published_page_imports_once_its_organisation_is_in_the_crosswalk(
    tmp_path: Path,
) -> None:
    page = REALDATA / "ptv" / "OrganizationServiceChannel.json"
    bare = CliRunner().invoke(main, ["catalog", "import", str(page), "--from", "ptv"])
    assert bare.exit_code == 2 and "ptv:organization|75c2ec6f" in bare.stderr
    cw = tmp_path / "cw.yaml"
    cw.write_text(CROSSWALK, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["catalog", "import", str(page), "--from", "ptv", "--crosswalk", str(cw)]
    )
    assert result.exit_code == 0, result.stderr
    (provider,) = json.loads(result.stdout)["providers"]
    assert provider["municipalities"] == ["297"]  # Kuopio, from the street address
    assert provider["name"] == {
        "fi": "One organization location",
        "en": "One organization location",
    }
    assert "opening_hours" not in provider  # the page publishes none
