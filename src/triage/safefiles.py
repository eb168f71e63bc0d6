"""Reading an input file (rules, scenarios, catalogs, imports) safely: a regular file
only (never a FIFO, a device or a folder), not a link out of its folder, a bounded name,
and its size checked before it is read. Each problem is an UnsafeFile naming the file;
callers turn it into their own error (with file and line, as every input error)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_NAME = 255  # bytes in one file name (most file systems' own limit)
MAX_FILE_BYTES = 8 * 1024 * 1024  # a catalog of thousands of providers fits


class UnsafeFile(ValueError):
    """The file is not one to read (the message says why, without its content)."""


def read_text(path: Path, *, root: Path | None = None, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of `path`; `root`: the folder it must stay inside (links too)."""
    data = read_bytes(path, root=root, limit=limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeFile(f"not UTF-8 text (byte {exc.start})") from None


def read_bytes(path: Path, *, root: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, with the checks of `read_text` but for the decoding."""
    if len(path.name.encode("utf-8", "surrogateescape")) > MAX_NAME:
        raise UnsafeFile(f"the file name is over {MAX_NAME} bytes")
    if root is not None:
        inside = Path(os.path.realpath(root))
        if not Path(os.path.realpath(path)).is_relative_to(inside):
            raise UnsafeFile("a link that leads out of the folder")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; checked below, then refused
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnsafeFile(f"cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise UnsafeFile("not a regular file")
        if found.st_size > limit:
            raise UnsafeFile(f"the file is over {limit} bytes")
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew meanwhile
        raise UnsafeFile(f"the file is over {limit} bytes")
    return data
