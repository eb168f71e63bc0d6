"""POST /v1/contacts and GET /v1/contacts/{id}: a client with several needs, each need its
own audit record carrying the contact id, the plan, refusals naming the need's index and
field, and replay of a stored contact."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.http.conftest import auth
from triage.service.core import Service
from triage.service.reports import replay_contact

CONTACT: dict[str, Any] = {
    "client": {"age": 80, "municipality": "179", "languages": ["fi"]},
    "needs": [
        {
            "need": "discharge",
            "facts": {"home_care_client": False, "needs_daily_help": False, "lives_alone": True},
        },
        {"need": "non_medical", "facts": {"topic": "housing"}},
        {"need": "dental", "facts": {"pain": 5}},
        {"need": "physiotherapy"},
    ],
}


def test_contact_is_decided_planned_stored_and_replayed(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    before = service.audit.count()
    r = client.post(
        "/v1/contacts", json=CONTACT, headers={**auth(keys["frontline"]), "Accept-Language": "en"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    decisions = body["decisions"]
    assert [d["need"] for d in decisions] == ["discharge", "non_medical", "dental", "physiotherapy"]
    plan = body["plan"]
    assert [(s["need"], s["service"], s["urgency"]) for s in plan["steps"]] == [
        ("discharge", "discharge_follow_up_call", "within_3_days"),
        ("dental", "dental_booking", "within_3_days"),  # a tie keeps the order given
        ("non_medical", "social_counselling", "within_2_weeks"),
    ]
    (pending,) = plan["pending"]
    assert pending["need"] == "physiotherapy"
    assert [m["fact"] for m in pending["missing_facts"]] == ["duration_weeks"]
    assert pending["missing_facts"][0]["question"].endswith("?")
    assert plan["after_emergency"] == []
    assert plan["coordinator"] == {
        "service": "case_manager_assignment",
        "urgency": "within_2_weeks",
        "reason": "three_or_more_services",
    }
    ids = {d["decision_id"] for d in decisions}
    assert {s["decision_id"] for s in plan["steps"]} | {pending["decision_id"]} == ids
    # one audit row per decision, each carrying the contact id; the contact reads back whole
    assert service.audit.count() == before + 4
    for d in decisions:
        stored = service.audit.get(d["decision_id"])
        assert stored is not None and stored.contact_id == body["contact_id"]
        got = client.get(f"/v1/decisions/{d['decision_id']}", headers=auth(keys["auditor"]))
        assert got.json() == d
    read = client.get(f"/v1/contacts/{body['contact_id']}", headers=auth(keys["auditor"]))
    assert read.status_code == 200 and read.json() == body
    result = replay_contact(service, body["contact_id"])
    assert result.identical, result.differences
    assert result.recomputed.model_dump(mode="json") == body


def test_an_emergency_is_the_only_step(client: TestClient, keys: dict[str, str]) -> None:
    contact = {
        **CONTACT,
        "needs": [
            {"need": "dental", "facts": {"pain": 5}},
            {
                "need": "first_contact",
                "facts": {"complaint": "fever"},
                "red_flags": ["breathing_difficulty"],
            },
            {"need": "physiotherapy", "red_flags": ["saddle_numbness_or_incontinence"]},
        ],
    }
    plan = client.post("/v1/contacts", json=contact, headers=auth(keys["integration"])).json()[
        "plan"
    ]
    assert plan["steps"][0]["need"] == "first_contact" and len(plan["steps"]) == 1
    assert plan["steps"][0]["service"] == "emergency" and plan["steps"][0]["urgency"] == "emergency"
    assert plan["after_emergency"] == ["dental", "physiotherapy"]
    assert plan["pending"] == [] and plan["coordinator"] is None


def test_invalid_contacts_are_refused_naming_the_need_and_field(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    h = auth(keys["frontline"])
    before = service.audit.count()
    needs = CONTACT["needs"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({**CONTACT, "needs": [*needs, {"need": "dental"}]}, "needs[4].need"),
        # a red flag does not make an invalid case an emergency
        (
            {
                **CONTACT,
                "needs": [
                    needs[0],
                    {"need": "dental", "facts": {"pain": 11}, "red_flags": ["chest_pain"]},
                ],
            },
            "needs[1].facts.pain",
        ),
        ({**CONTACT, "needs": []}, "needs"),
        (
            {
                **CONTACT,
                "needs": [
                    {"need": n}
                    for n in (
                        "dental",
                        "family",
                        "discharge",
                        "care_supplies",
                        "physiotherapy",
                        "first_contact",
                        "multi_service",
                    )
                ],
            },
            "needs",
        ),
        ({**CONTACT, "needs": [needs[0], {"need": "dentist"}]}, "needs[1].need"),
        (
            {**CONTACT, "needs": [needs[0], {"need": "dental", "red_flags": ["headache"]}]},
            "needs[1].red_flags[0]",
        ),
        (
            {**CONTACT, "needs": [{"need": "dental", "facts": {"topic": "housing"}}]},
            "needs[0].facts.topic",
        ),
        ({**CONTACT, "needs": [{"need": "dental", "notes": "x"}]}, "needs[0].notes"),
        ({**CONTACT, "client": {"age": 200, "municipality": "179"}}, "client.age"),
        ({"needs": needs}, "client"),
        (
            {**CONTACT, "needs": [{"need": "dental", "facts": {"pain": "high"}}]},
            "needs[0].facts.pain",
        ),
    ]
    for body, field in cases:
        r = client.post("/v1/contacts", json=body, headers=h)
        assert r.status_code == 422, (field, r.text)
        assert r.json()["error"]["field"] == field, (field, r.json())
    r = client.post(
        "/v1/contacts",
        json={**CONTACT, "needs": [*needs, {"need": "dental"}]},
        headers={**h, "Accept-Language": "sv"},
    )
    assert "samma behov" in r.json()["error"]["message"]
    assert service.audit.count() == before  # nothing was decided or stored


def test_roles_and_not_found(client: TestClient, keys: dict[str, str]) -> None:
    assert (
        client.post("/v1/contacts", json=CONTACT, headers=auth(keys["auditor"])).status_code == 403
    )
    assert client.post("/v1/contacts", json=CONTACT).status_code == 401
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/v1/contacts/{missing}", headers=auth(keys["auditor"])).status_code == 404
    assert client.get("/v1/contacts/not-an-id", headers=auth(keys["auditor"])).status_code == 422
