"""POST /v1/triage: decisions, locale, hardened input, and nothing invalid stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.helpers import WOUND
from tests.http.conftest import CASE, auth
from triage.config import Settings
from triage.service.usecases import Service


def stored_text(settings: Settings) -> str:
    with create_engine(settings.database_url).connect() as conn:
        rows = conn.execute(text("SELECT case_json, decision_json FROM decision")).all()
    return " ".join(a + b for a, b in rows)


def test_triage_answers_and_records(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    r = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
    assert r.status_code == 200
    d = r.json()
    assert d["status"] == "decided" and d["service"]["code"] == "dental_booking" and d["providers"]
    assert service.audit.count() == 1
    stored = service.audit.get(d["decision_id"])
    assert stored is not None and stored.decision.model_dump(mode="json") == d
    assert stored.case == {**CASE, "red_flags": []} and stored.key_id is not None
    again = client.get(f"/v1/decisions/{d['decision_id']}", headers=auth(keys["auditor"]))
    assert again.status_code == 200 and again.json() == d


def test_locale_from_field_or_accept_language(client: TestClient, keys: dict[str, str]) -> None:
    h = auth(keys["frontline"])
    assert client.post("/v1/triage", json=CASE, headers=h).json()["locale"] == "fi"
    r = client.post(
        "/v1/triage", json=CASE, headers={**h, "Accept-Language": "de-DE, sv;q=0.8, en;q=0.5"}
    )
    assert (
        r.json()["locale"] == "sv" and r.json()["service"]["name"] == "Tidsbokning till tandvården"
    )
    r = client.post(
        "/v1/triage", json={**CASE, "locale": "en"}, headers={**h, "Accept-Language": "sv"}
    )
    assert r.json()["locale"] == "en"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CASE, "need": "dentl"}, "need"),
        ({**CASE, "facts": {"pain": "5"}}, "facts.pain"),
        ({**CASE, "facts": {"pain": 11}}, "facts.pain"),
        ({**CASE, "facts": {"inr": 2.0}}, "facts.inr"),
        ({**CASE, "red_flags": ["headache"]}, "red_flags[0]"),
        ({**CASE, "red_flags": ["chest_pain"] * 17}, "red_flags"),
        ({**CASE, "facts": {f"f{i}": True for i in range(17)}}, "facts"),
        ({**CASE, "client": {**CASE["client"], "name": "Maija"}}, "client.name"),
        (
            {**CASE, "client": {**CASE["client"], "chosen_provider": "no-such-provider"}},
            "client.chosen_provider",
        ),
        ({**CASE, "ssn": "x"}, "ssn"),
        ([], ""),
        ("just a string", ""),
        (None, ""),
    ],
)
def test_invalid_input_is_422_naming_the_field_and_not_stored(
    client: TestClient, keys: dict[str, str], service: Service, body: Any, field: str
) -> None:
    r = client.post("/v1/triage", json=body, headers=auth(keys["frontline"]))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_input"
    if field:
        assert error["field"] == field
    assert service.audit.count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"", b'{"need": NaN}'])
def test_malformed_json_is_422(client: TestClient, keys: dict[str, str], raw: bytes) -> None:
    r = client.post(
        "/v1/triage",
        content=raw,
        headers={**auth(keys["frontline"]), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] in ("body", "client", "need")


@pytest.mark.parametrize(
    "place",
    [
        lambda v: {**CASE, "facts": {"request": v}},
        lambda v: {**CASE, "client": {**CASE["client"], "chosen_provider": v}},
        lambda v: {**CASE, "red_flags": [v]},
        lambda v: {**CASE, "locale": v},
        lambda v: {**CASE, "note": v},
        lambda v: {**CASE, "facts": {v: True}},
        lambda v: {**CASE, "client": {**CASE["client"], "languages": ["fi", v]}},
    ],
)
def test_identity_codes_are_rejected_anywhere_and_never_stored(
    client: TestClient, keys: dict[str, str], service: Service, place: Any, settings: Settings
) -> None:
    client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))  # one good row
    for hetu in ("010101-123N", "311280A9876", "150305+1234"):
        headers = {**auth(keys["frontline"]), "Accept-Language": "en"}
        r = client.post("/v1/triage", json=place(hetu), headers=headers)
        assert r.status_code == 422, r.text
        assert "identity code" in r.json()["error"]["message"]
        assert hetu not in r.text  # the answer names where, never what
        assert hetu not in stored_text(settings)
    assert service.audit.count() == 1


def test_bodies_over_64_kib_are_413(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    big = json.dumps({**CASE, "padding": "x" * 70_000})
    r = client.post(
        "/v1/triage",
        content=big,
        headers={**auth(keys["frontline"]), "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"

    def chunks() -> Any:  # no Content-Length: counted while streaming
        for _ in range(70):
            yield b"x" * 1024

    r = client.post(
        "/v1/triage",
        content=chunks(),
        headers={**auth(keys["frontline"]), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert service.audit.count() == 0
    ok = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
    assert ok.status_code == 200  # the service keeps serving


def test_catalog_endpoints(client: TestClient, keys: dict[str, str]) -> None:
    h = {**auth(keys["integration"]), "Accept-Language": "en"}
    needs = client.get("/v1/needs", headers=h).json()
    dental = next(n for n in needs["needs"] if n["code"] == "dental")
    pain = next(f for f in dental["facts"] if f["code"] == "pain")
    assert pain == {
        "code": "pain",
        "type": "int",
        "question": "How strong is the pain on a scale of 0 to 10?",
        "values": None,
        "options": None,
        "min": 0,
        "max": 10,
        "default": None,  # a safety fact has no default (policy 3)
        "unit": None,
        "safety": True,
        "not_known": True,
        "deprecated": False,
    }
    raw = client.get("/v1/needs", headers=h).text  # integer bounds are integers, not 0.0
    assert '"min":0,"max":10' in raw and '"min":0.0' not in raw
    assert len(needs["red_flags"]) == 18 and needs["urgencies"][0]["code"] == "emergency"
    assert len(needs["needs"]) == 10 and needs["policy"] == 3
    flags = {f["code"]: f for f in needs["red_flags"]}
    assert flags["severe_bleeding"]["instruction"].endswith("Press firmly on the bleeding point.")
    urgencies = {u["code"]: u for u in needs["urgencies"]}
    assert urgencies["within_hours"]["deadline"] == {
        "hours": 4,
        "days": None,
        "working_days": None,
        "at_least_hours": 0,
    }
    assert urgencies["within_3_days"]["deadline"]["working_days"] == 3
    assert urgencies["routine"]["deadline"] is None and urgencies["routine"]["instruction"]
    physio = {
        f["code"]: f for n in needs["needs"] if n["code"] == "physiotherapy" for f in n["facts"]
    }
    legacy = physio["fever_or_night_pain"]
    assert legacy["deprecated"] is True and legacy["question"] is None
    assert physio["duration_weeks"]["not_known"] is False  # give the best estimate
    assert physio["previous_physio_same_problem"]["safety"] is False
    assert needs["red_flags_question"].startswith("Does the client have any of the red flags")
    assert client.get("/v1/needs?locale=sv", headers=h).json()["locale"] == "sv"
    services = client.get("/v1/services", headers=h).json()
    lab = {"code": "lab_test", "name": "Laboratory", "after_hours": [], "open_24_7": False}
    assert lab in services
    providers = client.get(
        "/v1/providers?service=dental_booking&municipality=077", headers=h
    ).json()
    assert [p["id"] for p in providers["providers"]] == [
        "hankasalmi-health-station",
        "hymyhammas-dental",
    ]
    bad = client.get("/v1/providers?service=dentist", headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "service"
    bad = client.get("/v1/providers?municipality=Jyväskylä", headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "municipality"


def test_needs_serve_option_labels_in_three_languages(
    client: TestClient, keys: dict[str, str]
) -> None:
    h = auth(keys["frontline"])
    by_locale = {
        loc: client.get(f"/v1/needs?locale={loc}", headers=h).json() for loc in ("fi", "sv", "en")
    }
    for loc, body in by_locale.items():
        for need in body["needs"]:
            for fact in need["facts"]:
                if fact["type"] != "enum":
                    assert fact["options"] is None
                    continue
                assert [o["code"] for o in fact["options"]] == fact["values"]
                for option in fact["options"]:
                    assert set(option["labels"]) == {"fi", "sv", "en"}
                    assert option["label"] == option["labels"][loc]
                    assert option["label"] != option["code"]  # a real label, not the code
    request = {
        loc: next(
            f
            for n in body["needs"]
            if n["code"] == "dental"
            for f in n["facts"]
            if f["code"] == "request"
        )
        for loc, body in by_locale.items()
    }
    labels = {loc: {o["code"]: o["label"] for o in f["options"]} for loc, f in request.items()}
    assert labels["fi"]["check_up"] == "Tarkastus"
    assert labels["sv"]["check_up"] == "Kontroll"
    assert labels["en"]["check_up"] == "Check-up"


def test_exposure_report_over_stored_decisions(client: TestClient, keys: dict[str, str]) -> None:
    for _ in range(20):
        client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
    r = client.get("/v1/reports/exposure?from=2000-01-01", headers=auth(keys["auditor"]))
    assert r.status_code == 200
    data = r.json()
    assert data["decisions"] == 20 and set(data["ownership"]) == {
        "public",
        "private",
        "third_sector",
    }
    assert (
        client.get("/v1/reports/exposure?to=2000-01-01", headers=auth(keys["auditor"])).json()[
            "decisions"
        ]
        == 0
    )
    bad = client.get("/v1/reports/exposure?from=0.5", headers=auth(keys["auditor"]))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "from"


def test_time_of_contact_given_recorded_or_refused(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    """A given time sets the deadline and is recorded as the client's; without one the
    server's clock is recorded; a time past the API's window is refused, not stored."""
    from datetime import UTC, datetime, timedelta

    h = auth(keys["frontline"])
    now = datetime.now(UTC).replace(microsecond=0)
    given = (now - timedelta(hours=2)).isoformat()
    d = client.post("/v1/triage", json={**CASE, "contact_time": given}, headers=h).json()
    assert d["contact_time_source"] == "client"
    assert datetime.fromisoformat(d["contact_time"]) == datetime.fromisoformat(given)
    assert d["deadline"].endswith(("T23:59:00+02:00", "T23:59:00+03:00"))
    d = client.post("/v1/triage", json=CASE, headers=h).json()
    assert d["contact_time_source"] == "server"
    assert abs(datetime.fromisoformat(d["contact_time"]) - now) < timedelta(minutes=1)
    before = service.audit.count()
    for bad in ((now + timedelta(minutes=6)).isoformat(), (now - timedelta(hours=25)).isoformat()):
        r = client.post("/v1/triage", json={**CASE, "contact_time": bad}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["field"] == "contact_time"
    r = client.post("/v1/triage", json={**CASE, "contact_time": "2026-03-13T10:00"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["field"] == "contact_time"
    assert service.audit.count() == before


def test_services_list_their_out_of_hours_chains(client: TestClient, keys: dict[str, str]) -> None:
    r = client.get("/v1/services", headers=auth(keys["frontline"]))
    by_code = {s["code"]: s for s in r.json()}
    assert by_code["nurse_assessment"]["after_hours"] == ["urgent_clinic", "emergency_department"]
    assert by_code["nurse_assessment"]["open_24_7"] is False
    assert by_code["emergency_department"] == {
        "code": "emergency_department",
        "name": "Yhteispäivystys",
        "after_hours": [],
        "open_24_7": True,
    }


def test_a_decision_says_where_to_go_now_and_each_providers_opening(
    client: TestClient, keys: dict[str, str]
) -> None:
    """The API decides at the time of contact (here the server's clock): `route_to` and,
    for every provider, whether it is open now or when it opens; what they are at a given
    time is tests/unit/test_out_of_hours.py."""
    d = client.post("/v1/triage", json=WOUND, headers=auth(keys["frontline"])).json()
    assert d["opening_hours_used"] is True and d["urgency"] == "same_day"
    chain = ["nurse_assessment", "urgent_clinic", "emergency_department"]
    route = d["route_to"]
    assert (
        route["code"] in chain
        and [f["service"] for f in route["fallback"]] == chain[: chain.index(route["code"])]
    )
    assert d["providers"], d
    for p in d["providers"]:
        assert p["hours_known"] is (p["opening_hours"] is not None)
        assert p["open_now"] is not False or p["opens_at"] is not None or not p["hours_known"]
