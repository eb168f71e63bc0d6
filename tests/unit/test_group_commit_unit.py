"""The group-commit step and the thread writer on a fake write (no database): groups are
formed oldest first and capped, entries whose time ran out are refused unwritten, a failed
write fails exactly its group, and after `close` an entry is refused the way the process
writer refuses it (settled with a StorageError; `submit` itself never raises)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from triage.errors import StorageError
from triage.store.sql.db import make_engine
from triage.store.sql.groupcommit import (
    CLOSED,
    GROUP_MAX,
    TOO_LATE,
    AuditWriter,
    Entry,
    GroupWriter,
    next_group,
)
from triage.store.sql.writerproc import ProcessWriter


def later(seconds: float = 30) -> float:
    return time.monotonic() + seconds


def test_next_group_takes_the_oldest_up_to_the_cap_and_sets_the_late_apart() -> None:
    now = time.monotonic()
    waiting = [(i, now - 1 if i % 3 == 0 else now + 30) for i in range(GROUP_MAX + 10)]
    late, kept, rest = next_group(waiting, lambda w: w[1])
    assert [i for i, _ in late] == [i for i in range(GROUP_MAX) if i % 3 == 0]
    assert [i for i, _ in kept] == [i for i in range(GROUP_MAX) if i % 3]
    assert [i for i, _ in rest] == list(range(GROUP_MAX, GROUP_MAX + 10))
    assert next_group([], lambda w: 0.0) == ([], [], [])
    on_time = [(1, now + 30)]
    assert next_group(on_time, lambda w: w[1]) == ([], on_time, [])


class FakeWrite:
    """Records each group; fails the groups that hold a record named in `fail`, and can
    hold the writer until released (so that a group gathers meanwhile)."""

    def __init__(self, fail: Sequence[str] = ()) -> None:
        self.groups: list[list[str]] = []
        self.fail = set(fail)
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    def __call__(self, group: Sequence[Entry]) -> None:
        self.entered.set()
        self.gate.wait(10)
        records = [e.record for e in group]
        self.groups.append(records)
        if self.fail & set(records):
            raise RuntimeError("disk full")


def test_entries_that_came_while_a_group_was_written_share_the_next_one() -> None:
    write = FakeWrite()
    writer: AuditWriter = GroupWriter(write)
    write.gate.clear()
    first = writer.submit(Entry("a", later()))
    assert write.entered.wait(5)  # "a" is being written: the rest gathers
    rest = [writer.submit(Entry(r, later())) for r in ("b", "c", "d")]
    write.gate.set()
    for entry in (first, *rest):
        entry.wait(5)
    assert write.groups == [["a"], ["b", "c", "d"]]
    assert first.group == 1 and {e.group for e in rest} == {2}
    writer.close()


def test_a_failed_write_fails_exactly_its_group_and_the_late_are_never_written() -> None:
    write = FakeWrite(fail=["bad"])
    writer = GroupWriter(write)
    write.gate.clear()
    blocker = writer.submit(Entry("ok", later()))
    assert write.entered.wait(5)
    doomed = [writer.submit(Entry(r, later())) for r in ("bad", "with-bad")]
    late = writer.submit(Entry("late", time.monotonic() - 1))
    write.gate.set()
    blocker.wait(5)
    for entry in doomed:
        with pytest.raises(StorageError):
            entry.wait(5)
        assert isinstance(entry.error, RuntimeError)
    with pytest.raises(StorageError):
        late.wait(5)
    assert isinstance(late.error, StorageError) and str(late.error) == TOO_LATE
    after = writer.submit(Entry("after", later()))
    after.wait(5)  # the next group is untouched
    assert write.groups == [["ok"], ["bad", "with-bad"], ["after"]]
    writer.close()


def test_an_async_waiter_is_woken_by_its_group() -> None:
    writer = GroupWriter(FakeWrite())

    async def record() -> Entry:
        entry = writer.submit(Entry("x", later()))
        await entry.wait_async(5)
        return entry

    assert asyncio.run(record()).done
    writer.close()


def test_close_writes_what_waits_then_refuses_without_raising() -> None:
    write = FakeWrite()
    writer = GroupWriter(write)
    write.gate.clear()
    entries = [writer.submit(Entry(r, later())) for r in ("a", "b")]
    assert write.entered.wait(5)
    closing = threading.Thread(target=writer.close)
    closing.start()
    write.gate.set()
    closing.join(10)
    assert all(e.done and e.error is None for e in entries)  # written before it stopped
    refused = writer.submit(Entry("c", later()))  # no exception here
    assert refused.done and str(refused.error) == CLOSED
    with pytest.raises(StorageError):
        refused.wait(1)
    assert ["c"] not in write.groups


def test_both_writers_refuse_an_entry_after_close_alike(tmp_path: Path) -> None:
    """The process writer (a real child on SQLite) and the thread writer: the same error."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    make_engine(url).dispose()  # the schema, as the server makes it before its writer starts
    writers: list[AuditWriter] = [GroupWriter(FakeWrite()), ProcessWriter(url)]
    said = []
    for writer in writers:
        writer.close(10)
        entry = writer.submit(Entry(("never", "written"), later()))
        assert entry.done and isinstance(entry.error, StorageError)
        said.append(str(entry.error))
    assert said == [CLOSED, CLOSED]
