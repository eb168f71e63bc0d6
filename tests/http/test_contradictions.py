"""Requests that contradict themselves are refused, not stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth
from triage.service.reports import misrouted_scenarios
from triage.service.usecases import Service


def test_two_authorization_headers_are_400(client: TestClient, keys: dict[str, str]) -> None:
    headers = [("Authorization", f"Bearer {keys['frontline']}"), ("Authorization", "Bearer x")]
    r = client.post("/v1/triage", json=CASE, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


def test_feedback_correct_with_a_service_is_422_and_a_later_verdict_supersedes(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    did = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"])).json()[
        "decision_id"
    ]
    url = f"/v1/decisions/{did}/feedback"
    r = client.post(
        url,
        json={"verdict": "correct", "expected_service": "lab_test"},
        headers=auth(keys["frontline"]),
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "expected_service"
    body = {"verdict": "misrouted", "expected_service": "lab_test"}
    assert client.post(url, json=body, headers=auth(keys["frontline"])).status_code == 201
    assert len(misrouted_scenarios(service)) == 1
    again = {"verdict": "correct"}
    assert client.post(url, json=again, headers=auth(keys["frontline"])).status_code == 201
    assert misrouted_scenarios(service) == []  # the latest verdict counts


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=9999-12-31T23:59:59-01:00", "from"),
        ("from=0001-01-01T00:00:00%2B01:00", "from"),
        ("to=0001-01-01", "to"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("from=2026-13-01", "from"),
    ],
)
def test_extreme_or_inverted_exposure_dates_are_422(
    client: TestClient, keys: dict[str, str], query: str, field: str
) -> None:
    r = client.get(f"/v1/reports/exposure?{query}", headers=auth(keys["auditor"]))
    assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text


def test_503_says_when_to_retry(client: TestClient, keys: dict[str, str], service: Service) -> None:
    from triage.errors import StorageError

    def down(*_: object, **__: object) -> None:
        raise StorageError("the database is unavailable")

    async def down_async(*_: object, **__: object) -> None:
        down()

    service.audit.record = down  # type: ignore[method-assign]
    service.audit.record_async = down_async  # type: ignore[method-assign]
    r = client.post(
        "/v1/triage", json=CASE, headers={**auth(keys["frontline"]), "Accept-Language": "sv"}
    )
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert r.json()["error"]["message"].startswith("databasen är inte tillgänglig")
