"""The README's shell blocks under "First requests" run as written against a real server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CATALOG_FILE, ROOT, RULES_DIR
from tests.http.server import serve


def blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### First requests", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def test_readme_first_requests_work(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    env = {
        "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'readme.db'}",
        "TRIAGE_RULES_DIR": str(rules),
        "TRIAGE_CATALOG_FILE": str(CATALOG_FILE),
    }
    script = "\n".join(blocks())
    assert "triage keys create" in script and "/v1/triage" in script and "triage replay" in script
    work = tmp_path / "checkout"  # what the README assumes: .venv/ and examples/ beside us
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.executable).parents[1])
    (work / "examples").symlink_to(ROOT / "examples")
    with serve(env) as base:
        script = script.replace("http://127.0.0.1:8000", base)
        # No -e: the last command is meant to fail (exit 1) on the exported scenario.
        proc = subprocess.run(
            ["bash", "-uo", "pipefail", "-c", script],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **env},
        )
    shell = script.replace(".venv/bin/", "")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "error" not in proc.stderr.lower(), proc.stderr[-2000:]
    out = proc.stdout
    assert '"status":"ready"' in out and '"status":"decided"' in out and '"feedback_id"' in out
    assert ": identical" in out and "1 scenario files written" in out
    assert '"plan":{"steps":[{"need":"non_medical"' in out and '"coordinator":{' in out
    assert "FAIL feedback-" in out  # the exported scenario fails against the current rules ...
    assert shell.strip().endswith("# ... fail against the current rules")
