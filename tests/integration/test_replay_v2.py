"""Done-when 4 of routing policy v3: decisions made under the v2 rules *by the code that
was landed before v3* replay identically after the upgrade, on SQLite and PostgreSQL.

The landed code itself fills the database: its `src/`, `rules/` and `catalog/` are taken
from git history (the last commit before policy 3) and run in a subprocess, so the stored
rows, rules files and catalog are exactly what a county's database holds today. The new
code then opens that database and replays every decision and contact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import ROOT
from triage.bootstrap import build_service
from triage.config import Settings
from triage.service.reports import replay, replay_contact

LANDED = "c7dfb21d865b0fc465d15d72278da1baa51c8ae5"  # the last commit before policy 3

# v2 cases as callers sent them: decided, asking for information, red flags, every need
CASES = [
    {"need": "dental", "client": {"age": 34, "municipality": "179"}, "facts": {"pain": 5}},
    {"need": "dental", "client": {"age": 34, "municipality": "179"}, "facts": {"request": "acute"}},
    {
        "need": "first_contact",
        "client": {"age": 85, "municipality": "179"},
        "facts": {"complaint": "head_knock"},
    },
    {
        "need": "family",
        "client": {"age": 30, "municipality": "077"},
        "facts": {"topic": "child_health", "child_age": 0},
    },
    {
        "need": "anticoagulation",
        "client": {"age": 31, "municipality": "892"},
        "facts": {"current_drug": "warfarin", "request": "switch_to_doac", "pregnant": True},
    },
    {
        "need": "anticoagulation",
        "client": {"age": 70, "municipality": "179"},
        "facts": {"current_drug": "warfarin", "request": "switch_to_doac"},
    },
    {
        "need": "physiotherapy",
        "client": {"age": 50, "municipality": "179", "languages": ["sv"]},
        "facts": {"duration_weeks": 4},
    },
    {
        "need": "non_medical",
        "client": {"age": 70, "municipality": "077"},
        "facts": {"topic": "other"},
    },
    {
        "need": "chronic_care",
        "client": {"age": 60, "municipality": "179"},
        "facts": {"request": "follow_up", "has_named_professional": True},
    },
    {
        "need": "care_supplies",
        "client": {"age": 80, "municipality": "179"},
        "facts": {"supply_type": "diabetes", "first_time": False},
    },
    {
        "need": "discharge",
        "client": {"age": 80, "municipality": "179"},
        "facts": {"home_care_client": False, "needs_daily_help": False, "lives_alone": True},
    },
    {
        "need": "multi_service",
        "client": {"age": 57, "municipality": "179"},
        "facts": {"has_case_manager": True},
    },
    {
        "need": "chronic_care",
        "client": {"age": 50, "municipality": "179"},
        "red_flags": ["chest_pain"],
    },
    {
        "need": "dental",
        "client": {"age": 40, "municipality": "179"},
        "facts": {"pain": 8},
        "locale": "sv",
    },
]
CONTACT = {
    "client": {"age": 80, "municipality": "179", "languages": ["fi"]},
    "needs": [
        {
            "need": "discharge",
            "facts": {"home_care_client": False, "needs_daily_help": False, "lives_alone": True},
        },
        {"need": "non_medical", "facts": {"topic": "housing"}},
        {"need": "dental", "facts": {"pain": 5}},
        {"need": "physiotherapy"},
    ],
}

OLD_SIDE = """
import json, sys
from triage.bootstrap import build_service
from triage.config import Settings
cases, contact = json.loads(sys.stdin.read())
service = build_service(Settings())
ids = [service.decide(c, locale=c.get("locale"), key_id=None).decision_id for c in cases]
for locale in ("fi", "en"):
    ids.append(service.decide(cases[0], locale=locale, key_id=None).decision_id)
contacts = [service.contact(contact, locale=None, key_id=None).contact_id]
service.audit.close()
print(json.dumps({"decisions": ids, "contacts": contacts, "file": __import__("triage").__file__}))
"""


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The landed checkout's src/, rules/ and catalog/, from git history."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", LANDED, "src", "rules", "catalog"],
        capture_output=True,
    )
    if found.returncode != 0:
        pytest.fail(f"the landed commit {LANDED} is not in this clone: {found.stderr.decode()}")
    target = tmp_path_factory.mktemp("landed")
    with tarfile.open(fileobj=BytesIO(found.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def test_the_landed_rules_are_the_v2_fixture(landed: Path) -> None:
    """tests/fixtures/rules_v2 (used by the v2 semantics tests) is the landed rule set."""
    fixture = ROOT / "tests" / "fixtures" / "rules_v2"
    for path in sorted((landed / "rules").rglob("*.yaml")):
        assert path.read_bytes() == (fixture / path.relative_to(landed / "rules")).read_bytes()


def test_v2_decisions_made_by_the_landed_code_replay_identically(
    landed: Path, database_url: str
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(landed / "src"),
        "TRIAGE_DATABASE_URL": database_url,
        "TRIAGE_RULES_DIR": str(landed / "rules"),
        "TRIAGE_CATALOG_FILE": str(landed / "catalog" / "sample.yaml"),
    }
    made = subprocess.run(
        [sys.executable, "-c", OLD_SIDE],
        input=json.dumps([CASES, CONTACT]),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    stored = json.loads(made.stdout.strip().splitlines()[-1])
    assert stored["file"].startswith(str(landed))  # the old code ran, not this checkout's
    service = build_service(Settings(database_url=database_url), defaults=False)
    try:
        for decision_id in stored["decisions"]:
            result = replay(service, decision_id)
            assert result.identical, (decision_id, result.differences)
            assert result.recomputed.rules_version == result.stored.rules_version
            old = service.triage_for(result.stored.rules_version, result.stored.catalog_version)
            assert old.rules.policy == 2
        for contact_id in stored["contacts"]:
            result_c = replay_contact(service, contact_id)
            assert result_c.identical, (contact_id, result_c.differences)
        # v2 meanings kept: the head knock at 85 was self-care then, and replays as such
        head_knock = service.audit.get(stored["decisions"][2])
        assert head_knock is not None and head_knock.decision.winning_rule == "fc-self-care"
    finally:
        service.close()
