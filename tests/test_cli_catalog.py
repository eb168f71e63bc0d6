"""`triage catalog`, `triage report exposure` and providers in `triage decide`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CATALOG_FILE, ROOT
from tests.helpers import edit
from triage.cli import main


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRIAGE_DATABASE_URL", url)
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_decide_loads_the_sample_catalog_on_first_use_and_lists_providers(db: str) -> None:
    code, out, _ = run("decide", str(ROOT / "examples" / "case.json"), "--seed", "4")
    assert code == 0
    d = json.loads(out)
    assert d["providers"] and all(
        p["reason"] in ("language_match", "eligible") for p in d["providers"]
    )
    assert d["catalog_version"].startswith("sha256:")
    again = json.loads(run("decide", str(ROOT / "examples" / "case.json"), "--seed", "4")[1])
    assert [p["id"] for p in again["providers"]] == [p["id"] for p in d["providers"]]


def test_catalog_load_is_idempotent_and_a_broken_file_changes_nothing(
    db: str, tmp_path: Path
) -> None:
    code, out, _ = run("catalog", "load", str(CATALOG_FILE))
    assert code == 0 and "26 providers" in out and "(loaded)" in out
    assert "(already current)" in run("catalog", "load", str(CATALOG_FILE))[1]
    before = json.loads(run("decide", str(ROOT / "examples" / "case.json"))[1])["catalog_version"]

    broken = tmp_path / "broken.yaml"
    broken.write_text(CATALOG_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    edit(broken, "services: [kela_guidance]", "services: [kela_guidanse]")
    code, _, err = run("catalog", "load", str(broken))
    assert code == 1
    assert "provider kela-jyvaskyla-office: services[0]: unknown service 'kela_guidanse'" in err
    assert "the current catalog is unchanged" in err
    after = json.loads(run("decide", str(ROOT / "examples" / "case.json"))[1])["catalog_version"]
    assert after == before


def test_catalog_import_writes_a_loadable_file(db: str, tmp_path: Path) -> None:
    out_file = tmp_path / "imported.json"
    code, _, err = run(
        "catalog",
        "import",
        str(ROOT / "tests" / "fixtures" / "fhir_bundle.json"),
        "--from",
        "fhir",
        "-o",
        str(out_file),
    )
    assert code == 0 and "report: " in err and "2 providers" in err
    code, out, _ = run("catalog", "load", str(out_file))
    assert code == 0 and "2 providers" in out


def test_decide_with_catalog_file_bypasses_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    code, out, _ = run(
        "decide", str(ROOT / "examples" / "case.json"), "--catalog", str(CATALOG_FILE)
    )
    assert code == 0 and json.loads(out)["providers"]


def test_exposure_report_shows_ownership_shares(db: str) -> None:
    code, out, _ = run("report", "exposure", "--simulate", "2000", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["decisions"] == 2000
    assert set(data["ownership"]) == {"public", "private", "third_sector"}
    total = sum(row["first_share"] for row in data["ownership"].values())
    assert abs(total - 1.0) < 1e-9
    for row in data["ownership"].values():
        assert abs(row["first_share"] - row["expected_first_share"]) < 0.03
