"""The committed HTTP contract: api/openapi.json, and the examples in api/examples/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ROOT
from tests.http.conftest import auth

API = ROOT / "api"


def test_openapi_document_is_committed_and_current(client: TestClient) -> None:
    committed = json.loads((API / "openapi.json").read_text(encoding="utf-8"))
    generated = client.app.openapi()  # type: ignore[attr-defined]
    assert generated == committed, "API changed: run `.venv/bin/triage openapi -o api/openapi.json`"


def test_the_served_contract_follows_the_active_rules(
    client: TestClient, keys: dict[str, str]
) -> None:
    """Rules published with a need fewer: /openapi.json no longer offers it (it was cached
    for the process's life)."""
    from tests.conftest import RULES_DIR
    from triage.rules.loader import read_rule_files

    def needs() -> list[str]:
        schema = client.get("/openapi.json").json()["paths"]["/v1/triage"]["post"]
        found: list[str] = schema["requestBody"]["content"]["application/json"]["schema"][
            "properties"
        ]["need"]["enum"]
        return found

    assert "physiotherapy" in needs()
    files = read_rule_files(RULES_DIR)
    del files["needs/physiotherapy.yaml"]
    r = client.post("/v1/rules/reload", json={"files": files}, headers=auth(keys["author"]))
    assert r.status_code == 200, r.text
    assert "physiotherapy" not in needs() and "dental" in needs()


def matches(expected: Any, got: Any, where: str = "body") -> None:
    """`got` has every value of `expected`; "..." stands for any value."""
    if expected == "...":
        return
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        for key, value in expected.items():
            assert key in got, f"{where}.{key} missing"
            matches(value, got[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"{where}: {got!r}"
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            matches(e, g, f"{where}[{i}]")
    else:
        assert expected == got, f"{where}: expected {expected!r}, got {got!r}"


def fill(value: Any, saved: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, v in saved.items():
            value = value.replace("{" + name + "}", v)
        return value
    if isinstance(value, dict):
        return {k: fill(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, saved) for v in value]
    return value


def test_examples_run_as_written(client: TestClient, keys: dict[str, str]) -> None:
    files = sorted((API / "examples").glob("*.json"))
    assert len(files) >= 13
    covered: set[tuple[str, str]] = set()
    # a time of contact the API accepts (at most 24 h behind the server's clock)
    recent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    saved: dict[str, str] = {"contact_time": recent.isoformat()}
    for path in files:
        example = json.loads(path.read_text(encoding="utf-8"))
        req = fill(example["request"], saved)
        headers = dict(req.get("headers", {}))
        if "role" in req:
            headers.update(auth(keys[req["role"]]))
        r = client.request(req["method"], req["path"], json=req.get("body"), headers=headers)
        assert r.status_code == example["response"]["status"], (path.name, r.text)
        matches(fill(example["response"]["body"], saved), r.json(), path.name)
        for name, field in example.get("save", {}).items():
            saved[name] = r.json()[field]
        path_only = req["path"].split("?")[0]
        for name, value in saved.items():
            path_only = path_only.replace(value, "{" + name + "}")
        covered.add((req["method"], path_only))
    documented = {(m.upper(), p) for p, ops in client.app.openapi()["paths"].items() for m in ops}  # type: ignore[attr-defined]
    assert documented - covered == set(), "every endpoint has an example"
