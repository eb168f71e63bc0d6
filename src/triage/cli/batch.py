"""`triage decide` on many cases: chunks through the engine's bulk path, in parallel
processes when there are enough of them, output in input order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from triage.cli.common import BadJson, bad_line
from triage.domain.case import Case
from triage.domain.decider import Triage
from triage.errors import InvalidCaseError
from triage.rules.model import Locale

CHUNK = 2_000  # cases decided in one call of the bulk path


@dataclass(frozen=True)
class Batch:
    """Everything a chunk needs; a forked worker inherits it instead of receiving it."""

    triage: Triage
    items: Sequence[tuple[int, Any]]  # (line number, parsed JSON or BadJson)
    locale: Locale | None
    seed: int | None  # the case at index i gets seed + i


_BATCH: Batch | None = None  # set in the parent just before the workers are forked


def default_jobs() -> int:
    return len(os.sched_getaffinity(0))


def decide_lines(batch: Batch, jobs: int) -> Iterator[tuple[str, bool]]:
    """(output text of one chunk, whether any line of it was bad), chunk by chunk in input
    order. With jobs > 1 and more than one chunk, forked processes decide the chunks: each
    case gets the same seed and the same decision as in one process (only ids differ)."""
    global _BATCH
    starts = range(0, len(batch.items), CHUNK)
    if jobs <= 1 or len(starts) <= 1:
        yield from (decide_chunk(batch, start) for start in starts)
        return
    _BATCH = batch
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(starts))) as pool:
            yield from pool.imap(_decide_inherited, starts)
    finally:
        _BATCH = None


def _decide_inherited(start: int) -> tuple[str, bool]:
    assert _BATCH is not None, "a worker forked without its batch"
    return decide_chunk(_BATCH, start)


def decide_chunk(batch: Batch, start: int) -> tuple[str, bool]:
    """The output lines for items[start : start + CHUNK]: a decision (never stored, so
    `"stored": false`) or {"line", "code", "field", "error"} for each."""
    triage = batch.triage
    answers: list[str | None] = []
    valid: list[tuple[int, Case]] = []
    for index, (line, raw) in enumerate(batch.items[start : start + CHUNK], start=start):
        if isinstance(raw, BadJson):
            answers.append(bad_line(line, raw.problem))
            continue
        try:
            valid.append((index, triage.validate(raw)))
            answers.append(None)
        except InvalidCaseError as exc:
            answers.append(bad_line(line, exc))
    seeds = None if batch.seed is None else [batch.seed + index for index, _ in valid]
    decided = iter(triage.decide_many([c for _, c in valid], locale=batch.locale, seeds=seeds))
    lines = (a or next(decided).json_bytes[:-1].decode() + ',"stored":false}' for a in answers)
    return "".join(f"{text}\n" for text in lines), len(valid) < len(answers)
