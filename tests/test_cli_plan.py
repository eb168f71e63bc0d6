"""`triage plan` (contacts with several needs), `triage explain` and `triage replay` for a
contact, and `triage network` (providers per service and municipality)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CATALOG_FILE, ROOT
from triage.cli import main

CONTACT = json.loads((ROOT / "examples" / "contact.json").read_text(encoding="utf-8"))


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_plan_one_contact() -> None:
    code, out, _ = run(
        "plan",
        str(ROOT / "examples" / "contact.json"),
        "--locale",
        "en",
        "--seed",
        "3",
        "--catalog",
        str(CATALOG_FILE),
    )
    assert code == 0
    (line,) = out.splitlines()
    answer = json.loads(line)
    assert [d["need"] for d in answer["decisions"]] == [n["need"] for n in CONTACT["needs"]]
    assert [d["seed"] for d in answer["decisions"]] == [3, 4, 5, 6]
    plan = answer["plan"]
    assert [s["need"] for s in plan["steps"]] == ["non_medical", "discharge", "dental"]
    assert [s["precautionary"] for s in plan["steps"]] == [True, False, False]
    pending = plan["pending"][0]
    assert pending["need"] == "physiotherapy" and pending["missing_facts"][0]["fact"] == "red_flags"
    assert plan["coordinator"]["service"] == "case_manager_assignment"
    assert plan["coordinator"]["reason"] == "many_services_both_sectors"
    assert plan["consent_needed"] is True and plan["consent_status"] == "not_asked"


def test_plan_json_lines_good_and_invalid_lines(tmp_path: Path) -> None:
    bad_fact = {
        **CONTACT,
        "needs": [CONTACT["needs"][0], {"need": "dental", "facts": {"pain": 42}}],
    }
    twice = {**CONTACT, "needs": [{"need": "dental"}, {"need": "dental"}]}
    emergency = {
        **CONTACT,
        "needs": [{"need": "dental", "red_flags": ["chest_pain"]}, {"need": "family"}],
    }
    lines = [
        json.dumps(CONTACT),
        json.dumps(bad_fact),
        "{broken",
        "",
        json.dumps(twice),
        json.dumps(emergency),
    ]
    f = tmp_path / "contacts.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run("plan", str(f), "--catalog", str(CATALOG_FILE))
    assert code == 1
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 5  # one answer a line, in input order; the empty line is skipped
    assert "contact_id" in rows[0] and len(rows[0]["decisions"]) == 4
    assert rows[1] == {
        "line": 2,
        "code": "invalid_input",
        "field": "needs[1].facts.pain",
        "error": "needs[1].facts.pain: must be between 0 and 10",
    }
    assert rows[2]["line"] == 3 and "not valid JSON" in rows[2]["error"]
    assert rows[3]["line"] == 5 and rows[3]["field"] == "needs[1].need"
    assert rows[4]["plan"]["after_emergency"] == ["family"]
    assert rows[4]["plan"]["steps"][0]["service"] == "emergency"


def test_explain_a_contact(tmp_path: Path) -> None:
    code, out, _ = run("explain", str(ROOT / "examples" / "contact.json"), "--locale", "en")
    assert code == 0
    assert out.startswith("CONTACT with 4 needs\nPLAN:\n  1. non_medical: social_emergency")
    assert "(precaution)" in out.splitlines()[2]
    assert "not decided, physiotherapy: ask red_flags, recent_injury" in out
    assert "coordinator: case_manager_assignment / within_2_weeks" in out
    assert "consent not_asked: Ask the client's consent" in out
    assert "=== needs[3]: physiotherapy" in out and "NEEDS INFORMATION: ask red_flags" in out
    code, out, _ = run("explain", str(ROOT / "examples" / "contact.json"), "--format", "json")
    document = json.loads(out)
    assert len(document["needs"]) == 4 and document["plan"]["steps"][0]["need"] == "non_medical"
    assert any(r["role"] == "winner" for r in document["needs"][0]["rules"])


def test_replay_a_stored_contact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triage.bootstrap import build_service
    from triage.config import Settings

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", catalog_file=CATALOG_FILE
    )
    answer = build_service(settings).contact(CONTACT, locale="sv", key_id=None)
    monkeypatch.setenv("TRIAGE_DATABASE_URL", settings.database_url)
    code, out, _ = run("replay", answer.contact_id)
    assert code == 0 and out.strip() == f"{answer.contact_id}: identical"
    code, out, _ = run("replay", answer.decisions[2].decision_id)  # a decision of it, alone
    assert code == 0 and out.strip().endswith(": identical")


GAP_CATALOG = """\
version: 1
providers:
  - id: only-dentist
    name: {fi: Ainoa hammaslääkäri}
    ownership: private
    municipalities: ["179"]
    services: [dental_booking]
  - id: two-dentists-a
    name: {fi: Hammas A}
    ownership: public
    municipalities: ["892"]
    services: [dental_booking, nurse_assessment]
  - id: two-dentists-b
    name: {fi: Hammas B}
    ownership: private
    municipalities: ["892"]
    services: [dental_booking]
  - id: full-dentist
    name: {fi: Täynnä}
    ownership: private
    municipalities: ["077"]
    services: [dental_booking]
    accepting_new_clients: false
"""


def test_network_flags_gaps_and_single_providers(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(GAP_CATALOG, encoding="utf-8")
    args = [
        "network",
        "--catalog",
        str(catalog),
        "--municipality",
        "179",
        "--municipality",
        "077",
        "--municipality",
        "892",
    ]
    code, out, _ = run(*args, "--format", "json")
    assert code == 0
    report = json.loads(out)
    cells = {(c["service"], c["municipality"]): c for c in report["cells"]}
    assert cells[("dental_booking", "179")]["providers"] == 1
    assert cells[("dental_booking", "179")]["flag"] == "single"
    assert cells[("dental_booking", "892")]["providers"] == 2
    assert cells[("dental_booking", "892")]["flag"] is None
    # a provider that takes no new clients leaves a gap
    assert cells[("dental_booking", "077")] == {
        "service": "dental_booking",
        "municipality": "077",
        "municipality_name": "Hankasalmi",
        "listing": "open",
        "providers": 0,
        "flag": "gap",
    }
    assert cells[("emergency", "179")]["flag"] is None  # 112 has no provider list
    services = {c["service"] for c in report["cells"]}
    assert {"physio_direct_access", "case_manager", "self_care_guidance"} <= services
    assert len(report["cells"]) == 3 * len(services)
    assert report["gaps"] == sum(c["flag"] == "gap" for c in report["cells"]) > 0
    code, out, _ = run(*args)
    assert "dental_booking               077 Hankasalmi       0  GAP" in out
    code, out, _ = run(*args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"service": "dental_booking", "municipality": "179", "flag": "single"}.items() <= rows[
        next(
            i
            for i, r in enumerate(rows)
            if (r["service"], r["municipality"]) == ("dental_booking", "179")
        )
    ].items()
    # the default area is the 22 municipalities of Central Finland
    code, out, _ = run("network", "--catalog", str(catalog), "--format", "json")
    assert {c["municipality"] for c in json.loads(out)["cells"]} >= {"435", "992", "179"}
    assert len({c["municipality"] for c in json.loads(out)["cells"]}) == 22
    code, _, err = run("network", "--catalog", str(catalog), "--municipality", "999")
    assert code == 2 and "999" in err
