"""Two worker processes converge on every rules reload, catalog load and rollback.

A real `triage serve --workers 2` on 127.0.0.1, on SQLite and on PostgreSQL. Requests keep
flowing through every switch; the authors' rule directory is never written; every
decision replays exactly with its own versions.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from ruamel.yaml import YAML

from tests.conftest import CATALOG_FILE, RULES_DIR
from tests.http.server import SAMPLE_CASES, make_key, serve

SWITCH_SECONDS = 2.0  # the promise: every worker serves a new active version within this


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "triage"
    return subprocess.run(
        [str(exe), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def rule_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.yaml")}


def test_workers_converge_and_requests_never_fail(tmp_path: Path, database_url: str) -> None:
    import os

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    before = tree_hashes(rules)
    env = {**os.environ, "TRIAGE_DATABASE_URL": database_url, "TRIAGE_RULES_DIR": str(rules)}
    keys = {role: make_key(env, role) for role in ("frontline", "author", "admin")}

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[role]}"}

    smaller = tmp_path / "smaller.json"
    doc = YAML(typ="safe").load(CATALOG_FILE.read_text())
    doc["providers"] = doc["providers"][:12]
    smaller.write_text(json.dumps(doc))

    with serve(env, workers=2) as base:
        failures: list[str] = []
        decided: dict[str, str] = {}  # decision id -> rules version
        stop = threading.Event()

        def traffic() -> None:
            with httpx.Client(base_url=base, timeout=30) as http:
                i = 0
                while not stop.is_set():
                    r = http.post("/v1/triage", json=SAMPLE_CASES[i % 4], headers=auth("frontline"))
                    i += 1
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {r.text[:200]}")
                    else:
                        decided[r.json()["decision_id"]] = r.json()["rules_version"]

        def converged(rules_version: str, catalog_version: str) -> None:
            time.sleep(SWITCH_SECONDS)
            for _ in range(12):  # new connections: both workers answer some of these
                ready = httpx.get(f"{base}/readyz", timeout=10).json()
                assert (ready["rules_version"], ready["catalog_version"]) == (
                    rules_version,
                    catalog_version,
                )
            fleet = httpx.get(f"{base}/v1/fleet", headers=auth("admin"), timeout=10).json()
            assert len(fleet["workers"]) == 2 and fleet["agree"] is True, fleet
            assert {(w["rules_version"], w["catalog_version"]) for w in fleet["workers"]} == {
                (rules_version, catalog_version)
            }

        thread = threading.Thread(target=traffic)
        thread.start()
        try:
            first = httpx.get(f"{base}/readyz", timeout=10).json()
            r1, c1 = first["rules_version"], first["catalog_version"]

            files = rule_files(rules)
            files["needs/dental.yaml"] = files["needs/dental.yaml"].replace(
                "{fact: pain, ge: 4}", "{fact: pain, ge: 6}"
            )
            r = httpx.post(
                f"{base}/v1/rules/reload", json={"files": files}, headers=auth("author"), timeout=60
            )
            assert r.status_code == 200, r.text
            r2 = r.json()["rules_version"]
            converged(r2, c1)

            loaded = cli(env, "catalog", "load", str(smaller))
            assert loaded.returncode == 0, loaded.stderr
            c2 = loaded.stdout.split("version ")[1].split()[0]
            converged(r2, c2)

            rolled = cli(env, "rules", "activate", r1)  # rollback
            assert rolled.returncode == 0, rolled.stderr
            converged(r1, c2)

            listed = cli(env, "fleet")
            assert listed.returncode == 0 and "2 workers, all agree" in listed.stdout
        finally:
            stop.set()
            thread.join(timeout=60)

    assert failures == []
    assert tree_hashes(rules) == before  # the rule directory is the authors' input only
    assert {r1, r2} <= set(decided.values())
    for version in (r1, r2):  # replay stays exact across publish and rollback
        decision_id = next(d for d, v in decided.items() if v == version)
        replayed = cli(env, "replay", decision_id)
        assert replayed.returncode == 0 and "identical" in replayed.stdout, replayed.stdout
