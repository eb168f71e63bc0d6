"""A full disk under an SQLite database: every acknowledged decision is kept, writes get
503, and `/readyz` says not ready while space is short and ready again once it returns,
with no traffic in between. The test mounts a small tmpfs of its own (root only)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.http.server import SAMPLE_CASES, make_key, serve


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs for the disk-full test: {mounted.stderr!r}")
        pytest.skip("disk-full test skipped: mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def wait_for(base: str, status: int, within: float = 10) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within:
        if httpx.get(f"{base}/readyz", timeout=5).status_code == status:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"/readyz never answered {status} within {within} s")


def test_readiness_follows_free_space_and_no_acknowledged_decision_is_lost(
    small_disk: Path,
) -> None:
    env = {"TRIAGE_DATABASE_URL": f"sqlite:///{small_disk / 'triage.db'}"}
    key = make_key({**os.environ, **env}, "integration")
    headers = {"Authorization": f"Bearer {key}"}
    answered: list[str] = []
    statuses: list[int] = []
    with serve(env) as base, httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        wait_for(base, 200)
        for i in range(10):  # acknowledged before the disk fills: all must be kept
            r = http.post("/v1/triage", json=SAMPLE_CASES[i % 4])
            assert r.status_code == 200
            answered.append(r.json()["decision_id"])
        filler = small_disk / "filler"
        with filler.open("wb") as f:  # fill the disk, leaving a few KiB
            try:
                while True:
                    f.write(bytes(65536))
            except OSError:
                pass
        not_ready = wait_for(base, 503)
        for i in range(40):
            r = http.post("/v1/triage", json=SAMPLE_CASES[i % 4])
            statuses.append(r.status_code)
            if r.status_code == 200:
                answered.append(r.json()["decision_id"])
        filler.unlink()
        ready_again = wait_for(base, 200)
        after = http.post("/v1/triage", json=SAMPLE_CASES[0])
        assert after.status_code == 200
        answered.append(after.json()["decision_id"])
        for did in answered:
            assert http.get(f"/v1/decisions/{did}").status_code == 200, did
    print(
        f"disk full: not ready after {not_ready:.1f} s, answers {sorted(set(statuses))}, "
        f"ready again {ready_again:.1f} s after space returned, {len(answered)} kept"
    )
    assert set(statuses) <= {200, 503}
