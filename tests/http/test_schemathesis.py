"""schemathesis against `triage serve` on 127.0.0.1: no 5xx, no response that breaks the
documented contract. Bounded in examples and time.

One check is excluded, on purpose: `positive_data_acceptance`. A case's facts depend on its
need, which the JSON Schema does not express, so many schema-valid cases are rightly refused
(`{"need": "dental", "facts": {"inr": 2}}`). Every other check runs, including
`negative_data_rejection`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CATALOG_FILE, RULES_DIR
from tests.http.server import make_key, serve


def test_schemathesis_finds_no_server_errors_or_contract_violations(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)  # reload may be fuzzed: never touch the shipped rules
    env = {
        "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'st.db'}",
        "TRIAGE_RULES_DIR": str(rules),
        "TRIAGE_CATALOG_FILE": str(CATALOG_FILE),
    }
    key = make_key(env, "admin")
    exe = Path(sys.executable).parent / "schemathesis"
    with serve(env) as base:
        proc = subprocess.run(
            [
                str(exe),
                "run",
                f"{base}/openapi.json",
                "-H",
                f"Authorization: Bearer {key}",
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance",
                "--max-examples",
                "30",
                "--max-time",
                "60",
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    tail = "\n".join(proc.stdout.splitlines()[-40:])
    assert proc.returncode == 0, tail
    assert " passed" in tail and "failures" not in tail.lower().split("summary")[-1], tail
    print(tail)
