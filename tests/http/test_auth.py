"""Every protected endpoint: 401 without a valid key, 403 for a role that may not use it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tests.http.conftest import CASE, auth
from triage.config import Settings
from triage.roles import ROLES
from triage.service.usecases import Service

DECISION = "00000000-0000-0000-0000-000000000000"
ENDPOINTS: list[tuple[str, str, Any, set[str]]] = [
    ("POST", "/v1/triage", CASE, {"frontline", "integration", "admin"}),
    ("GET", "/v1/needs", None, {"frontline", "integration", "admin"}),
    ("GET", "/v1/services", None, {"frontline", "integration", "admin"}),
    ("GET", "/v1/providers", None, {"frontline", "integration", "admin"}),
    ("GET", f"/v1/decisions/{DECISION}", None, {"frontline", "integration", "auditor", "admin"}),
    (
        "POST",
        f"/v1/decisions/{DECISION}/feedback",
        {"verdict": "correct"},
        {"frontline", "integration", "admin"},
    ),
    ("GET", "/v1/reports/exposure", None, {"auditor", "admin"}),
    ("POST", "/v1/rules/validate", {"files": {}}, {"author", "admin"}),
    ("POST", "/v1/rules/reload", {}, {"author", "admin"}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), ENDPOINTS, ids=[e[1] + " " + e[0] for e in ENDPOINTS]
)
def test_keys_and_roles(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: Any, allowed: set[str]
) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer trg_nope_nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": f"Bearer {keys['admin']}x"},
    ):
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert (
            r.json()["error"]["code"] == "unauthorized"
            and r.headers["www-authenticate"] == "Bearer"
        )
    for role in ROLES:
        r = client.request(method, path, json=body, headers=auth(keys[role]))
        if role in allowed:
            assert r.status_code not in (401, 403), (role, r.text)
        else:
            assert r.status_code == 403, (role, r.text)
            assert r.json()["error"]["code"] == "forbidden"


def test_revoked_key_is_refused(client: TestClient, service: Service) -> None:
    info, key = service.keys.create("frontline")
    assert client.get("/v1/services", headers=auth(key)).status_code == 200
    assert service.verified.revoke(info.id) is True  # this process forgets the key at once
    assert client.get("/v1/services", headers=auth(key)).status_code == 401
    assert service.verified.revoke(info.id) is False


def test_a_key_revoked_by_another_process_stops_within_the_cache_time(
    client: TestClient, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verified key is remembered for KEY_CACHE_SECONDS without a database read; revoked
    elsewhere (the CLI, another worker), it is refused once that time has passed, or at
    the watcher's next round, whichever comes first."""
    import time

    from triage.service import keys as core

    info, key = service.keys.create("frontline")
    reads = 0
    verify = service.keys.verify

    def counted(presented: str) -> object:
        nonlocal reads
        reads += 1
        return verify(presented)

    monkeypatch.setattr(service.keys, "verify", counted)
    watcher_round = service.verified.forget
    monkeypatch.setattr(service.verified, "forget", lambda: None)  # the clock alone, first
    for _ in range(5):
        assert client.get("/v1/services", headers=auth(key)).status_code == 200
    assert reads == 1  # one database read for five requests
    assert service.keys.revoke(info.id) is True  # as the CLI does, from another process
    assert client.get("/v1/services", headers=auth(key)).status_code == 200  # still cached
    later = time.monotonic() + core.KEY_CACHE_SECONDS + 0.01
    monkeypatch.setattr(core, "_monotonic", lambda: later)
    assert client.get("/v1/services", headers=auth(key)).status_code == 401
    other, key2 = service.keys.create("frontline")
    assert client.get("/v1/services", headers=auth(key2)).status_code == 200
    service.keys.revoke(other.id)
    watcher_round()
    assert client.get("/v1/services", headers=auth(key2)).status_code == 401


def test_keys_are_stored_hashed(service: Service, settings: Settings) -> None:
    from sqlalchemy import text

    _, key = service.keys.create("admin", "ops")
    secret = key.split("_", 2)[2]
    with create_engine(settings.database_url).connect() as conn:
        stored = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM api_key")) for v in row
        )
    assert secret not in stored


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["database"] == "ok"
    assert ready["rules_version"].startswith("sha256:") and ready["catalog_version"].startswith(
        "sha256:"
    )


def test_head_healthz_for_probes(client: TestClient) -> None:
    r = client.head("/healthz")
    assert r.status_code == 200 and r.content == b""
