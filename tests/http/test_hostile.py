"""A generated hostile corpus against POST /v1/triage, and the same as needs of a contact.

Never a 5xx; nothing stored for a refused body; and no answer or log line repeats a
henkilötunnus-like string or a submitted value (every submitted string carries the marker
ZQX, and every identity code is searched for with the validator's own pattern).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.helpers import DENTAL_FACTS
from tests.http.conftest import auth
from triage.config import Settings
from triage.identity import IDENTITY_CODE

CENTURY_SIGNS = "+-ABCDEFUVWXY"
HETU = IDENTITY_CODE  # the validator's own pattern
GOOD: dict[str, Any] = {
    "need": "dental",
    "client": {"age": 34, "municipality": "179"},
    "red_flags": [],
    "facts": DENTAL_FACTS,
}


def hetus() -> list[str]:
    return [
        f"0101{yy:02d}{sign}{n:03d}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[n % 31]}"
        for yy, sign, n in zip(range(13), CENTURY_SIGNS, range(120, 133), strict=True)
    ]


def places(value: Any) -> list[dict[str, Any]]:
    """`value` in every place a case can carry something."""
    c = GOOD["client"]
    return [
        {**GOOD, "facts": {"pain": value}},
        {**GOOD, "facts": {"request": value}},
        {**GOOD, "facts": {str(value): 1}},
        {**GOOD, "need": value},
        {**GOOD, "red_flags": [value]},
        {**GOOD, "locale": value},
        {**GOOD, "note": value},
        {**GOOD, str(value): 1},
        {**GOOD, "client": {**c, "municipality": value}},
        {**GOOD, "client": {**c, "languages": ["fi", value]}},
        {**GOOD, "client": {**c, "chosen_provider": value}},
        {**GOOD, "client": {**c, str(value): True}},
    ]


def corpus() -> list[bytes]:
    bodies: list[bytes] = []
    for hetu in hetus():
        for body in places(hetu) + places(f"ZQX Matti Virtanen {hetu}"):
            bodies.append(json.dumps(body, ensure_ascii=False).encode())
    for n, value in enumerate(["ZQX", "ZQX" * 20_000, "ZQX\u0000", "ZQX１７９", "ZQX\u202e"]):
        bodies += [json.dumps(b, ensure_ascii=False).encode() for b in places(f"{value}{n}")]
    good = json.dumps(GOOD)
    digits = "9" * 5000
    bodies += [
        good.replace('"pain": 5', f'"pain": {digits}').encode(),
        good.replace('"age": 34', f'"age": {digits}').encode(),
        good.replace('"pain": 5', '"pain": 1e999').encode(),
        good.replace('"pain": 5', '"pain": NaN').encode(),
        good.replace('"pain": 5', '"pain": -Infinity').encode(),
        good.replace('"pain": 5', '"pain": 2, "pain": 9').encode(),
        good.replace('"need": "dental"', '"need": "dental", "need": "ZQX"').encode(),
        good.replace('"age": 34', '"age": 34, "age": 200').encode(),
        good.replace('"pain": 5', '"ZQX\\ud800": 5').encode(),
        good.replace('"pain": 5', '"pain": "ZQX\\udfff"').encode(),
        good.replace("179", "\\ud83d").encode(),
        good.replace("179", "１７９").encode(),
        good.replace("179", "999").encode(),
        good.replace("179", "414").encode(),
        good[:-5].encode(),
        b"",
        b"\xff\xfe\x00ZQX",
        good.encode() + b"\xc3\x28",
        b"[" * 990 + b"]" * 990,
        b'{"a":' * 990 + b"1" + b"}" * 990,
        b"[" * 40 + b"]" * 40,
        b"null",
        b"true",
        b'"ZQX"',
        b"[1, 2, 3]",
        b"{}",
        b'{"need": null}',
        json.dumps({**GOOD, "facts": {f"f{i}": i for i in range(17)}}).encode(),
        json.dumps({**GOOD, "red_flags": ["chest_pain"] * 17}).encode(),
        json.dumps({**GOOD, "client": {"age": -1, "municipality": "179"}}).encode(),
        json.dumps({**GOOD, "client": {"age": 34.5, "municipality": "179"}}).encode(),
        json.dumps({**GOOD, "client": {"age": True, "municipality": "179"}}).encode(),
        json.dumps({**GOOD, "client": [34, "179"]}).encode(),
        json.dumps({**GOOD, "facts": [["pain", 5]]}).encode(),
        json.dumps({**GOOD, "facts": {"pain": {"ZQX": 1}}}).encode(),
        json.dumps({**GOOD, "facts": {"pain": [5]}}).encode(),
        json.dumps({**GOOD, "red_flags": "chest_pain"}).encode(),
        json.dumps(GOOD).encode(),  # a good one in the middle: stored, answered 200
    ]
    return bodies


def as_contact(body: bytes) -> bytes:
    """The same hostile case as the second need of a contact (bodies that are not a JSON
    case object are sent as they are)."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if not isinstance(raw, dict) or "client" not in raw:
        return body
    need = {k: v for k, v in raw.items() if k not in ("client", "locale")}
    first = {"need": "non_medical", "facts": {"topic": "housing"}}
    contact = {"client": raw["client"], "needs": [first, need]}
    if "locale" in raw:
        contact["locale"] = raw["locale"]
    return json.dumps(contact).encode()  # escaped: lone surrogates stay as they were sent


@pytest.mark.parametrize("path", ["/v1/triage", "/v1/contacts"])
def test_hostile_bodies_never_5xx_never_stored_never_echoed(
    client: TestClient,
    keys: dict[str, str],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    bodies = corpus() if path == "/v1/triage" else [as_contact(b) for b in corpus()]
    assert len(bodies) >= 400
    caplog.set_level(logging.DEBUG)
    statuses: dict[int, int] = {}
    answered: set[str] = set()
    for body in bodies:
        r = client.post(
            path,
            content=body,
            headers={**auth(keys["frontline"]), "Content-Type": "application/json"},
        )
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        assert r.status_code < 500, (body[:200], r.text[:300])
        assert not HETU.search(r.text), r.text[:300]
        assert "ZQX" not in r.text and "Matti" not in r.text and "Virtanen" not in r.text
        if r.status_code == 200:
            answer = r.json()
            answered |= {d["decision_id"] for d in answer.get("decisions", [answer])}
    print(f"hostile corpus: {len(bodies)} bodies, answers by status {sorted(statuses.items())}")
    with create_engine(settings.database_url).connect() as conn:
        stored = {row[0] for row in conn.execute(text("SELECT id FROM decision"))}
        texts = " ".join(
            a + b for a, b in conn.execute(text("SELECT case_json, decision_json FROM decision"))
        )
        texts += " ".join(
            a + b for a, b in conn.execute(text("SELECT contact_json, answer_json FROM contact"))
        )
    assert stored == answered and len(answered) >= statuses.get(200, 0) >= 1
    assert not HETU.search(texts) and "ZQX" not in texts
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not HETU.search(logged) and "ZQX" not in logged and "Matti" not in logged
