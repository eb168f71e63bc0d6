"""Group commit for the audit log: many requests' rows share one transaction (one flush to
disk), and each request is answered only once the commit holding its rows is done.

One writer thread takes everything waiting when it is free, up to GROUP_MAX entries, and
writes it as one group (the server writes in a process of its own instead, with the same
entries and answers: `writerproc`). There is no timer: while a commit is under way the
next group gathers, so a lone request is written at once and a busy worker writes larger
groups. If the write fails, every entry of that group gets the error (the request answers
503 and no decision); other groups are untouched. An entry whose `commit_by` has passed
before its group is written is refused on its own, without a write: its caller is about
to give up, and the database would refuse the whole group for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from triage.errors import StorageError

GROUP_MAX = 256  # entries written in one transaction at most
NOT_CONFIRMED = "the audit log did not confirm the write in time"
TOO_LATE = "the audit log was too busy to write in time"
CLOSED = "the audit writer is not taking entries"

T = TypeVar("T")


def next_group(
    waiting: list[T], commit_by: Callable[[T], float]
) -> tuple[list[T], list[T], list[T]]:
    """The one group-commit step, for both writers: from what is `waiting` (oldest first),
    the next group of at most GROUP_MAX, split into `late` (its commit_by has passed: refused
    unwritten) and `kept` (written in one transaction); and the `rest`, for the next group."""
    group, rest = waiting[:GROUP_MAX], waiting[GROUP_MAX:]
    now = time.monotonic()
    late = [e for e in group if commit_by(e) <= now]
    kept = [e for e in group if commit_by(e) > now] if late else group
    return late, kept, rest


class AuditWriter(Protocol):
    """What the audit log asks of a writer: the thread one (`GroupWriter`) and the process
    one (`writerproc.ProcessWriter`) alike. `submit` never raises: an entry it cannot take
    is settled with a StorageError at once (so after `close` too)."""

    def submit(self, entry: Entry) -> Entry: ...

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None: ...

    def close(self, timeout: float = 30) -> None: ...

    @property
    def groups(self) -> int:
        """How many groups were written so far (for tests and logs)."""
        ...


# Guards the hand-over between an entry's writer and its waiter (held for microseconds):
# one lock for all entries costs less than an Event for each.
_HANDOVER = threading.Lock()
SWEEP = 0.05  # seconds between looks at an event loop's waits for ones that ran out
_WAITS: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, list[tuple[float, asyncio.Future[None]]]
] = weakref.WeakKeyDictionary()


@dataclass(eq=False)
class Entry:
    """One request's record (what the writer's `write` stores; plain data, so that it can be
    sent to a writer process), waiting for the group commit that holds it."""

    record: Any
    commit_by: float  # monotonic time after which the entry must not be written
    done: bool = False
    error: Exception | None = None
    group: int = -1  # the number of the group that carried it (for tests and logs)
    waiter: threading.Event | tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None

    def wait(self, timeout: float) -> None:
        """Block until the entry's group is committed; StorageError if it failed or no
        answer came in time."""
        with _HANDOVER:
            event = None if self.done else threading.Event()
            self.waiter = event
        if event is not None and not event.wait(timeout):
            raise StorageError(NOT_CONFIRMED)
        self._raise()

    async def wait_async(self, timeout: float) -> None:
        """`wait` for a coroutine: the event loop is woken when the group is committed (once
        per group, not per entry), so a request holds no thread while it waits."""
        loop = asyncio.get_running_loop()
        with _HANDOVER:
            woken = None if self.done else loop.create_future()
            if woken is not None:
                self.waiter = (loop, woken)
        if woken is not None:
            _watch(loop, loop.time() + timeout, woken)
            await woken
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise StorageError("the database is unavailable") from self.error


def _watch(loop: asyncio.AbstractEventLoop, deadline: float, woken: asyncio.Future[None]) -> None:
    """Refuse the wait if it is not over by `deadline` (loop time, up to SWEEP late); on
    the loop's thread. One timer per loop looks at all its waits: a timer per request cost
    more than the rest of its wait."""
    waits = _WAITS.get(loop)
    if waits is None:
        waits = _WAITS[loop] = []
        loop.call_later(SWEEP, _sweep, loop)
    waits.append((deadline, woken))


def _sweep(loop: asyncio.AbstractEventLoop) -> None:
    now, kept = loop.time(), []
    for deadline, woken in _WAITS.pop(loop, []):
        if woken.done():
            continue
        if deadline <= now:
            woken.set_exception(StorageError(NOT_CONFIRMED))
        else:
            kept.append((deadline, woken))
    if kept:
        _WAITS[loop] = kept
        loop.call_later(SWEEP, _sweep, loop)


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


class GroupWriter:
    def __init__(self, write: Callable[[Sequence[Entry]], None], name: str = "audit-writer"):
        self._write = write
        self._name = name
        self._waiting: deque[Entry] = deque()
        self._wake = threading.Condition()
        self._asleep = False
        self._closing = False
        self._thread: threading.Thread | None = None
        self._groups = 0

    def submit(self, entry: Entry) -> Entry:
        with self._wake:
            refused = self._closing
            if not refused:
                self._start_thread()
                self._waiting.append(entry)
                if self._asleep:  # a busy writer takes the entry with its next group anyway
                    self._wake.notify()
        if refused:
            settle([entry], StorageError(CLOSED))
        return entry

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    @property
    def groups(self) -> int:
        return self._groups

    def attach(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Nothing to do: this writer wakes each waiting loop itself (see `settle`)."""

    def close(self, timeout: float = 30) -> None:
        """Write what is waiting, then stop the thread."""
        with self._wake:
            self._closing = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _take(self) -> list[Entry]:
        """Everything waiting, once there is something (empty: closed and all written)."""
        with self._wake:
            while not self._waiting:
                if self._closing:
                    return []
                self._asleep = True
                self._wake.wait()
                self._asleep = False
            taken = list(self._waiting)
            self._waiting.clear()
            return taken

    def _run(self) -> None:
        waiting: list[Entry] = []
        while waiting or (waiting := self._take()):
            late, group, waiting = next_group(waiting, _commit_by)
            if late:
                settle(late, StorageError(TOO_LATE))
            if not group:
                continue
            self._groups += 1
            for entry in group:
                entry.group = self._groups
            try:
                self._write(group)
            except Exception as exc:  # every entry of the group learns of it
                settle(group, exc)
            else:
                settle(group, None)


def _commit_by(entry: Entry) -> float:
    return entry.commit_by


def settle(entries: list[Entry], error: Exception | None) -> None:
    """Mark the entries done, then wake each waiting thread, and each waiting event loop
    once."""
    events: list[threading.Event] = []
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    with _HANDOVER:
        for entry in entries:
            entry.error = error
            entry.done = True
            if isinstance(entry.waiter, threading.Event):
                events.append(entry.waiter)
            elif entry.waiter is not None:
                by_loop.setdefault(entry.waiter[0], []).append(entry.waiter[1])
    for event in events:
        event.set()
    try:
        here = asyncio.get_running_loop()
    except RuntimeError:
        here = None
    for loop, futures in by_loop.items():
        if loop is here:  # on that loop's own thread: no wake-up call needed
            _resolve(futures)
            continue
        with contextlib.suppress(RuntimeError):  # that loop has closed meanwhile
            loop.call_soon_threadsafe(_resolve, futures)
