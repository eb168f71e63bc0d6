"""Over HTTP: the refusals of done-when 4 and 5, named by one path style, in each locale."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth


def post(client: TestClient, key: str, body: bytes, locale: str = "en") -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {**auth(key), "Content-Type": "application/json", "Accept-Language": locale}
    r = client.post("/v1/triage", content=body, headers=headers)
    return r.status_code, r.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (json.dumps(CASE).replace('"179"', '"１７９"'), "client.municipality"),
        (json.dumps(CASE).replace('"179"', '"999"'), "client.municipality"),
        (json.dumps(CASE).replace('"pain": 5', '"pain": 2, "pain": 9'), "facts.#3"),
        (json.dumps(CASE).replace('"need": "dental"', '"need": "dental", "need": "x"'), "#2"),
        (json.dumps({**CASE, "red_flags": ["nope"]}), "red_flags[0]"),
        (
            json.dumps({**CASE, "client": {**CASE["client"], "languages": ["FI"]}}),
            "client.languages[0]",
        ),
        (json.dumps({**CASE, "facts": {"pain": 11}}), "facts.pain"),
    ],
)
def test_refusals_name_the_field_in_one_style(
    client: TestClient, keys: dict[str, str], body: str, field: str
) -> None:
    status, answer = post(client, keys["frontline"], body.encode())
    assert status == 422 and answer["error"]["field"] == field, answer


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fi", "ei ole voimassa oleva kuntanumero"),
        ("sv", "är inte en giltig kommunkod"),
        ("en", "is not a current municipality code"),
    ],
)
def test_messages_follow_the_locale(
    client: TestClient, keys: dict[str, str], locale: str, words: str
) -> None:
    body = json.dumps(CASE).replace('"179"', '"999"').encode()
    status, answer = post(client, keys["frontline"], body, locale)
    assert status == 422 and answer["error"]["message"].startswith(words)
    # the case's own locale wins over the header, as for decisions
    own = json.dumps({**CASE, "locale": locale}).replace('"179"', '"999"').encode()
    _, answer = post(client, keys["frontline"], own, "fi" if locale != "fi" else "en")
    assert answer["error"]["message"].startswith(words)
