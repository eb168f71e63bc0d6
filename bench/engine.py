"""Engine benchmark: durable_rules against the plain-Python reference evaluator.

Both evaluate the same parsed shipped rules on the same generated mix of valid cases and
produce the same outcome (status, service, urgency, missing facts); validation of the raw
case is outside both timings. Runs alternate, so both see the same machine noise.

    .venv/bin/python bench/engine.py [--cases 4000] [--repeats 7]

A peer column compares the same parsed rules on GoRules zen-engine (bench/zen_peer.py: the
decision tables are generated from the rules) on fully known cases, once both engines
agree on every timed case: this engine one case at a time (`Triage.evaluate`) and in bulk
(`Triage.evaluate_many`), zen one case at a time (`ZenEngine.evaluate`, static loader).

The last two lines are:
    engine-peers: single <N>/s, bulk <B>/s, zen <Z>/s, bulk/zen <r>
    engine: durable <N>/s, reference <M>/s, ratio <M/N>
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.zen_peer import context, zen_engine  # noqa: E402
from tests.reference import reference_decide  # noqa: E402
from tests.strategies import random_case  # noqa: E402
from triage.domain.case import case_values, parse_case  # noqa: E402
from triage.domain.triage import Triage  # noqa: E402


def run(fn: Callable[[Any], object], items: list[Any], latencies: list[int]) -> float:
    clock = time.perf_counter_ns
    start = clock()
    for item in items:
        t0 = clock()
        fn(item)
        latencies.append(clock() - t0)
    return len(items) / ((clock() - start) / 1e9)


def pct(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()

    triage = Triage.from_directory(ROOT / "rules")
    rules = triage.rules
    rng = random.Random(2026)
    raws = [random_case(rng, rules) for _ in range(args.cases)]
    cases = [parse_case(r, rules) for r in raws]

    for case, raw in zip(cases[:500], raws[:500], strict=True):  # same answers, and warm-up
        got = triage.evaluate(case)
        ref = reference_decide(rules, raw)
        assert (got.status, got.winner.id if got.winner else None, got.missing) == (
            ref.status,
            ref.winning_rule,
            ref.missing,
        ), raw

    durable_rates: list[float] = []
    reference_rates: list[float] = []
    full_rates: list[float] = []
    durable_lat: list[int] = []
    reference_lat: list[int] = []
    full_lat: list[int] = []
    for _ in range(args.repeats):
        durable_rates.append(run(triage.evaluate, cases, durable_lat))
        reference_rates.append(run(lambda raw: reference_decide(rules, raw), raws, reference_lat))
        full_rates.append(run(triage.decide, raws, full_lat))

    single, bulk, zen = peers(triage, args.cases, args.repeats)
    n = statistics.median(durable_rates)
    m = statistics.median(reference_rates)
    print(f"cases {args.cases} x repeats {args.repeats}, medians of repeats")
    for name, rates, lat in [
        ("durable engine (evaluate)", durable_rates, durable_lat),
        ("reference evaluator", reference_rates, reference_lat),
        ("durable, full decide (validate + decision JSON model)", full_rates, full_lat),
    ]:
        print(
            f"  {name}: {statistics.median(rates):,.0f}/s, "
            f"p50 {pct(lat, 0.50):.1f} us, p99 {pct(lat, 0.99):.1f} us"
        )
    print(
        f"engine-peers: single {single:.0f}/s, bulk {bulk:.0f}/s, zen {zen:.0f}/s, "
        f"bulk/zen {bulk / zen:.2f}"
    )
    print(f"engine: durable {n:.0f}/s, reference {m:.0f}/s, ratio {m / n:.1f}")


def peers(triage: Triage, n: int, repeats: int) -> tuple[float, float, float]:
    """Medians of alternating repeats: this engine single and bulk, zen single; every timed
    case is checked to get the same winning rule from both engines first."""
    rules = triage.rules
    rng = random.Random(7)
    cases = [parse_case(random_case(rng, rules, known=1.0), rules) for _ in range(n)]
    engine = zen_engine(rules)
    requests = [(f"{c.need}.json", context(case_values(c, rules))) for c in cases]
    for case, (key, ctx), ours in zip(cases, requests, triage.evaluate_many(cases), strict=True):
        theirs = engine.evaluate(key, ctx)["result"].get("rule")
        assert theirs == (ours.winner.id if ours.winner else None), (case, theirs, ours)
    rates: dict[str, list[float]] = {"single": [], "bulk": [], "zen": [], "zen batch": []}
    batch = [{"key": key, "context": ctx} for key, ctx in requests]
    for _ in range(repeats):
        for name, work in (
            ("single", lambda: [triage.evaluate(c) for c in cases]),
            ("bulk", lambda: triage.evaluate_many(cases)),
            ("zen", lambda: [engine.evaluate(key, ctx) for key, ctx in requests]),
            ("zen batch", lambda: engine.evaluate_batch(batch)),
        ):
            start = time.perf_counter()
            work()
            rates[name].append(n / (time.perf_counter() - start))
    print(f"peers: {n} fully known cases, both engines agree on all; medians of {repeats}")
    for name, found in rates.items():
        print(f"  {name}: {statistics.median(found):,.0f}/s ({min(found):,.0f}-{max(found):,.0f})")
    return tuple(statistics.median(rates[k]) for k in ("single", "bulk", "zen"))  # type: ignore[return-value]


if __name__ == "__main__":
    main()
