"""A real `triage serve` on 127.0.0.1, in a subprocess that always stops."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

# A mix of needs and outcomes under routing policy 3, used by the load test and
# bench/api.py: decided, precautionary, asking for information, and a red flag.
SAMPLE_CASES: list[dict[str, object]] = [
    {
        "need": "dental",
        "client": {"age": 34, "municipality": "179", "languages": ["fi"]},
        "red_flags": [],
        "facts": {
            "request": "acute",
            "pain": 5,
            "swelling": False,
            "trauma": False,
            "bleeding_after_extraction": False,
        },
    },
    {
        "need": "non_medical",
        "client": {"age": 70, "municipality": "077"},
        "red_flags": [],
        "facts": {"topic": "housing", "homeless_tonight": "not_known"},
    },
    {
        "need": "anticoagulation",
        "client": {"age": 66, "municipality": "892"},
        "red_flags": [],
        "facts": {"current_drug": "warfarin", "request": "switch_to_doac"},
    },
    {
        "need": "chronic_care",
        "client": {"age": 50, "municipality": "179"},
        "red_flags": ["chest_pain"],
    },
]


# The same mix as callers sent it to the rules before policy 3 (bench/api.py --against an
# older checkout sends these there, so both sides decide what their rules can decide).
SAMPLE_CASES_V2: list[dict[str, object]] = [
    {
        "need": "dental",
        "client": {"age": 34, "municipality": "179", "languages": ["fi"]},
        "facts": {"pain": 5},
    },
    {
        "need": "non_medical",
        "client": {"age": 70, "municipality": "077"},
        "facts": {"topic": "other"},
    },
    {
        "need": "anticoagulation",
        "client": {"age": 66, "municipality": "892"},
        "facts": {"current_drug": "warfarin", "request": "switch_to_doac"},
    },
    {
        "need": "chronic_care",
        "client": {"age": 50, "municipality": "179"},
        "red_flags": ["chest_pain"],
    },
]


@dataclass(frozen=True)
class Proc:
    """A process as /proc shows it."""

    parent: int
    state: str  # "Z": a zombie, waiting to be reaped
    cpu: float  # seconds of user and system time
    command: bytes


def processes() -> dict[int, Proc]:
    """Every process on the machine, by pid."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / tick
        found[int(entry.name)] = Proc(int(fields[1]), fields[0], cpu, command)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_key(env: dict[str, str], role: str) -> str:
    exe = Path(sys.executable).parent / "triage"
    out = subprocess.run(
        [str(exe), "keys", "create", "--role", role],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip()


@contextmanager
def serve(
    env_extra: dict[str, str],
    *,
    workers: int = 1,
    timeout: float = 60,
    processes: list[subprocess.Popen[str]] | None = None,
) -> Iterator[str]:
    """`triage serve` until the block ends; `processes` receives the server's process."""
    port = free_port()
    env = {**os.environ, **env_extra}
    exe = Path(sys.executable).parent / "triage"
    # The server's log goes to a file: a pipe nobody reads fills up, and then every log
    # write blocks the server (seen: requests hung for 30 s during a database outage).
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        if processes is not None:
            processes.append(proc)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited: {log.read()[-4000:]}")
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not become ready")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
