"""POST /v1/triage's fast path answers as the FastAPI route does: the same status,
headers and body for good cases, bad input, every kind of key trouble and a database
outage. The same requests go to the app as served and to one without the fast path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth
from triage.errors import StorageError
from triage.http import fastpath
from triage.http.app import create_app
from triage.http.routes import triage as triage_route
from triage.service.usecases import Service

Request = tuple[dict[str, str], Any]  # headers, JSON body (None: no body)


@pytest.fixture
def pair(service: Service) -> Iterator[tuple[TestClient, TestClient]]:
    fast = create_app(service)
    plain = create_app(service)
    kept = [m for m in plain.user_middleware if cast(Any, m.cls) is not fastpath.TriageFastPath]
    plain.user_middleware = kept
    with (
        TestClient(fast, raise_server_exceptions=False) as a,
        TestClient(plain, raise_server_exceptions=False) as b,
    ):
        yield a, b


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many requests the fast path answered itself."""
    calls: list[int] = []
    real = triage_route.answer  # the route's own, which the fast path calls

    async def counted(*args: Any) -> bytes:
        calls.append(1)
        return await real(*args)

    monkeypatch.setattr(fastpath, "answer", counted)
    return calls


def comparable(r: httpx.Response) -> tuple[Any, ...]:
    body = r.json()
    if r.status_code == 200:  # a new id and seed per decision; the seed orders the providers
        body = {k: v for k, v in body.items() if k not in ("decision_id", "seed")}
        body["providers"] = sorted(p["id"] for p in body["providers"])
    kept = ("content-type", "www-authenticate", "retry-after", "allow")
    return r.status_code, {h: r.headers.get(h) for h in kept}, body


def both(pair: tuple[TestClient, TestClient], headers: dict[str, str], body: Any) -> list[Any]:
    answers = []
    for client in pair:
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        answers.append(comparable(client.post("/v1/triage", **kwargs)))
    return answers


def test_the_same_answers(
    pair: tuple[TestClient, TestClient], keys: dict[str, str], served: list[int]
) -> None:
    key = auth(keys["frontline"])
    requests: list[Request] = [
        (key, CASE),
        ({**key, "Accept-Language": "sv-FI, en;q=0.5"}, CASE),
        ({**key, "Accept-Language": "sv"}, {**CASE, "locale": "en"}),
        ({**key, "Accept-Language": "en"}, {"need": "dental"}),
        (key, {**CASE, "client": {"age": "old", "municipality": "179"}}),
        (key, {**CASE, "need": "no_such_need"}),
        (key, [1, 2]),
        (key, None),
        ({}, CASE),
        ({"Authorization": "Basic abc", "Accept-Language": "en"}, CASE),
        ({"Authorization": "Bearer"}, CASE),
        ({"Authorization": "Bearer    "}, CASE),
        ({"Authorization": "bearer " + keys["integration"]}, CASE),
        ({"Authorization": "Bearer not-a-key"}, CASE),
        ({**auth(keys["auditor"]), "Accept-Language": "sv"}, CASE),
        (auth(keys["author"]), CASE),
    ]
    statuses = []
    for headers, body in requests:
        fast, plain = both(pair, headers, body)
        assert fast == plain, (headers, body)
        statuses.append(fast[0])
    assert sorted(set(statuses)) == [200, 401, 403, 422]
    assert len(served) == len(requests)  # every one answered by the fast path, none routed


def test_the_same_outage_and_failure(
    pair: tuple[TestClient, TestClient],
    keys: dict[str, str],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unavailable(*_: Any, **__: Any) -> None:
        raise StorageError("the database is unavailable")

    monkeypatch.setattr(service.audit, "record_async", unavailable)
    fast, plain = both(pair, auth(keys["frontline"]), CASE)
    assert fast == plain
    assert fast[0] == 503 and fast[1]["retry-after"] == "5"

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "decide_async", broken)
    fast, plain = both(pair, auth(keys["frontline"]), CASE)
    assert fast == plain
    assert fast[0] == 500 and fast[2]["error"]["code"] == "internal_error"


def test_other_methods_and_paths_reach_fastapi(
    pair: tuple[TestClient, TestClient], keys: dict[str, str], served: list[int]
) -> None:
    fast, plain = pair
    for client in pair:
        assert client.get("/v1/triage", headers=auth(keys["frontline"])).status_code == 405
    r = fast.post("/v1/triage/", json=CASE, headers=auth(keys["frontline"]), follow_redirects=False)
    assert (
        r.status_code
        == plain.post(
            "/v1/triage/", json=CASE, headers=auth(keys["frontline"]), follow_redirects=False
        ).status_code
    )
    assert served == []
