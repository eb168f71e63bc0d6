"""Log policy: decision ids, error codes and field paths, never values; and no flood.

A process out of file descriptors fails every accept() and would log each one (502 MB in
2.5 minutes was measured): the same message is written at most once per `every` seconds,
with a count of what was held back.
"""

from __future__ import annotations

import logging
import threading
import time


class RateLimit(logging.Filter):
    def __init__(self, every: float = 5.0) -> None:
        super().__init__()
        self.every = every
        self._seen: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = f"{record.name}:{record.msg}"
        now = time.monotonic()
        with self._lock:
            last, held = self._seen.get(key, (0.0, 0))
            if now - last < self.every:
                self._seen[key] = (last, held + 1)
                return False
            self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.every:.0f} s)"
        return True


def install() -> None:
    """Rate-limit the loggers that can repeat one line per request or per poll: accept()
    and connection errors, and the service's own "database unavailable" warnings."""
    for name in ("asyncio", "uvicorn.error", "triage", "triage.http", "triage.store"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimit) for f in logger.filters):
            logger.addFilter(RateLimit())
