"""The database you opened is the database at the path: an SQLite file deleted or
replaced under a running service (rm, a restore's mv) makes every later write and
readiness fail (503, not ready) until a restart, and nothing is written to the file now
at the path. Before, 14,228 more answers were acknowledged into the deleted file."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.faults.test_group_commit import _decisions
from tests.http.server import SAMPLE_CASES, make_key, serve
from triage.domain.decider import Triage
from triage.errors import StorageError
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.db import make_engine
from triage.store.sql.health import SqlHealth


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_deleted_or_replaced_file_takes_no_more_writes(
    tmp_path: Path, full_triage: Triage, how: str
) -> None:
    db = tmp_path / "triage.db"
    engine = make_engine(f"sqlite:///{db}")
    audit, health = SqlAuditLog(engine), SqlHealth(engine)
    first, second = _decisions(full_triage, 2)
    audit.submit([first], None, None).wait(5)
    assert health.ping()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if how == "replaced":
        shutil.copy(other, db)  # a restore puts another database at the path
        before = digest(db)
    with pytest.raises(StorageError):
        audit.submit([second], None, None).wait(5)
    assert not health.ping()
    if how == "replaced":
        assert digest(db) == before  # not one byte written to the file now at the path
    else:
        assert not db.exists() or db.stat().st_size == 0
    engine.dispose()


def test_a_served_sqlite_file_removed_under_load_is_noticed(tmp_path: Path) -> None:
    """A real server: after `rm` of the database files, answers are 503 within a second
    or two, /readyz says not ready, and nothing is written at the path."""
    db = tmp_path / "triage.db"
    env = {"TRIAGE_DATABASE_URL": f"sqlite:///{db}"}
    key = make_key({**os.environ, **env}, "integration")
    statuses: Counter[int] = Counter()
    late: Counter[int] = Counter()  # answers to requests sent 2 s after the removal
    removed_at: list[float] = []
    stop = threading.Event()

    def load() -> None:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            i = 0
            while not stop.is_set():
                sent = time.monotonic()
                status = http.post("/v1/triage", json=SAMPLE_CASES[i % 4]).status_code
                statuses[status] += 1
                if removed_at and sent > removed_at[0] + 2:
                    late[status] += 1
                i += 1

    with serve(env) as base:
        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        removed_at.append(time.monotonic())
        time.sleep(4)
        ready = httpx.get(f"{base}/readyz", timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    print(
        f"removed under load: {dict(statuses)}, after 2 s: {dict(late)}, "
        f"/readyz {ready.status_code}"
    )
    assert statuses[200] > 0 and late[503] > 0 and set(late) == {503}
    assert ready.status_code == 503 and ready.json()["database"] == "unavailable"
    assert not db.exists() or db.stat().st_size == 0
