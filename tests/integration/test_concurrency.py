"""Many threads at once give only correct answers; memory stays flat over 100,000 decisions."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reference import reference_decide
from tests.strategies import cases
from triage.domain.decider import Triage
from triage.rules.model import RuleSet


def sample_cases(rules: RuleSet, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        out.append(data.draw(cases(rules)))

    collect()
    return out


def test_eight_threads_for_several_seconds_get_only_correct_answers(
    engine_triage: Triage, rules: RuleSet
) -> None:
    pool = sample_cases(rules, 400)
    expected = [reference_decide(rules, c) for c in pool]
    errors: list[str] = []
    counts = [0] * 8
    stop = time.monotonic() + 4.0

    def worker(n: int) -> None:
        rnd = random.Random(n)
        while time.monotonic() < stop and not errors:
            i = rnd.randrange(len(pool))
            d = engine_triage.decide(pool[i])
            ref = expected[i]
            got = (
                d.status,
                d.service.code if d.service else None,
                d.urgency,
                tuple(m.fact for m in d.missing_facts),
            )
            if got != (ref.status, ref.service, ref.urgency, ref.missing):
                errors.append(f"case {pool[i]}: got {got}, expected {ref}")
            counts[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    assert all(c > 0 for c in counts)
    print(f"decisions by 8 threads in 4 s: {sum(counts)}")


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_over_100000_decisions(engine_triage: Triage, rules: RuleSet) -> None:
    pool = sample_cases(rules, 200)
    for c in pool * 25:  # warm-up: caches, allocator arenas
        engine_triage.decide(c)
    before = rss_bytes()
    for i in range(100_000):
        engine_triage.decide(pool[i % len(pool)])
    grown = rss_bytes() - before
    print(f"RSS growth over 100,000 decisions: {grown / 2**20:.1f} MiB")
    assert grown < 20 * 2**20
