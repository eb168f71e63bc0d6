"""POST /v1/contacts and GET /v1/contacts/{id}: a client with several needs, each need its
own audit record carrying the contact id, the plan, refusals naming the need's index and
field, and replay of a stored contact."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import DENTAL_FACTS
from tests.http.conftest import auth
from triage.service.reports import replay_contact
from triage.service.usecases import Service

CONTACT: dict[str, Any] = {
    "client": {"age": 80, "municipality": "179", "languages": ["fi"]},
    "needs": [
        {
            "need": "discharge",
            "red_flags": [],
            "facts": {
                "home_care_client": False,
                "needs_daily_help": False,
                "lives_alone": True,
                "memory_problems": False,
                "new_or_changed_medicines": False,
            },
        },
        {"need": "non_medical", "red_flags": [], "facts": {"topic": "housing"}},
        {"need": "dental", "red_flags": [], "facts": DENTAL_FACTS},
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
    ]
    first, second = plan["pending"]
    assert first["need"] == "non_medical"
    assert [m["fact"] for m in first["missing_facts"]] == ["homeless_tonight"]
    assert second["need"] == "physiotherapy"  # not screened: the red flags are asked first
    assert [m["fact"] for m in second["missing_facts"]][:2] == ["red_flags", "recent_injury"]
    assert second["missing_facts"][0]["question"].endswith("'no red flags'.")
    assert plan["after_emergency"] == []
    assert plan["coordinator"] is None  # two services, both health: no named worker
    assert plan["consent_needed"] is False
    steps = [s["deadline"] for s in plan["steps"]]  # one time of contact for every need
    assert len({d["contact_time"] for d in decisions}) == 1 and steps[0] == steps[1]
    ids = {d["decision_id"] for d in decisions}
    assert {s["decision_id"] for s in plan["steps"]} | {
        p["decision_id"] for p in plan["pending"]
    } == ids
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
            {"need": "dental", "red_flags": [], "facts": DENTAL_FACTS},
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
        ({**CONTACT, "note": "x"}, "note"),  # a contact has no fields but its own
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


def test_a_contacts_locale_is_every_decisions_language(
    client: TestClient, keys: dict[str, str]
) -> None:
    """`locale` in the body chooses the language of every decision, over the
    Accept-Language header."""
    h = {**auth(keys["frontline"]), "Accept-Language": "fi"}
    for locale in ("sv", "en"):
        r = client.post("/v1/contacts", json={**CONTACT, "locale": locale}, headers=h)
        assert r.status_code == 200, r.text
        decisions = r.json()["decisions"]
        assert [d["locale"] for d in decisions] == [locale] * len(decisions)
    fi = client.post("/v1/contacts", json=CONTACT, headers=h).json()["decisions"]
    sv = client.post("/v1/contacts", json={**CONTACT, "locale": "sv"}, headers=h).json()
    assert fi[0]["service"]["name"] != sv["decisions"][0]["service"]["name"]  # translated


def test_roles_and_not_found(client: TestClient, keys: dict[str, str]) -> None:
    assert (
        client.post("/v1/contacts", json=CONTACT, headers=auth(keys["auditor"])).status_code == 403
    )
    assert client.post("/v1/contacts", json=CONTACT).status_code == 401
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/v1/contacts/{missing}", headers=auth(keys["auditor"])).status_code == 404
    assert client.get("/v1/contacts/not-an-id", headers=auth(keys["auditor"])).status_code == 422
