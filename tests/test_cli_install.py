"""The CLI as one tool: `init`, `check` on a missing folder, `serve` on broken rules,
the LICENSE, and a README that never points outside the clone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, RULES_DIR
from tests.helpers import DENTAL_FACTS, edit
from triage.cli import main


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert (tmp_path / "x").read_text() == "mine"


def test_check_on_a_missing_folder_says_so() -> None:
    result = CliRunner().invoke(main, ["check", "/nonexistent-rules"])
    assert result.exit_code == 2 and "directory not found" in result.stderr


def test_serve_on_broken_rules_stops_with_file_line_and_exit_2(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        rules_copy / "needs" / "dental.yaml",
        "then: {service: dental_booking, urgency: within_3_days}",
        "then: {service: dental_bookin, urgency: within_3_days}",
    )
    monkeypatch.setenv("TRIAGE_RULES_DIR", str(rules_copy))
    monkeypatch.setenv("TRIAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 2
    where = r"dental\.yaml:\d+: rule dn-pain-\w+: .*did you mean 'dental_booking'"
    assert re.search(where, result.stderr)
    assert "Traceback" not in result.output


def test_license_and_docs_stand_on_their_own() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for doc in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, doc
        for target in re.findall(r"\]\(([^)#]+)\)", text):  # relative links resolve in the clone
            if not target.startswith(("http://", "https://", "mailto:")):
                resolved = (doc.parent / target).resolve()
                assert resolved.exists() and ROOT in resolved.parents, (doc, target)
    assert RULES_DIR.is_dir()


def test_decide_says_nothing_was_stored_and_explain_lists_providers() -> None:
    from tests.conftest import CATALOG_FILE

    case = str(ROOT / "examples" / "case.json")
    result = CliRunner().invoke(main, ["decide", case, "--catalog", str(CATALOG_FILE)])
    assert result.exit_code == 0 and json.loads(result.stdout)["stored"] is False
    result = CliRunner().invoke(
        main, ["explain", case, "--format", "json", "--catalog", str(CATALOG_FILE)]
    )
    providers = json.loads(result.stdout)["decision"]["providers"]
    assert result.exit_code == 0 and len(providers) >= 2


def test_report_exposure_reads_the_audit_log_and_keys_list_and_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from triage.bootstrap import build_service
    from triage.config import Settings

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    service = build_service(Settings(database_url=url))
    case = {
        "need": "dental",
        "client": {"age": 30, "municipality": "179"},
        "red_flags": [],
        "facts": DENTAL_FACTS,
    }
    for _ in range(3):
        service.decide(case, locale=None, key_id=None)
    info, secret = service.keys.create("frontline", "desk 3")
    service.verified.verify(secret)
    monkeypatch.setenv("TRIAGE_DATABASE_URL", url)
    report = CliRunner().invoke(main, ["report", "exposure", "--format", "json"])
    assert report.exit_code == 0 and json.loads(report.stdout)["decisions"] == 3
    listed = CliRunner().invoke(main, ["keys", "list"])
    header, row = listed.stdout.splitlines()
    assert header.split()[:5] == ["id", "role", "state", "created", "last"]
    assert row.startswith(info.id) and "never" not in row and row.endswith("desk 3")
    whole = CliRunner().invoke(main, ["keys", "revoke", secret])
    assert whole.exit_code == 2 and f"triage keys revoke {info.id}" in whole.stderr
    assert secret.split("_", 2)[2] not in whole.output
    assert service.keys.verify(secret) is not None  # not revoked by mistake
    assert CliRunner().invoke(main, ["keys", "revoke", info.id]).exit_code == 0
    assert service.keys.verify(secret) is None
