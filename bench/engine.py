"""Engine benchmark: durable_rules against the plain-Python reference evaluator.

Both evaluate the same parsed shipped rules on the same generated mix of valid cases and
produce the same outcome (status, service, urgency, missing facts); validation of the raw
case is outside both timings. Runs alternate, so both see the same machine noise.

    .venv/bin/python bench/engine.py [--cases 4000] [--repeats 7] [--against DIR]

`--against DIR` (the `src/` folder of another checkout, e.g. a git worktree of an older
commit) instead compares the cost per decision of the two checkouts: each runs in a child
process of its own, on its own shipped rules, sample catalog and generated case mix (its
tests/strategies.py, each case given a time of contact in one week of December 2026),
timing `Triage.evaluate` on parsed cases and `Triage.decide` on raw ones (validation, the
provider list, opening hours and the decision model included). The children alternate,
--repeats times each; the last line is
    engine-against: evaluate <E> us vs <E0> us (x<E/E0>), decide <D> us vs <D0> us (x<D/D0>)

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
import json
import os
import random
import statistics
import subprocess
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
from triage.domain.decider import Triage  # noqa: E402


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


# The child of --against: the checkout's own rules, case mix and code. The fastest of 5
# passes: the machine's noise only ever adds time, and a child runs for a few seconds.
COST = """
import json, random, statistics, sys, time
from pathlib import Path
root = Path(sys.argv[1])
from datetime import datetime, timedelta, timezone
from tests.strategies import random_case
from triage.catalog.model import load_catalog_file
from triage.domain.case import parse_case
from triage.domain.decider import Triage
triage = Triage.from_directory(root / "rules")
sample = load_catalog_file(root / "catalog" / "sample.yaml", triage.rules.services)
triage = triage.with_catalog(sample)
rng = random.Random(2026)
monday = datetime(2026, 12, 7, tzinfo=timezone(timedelta(hours=2)))
def at_some_time(raw):  # a time of contact in one week, to the minute
    when = monday + timedelta(minutes=rng.randrange(7 * 24 * 60))
    return {**raw, "contact_time": when.isoformat()}
raws = [at_some_time(random_case(rng, triage.rules)) for _ in range(int(sys.argv[2]))]
cases = [parse_case(raw, triage.rules) for raw in raws]
for raw in raws[:500]:
    triage.decide(raw)
found = {"evaluate": [], "decide": []}
for _ in range(5):
    for name, fn, items in (("evaluate", triage.evaluate, cases), ("decide", triage.decide, raws)):
        start = time.perf_counter()
        for item in items:
            fn(item)
        found[name].append((time.perf_counter() - start) / len(items) * 1e6)
print(json.dumps({k: min(v) for k, v in found.items()}))
"""


def cost(src: Path, cases: int) -> dict[str, float]:
    """Microseconds per evaluate and per decide for the checkout whose src/ is `src`."""
    checkout = src.resolve().parent
    env = {**os.environ, "PYTHONPATH": f"{src.resolve()}{os.pathsep}{checkout}"}
    out = subprocess.run(
        [sys.executable, "-c", COST, str(checkout), str(cases)],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(out.stdout.splitlines()[-1])
    return found


def against(other: Path, cases: int, repeats: int) -> None:
    here: list[dict[str, float]] = []
    there: list[dict[str, float]] = []
    for _ in range(repeats):
        here.append(cost(ROOT / "src", cases))
        there.append(cost(other, cases))
    med = {
        (side, k): statistics.median(r[k] for r in runs)
        for side, runs in (("here", here), ("there", there))
        for k in ("evaluate", "decide")
    }
    print(f"cases {cases} x repeats {repeats}, alternating child processes, medians")
    for side, runs in (("here", here), (str(other), there)):
        print(f"  {side}: " + ", ".join(f"{r['evaluate']:.1f}/{r['decide']:.1f}" for r in runs))
    pairs = {
        k: statistics.median(a[k] / b[k] for a, b in zip(here, there, strict=True))
        for k in ("evaluate", "decide")
    }
    print(
        "  median of the repeats' own ratios: "
        f"evaluate x{pairs['evaluate']:.2f}, decide x{pairs['decide']:.2f}"
    )
    e, e0, d, d0 = (med[s, k] for k in ("evaluate", "decide") for s in ("here", "there"))
    print(
        f"engine-against: evaluate {e:.1f} us vs {e0:.1f} us (x{e / e0:.2f}), "
        f"decide {d:.1f} us vs {d0:.1f} us (x{d / d0:.2f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--against", type=Path, default=None, help="another checkout's src/")
    args = ap.parse_args()
    if args.against is not None:
        against(args.against, args.cases, args.repeats)
        return

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
