"""The audit log's group commit in a process of its own (the server's writer).

With a writer thread, the thread and the event loop take turns on the interpreter lock:
every group the thread wrote (building rows, the driver's calls, waking the waiters) was
time the loop could not answer requests in, and each turn cost a wait for the lock. Here
the worker pickles each entry's record down a pipe to a child process (`python -m
triage.store.sql.writerchild`), which builds the rows and writes them with the same
`SqlAuditLog.write`, a group per transaction, on the machine's other core; it answers each
group with the numbers of its entries, and an error if the group failed. The answers are
read on the server's event loop (`attach`), or on a thread where there is no loop.

Frames on both pipes are a 4-byte length and a pickle; the child's first answer says it is
ready. The promises of the thread writer hold:
- An entry is finished only by the child's answer for it (stored, or refused with its
  group), or refused before it was sent (a closed log; BACKLOG_MAX waiting for room in a
  pipe the child no longer empties: the worker is never blocked by its writer, and a
  burst larger than the pipe waits in the worker).
- The child ends when its input ends: when the worker exits or is killed, it writes what it
  has read, then exits. A row whose answer died with the worker is allowed; the commit_by
  trigger still refuses any commit after the caller's deadline.
- If the child dies, another is started and every entry not yet answered is sent again;
  the inserts are idempotent, so an entry whose commit was done but not yet answered is
  found stored, not written twice. An entry whose commit_by passes meanwhile is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

from triage.errors import StorageError
from triage.store.sql.groupcommit import CLOSED, Entry, settle

log = logging.getLogger("triage.store")
HEADER = struct.Struct(">I")
PIPE_SIZE = 1 << 20  # bytes the pipe to the child holds (Linux's default limit for a user)
# Bytes waiting for room in the pipe beyond which entries are refused (a child that stopped
# reading): 6,000-16,000 decisions (a record is 1.0-2.5 KB down the pipe for the sample
# cases), a burst of seconds at the worker's pace.
BACKLOG_MAX = 16 << 20
START_TIMEOUT = 60  # seconds for a child to say it is ready
RESTART_PAUSE = 0.2  # seconds between a child's death and the next one's start
POLL = 0.2  # seconds: how often a reading thread looks whether it is to stop
WENT_AWAY = "the audit writer process stopped before the entry was written in time"


def frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


READY = frame("ready")  # the child's first answer


def frames(buffer: bytearray) -> Iterator[Any]:
    """The whole frames at the start of `buffer`, removed from it as they are read."""
    while len(buffer) >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer)
        if len(buffer) < HEADER.size + size:
            return
        obj = pickle.loads(buffer[HEADER.size : HEADER.size + size])
        del buffer[: HEADER.size + size]
        yield obj


class ProcessWriter:
    """The worker's side: sends entries to the child and finishes them by its answers. The
    answers are read on the server's event loop once `attach` gave it one (no thread has
    to win the interpreter lock from the loop to hand them over), else on a thread."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[Entry, bytes]] = {}
        self._numbers = itertools.count(1)
        self._backlog = bytearray()  # what the pipe had no room for yet
        self._answers = bytearray()  # what the child said, up to a frame not yet whole
        self._closed = False
        self._groups = 0
        self.restarts = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = -1
        self._outbox: list[bytes] = []  # frames from the loop's thread, sent once per turn
        self._thread: threading.Thread | None = None
        self._stop_thread = False
        proc = self._start()
        if proc is None:
            raise StorageError("the audit writer process did not start")
        self._proc = proc

    @property
    def groups(self) -> int:
        return self._groups

    @property
    def pid(self) -> int:
        return self._proc.pid

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Read the answers on `loop` from now on (call it on that loop's thread), or on a
        thread again (None: call it on the attached loop's thread, before it stops)."""
        if self._loop is not None:
            self._loop.remove_reader(_fd(self._proc.stdout))
            self._loop = None
        if self._thread is not None:
            self._stop_thread = True
            self._thread.join()
            self._thread, self._stop_thread = None, False
        if loop is None:
            self._flush()
            self._start_thread()
        else:
            self._loop, self._loop_thread = loop, threading.get_ident()
            self._watch()

    def submit(self, entry: Entry) -> Entry:
        number = next(self._numbers)
        # a plain tuple: a NamedTuple pickles five times slower (its class is looked up)
        data = frame((number, entry.commit_by, tuple(entry.record)))
        with self._lock:
            if self._loop is None and self._thread is None:
                self._start_thread()
            refused = self._closed or len(self._backlog) > BACKLOG_MAX
            if not refused:
                self._pending[number] = (entry, data)
                if self._loop is not None and threading.get_ident() == self._loop_thread:
                    # the requests of one turn of the loop share a write (and a wake-up)
                    self._outbox.append(data)
                    if len(self._outbox) == 1:
                        self._loop.call_soon(self._flush)
                else:
                    self._send(data)
        if refused:
            settle([entry], StorageError(CLOSED))
        return entry

    def close(self, timeout: float = 30) -> None:
        """Let the child write what it has, answer it and exit (answers read on a thread:
        call it off the event loop, or after `attach(None)`)."""
        self._flush()
        with self._lock:
            self._closed = True
            if self._loop is None and self._thread is None:
                self._start_thread()
            thread = self._thread
        self._drain(time.monotonic() + timeout)
        with contextlib.suppress(OSError):
            self._proc.stdin.close()  # type: ignore[union-attr]
        if thread is not None:
            thread.join(timeout)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout)
        if thread is None or not thread.is_alive():  # nothing reads the answers any more
            with contextlib.suppress(OSError):
                self._proc.stdout.close()  # type: ignore[union-attr]
        with self._lock:
            left = [entry for entry, _ in self._pending.values()]
            self._pending.clear()
        settle(left, StorageError(WENT_AWAY))

    def _drain(self, deadline: float) -> None:
        """Send the backlog to the child before its input is closed (it waits for room in
        the pipe while the child is busy), until `deadline`."""
        while time.monotonic() < deadline:
            with self._lock:
                self._send(b"")
                if not self._backlog:
                    return
            select.select([], [_fd(self._proc.stdin)], [], POLL)

    def _flush(self) -> None:
        with self._lock:
            if self._outbox:
                self._send(b"".join(self._outbox))
                self._outbox.clear()

    def _send(self, data: bytes) -> None:
        """Write the backlog and `data` without blocking (under the lock); what the pipe
        has no room for waits in the backlog, written when the child answers again."""
        backlog = self._backlog
        backlog += data
        try:
            sent = os.write(_fd(self._proc.stdin), backlog) if backlog else 0
        except BlockingIOError:
            sent = 0
        except (OSError, ValueError):  # the child is gone (or its input closed): all that is
            sent = len(backlog)  # pending is sent to the next one, or refused on closing
        del backlog[:sent]

    def _start(self) -> subprocess.Popen[bytes] | None:
        """A new child, once it has said it is ready; None if it did not."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "triage.store.sql.writerchild"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        with contextlib.suppress(OSError):  # a larger pipe: fewer writes that find no room
            fcntl.fcntl(_fd(proc.stdin), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        try:
            os.write(_fd(proc.stdin), frame(self._url))
            ready, _, _ = select.select([_fd(proc.stdout)], [], [], START_TIMEOUT)
            if ready and os.read(_fd(proc.stdout), len(READY)) == READY:
                os.set_blocking(_fd(proc.stdin), False)
                return proc
        except OSError:
            pass
        proc.kill()
        proc.wait()
        return None

    def _take_answers(self) -> bool:
        """Read what the child said (its output is readable) and finish the entries it
        answered; False at the end of its output."""
        chunk = os.read(_fd(self._proc.stdout), 1 << 16)
        if not chunk:
            return False
        self._answers += chunk
        for group, numbers, error in frames(self._answers):
            with self._lock:
                entries = [self._pending.pop(n)[0] for n in numbers if n in self._pending]
                self._groups = max(self._groups, group)
            for entry in entries:
                entry.group = group
            settle(entries, None if error is None else StorageError(error))
        with self._lock:
            if self._backlog:
                self._send(b"")
        return True

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._read, name="audit-answers", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        """The answers, read on a thread until the log is closed; a dead child is replaced."""
        while not self._stop_thread:
            dead = self._proc
            readable = select.select([_fd(dead.stdout)], [], [], POLL)[0]
            if readable and not self._take_answers() and not self._replace(dead):
                return

    def _watch(self) -> None:
        assert self._loop is not None
        self._loop.add_reader(_fd(self._proc.stdout), self._on_answers)

    def _on_answers(self) -> None:
        """The answers, read on the attached loop; a dead child is replaced on a thread
        (starting one takes a while), and its successor watched on the loop again."""
        if self._take_answers():
            return
        loop, dead = self._loop, self._proc
        assert loop is not None
        loop.remove_reader(_fd(dead.stdout))

        def replace() -> None:
            if self._replace(dead):
                loop.call_soon_threadsafe(self._watch)

        threading.Thread(target=replace, name="audit-writer-restart", daemon=True).start()

    def _replace(self, dead: subprocess.Popen[bytes]) -> bool:
        """Start another child and send it every entry still pending; False once closed."""
        dead.wait()
        while True:
            with self._lock:
                if self._closed:
                    return False
            log.warning("audit writer process exited (%s); starting another", dead.returncode)
            time.sleep(RESTART_PAUSE)
            now = time.monotonic()
            with self._lock:
                late = [n for n, (e, _) in self._pending.items() if e.commit_by <= now]
                gone = [self._pending.pop(n)[0] for n in late]
            settle(gone, StorageError(WENT_AWAY))
            proc = self._start()
            if proc is None:
                continue
            with self._lock:
                self._proc = proc
                self._backlog.clear()
                self._outbox.clear()  # every pending entry is sent again just below
                self._answers.clear()
                self.restarts += 1
                self._send(b"".join(data for _, data in self._pending.values()))
            for pipe in (dead.stdin, dead.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()  # type: ignore[union-attr]
            return True


def _fd(pipe: IO[bytes] | None) -> int:
    assert pipe is not None
    return int(pipe.fileno())
