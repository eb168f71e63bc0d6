"""Importers take data as published: single objects, lists and pages, `null` in any list
position, a BOM, expired schedules, quoted phone numbers, municipalities by code, name or
"491 Mikkeli"; an unrecognised shape or an import of nothing is exit code 2 with a reason,
never a traceback or a silent zero."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from triage.catalog.importers import import_fhir, import_hsds
from triage.catalog.importers.drafts import ImportShapeError, municipality_code
from triage.catalog.model import build_catalog
from triage.cli import main
from triage.rules.model import RuleSet

COPIED = ROOT / "tests" / "data" / "realdata"  # HSDS and PTV files, with their licences
SHARED = ROOT.parent / "shared" / "realdata"  # FHIR examples: no licence to copy them
SERVICE: dict[str, Any] = {
    "id": "svc-1",
    "name": "Hammashoito",
    "status": "active",
    "organization": {"id": "org-1", "name": "Hammas Oy", "legal_status": "private"},
    "attributes": [None, {"taxonomy_term": {"code": "dental_booking"}}, {"taxonomy_term": None}],
    "service_areas": [None, {"name": "Luhanka"}, {"extent_type": "text", "extent": "491 Mikkeli"}],
    "languages": [None, {"code": "fi"}],
    "phones": [None, {"number": ' "014 123 456" '}],
    "service_at_locations": None,
    "schedules": [
        None,
        {
            "id": "old",
            "freq": "WEEKLY",
            "byday": "MO",
            "opens_at": "07:00",
            "closes_at": "09:00",
            "valid_to": "2020-01-31",
        },
        {
            "id": "now",
            "freq": "WEEKLY",
            "byday": "TU,WE",
            "opens_at": "08:00",
            "closes_at": "16:00",
        },
        {"id": "odd", "freq": "WEEKLY", "byday": "FR", "opens_at": "18:00", "closes_at": "06:00"},
    ],
    "capacities": None,
}


def hsds(data: Any, rules: RuleSet) -> Any:
    return import_hsds(data, rules.services, today=date(2026, 11, 30))


def test_hsds_single_object_list_and_pages_with_nulls(rules: RuleSet) -> None:
    for shape in (SERVICE, [None, SERVICE], {"contents": [SERVICE]}, {"content": [SERVICE]}):
        result = hsds(copy.deepcopy(shape), rules)
        (p,) = build_catalog(result.document, rules.services).providers
        assert p.services == ["dental_booking"] and p.municipalities == ["435", "491"]
        assert p.contact is not None and p.contact.phone == "014 123 456"
        assert p.opening_hours == "Tu-We 08:00-16:00; Fr 18:00-06:00"  # the expired one is not
        report = "\n".join(result.report)
        assert "schedule old expired" in report and "schedule odd ends before it starts" in report
        assert result.summary()[0] == "1 providers imported"


def test_hsds_capacities_with_nothing_available_mean_no_new_clients(rules: RuleSet) -> None:
    full = {**SERVICE, "capacities": [{"available": 0, "maximum": 10}]}
    (p,) = build_catalog(hsds(full, rules).document, rules.services).providers
    assert p.accepting_new_clients is False


def test_unrecognised_shapes_are_refused(rules: RuleSet) -> None:
    for data in ({"hello": 1}, "text", 42, [1, 2], {"pageNumber": 1, "itemList": None}):
        with pytest.raises(ImportShapeError, match="expected HSDS services"):
            hsds(data, rules)
    others: tuple[Any, ...] = ({"hello": 1}, "text", [1], {"resourceType": "Patient", "id": "p"})
    for data in others:
        with pytest.raises(ImportShapeError, match="expected FHIR R4 JSON"):
            import_fhir(data, rules.services)


def test_fhir_resources_as_published_and_municipality_from_the_address(rules: RuleSet) -> None:
    org = {
        "resourceType": "Organization",
        "id": "kyy",
        "name": "Kyyjärven terveysasema",
        "type": [None, {"coding": [None, {"system": "urn:triage:ownership", "code": "public"}]}],
        "telecom": [None, {"system": "phone", "value": "'0401578947'"}],
        "address": [{"line": ["Honkalehdontie 9"], "city": "Kyyjärvi", "postalCode": "43700"}],
    }
    service = {
        "resourceType": "HealthcareService",
        "id": "hs",
        "providedBy": {"reference": "Organization/kyy"},
        "type": [{"coding": [{"system": "urn:triage:service", "code": "nurse_assessment"}]}],
        "coverageArea": None,
        "availableTime": [
            None,
            {
                "daysOfWeek": ["mon", None],
                "availableStartTime": "08:00:00",
                "availableEndTime": "16:00:00",
            },
        ],
    }
    for shape in (
        [org, service],
        {"resourceType": "Bundle", "entry": [None, {"resource": org}, {"resource": service}]},
    ):
        result = import_fhir(shape, rules.services)
        (p,) = build_catalog(result.document, rules.services).providers
        assert p.municipalities == ["312"] and p.ownership == "public"
        assert p.contact is not None and p.contact.phone == "0401578947"
        assert p.contact.address == "Honkalehdontie 9, 43700 Kyyjärvi"
        assert p.opening_hours == "Mo 08:00-16:00"
    alone = import_fhir(org, rules.services)
    assert alone.providers == 0
    assert alone.skipped["organizations without a HealthcareService or crosswalk line"] == 1


def test_municipality_codes_by_code_name_and_both() -> None:
    assert municipality_code("Luhanka") == "435" and municipality_code("luhanka") == "435"
    assert municipality_code("491 Mikkeli") == "491" and municipality_code("179") == "179"
    assert municipality_code("Jakobstad") == "598"  # Swedish name of Pietarsaari
    assert municipality_code("999") is None and municipality_code(None) is None
    assert municipality_code("Kuhmoinen") == "291"  # a municipality, though not in the region


def test_cli_exit_codes_for_nothing_imported_and_wrong_shapes(tmp_path: Path) -> None:
    empty = tmp_path / "orgs.json"
    empty.write_text("\ufeff" + json.dumps([{**SERVICE, "attributes": None}]), encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "import", str(empty), "--from", "hsds"])
    assert result.exit_code == 2 and "no provider could be imported" in result.stderr
    assert "summary: skipped: 1 providers without services" in result.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"pageNumber": 1}), encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "import", str(wrong), "--from", "fhir"])
    assert result.exit_code == 2 and "expected FHIR R4 JSON" in result.stderr
    good = tmp_path / "good.json"
    good.write_text(json.dumps(SERVICE), encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "import", str(good), "--from", "hsds"])
    assert result.exit_code == 0 and "summary: 1 providers imported" in result.stderr


CROSSWALK = ROOT / "catalog" / "crosswalk.yaml"


def _published(kind: str) -> Path:
    folder = (SHARED if kind == "fhir" else COPIED) / kind
    if not folder.is_dir():
        pytest.skip(f"published {kind} examples not at {folder} (not copied: no licence)")
    return folder


def _import(*args: str) -> Any:
    return CliRunner().invoke(main, ["catalog", "import", *args])


@pytest.mark.parametrize("kind", ["hsds", "fhir", "ptv"])
@pytest.mark.parametrize("crosswalk", [False, True], ids=["bare", "crosswalk"])
def test_published_examples_import_or_say_why(kind: str, crosswalk: bool) -> None:
    """Every published example either imports or stops with exit code 2 and a reason,
    with and without the shipped crosswalk."""
    paths = sorted(_published(kind).glob("*.json"))
    assert len(paths) >= 8
    extra = ["--crosswalk", str(CROSSWALK)] if crosswalk else []
    for path in paths:
        result = _import(str(path), "--from", kind, *extra)
        assert result.exception is None or isinstance(result.exception, SystemExit), path
        assert result.exit_code in (0, 2), (path, result.output)
        if result.exit_code == 2:
            assert "error:" in result.stderr, path
        else:
            assert "summary: 0 providers" not in result.stderr, path
            assert json.loads(result.stdout)["providers"], path


HSDS_CROSSWALK = """\
codes:
  - {system: taxonomy, code: code, services: [social_counselling], note: "the term"}
  - {system: "hsds:city", code: MyCity, municipalities: ["179"], note: "the town"}
  - {system: "hsds:organization", code: d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,
     ownership: third_sector}
"""


def test_the_hsds_spec_examples_import_with_a_crosswalk(tmp_path: Path) -> None:
    """The spec's examples use a placeholder taxonomy term, town and organisation: three
    crosswalk lines map them, and the service, organisation and service_at_location
    examples then import; the others are not services and say so."""
    cw = tmp_path / "cw.yaml"
    cw.write_text(HSDS_CROSSWALK, encoding="utf-8")
    imported = {}
    for path in sorted(_published("hsds").glob("*.json")):
        result = _import(str(path), "--from", "hsds", "--crosswalk", str(cw), "--names-in", "en")
        if result.exit_code == 0:
            imported[path.stem] = json.loads(result.stdout)["providers"]
        else:
            assert result.exit_code == 2 and "error:" in result.stderr, path
    assert set(imported) == {
        "spec_service_full",
        "spec_organization_full",
        "spec_service_at_location_full",
    }
    for providers in imported.values():
        (p,) = providers
        assert p["name"] == {"fi": "Example Organization Inc.", "en": "Example Organization Inc."}
        assert (p["municipalities"], p["services"], p["ownership"]) == (
            ["179"],
            ["social_counselling"],
            "third_sector",
        )
        assert p["contact"]["phone"] == "+44 1234 234567"
        assert "opening_hours" not in p  # the examples' only schedule ended in 2005
    bare = _import(str(_published("hsds") / "spec_service_full.json"), "--from", "hsds")
    assert bare.exit_code == 2
    for code in ("taxonomy|code", "hsds:city|MyCity", "hsds:organization|d9d5e0f5"):
        assert f"unmapped code: {code}" in bare.stderr, code


def test_the_early_ptv_import_set_imports_with_the_shipped_crosswalk() -> None:
    """servicelocations.json with the services and organisations it names by id: the
    school's pupil welfare class maps to school health care, "491 Mikkeli" to 491, the
    city's organisation type "Kunta" to public, openingTimes to hours."""
    folder = _published("ptv")
    names = ("servicelocations.json", "services.json", "organizations.json")
    files = [str(folder / name) for name in names]
    result = _import(*files, "--from", "ptv", "--crosswalk", str(CROSSWALK))
    assert result.exit_code == 0, result.stderr
    (p,) = json.loads(result.stdout)["providers"]
    assert p["name"] == {"fi": "Mikkelin Lyseon koulu"}
    assert (p["municipalities"], p["services"], p["ownership"]) == (
        ["491"],
        ["school_health"],
        "public",
    )
    assert p["opening_hours"] == "Mo-Fr 08:00-16:15"
    assert p["contact"] == {
        "phone": "044 794 2772",
        "address": "Porrassalmenkatu 30, 50100 Mikkeli",
    }
    assert "unmapped code: ptv:serviceClassName|Lasten päivähoito (33x)" in result.stderr
    alone = _import(files[1], "--from", "ptv")
    assert alone.exit_code == 2 and "read with the channels that name them" in alone.stderr


def test_the_shipped_crosswalk_is_valid_and_maps_an_organisation_alone(rules: RuleSet) -> None:
    from triage.catalog.crosswalk import load_crosswalk

    crosswalk = load_crosswalk(CROSSWALK, rules.services)
    ptv = "http://uri.suomi.fi/codelist/ptv/ptvserclass2"
    assert crosswalk.services_for(ptv, "P5.10") == ("dental_booking",)
    org = {
        "resourceType": "Organization",
        "id": "1.2.246.10.2085212.10.1314",
        "identifier": [
            None,
            {
                "system": "urn:oid:1.2.246.537.6.202.2008",
                "value": "urn:oid:1.2.246.10.2085212.10.1314",
            },
        ],
        "name": "Kyyjärven lääkärin vastaanotto",
        "address": [{"type": "physical", "city": "Kyyjärvi", "postalCode": "43700"}],
    }
    result = import_fhir(org, rules.services, crosswalk=crosswalk)
    (p,) = build_catalog(result.document, rules.services).providers
    assert (p.municipalities, p.services, p.ownership) == (
        ["312"],
        ["doctor_appointment"],
        "public",
    )


def test_crosswalk_errors_name_file_line_and_the_closest_service(
    tmp_path: Path, rules: RuleSet
) -> None:
    from triage.catalog.crosswalk import load_crosswalk
    from triage.errors import RuleFileError

    bad = tmp_path / "cw.yaml"
    cases = {
        'codes:\n  - {system: a, code: "1", services: [dental_bookin]}\n': (2, "did you mean"),
        'codes:\n  - {system: a, code: "1", services: [lab_test]}\n'
        '  - {system: a, code: "1", services: [lab_test]}\n': (3, "mapped twice"),
        'codes:\n  - {system: a, code: "1"}\n': (2, "maps 1 to nothing"),
        'codes:\n  - {system: a, code: "1", service: [lab_test]}\n': (2, "service"),
        'codes:\n  - {system: a, code: "1", municipalities: ["999"]}\n': (
            2,
            "not an official municipality code",
        ),
    }
    for text, (line, words) in cases.items():
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(RuleFileError) as caught:
            load_crosswalk(bad, rules.services)
        assert caught.value.line == line and words in str(caught.value), str(caught.value)
    result = CliRunner().invoke(
        main, ["catalog", "import", str(bad), "--from", "hsds", "--crosswalk", str(bad)]
    )
    assert result.exit_code == 2 and f"{bad}:2" in result.stderr


def test_the_published_kyyjarvi_organisation_imports_with_the_crosswalk(rules: RuleSet) -> None:
    folder = _published("fhir")
    path = folder / "Organization-1.2.246.10.2085212.10.1314.json"
    result = _import(str(path), "--from", "fhir", "--crosswalk", str(CROSSWALK))
    assert result.exit_code == 0, result.stderr
    (provider,) = json.loads(result.stdout)["providers"]
    assert provider["municipalities"] == ["312"] and provider["ownership"] == "public"
    assert provider["services"] == ["doctor_appointment"]
    assert provider["contact"]["address"] == "Honkalehdontie 9, 43700 Kyyjärvi"
    # a HealthcareService given in another file is read in the same import
    service = folder / "HealthcareService-healthcareService-example.json"
    both = _import(str(service), str(path), "--from", "fhir", "--crosswalk", str(CROSSWALK))
    assert both.exit_code == 0  # the service names no providedBy: counted, not guessed
    assert "skipped: 1 services whose organization is not in the input" in both.stderr
