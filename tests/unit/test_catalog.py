"""Catalog files: the sample is complete; a broken file names the provider and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALOG_FILE
from tests.helpers import edit
from triage.catalog.model import Catalog, load_catalog_file
from triage.errors import CatalogError
from triage.rules.model import RuleSet

COMMON = [
    "nurse_assessment",
    "doctor_appointment",
    "lab_test",
    "dental_booking",
    "prescription_renewal",
]


def test_sample_covers_every_service_in_every_municipality(
    sample_catalog: Catalog, rules: RuleSet
) -> None:
    for municipality in ("179", "077", "892"):
        for service in rules.services:
            if service == "emergency":
                continue  # 112 is called, not listed
            assert any(
                service in p.services and municipality in p.municipalities
                for p in sample_catalog.providers
            ), (municipality, service)


def test_sample_has_ties_languages_gaps_and_a_closed_list(sample_catalog: Catalog) -> None:
    ps = sample_catalog.providers
    for service in COMMON:
        assert sum(service in p.services and "179" in p.municipalities for p in ps) >= 4, service
    assert {p.ownership for p in ps} == {"public", "private", "third_sector"}
    assert any("sv" in (p.languages or []) for p in ps) and any(
        "en" in (p.languages or []) for p in ps
    )
    assert any(p.accepting_new_clients is False for p in ps)
    assert any(p.languages is None for p in ps) and any(p.accessible is None for p in ps)
    assert any(p.contact is None or p.opening_hours is None for p in ps)


def test_version_is_a_content_hash(sample_catalog: Catalog, rules: RuleSet, tmp_path: Path) -> None:
    copy = tmp_path / "c.yaml"
    copy.write_text("# reformatted\n" + CATALOG_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_catalog_file(copy, rules.services).version == sample_catalog.version
    edit(copy, "accepting_new_clients: false", "accepting_new_clients: true")
    assert load_catalog_file(copy, rules.services).version != sample_catalog.version


@pytest.mark.parametrize(
    ("old", "new", "provider", "field"),
    [
        (
            "services: [kela_guidance]",
            "services: [kela_guidence]",
            "kela-jyvaskyla-office",
            "services[0]",
        ),
        (
            "id: keljo-health-station",
            "id: kuokkala-health-station",
            "kuokkala-health-station",
            "id",
        ),
        (
            'municipalities: ["892"]\n    services: [third_sector_activities, elderly',
            'municipalities: ["89"]\n    services: [third_sector_activities, elderly',
            "uurainen-village-association",
            "municipalities[0]",
        ),
        (
            'ownership: third_sector\n    municipalities: ["077"]',
            'ownership: charity\n    municipalities: ["077"]',
            "hankasalmi-village-help",
            "ownership",
        ),
        (
            "    accepting_new_clients: false",
            "    accepting_new_clients: nope",
            "kirkkopuisto-dental",
            "accepting_new_clients",
        ),
        (
            '    opening_hours: "24/7"',
            '    opening_hours: "24/7"\n    size: big',
            "central-finland-joint-emergency",
            "size",
        ),
        (
            '    located_in: "077"',
            '    located_in: "077x"',
            "hankasalmi-health-station",
            "located_in",
        ),
        (
            '    opening_hours: "Mo-Fr 16:00-22:00; Sa,Su,PH 08:00-20:00"',
            '    opening_hours: "ma-pe 16-22"',
            "central-finland-urgent-clinic",
            "opening_hours",
        ),
        (
            'languages: [fi, sv, en]\n    accessible: true\n    contact: {phone: "+358 20',
            'languages: [Finnish]\n    accessible: true\n    contact: {phone: "+358 20',
            "kela-jyvaskyla-office",
            "languages[0]",
        ),
    ],
)
def test_broken_catalog_names_provider_field_and_line(
    rules: RuleSet, tmp_path: Path, old: str, new: str, provider: str, field: str
) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text(CATALOG_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    edit(f, old, new)
    with pytest.raises(CatalogError) as info:
        load_catalog_file(f, rules.services)
    err = info.value
    assert (err.provider_id, err.field) == (provider, field), str(err)
    assert err.file == str(f) and err.line is not None
    assert f"provider {provider}: {field}:" in str(err)


def test_unknown_service_gets_a_suggestion(rules: RuleSet, tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(
        CATALOG_FILE.read_text(encoding="utf-8").replace("[kela_guidance]", "[kela_guidence]")
    )
    with pytest.raises(CatalogError, match="did you mean 'kela_guidance'"):
        load_catalog_file(f, rules.services)


def test_an_opening_hours_value_is_read_when_loaded_never_taken_as_always_open(
    rules: RuleSet, sample_catalog: Catalog, tmp_path: Path
) -> None:
    """Every value of the sample parses; one the OpenStreetMap syntax cannot read is
    refused with the provider, the value and where the parser stopped."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Helsinki")
    given = [p for p in sample_catalog.providers if p.opening_hours is not None]
    assert len(given) >= 15 and all(sample_catalog.hours(p, zone) for p in given)
    f = tmp_path / "c.yaml"
    f.write_text(CATALOG_FILE.read_text(encoding="utf-8").replace('"24/7"', '"24/7 always"', 1))
    with pytest.raises(CatalogError) as info:
        load_catalog_file(f, rules.services)
    assert info.value.provider_id == "central-finland-joint-emergency"
    assert "'24/7 always' is not in the OpenStreetMap opening_hours syntax (at character" in str(
        info.value
    )
