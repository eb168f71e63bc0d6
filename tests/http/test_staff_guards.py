"""The staff page's guards: a form from another site is refused (sign-in included, and
without touching the current session), every state-changing POST needs the session's
form token, and a form of any size or shape is answered 413 or 403, never 500. Refused
key checks are logged by the key id's first characters only, and counted."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.http.test_staff_page import FORM, ORIGIN, post, sign_in
from triage.http.staff.forms import MAX_FIELDS
from triage.http.staff.guard import form_token
from triage.service.keys import REFUSED
from triage.service.signin import signed_in
from triage.service.usecases import Service

EVIL = "http://evil.example"


@pytest.fixture(autouse=True)
def _same_site(client: TestClient) -> None:
    client.headers["origin"] = ORIGIN


def decided(client: TestClient) -> str:
    r = post(client, "/", data=FORM)
    assert r.status_code == 200
    return str(r.text.split('data-decision-id="')[1].split('"')[0])


def test_a_sign_in_from_another_site_is_refused_and_the_session_kept(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    """Login forgery: another site posts /sign-in with the attacker's key."""
    mine = sign_in(client, keys["frontline"])
    attacker = keys["admin"]
    for headers in ({"origin": EVIL}, {"origin": "null"}, {"referer": f"{EVIL}/x"}):
        client.headers.pop("origin", None)
        r = client.post("/sign-in", data={"key": attacker}, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "set-cookie" not in r.headers, headers
    client.headers["origin"] = ORIGIN
    assert client.cookies.get("triage_session") == mine
    assert signed_in(service, mine) is not None  # still the victim's own session


def test_a_post_without_origin_or_referer_is_refused(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    sign_in(client, keys["frontline"])
    before = service.audit.count()
    del client.headers["origin"]
    assert post(client, "/", data=FORM).status_code == 403
    same = client.post(
        "/",
        data={**FORM, "csrf": form_token(client.cookies["triage_session"])},
        headers={"referer": f"{ORIGIN}/?lang=en"},
    )
    assert same.status_code == 200  # a Referer from this site is enough
    assert service.audit.count() == before + 1


@pytest.mark.parametrize("path", ["/", "/feedback", "/sign-out"])
def test_a_cross_site_post_with_a_valid_cookie_stores_nothing(
    client: TestClient, keys: dict[str, str], service: Service, path: str
) -> None:
    token = sign_in(client, keys["frontline"])
    decision_id = decided(client)
    before, feedback = service.audit.count(), len(service.audit.feedback())
    data: dict[str, Any] = {**FORM, "decision_id": decision_id, "verdict": "correct"}
    r = client.post(path, data={**data, "csrf": form_token(token)}, headers={"origin": EVIL})
    assert r.status_code == 403
    forged = client.post(path, data={**data, "csrf": "0" * 32})  # same site, wrong token
    assert forged.status_code == 403
    missing = client.post(path, data=data)  # same site, no token
    assert missing.status_code == 403
    assert service.audit.count() == before and len(service.audit.feedback()) == feedback
    assert signed_in(service, token) is not None  # not signed out either


@pytest.mark.parametrize("path", ["/sign-in", "/", "/sign-out", "/feedback"])
def test_a_form_of_too_many_fields_is_413_never_500(
    client: TestClient,
    keys: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    sign_in(client, keys["frontline"])
    caplog.set_level(logging.WARNING)
    body = "&".join(f"x{i}=1" for i in range(MAX_FIELDS + 1))
    headers = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post(path, content=body, headers=headers)
    assert r.status_code == 413 and str(MAX_FIELDS) in r.text
    assert "Traceback" not in caplog.text
    fits = "&".join(f"x{i}=1" for i in range(MAX_FIELDS))
    assert client.post(path, content=fits, headers=headers).status_code < 500


def test_refused_key_checks_are_logged_by_id_prefix_and_counted(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    before = REFUSED["api"]
    secret = "s3cretpartthatmustnotappear"
    r = client.post(
        "/v1/triage", json={}, headers={"Authorization": f"Bearer trg_abcdef1234_{secret}"}
    )
    assert r.status_code == 401 and REFUSED["api"] == before + 1
    client.post("/v1/triage", json={}, headers={"Authorization": "Bearer 131052-308T x"})
    logged = caplog.text
    assert "key id abcd…" in logged and "(malformed)" in logged
    assert secret not in logged and "abcdef1234" not in logged and "131052" not in logged
