"""The staff page without a browser: sign-in and its cookie, the session's limits, what
the answers carry (no-store, CSP), and that no case value reaches a log line."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from triage.http.staff.guard import form_token
from triage.service.signin import signed_in
from triage.service.usecases import Service

ORIGIN = "http://testserver"  # TestClient's own origin

FORM = {
    "ui": "en",
    "age": "40",
    "municipality": "179",
    "no_red_flags": "true",
    "need": "dental",
    "f.dental.request": "acute",
    "f.dental.pain": "8",
    "f.dental.trauma": "false",
    "f.dental.swelling": "false",
    "f.dental.bleeding_after_extraction": "false",
}


@pytest.fixture(autouse=True)
def _same_site(client: TestClient) -> None:
    """Posts come from the page itself, as a browser sends them (Origin: this site)."""
    client.headers["origin"] = ORIGIN


def post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    """A form posted from the page: with the session's form token, as the page has it."""
    token = form_token(client.cookies.get("triage_session") or "")
    return client.post(path, data={**data, "csrf": token})


def sign_in(client: TestClient, key: str) -> str:
    r = client.post("/sign-in", data={"key": key, "ui": "fi"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?lang=fi"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    token: str = r.cookies["triage_session"]
    client.cookies.clear()  # one session cookie, whatever the jar kept
    client.cookies.set("triage_session", token)
    return token


def test_sign_in_decide_and_sign_out(
    client: TestClient, keys: dict[str, str], service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = client.get("/")
    assert first.status_code == 200 and 'id="key"' in first.text and 'lang="fi"' in first.text
    assert first.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in first.headers["content-security-policy"]
    token = sign_in(client, keys["frontline"])
    assert token not in keys["frontline"] and keys["frontline"] not in token
    before = service.audit.count()
    r = post(client, "/", data=FORM)
    assert r.status_code == 200 and 'data-service="dental_emergency"' in r.text
    assert service.audit.count() == before + 1
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "f.dental" not in logged and "pain" not in logged  # decision ids only
    invalid = post(client, "/", data={**FORM, "f.dental.pain": "11"})
    assert invalid.status_code == 422 and "facts.pain" in invalid.text
    assert 'class="question invalid"' in invalid.text and service.audit.count() == before + 1
    none = post(client, "/", data={**FORM, "need": []})
    assert none.status_code == 422 and "Choose at least one need" in none.text
    out = post(client, "/sign-out", data={"ui": "en"})
    assert out.status_code == 200 and "You have signed out" in out.text
    assert signed_in(service, token) is None
    client.cookies.set("triage_session", token)  # an old cookie no longer works
    again = post(client, "/", data=FORM)
    assert again.status_code == 401 and 'id="key"' in again.text
    assert service.audit.count() == before + 1


def test_only_staff_keys_sign_in_and_bad_keys_are_refused(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert client.post("/sign-in", data={"key": keys["auditor"]}).status_code == 403
    assert client.post("/sign-in", data={"key": "trg_nope_nope"}).status_code == 401
    assert client.post("/sign-in", data={"key": ""}).status_code == 401
    assert "triage_session" not in client.cookies
    assert post(client, "/", data=FORM).status_code == 401


def test_session_ends_when_idle_or_when_the_key_is_revoked(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    token = sign_in(client, keys["frontline"])
    assert signed_in(service, token, idle=timedelta(minutes=15)) is not None
    assert signed_in(service, token, idle=timedelta(seconds=-1)) is None  # idle too long
    assert post(client, "/", data=FORM).status_code == 401
    token = sign_in(client, keys["frontline"])
    key_id = service.keys.verify(keys["frontline"]).id  # type: ignore[union-attr]
    service.keys.revoke(key_id)
    assert post(client, "/", data=FORM).status_code == 401


def test_a_contact_from_the_page(client: TestClient, keys: dict[str, str]) -> None:
    sign_in(client, keys["frontline"])
    form = {
        **FORM,
        "need": ["dental", "non_medical"],
        "f.dental.pain": "5",
        "f.non_medical.topic": "housing",
        "f.non_medical.homeless_tonight": "false",
    }
    r = post(client, "/", data=form)
    assert r.status_code == 200 and 'class="plan"' in r.text
    assert "No separate coordination is needed" in r.text  # two services (policy 3)
    bad = post(client, "/", data={**form, "f.non_medical.topic": "nonsense"})
    assert bad.status_code == 422 and "needs[1].facts.topic" in bad.text


def test_a_red_flag_gives_112_whatever_else_is_empty(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    """S7a on the page: a ticked red flag with the age empty, no need chosen, and even a
    malformed answer elsewhere gives the 112 result and records the emergency decision."""
    sign_in(client, keys["frontline"])
    before = service.audit.count()
    r = post(
        client, "/", data={"ui": "en", "age": "", "municipality": "", "red_flag": "chest_pain"}
    )
    assert r.status_code == 200 and 'data-urgency="emergency"' in r.text
    assert "Call 112 now." in r.text and "The client must not drive." in r.text
    bad = {**FORM, "red_flag": "stroke_symptoms", "age": "", "f.dental.pain": "11"}
    r = post(client, "/", data=bad)
    assert r.status_code == 200 and 'data-urgency="emergency"' in r.text
    assert "Record when the symptoms began." in r.text
    assert "were not used, because field facts.pain was refused" in r.text
    assert service.audit.count() == before + 2


def test_not_known_is_sent_as_such_and_unscreened_cases_ask_the_red_flags(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    sign_in(client, keys["frontline"])
    form = {**FORM, "f.dental.pain": "3", "f.dental.swelling": "true"}
    r = post(client, "/", data={**form, "f.dental.swelling_danger_signs": "not_known"})
    assert r.status_code == 200 and 'data-urgency="within_hours"' in r.text
    assert "Decided as a precaution" in r.text and 'class="deadline"' in r.text
    stored = service.audit.get(r.text.split('data-decision-id="')[1].split('"')[0])
    assert stored is not None and stored.case["facts"]["swelling_danger_signs"] == "not_known"
    unscreened = {k: v for k, v in FORM.items() if k != "no_red_flags"}
    r = post(client, "/", data=unscreened)
    assert r.status_code == 200 and 'data-status="needs_information"' in r.text
    assert 'class="ask-red-flags"' in r.text and 'href="#red-flags"' in r.text


def test_ended_sessions_are_purged_at_the_next_sign_in(
    client: TestClient, keys: dict[str, str], service: Service, settings: Any
) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(settings.database_url)
    for _ in range(5):
        sign_in(client, keys["frontline"])
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM web_session")).scalar() == 5
        conn.execute(sa.text("UPDATE web_session SET last_seen = '2020-01-01 00:00:00'"))
    token = sign_in(client, keys["frontline"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM web_session")).scalar() == 1
    engine.dispose()
    assert signed_in(service, token) is not None


def test_numbers_on_the_page_are_ascii_digits_only(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    """`int("1_0")` is 10 and `int("١٠")` too: the page sends such an answer as typed,
    and the service refuses it naming the field; nothing is decided or stored."""
    sign_in(client, keys["frontline"])
    before = service.audit.count()
    for typed in ("1_0", "١٠", "+5", " 5 5", "5e0"):
        r = post(client, "/", data={**FORM, "f.dental.pain": typed})
        assert r.status_code == 422 and "facts.pain" in r.text, typed
    assert service.audit.count() == before
    assert post(client, "/", data={**FORM, "f.dental.pain": "-0"}).status_code in (200, 422)


def test_an_identity_code_in_any_field_is_refused_and_not_shown_again(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    sign_in(client, keys["frontline"])
    before, feedback = service.audit.count(), len(service.audit.feedback())
    code = "131052-308T"
    for path, data in (
        ("/", {**FORM, "f.dental.request": code}),
        ("/", {**FORM, f"note {code}": "x"}),
        ("/feedback", {"decision_id": code, "verdict": "correct", "ui": "sv"}),
    ):
        r = post(client, path, data=data)
        assert r.status_code == 422 and code not in r.text, (path, data)
        assert "131052" not in r.text
    assert service.audit.count() == before and len(service.audit.feedback()) == feedback
    unknown = post(client, "/feedback", data={"decision_id": "x" * 20, "verdict": "correct"})
    assert unknown.status_code == 422 and "x" * 20 not in unknown.text


def test_the_page_says_where_to_go_now_and_when_each_provider_opens(
    client: TestClient, keys: dict[str, str], service: Service
) -> None:
    """Whatever the clock says when it runs: what the page shows agrees with the recorded
    decision (the fallback and each provider's opening; tests/unit/test_out_of_hours.py
    fixes the times)."""
    import re

    sign_in(client, keys["frontline"])
    wound = {
        "ui": "en",
        "age": "70",
        "municipality": "179",
        "no_red_flags": "true",
        "need": "care_supplies",
        "f.care_supplies.supply_type": "wound_care",
        "f.care_supplies.wound_infection_signs": "true",
        "f.care_supplies.wound_infection_severe": "false",
    }
    page = post(client, "/", data=wound)
    assert page.status_code == 200, page.text
    found = re.search(r'data-decision-id="([^"]+)"', page.text)
    assert found is not None
    stored = service.audit.get(found[1])
    assert stored is not None
    d = stored.decision
    assert d.route_to is not None and d.service is not None and d.providers
    if d.route_to.code != d.service.code:
        assert 'class="route-to"' in page.text and d.route_to.name in page.text
    else:
        assert 'class="route-to"' not in page.text
    shown = page.text.count('class="open-now"') + page.text.count('class="opens-at"')
    shown += page.text.count('class="hours-unknown"')
    assert shown == len(d.providers)
    for p in d.providers:
        if p.opens_at:
            assert f'datetime="{p.opens_at}"' in page.text
        if p.hours_known is False:
            assert "Opening hours not known" in page.text
