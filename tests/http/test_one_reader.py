"""One JSON reader for every door: the same bytes sent to the API and given to the CLI in
a file are refused with the same code and field (duplicate keys, deep nesting, huge
integers, numbers that are not finite, text that is not UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tests.conftest import CATALOG_FILE, RULES_DIR
from tests.http.conftest import auth
from triage.authoring.scenarios import load_scenarios
from triage.catalog.model import load_catalog_file
from triage.cli import main
from triage.errors import CatalogError, ScenarioError
from triage.rules.loader import load_rules

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


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_scenario_file_and_a_catalog_file_refuse_the_same_bytes_alike(
    client: TestClient,
    keys: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    """The bytes as a whole JSON file, refused by the API's reader before any shape check:
    the same field and the same message as the API's 422 (whose code, invalid_input, is
    the code of every refused body; the message tells which refusal it was)."""
    r = client.post(
        "/v1/triage",
        content=CASES[name],
        headers={
            **auth(keys["frontline"]),
            "content-type": "application/json",
            "accept-language": "en",
        },
    )
    api = r.json()["error"]
    file = tmp_path / "case.json"
    file.write_bytes(CASES[name])
    with pytest.raises(ScenarioError) as scenario:
        load_scenarios([file])
    with pytest.raises(CatalogError) as catalog:
        load_catalog_file(file, load_rules(RULES_DIR).services)
    for refused in (scenario.value.problem, catalog.value.problem):
        assert refused is not None, name
        assert (refused.field, refused.render("en")) == (api["field"], api["message"]), name
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    for command in (["test", str(file)], ["catalog", "load", str(file)]):
        said = CliRunner().invoke(main, command)
        assert said.exit_code != 0 and not isinstance(said.exception, KeyError), command
        assert api["field"] in said.output and api["message"] in said.output, (command, said)
