"""The audit log's group commit: many requests share one transaction, each is answered only
when the commit holding its row is done, a failed commit fails exactly its own group, and
kill -9 under load loses no answered decision (SQLite here; PostgreSQL with 2 workers in
test_database_faults.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.faults.test_database_faults import Load, check_after_kill, stored_ids
from tests.helpers import DENTAL_FACTS
from tests.http.server import make_key, processes, serve
from triage.domain.case import Case
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.errors import StorageError
from triage.store.sql import audit as audit_module
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.auditrows import Record, make_record
from triage.store.sql.db import make_engine
from triage.store.sql.groupcommit import Entry


def _decisions(triage: Triage, n: int) -> list[tuple[Decision, Case]]:
    case = triage.validate(
        {
            "need": "dental",
            "client": {"age": 40, "municipality": "179"},
            "red_flags": [],
            "facts": DENTAL_FACTS,
        }
    )
    return [(triage.decide_case(case), case) for _ in range(n)]


def broken(record: Record) -> Record:
    """The record with its decision's need taken away: its insert breaks NOT NULL."""
    ((text, case, columns),) = record.decisions
    no_need = (columns[0], None, *columns[2:])
    return record._replace(decisions=[(text, case, no_need)])  # type: ignore[list-item]


def decision_id(record: Record) -> str:
    return record.decisions[0][2][0]


@pytest.fixture
def audit(tmp_path: Path) -> SqlAuditLog:
    return SqlAuditLog(make_engine(f"sqlite:///{tmp_path / 'audit.db'}"))


def test_a_failing_commit_fails_exactly_its_own_group(
    audit: SqlAuditLog, full_triage: Triage
) -> None:
    """Group 1 holds one entry; while it is written the next twelve queue up and form group
    2, whose seventh row breaks a constraint in the middle of the insert. Every entry of
    group 2 gets StorageError and leaves no row; groups 1 and 3 are stored."""
    first, *middle, last = _decisions(full_triage, 14)
    with audit._write_lock:  # the writer holds group 1 until the queue has filled
        a = audit.submit([first], None, None)
        deadline = time.monotonic() + 10
        while audit._writer.groups < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        group = [audit.submit([pair], None, None) for pair in middle]
        group[6].record = broken(group[6].record)  # the group's insert fails midway
    a.wait(5)
    with pytest.raises(StorageError):
        group[0].wait(5)
    c = audit.submit([last], None, None)
    c.wait(5)
    errors = []
    for entry in group:
        with pytest.raises(StorageError):
            entry.wait(5)
        errors.append(entry.group)
    assert a.group == 1 and set(errors) == {2} and c.group == 3
    stored = {d.decision_id for d in (first[0], last[0])}
    assert {audit.get(i) is not None for i in stored} == {True}
    assert all(audit.get(decision_id(e.record)) is None for e in group)
    assert audit.count() == 2


def test_concurrent_requests_share_commits_and_all_are_stored(
    audit: SqlAuditLog, full_triage: Triage
) -> None:
    """800 decisions recorded from 16 threads and from one event loop: each caller returns
    once its row is stored, every row is there, and the writer used fewer commits than
    rows (groups did form)."""
    pairs = _decisions(full_triage, 800)

    def thread_part(part: list[tuple[Decision, Case]]) -> None:
        for decision, case in part:
            audit.record(decision, case, None)

    threads = [threading.Thread(target=thread_part, args=(pairs[i:400:16],)) for i in range(16)]
    for t in threads:
        t.start()

    async def loop_part() -> None:
        await asyncio.gather(*(audit.record_async(d, c, None) for d, c in pairs[400:]))

    loop_thread = threading.Thread(target=lambda: asyncio.run(loop_part()))  # a loop of its own
    loop_thread.start()
    threads.append(loop_thread)
    for t in threads:
        t.join(timeout=60)
    assert audit.count() == 800
    assert all(audit.get(d.decision_id) is not None for d, _ in pairs)
    assert audit._writer.groups < 800


def test_a_group_larger_than_one_insert_is_written_whole(
    audit: SqlAuditLog, full_triage: Triage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group's rows go in as multi-row INSERTs of at most ROWS_PER_INSERT rows: with 7
    rows per statement, a group of 20 decisions and their listings is stored row for row,
    and exactly once when written a second time."""
    monkeypatch.setattr(audit_module, "ROWS_PER_INSERT", 7)
    pairs = _decisions(full_triage, 20)
    records = [make_record([p], None, None) for p in pairs]
    listings = sum(len(d.providers) for d, _ in pairs)
    assert listings > 7
    audit.write(records)
    audit.write(records)  # a retry after a lost answer finds the rows there
    assert audit.count() == 20
    assert all(audit.get(d.decision_id) is not None for d, _ in pairs)
    engine = audit._engine
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM listing")).scalar_one() == listings


def test_an_entry_past_its_commit_by_is_refused_without_a_write(
    audit: SqlAuditLog, full_triage: Triage
) -> None:
    ((decision, case),) = _decisions(full_triage, 1)
    entry = audit.submit([(decision, case)], None, None)
    entry.wait(5)
    late = Entry(None, commit_by=time.monotonic() - 1)
    audit._writer.submit(late)
    with pytest.raises(StorageError):
        late.wait(5)
    assert late.group == -1  # never part of a written group


def test_an_async_waiter_gives_up_in_time_and_can_be_cancelled() -> None:
    """A request whose group never comes back is refused (StorageError: 503) when its wait
    runs out; a request cancelled while it waits stays cancelled, not refused."""

    def pending() -> Entry:  # never submitted: no group will finish it
        return Entry(None, commit_by=time.monotonic() + 60)

    async def main() -> None:
        with pytest.raises(StorageError, match="in time"):
            await pending().wait_async(0.05)
        task = asyncio.ensure_future(pending().wait_async(5))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    failures: list[BaseException] = []

    def run() -> None:  # a loop of its own: the browser tests leave one running here
        try:
            asyncio.run(main())
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and failures == []


def test_kill_9_under_load_on_sqlite_loses_no_answered_decision(tmp_path: Path) -> None:
    """kill -9 of the only worker while 8 threads send requests: every 200 has its row,
    rows whose answer died with the process are counted (at most one per thread), and
    422s left nothing. The worker's audit writer process writes what it had received, then
    exits."""
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    env = {"TRIAGE_DATABASE_URL": url}
    key = make_key({**os.environ, **env}, "integration")
    processes: list[subprocess.Popen[str]] = []
    with serve(env, processes=processes) as base, Load(base, key) as load:
        time.sleep(2)
        (writer,) = writer_processes(processes[0].pid)
        os.kill(processes[0].pid, signal.SIGKILL)
        time.sleep(1)
    deadline = time.monotonic() + 10
    while running(writer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(writer)
    stored = stored_ids(url)
    print("kill -9 (SQLite, 1 worker):", check_after_kill(load, stored, []))
    assert load.statuses[200] > 50
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # the file is whole: its integrity check passes
        assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()


def writer_processes(parent: int) -> list[int]:
    """The audit writer processes whose parent is `parent`."""
    return [
        pid
        for pid, proc in processes().items()
        if proc.parent == parent and b"writerchild" in proc.command
    ]


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    proc = processes().get(pid)
    return proc is not None and proc.state != "Z"
