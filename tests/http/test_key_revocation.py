"""Keys are checked without a database read per request (verified keys are remembered for
KEY_CACHE_SECONDS), yet a key revoked with `triage keys revoke` stops working in every
worker of a running `triage serve` within that bound: on SQLite at the watcher's next round
or when the memory expires, on PostgreSQL when the revocation's NOTIFY arrives."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.http.server import SAMPLE_CASES, make_key, serve
from triage.service.keys import KEY_CACHE_SECONDS

SLACK = 1.5  # seconds for a loaded 2-core machine to schedule the worker and the client


def test_a_revoked_key_stops_in_every_worker_within_the_bound(database_url: str) -> None:
    env = {"TRIAGE_DATABASE_URL": database_url}
    key = make_key({**os.environ, **env}, "integration")
    key_id = key.split("_", 2)[1]
    workers = 1 if database_url.startswith("sqlite") else 2
    headers = {"Authorization": f"Bearer {key}"}
    with serve(env, workers=workers) as base, httpx.Client(base_url=base, timeout=10) as http:
        for case in SAMPLE_CASES * 4:  # every worker has verified and remembered the key
            assert http.post("/v1/triage", json=case, headers=headers).status_code == 200
        exe = Path(sys.executable).parent / "triage"
        done = subprocess.run(
            [str(exe), "keys", "revoke", key_id],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        revoked_at = time.monotonic()
        assert f"within {KEY_CACHE_SECONDS:g} s" in done.stdout
        while True:
            status = http.post("/v1/triage", json=SAMPLE_CASES[0], headers=headers).status_code
            waited = time.monotonic() - revoked_at
            if status == 401:
                break
            assert status == 200 and waited < 10, (status, waited)
            time.sleep(0.02)
        print(f"revoked key refused after {waited:.2f} s ({workers} worker(s))")
        assert waited < KEY_CACHE_SECONDS + SLACK
        for _ in range(12):  # and by every worker from then on
            r = http.post("/v1/triage", json=SAMPLE_CASES[1], headers=headers)
            assert r.status_code == 401
