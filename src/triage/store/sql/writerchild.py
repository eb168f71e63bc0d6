"""The audit writer process (see `writerproc`): `python -m triage.store.sql.writerchild`.

It reads the database's URL, then entries until its input ends; writes them in groups, a
transaction each, and answers each group on its output. One thread: while a group is
written, the next gathers in the pipe."""

from __future__ import annotations

import os
import select
import signal
from typing import Any

from triage.errors import StorageError
from triage.store.sql.audit import SqlAuditLog
from triage.store.sql.auditrows import Record
from triage.store.sql.db import make_engine
from triage.store.sql.groupcommit import TOO_LATE, next_group
from triage.store.sql.writerproc import READY, frame, frames


def main() -> None:
    """No timer: a group is what came while the last one was written (the worker sends the
    entries of one turn of its event loop in one write). Waiting 1 ms for company after a
    pause was measured slower: a request waiting here is one the worker has nothing to do
    for (bench/api.py, SQLite, concurrency 16, four rounds side by side: ratio 0.65-0.77,
    median 0.69, with the wait; 0.62-0.82, median 0.77, without)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is for the worker
    out = os.dup(1)
    os.dup2(2, 1)  # a stray print goes to the log, not into the answers
    buffer = bytearray()
    waiting: list[Any] = []
    while not waiting:  # the first frame is the database's URL
        if not _fill(buffer, waiting, None):
            return
    audit = SqlAuditLog(make_engine(waiting.pop(0), migrate_schema=False))
    _write_all(out, READY)
    groups, open_ = 0, True
    while open_ or waiting:
        if open_:  # what came while the last group was written; asleep until one comes
            open_ = _fill(buffer, waiting, 0 if waiting else None)
        late, kept, waiting = next_group(waiting, _commit_by)
        if late:
            _write_all(out, frame((-1, [n for n, _, _ in late], TOO_LATE)))
        if not kept:
            continue
        groups += 1
        numbers = [n for n, _, _ in kept]
        try:
            audit.write([Record(*r) for _, _, r in kept])
        except Exception as exc:  # every entry of the group learns of it
            _write_all(out, frame((groups, numbers, _said(exc))))
        else:
            _write_all(out, frame((groups, numbers, None)))


def _commit_by(entry: tuple[int, float, Any]) -> float:
    return entry[1]


def _fill(buffer: bytearray, waiting: list[Any], timeout: float | None) -> bool:
    """Wait up to `timeout` for input and add its whole frames to `waiting`; False at the
    end of the input."""
    if select.select([0], [], [], timeout)[0]:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            return False
        buffer += chunk
        waiting.extend(frames(buffer))
    return True


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _said(error: Exception) -> str:
    """What the worker is told of a failed group: a StorageError's own text, or the kind
    of error only (a driver's message can quote the rows)."""
    if isinstance(error, StorageError):
        return str(error)
    return f"the audit log could not be written ({type(error).__name__})"


if __name__ == "__main__":
    main()
