"""Feedback flows back into scenarios; stored decisions replay identically."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth
from triage.cli import main
from triage.config import Settings
from triage.service.reports import replay
from triage.service.usecases import Service


def decide(client: TestClient, key: str, body: dict[str, object] = CASE) -> str:
    r = client.post("/v1/triage", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    return str(r.json()["decision_id"])


def test_feedback_is_recorded_and_validated(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    did = decide(client, keys["frontline"])
    h = auth(keys["frontline"])
    r = client.post(f"/v1/decisions/{did}/feedback", json={"verdict": "correct"}, headers=h)
    assert r.status_code == 201 and r.json()["decision_id"] == did
    for body, field in [
        ({"verdict": "misrouted"}, "expected_service"),
        ({"verdict": "misrouted", "expected_service": "dentist"}, "expected_service"),
        (
            {
                "verdict": "misrouted",
                "expected_service": "dental_emergency",
                "expected_urgency": "asap",
            },
            "expected_urgency",
        ),
        ({"verdict": "wrong"}, "verdict"),
        ({"verdict": "correct", "comment": "Matti Meikäläinen"}, "comment"),
    ]:
        r = client.post(f"/v1/decisions/{did}/feedback", json=body, headers=h)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    missing = client.post(
        "/v1/decisions/00000000-0000-0000-0000-000000000000/feedback",
        json={"verdict": "correct"},
        headers=h,
    )
    assert missing.status_code == 404
    assert [f.verdict for f in service.audit.feedback()] == ["correct"]


def test_misrouted_feedback_exports_a_failing_scenario(
    client: TestClient,
    keys: dict[str, str],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    did = decide(client, keys["frontline"])  # dental_booking / within_3_days
    r = client.post(
        f"/v1/decisions/{did}/feedback",
        headers=auth(keys["frontline"]),
        json={
            "verdict": "misrouted",
            "expected_service": "dental_emergency",
            "expected_urgency": "same_day",
        },
    )
    assert r.status_code == 201
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(settings.rules_dir))
    out = tmp_path / "feedback"
    result = CliRunner().invoke(main, ["feedback", "export", "--misrouted", str(out)])
    assert result.exit_code == 0 and "1 scenario files" in result.stdout
    result = CliRunner().invoke(main, ["test", str(out)])
    assert result.exit_code == 1
    assert "FAIL feedback-1-" in result.stdout
    assert (
        "- expected: dental_emergency" in result.stdout
        and "+ got:      dental_booking" in result.stdout
    )


def test_replay_reproduces_stored_decisions(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    cases = [
        CASE,
        {
            "need": "chronic_care",
            "client": {
                "age": 70,
                "municipality": "077",
                "chosen_provider": "hankasalmi-health-station",
            },
            "facts": {"request": "follow_up", "has_named_professional": True},
        },
        {
            "need": "anticoagulation",
            "client": {"age": 66, "municipality": "892"},
            "facts": {"current_drug": "warfarin", "request": "switch_to_doac"},
            "locale": "sv",
        },
    ]
    ids = [decide(client, keys["frontline"], c) for c in cases]
    for did in ids:
        result = replay(service, did)
        assert result.identical, result.differences


def test_replay_uses_the_rules_of_the_decision_after_a_reload(
    client: TestClient, keys: dict[str, str], service: Service, settings: Settings
) -> None:
    did = decide(client, keys["frontline"])
    before = service.current.rules.version
    path = settings.rules_dir / "needs" / "dental.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{fact: pain, ge: 4}", "{fact: pain, ge: 6}"),
        encoding="utf-8",
    )
    assert client.post("/v1/rules/reload", json={}, headers=auth(keys["author"])).status_code == 200
    assert service.current.rules.version != before
    assert replay(service, did).identical  # replayed with its own rules version


def test_replay_cli(
    client: TestClient, keys: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    did = decide(client, keys["frontline"])
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(settings.rules_dir))
    result = CliRunner().invoke(main, ["replay", did])
    assert result.exit_code == 0 and f"{did}: identical" in result.stdout
    result = CliRunner().invoke(main, ["replay", "00000000-0000-0000-0000-000000000000"])
    assert result.exit_code == 2 and "no decision" in result.stderr
