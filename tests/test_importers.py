"""HSDS v3 and FHIR R4 importers: fixtures load, unmappable parts are reported, and the
imported catalogs serve real decisions."""

from __future__ import annotations

import json

from tests.conftest import ROOT
from triage.catalog.importers import import_fhir, import_hsds
from triage.catalog.importers.drafts import Draft, ImportResult, finish, osm_hours
from triage.catalog.model import build_catalog
from triage.domain.decider import Triage
from triage.rules.model import RuleSet

FIXTURES = ROOT / "tests" / "fixtures"


def test_hsds_fixture_maps_to_a_catalog(rules: RuleSet) -> None:
    result = import_hsds(json.loads((FIXTURES / "hsds_services.json").read_text()), rules.services)
    cat = build_catalog(result.document, rules.services)
    by_id = {p.id: p for p in cat.providers}
    assert set(by_id) == {
        "org-laajavuori-dental",
        "org-vaajakoski-station",
        "org-mielenterveysseura",
    }
    dental = by_id["org-laajavuori-dental"]
    assert dental.ownership == "private" and dental.services == [
        "dental_booking",
        "dental_hygienist",
    ]
    assert dental.municipalities == ["179", "500"]  # extent code, and Muurame by name
    assert dental.languages == ["fi", "en"] and dental.accessible is True
    assert dental.opening_hours == "Mo-Fr 08:00-17:00"
    assert dental.located_in == "179"  # the address's town; no address, no located_in:
    assert by_id["org-vaajakoski-station"].located_in is None
    assert (
        dental.contact is not None and dental.contact.address == "Laajavuorentie 1, 40740 Jyväskylä"
    )
    assert by_id["org-vaajakoski-station"].ownership == "public"
    assert by_id["org-vaajakoski-station"].municipalities == ["179", "077"]
    assert by_id["org-mielenterveysseura"].ownership == "third_sector"
    assert by_id["org-mielenterveysseura"].accessible is None  # nothing said: unknown
    report = "\n".join(result.report)
    assert "'orthodontics' is not a service code" in report
    assert "status 'defunct', skipped" in report
    assert "accepting-new-clients" in report


def test_fhir_fixture_maps_to_a_catalog(rules: RuleSet) -> None:
    result = import_fhir(json.loads((FIXTURES / "fhir_bundle.json").read_text()), rules.services)
    cat = build_catalog(result.document, rules.services)
    by_id = {p.id: p for p in cat.providers}
    assert set(by_id) == {"tikkakoski-station", "sydanklinikka"}
    station = by_id["tikkakoski-station"]
    assert station.ownership == "public" and station.services == [
        "anticoag_nurse",
        "inr_monitoring",
    ]
    assert station.municipalities == ["179", "892"] and station.languages == ["fi", "sv"]
    assert station.accessible is True and station.opening_hours == "Mo-Th 08:00-15:00"
    assert station.located_in == "179" and by_id["sydanklinikka"].located_in is None
    assert station.contact is not None and station.contact.phone == "+358 14 000 9101"
    assert by_id["sydanklinikka"].services == ["doctor_appointment"]
    report = "\n".join(result.report)
    assert "provider unknown-type-org: skipped, no ownership" in report
    assert (
        "area-nowhere" in report
        and "394579002" in report
        and "HealthcareService/hs-4: inactive" in report
    )


def test_imported_catalogs_round_trip_into_decisions(engine_triage: Triage, rules: RuleSet) -> None:
    hsds = build_catalog(
        import_hsds(
            json.loads((FIXTURES / "hsds_services.json").read_text()), rules.services
        ).document,
        rules.services,
    )
    d = engine_triage.with_catalog(hsds).decide(
        {
            "need": "dental",
            "client": {"age": 30, "municipality": "179"},
            "red_flags": [],
            "facts": {"request": "cleaning", "pain": 0, "trauma": False, "swelling": False},
        },
        seed=3,
    )
    assert d.service is not None and d.service.code == "dental_hygienist"
    assert [p.id for p in d.providers] == [
        "org-laajavuori-dental"
    ] and d.catalog_version == hsds.version

    fhir = build_catalog(
        import_fhir(
            json.loads((FIXTURES / "fhir_bundle.json").read_text()), rules.services
        ).document,
        rules.services,
    )
    d = engine_triage.with_catalog(fhir).decide(
        {
            "need": "anticoagulation",
            "client": {"age": 70, "municipality": "892"},
            "red_flags": [],
            "facts": {
                "current_drug": "warfarin",
                "request": "inr_result",
                "inr": 1.5,
                "mechanical_valve": False,
                "bleeding_signs": False,
                "minor_bleeding": False,
                "head_injury": False,
            },
        },
        seed=3,
    )
    assert d.urgency == "within_3_days" and [p.id for p in d.providers] == ["tikkakoski-station"]


def test_opening_hours_are_compressed() -> None:
    assert (
        osm_hours([(0, "08:00", "16:00"), (2, "08:00", "16:00"), (3, "08:00", "16:00")])
        == "Mo,We-Th 08:00-16:00"
    )
    assert osm_hours([]) is None
    assert osm_hours([], always=True) == "24/7"
    # a day with a lunch break keeps both ranges in one rule (a second rule for the same
    # day would replace the first in the OpenStreetMap syntax)
    lunch = [(d, a, b) for d in (0, 1) for a, b in (("13:00", "16:00"), ("08:00", "12:00"))]
    assert osm_hours([*lunch, (5, "10:00", "14:00:00")]) == (
        "Mo-Tu 08:00-12:00,13:00-16:00; Sa 10:00-14:00"
    )


def test_an_importer_writes_hours_the_parser_reads_or_leaves_them_out(rules: RuleSet) -> None:
    """Hours published in a form the OpenStreetMap syntax cannot hold are left out (unknown,
    never "always open") and reported; the catalog then loads."""

    def draft(pid: str, opens: str, closes: str) -> Draft:
        return Draft(
            id=pid,
            name=pid,
            ownership="public",
            services=["lab_test"],
            municipalities=["179"],
            spans=[(0, opens, closes)],
        )

    good, bad = draft("good", "08:00", "16:00"), draft("bad", "8 am", "4 pm")
    result = finish({"good": good, "bad": bad}, ImportResult())
    by_id = {p["id"]: p for p in result.document["providers"]}
    assert by_id["good"]["opening_hours"] == "Mo 08:00-16:00"
    assert "opening_hours" not in by_id["bad"]
    assert any(line.startswith("provider bad: opening hours left out: 'Mo 8 am-4 pm'")
               for line in result.report)  # fmt: skip
    assert len(build_catalog(result.document, rules.services).providers) == 2
