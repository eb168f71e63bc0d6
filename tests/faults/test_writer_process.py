"""The audit log's writer in a process of its own (the server's choice): the same group
commit as the thread writer, answered through a pipe. What the pipe adds is tested here:
a failing commit still fails exactly its group; a writer killed with entries in flight is
replaced and every entry is stored once and answered; a writer that stops reading makes
entries refused at once, not the worker hang; closing writes what was sent; answers read
on the server's event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.test_group_commit import broken, decision_id, running
from tests.helpers import DENTAL_FACTS
from triage.domain.case import Case
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.errors import StorageError
from triage.store.sql import writerproc
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.auditrows import Record, make_record
from triage.store.sql.db import make_engine
from triage.store.sql.groupcommit import Entry
from triage.store.sql.writerproc import ProcessWriter

Pair = tuple[Decision, Case]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "audit.db")


@pytest.fixture
def audit(db: str) -> Iterator[SqlAuditLog]:
    log = SqlAuditLog(make_engine(f"sqlite:///{db}"), "process")
    yield log
    log.close()


def writer(audit: SqlAuditLog) -> ProcessWriter:
    assert isinstance(audit._writer, ProcessWriter)
    return audit._writer


def pairs(triage: Triage, n: int) -> list[Pair]:
    case = triage.validate(
        {
            "need": "dental",
            "client": {"age": 40, "municipality": "179"},
            "red_flags": [],
            "facts": DENTAL_FACTS,
        }
    )
    return [(triage.decide_case(case), case) for _ in range(n)]


class Locked:
    """The database file held by another writer: the writer process waits on it (SQLite's
    busy timeout) until the block ends, while entries queue up behind it."""

    def __init__(self, db: str) -> None:
        self.conn = sqlite3.connect(db, isolation_level=None)

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, *_: object) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def record(pair: Pair) -> Record:
    return make_record([pair], None, None)


def outcome(entry: Entry) -> bool:
    try:
        entry.wait(10)
    except StorageError:
        return False
    return True


def test_the_server_writes_in_a_process_and_all_concurrent_records_are_stored(
    audit: SqlAuditLog, full_triage: Triage
) -> None:
    """600 decisions from 12 threads and one event loop: every caller returns once its row
    is stored, every row is there once, and groups formed (fewer commits than rows)."""
    todo = pairs(full_triage, 600)

    def thread_part(part: list[Pair]) -> None:
        for decision, case in part:
            audit.record(decision, case, None)

    async def loop_part() -> None:
        await asyncio.gather(*(audit.record_async(d, c, None) for d, c in todo[300:]))

    threads = [threading.Thread(target=thread_part, args=(todo[i:300:12],)) for i in range(12)]
    threads.append(threading.Thread(target=lambda: asyncio.run(loop_part())))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert audit.count() == 600
    assert all(audit.get(d.decision_id) is not None for d, _ in todo)
    assert 0 < writer(audit)._groups < 600
    assert writer(audit).pid != os.getpid()


def test_a_failing_commit_fails_exactly_its_own_group(
    audit: SqlAuditLog, db: str, full_triage: Triage
) -> None:
    """While the database is locked, one entry is taken into a group and the next twelve
    (the seventh breaks NOT NULL) queue up behind it. The group that holds the broken one
    fails whole; every entry of every other group is stored."""
    records = [record(p) for p in pairs(full_triage, 13)]
    records[7] = broken(records[7])
    with Locked(db):
        entries = [writer(audit).submit(Entry(records[0], time.monotonic() + 60))]
        time.sleep(0.3)  # the writer has taken it and waits on the lock
        entries += [writer(audit).submit(Entry(r, time.monotonic() + 60)) for r in records[1:]]
    stored = [outcome(e) for e in entries]
    in_bad = [e.group == entries[7].group for e in entries]
    assert not stored[7] and sum(in_bad) >= 2  # a group formed around the broken entry
    assert stored == [not b for b in in_bad]
    assert [audit.get(decision_id(r)) is not None for r in records] == stored
    assert audit.count() == sum(stored)


def test_a_killed_writer_is_replaced_and_its_entries_are_stored_once(
    audit: SqlAuditLog, db: str, full_triage: Triage
) -> None:
    """kill -9 of the writer process while 10 entries wait on it and 10 more are sent:
    another process is started, the entries are sent again, and each is answered stored,
    with one row."""
    todo = pairs(full_triage, 20)
    dead = writer(audit).pid
    with Locked(db):
        entries = [audit.submit([p], None, None) for p in todo[:10]]
        os.kill(dead, signal.SIGKILL)
        entries += [audit.submit([p], None, None) for p in todo[10:]]
    assert [outcome(e) for e in entries] == [True] * 20
    assert writer(audit).restarts == 1 and writer(audit).pid != dead
    assert audit.count() == 20
    assert all(audit.get(d.decision_id) is not None for d, _ in todo)


def test_a_writer_that_stops_reading_gets_entries_refused_at_once(
    audit: SqlAuditLog, full_triage: Triage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGSTOP the writer process: once the pipe is full, entries wait in the worker, and
    beyond BACKLOG_MAX (here 64 KiB) `submit` refuses them (StorageError, a 503) instead of
    blocking the worker or growing without bound. After SIGCONT, every entry that was
    accepted is answered, and rows exist exactly for those answered stored."""
    monkeypatch.setattr(writerproc, "BACKLOG_MAX", 64 << 10)
    todo = pairs(full_triage, 1500)
    pid = writer(audit).pid
    os.kill(pid, signal.SIGSTOP)
    accepted: list[Entry] = []
    try:
        started = time.monotonic()
        for pair in todo:
            entry = audit.submit([pair], None, None)
            if entry.done:  # refused before it was sent
                assert entry.error is not None
                break
            accepted.append(entry)
        else:
            pytest.fail("1,500 entries went into the pipe of a stopped writer")
        assert time.monotonic() - started < 10
    finally:
        os.kill(pid, signal.SIGCONT)
    stored = [outcome(e) for e in accepted]
    assert len(accepted) > 50
    assert audit.count() == sum(stored)


def test_closing_writes_what_was_sent_then_the_process_exits(db: str, full_triage: Triage) -> None:
    audit = SqlAuditLog(make_engine(f"sqlite:///{db}"), "process")
    entries = [audit.submit([p], None, None) for p in pairs(full_triage, 50)]
    pid = writer(audit).pid
    audit.close()
    assert [outcome(e) for e in entries] == [True] * 50
    assert audit.count() == 50
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(pid)
    late = audit.submit(pairs(full_triage, 1), None, None)
    assert late.done and late.error is not None


def test_answers_are_read_on_an_attached_event_loop(
    audit: SqlAuditLog, full_triage: Triage
) -> None:
    """Attached to a loop (as the server does), the answers are read there, with no thread
    of the writer's own; detached, a thread reads them again."""
    todo = pairs(full_triage, 40)

    async def main() -> list[str]:
        audit.attach(asyncio.get_running_loop())
        await asyncio.gather(*(audit.record_async(d, c, None) for d, c in todo[:30]))
        names = [t.name for t in threading.enumerate()]
        audit.attach(None)
        return names

    names: list[str] = []
    # a loop of its own: the browser tests leave one running on this thread
    thread = threading.Thread(target=lambda: names.extend(asyncio.run(main())))
    thread.start()
    thread.join(timeout=60)
    assert names and "audit-answers" not in names
    for d, c in todo[30:]:
        audit.record(d, c, None)
    assert "audit-answers" in [t.name for t in threading.enumerate()]
    assert audit.count() == 40


def test_a_burst_larger_than_the_pipe_waits_in_the_worker_and_is_all_stored(
    audit: SqlAuditLog, db: str, full_triage: Triage
) -> None:
    """4,000 entries at once (several times what the pipe holds) while the writer is held
    on a locked database: none is refused, and every one is stored once the lock is gone."""
    records = [record(p) for p in pairs(full_triage, 4000)]
    with Locked(db):
        entries = [writer(audit).submit(Entry(r, time.monotonic() + 60)) for r in records]
        assert len(writer(audit)._backlog) > 0  # the pipe was full
        assert not any(e.done for e in entries)
    assert [outcome(e) for e in entries] == [True] * 4000
    assert audit.count() == 4000


def test_closing_with_a_backlog_sends_it_to_the_writer_first(
    audit: SqlAuditLog, db: str, full_triage: Triage
) -> None:
    """The log is closed while a burst larger than the pipe waits in the worker for the
    writer (held on a locked database): what waited is sent before the writer's input is
    closed, and every entry is stored."""
    records = [record(p) for p in pairs(full_triage, 3000)]
    with Locked(db):
        entries = [writer(audit).submit(Entry(r, time.monotonic() + 60)) for r in records]
        assert len(writer(audit)._backlog) > 0
        closing = threading.Thread(target=audit.close)
        closing.start()
        time.sleep(0.3)
    closing.join(60)
    assert not closing.is_alive()
    assert [outcome(e) for e in entries] == [True] * 3000
    assert audit.count() == 3000
