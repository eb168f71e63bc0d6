"""The identity-code corpus over every file input: a henkilötunnus-like code put anywhere
in a rule set posted to the API, a catalog loaded by the CLI, a published document
imported, or a crosswalk (a value, a key, a comment, a place in the raw text, or written
with escapes so that only the parsed data holds it). Each is refused: never a 5xx or a
traceback, no answer or message repeats the code, nothing is stored."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CATALOG_FILE, ROOT, RULES_DIR
from tests.http.conftest import auth
from tests.strategies import identity_codes
from triage.catalog.model import load_catalog_file
from triage.cli import main
from triage.rules.loader import load_rules, read_rule_files
from triage.service.usecases import Service

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RULE_FILES = read_rule_files(RULES_DIR)
SERVICES = load_rules(RULES_DIR).services
CATALOG = load_catalog_file(CATALOG_FILE, SERVICES).to_document()
IMPORTS = {
    "fhir": json.loads((ROOT / "tests" / "fixtures" / "fhir_bundle.json").read_text()),
    "hsds": json.loads((ROOT / "tests" / "fixtures" / "hsds_services.json").read_text()),
}


def places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every string value ("value") and mapping key ("key") of a document, by path."""
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(doc, str):
        found.append((path, "value"))
    elif isinstance(doc, dict):
        for k, v in doc.items():
            found.append(((*path, k), "key"))
            found += places(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += places(v, (*path, i))
    return found


def inject(doc: Any, place: tuple[tuple[Any, ...], str], code: str) -> Any:
    """A copy of `doc` with `code` at `place`: a value gets it appended, a key holds it."""
    copy = json.loads(json.dumps(doc))
    path, kind = place
    *parents, last = path
    holder = copy
    for step in parents:
        holder = holder[step]
    if kind == "value":
        holder[last] = f"{holder[last]} {code}"
    else:
        holder[f"{last} {code}"] = holder.pop(last)
    return copy


def escaped(text: str, code: str) -> str:
    """JSON text with the code's digits written as escapes: only the parsed data holds it."""
    return text.replace(json.dumps(code)[1:-1], "".join(f"\\u{ord(c):04x}" for c in code))


def repeats(text: str, code: str) -> bool:
    return code.lower() in text.lower() or re.sub(r"\D", "", code) in re.sub(r"\D", "", text)


def document_texts(doc: Any, code: str, data: st.DataObject) -> str:
    """The document as a file: JSON with the code at some place, as escapes, or in the raw
    text at some offset (which may break the JSON: then it is refused for that, but
    still without repeating the code)."""
    how = data.draw(st.sampled_from(["json", "escaped", "raw"]))
    if how == "raw":
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        at = data.draw(st.integers(0, len(text)))
        return f"{text[:at]} {code} {text[at:]}"  # a code is a token of its own
    all_places = places(doc)
    place = all_places[data.draw(st.integers(0, len(all_places) - 1))]
    text = json.dumps(inject(doc, place, code), ensure_ascii=False, indent=1)
    return escaped(text, code) if how == "escaped" else text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception  # an error line and an exit code, never a traceback
    return result.exit_code, result.stdout + result.stderr


def stored(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        found = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(found[0])


@SETTINGS
@given(code=identity_codes(), data=st.data())
def test_a_rule_set_holding_a_code_is_refused_by_the_api(
    client: TestClient, keys: dict[str, str], service: Service, code: str, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(RULE_FILES)))
    text = RULE_FILES[name]
    lines = text.split("\n")
    how = data.draw(st.sampled_from(["comment", "raw", "escaped"]))
    if how == "comment":
        at = data.draw(st.integers(0, len(lines)))
        lines.insert(at, f"# {code}")
        text = "\n".join(lines)
    elif how == "raw":
        at = data.draw(st.integers(0, len(text)))
        text = f"{text[:at]} {code} {text[at:]}"  # a code is a token of its own
    else:  # a top-level key whose value only the parser turns into the code
        text += '\nnote: "' + "".join(f"\\x{ord(c):02x}" for c in code) + '"\n'
    before = service.rules.versions()
    route = data.draw(st.sampled_from(["/v1/rules/validate", "/v1/rules/reload"]))
    r = client.post(route, json={"files": {**RULE_FILES, name: text}}, headers=auth(keys["admin"]))
    assert r.status_code in (400, 422), (r.status_code, how)
    assert not repeats(r.text, code), how
    assert service.rules.versions() == before


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{path}")
    return path


@settings(SETTINGS, max_examples=15)  # each loads the rules: 1-2 s
@given(code=identity_codes(), data=st.data())
def test_a_catalog_holding_a_code_is_refused_and_nothing_stored(
    db: Path, tmp_path: Path, code: str, data: st.DataObject
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(document_texts(CATALOG, code, data), encoding="utf-8")
    before = stored(db, "catalog_version")
    status, said = run("catalog", "load", str(path))
    assert status != 0 and not repeats(said, code)
    assert stored(db, "catalog_version") == before


@settings(SETTINGS, max_examples=20)  # each reads the rules: about 1 s
@given(code=identity_codes(), fmt=st.sampled_from(sorted(IMPORTS)), data=st.data())
def test_an_import_holding_a_code_is_refused_before_any_report(
    tmp_path: Path, code: str, fmt: str, data: st.DataObject
) -> None:
    source, out = tmp_path / f"{fmt}.json", tmp_path / "imported.json"
    source.write_text(document_texts(IMPORTS[fmt], code, data), encoding="utf-8")
    out.unlink(missing_ok=True)
    status, said = run("catalog", "import", str(source), "--from", fmt, "-o", str(out))
    assert status == 2 and not repeats(said, code) and "report:" not in said
    assert not out.exists()


@settings(SETTINGS, max_examples=10)  # each loads the rules: 1-2 s
@given(code=identity_codes(), data=st.data())
def test_a_crosswalk_holding_a_code_is_refused(
    tmp_path: Path, code: str, data: st.DataObject
) -> None:
    crosswalk = ROOT / "catalog" / "crosswalk.yaml"
    lines = crosswalk.read_text(encoding="utf-8").split("\n")
    at = data.draw(st.integers(0, len(lines)))
    lines.insert(at, f"# {code}" if data.draw(st.booleans()) else f"{code}")
    path = tmp_path / "crosswalk.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    source = ROOT / "tests" / "fixtures" / "fhir_bundle.json"
    status, said = run("catalog", "import", str(source), "--from", "fhir", "--crosswalk", str(path))
    assert status == 2 and not repeats(said, code) and "report:" not in said
