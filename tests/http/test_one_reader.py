"""One JSON reader for every door: the same bytes sent to the API and given to the CLI in
a file are refused with the same code and field (duplicate keys, deep nesting, huge
integers, numbers that are not finite, text that is not UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.conftest import CATALOG_FILE
from tests.http.conftest import auth
from triage.cli import main

CLIENT = b'"client":{"age":30,"municipality":"179"}'
CASES = {
    "duplicate key": b'{"need":"dental",' + CLIENT + b',"facts":{"pain":2,"pain":9}}',
    "deep nesting": b'{"need":"dental",' + CLIENT + b',"facts":' + b"[" * 40 + b"]" * 40 + b"}",
    "huge integer": b'{"need":"dental","client":{"age":' + b"9" * 30 + b',"municipality":"179"}}',
    "not finite": b'{"need":"dental",' + CLIENT + b',"facts":{"pain":NaN}}',
    "not UTF-8": b'{"need":"dental\xff",' + CLIENT + b"}",
}


def contact(case: bytes) -> bytes:
    """The case as the one need of a contact: `needs[0].` before its fields."""
    return b'{"client":{"age":30,"municipality":"179"},"needs":[' + case + b"]}"


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize(("route", "command", "wrap"), [
    ("/v1/triage", "decide", lambda b: b),
    ("/v1/contacts", "plan", contact),
])  # fmt: skip
def test_the_api_and_the_cli_refuse_the_same_bytes_alike(
    client: TestClient,
    keys: dict[str, str],
    tmp_path: Path,
    name: str,
    route: str,
    command: str,
    wrap: object,
) -> None:
    body = wrap(CASES[name])  # type: ignore[operator]
    r = client.post(
        route,
        content=body,
        headers={
            **auth(keys["frontline"]),
            "content-type": "application/json",
            "accept-language": "en",
        },
    )
    assert r.status_code == 422, r.text
    api = r.json()["error"]
    file = tmp_path / "case.json"
    file.write_bytes(body)
    result = CliRunner().invoke(main, [command, str(file), "--catalog", str(CATALOG_FILE)])
    assert result.exit_code == 1, result.output
    cli = json.loads(result.stdout.splitlines()[0])
    assert (cli["code"], cli["field"]) == (api["code"], api["field"]), (name, cli, api)
    assert api["message"] in cli["error"]
