"""The benchmark scripts run and print their contract line (timings are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def bench_lines(script: str, *args: str) -> list[str]:
    """What `bench/<script>` prints with these arguments, line by line (it must succeed)."""
    argv = [sys.executable, str(ROOT / "bench" / script), *args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=True)
    return proc.stdout.strip().splitlines()


def test_engine_benchmark_prints_its_last_line() -> None:
    peers, last = bench_lines("engine.py", "--cases", "300", "--repeats", "1")[-2:]
    assert re.fullmatch(r"engine: durable \d+/s, reference \d+/s, ratio \d+\.\d", last), last
    assert re.fullmatch(
        r"engine-peers: single \d+/s, bulk \d+/s, zen \d+/s, bulk/zen \d+\.\d\d", peers
    ), peers


def test_engine_benchmark_compares_the_cost_per_decision_of_two_checkouts() -> None:
    args = ["--cases", "600", "--repeats", "1", "--against", str(ROOT / "src")]
    pairs, last = bench_lines("engine.py", *args)[-2:]
    number = r"\d+\.\d us"
    assert re.fullmatch(
        rf"engine-against: evaluate {number} vs {number} \(x\d+\.\d\d\), "
        rf"decide {number} vs {number} \(x\d+\.\d\d\)",
        last,
    ), last
    assert re.fullmatch(
        r"  median of the repeats' own ratios: evaluate x\d+\.\d\d, decide x\d+\.\d\d", pairs
    ), pairs


def test_api_benchmark_prints_its_last_two_lines() -> None:
    """With `--against` (here this same checkout's src/), the other server's figures come
    on a line of their own, before the CPU line; the last two lines keep their form."""
    args = ["--requests", "100", "--repeats", "1", "--against", str(ROOT / "src")]
    raw, against, cpu, api, latency = bench_lines("api.py", *args)[-5:]
    number = r"\d+(\.\d+)?"
    assert re.fullmatch(r"  triage / raw echo \(no FastAPI router on either side\): \d+\.\d\d", raw)
    assert re.fullmatch(
        rf"  against {re.escape(str(ROOT / 'src'))}: triage \d+ req/s p99 {number} ms, "
        r"bare \d+ req/s, ratio \d+\.\d\d; triage here / there \d+\.\d\d; "
        r"server CPU per triage request here / there "
        r"\d+ us \(\d+ workers \+ \d+ audit writers\) / "
        r"\d+ us \(\d+ workers \+ \d+ audit writers\)",
        against,
    ), against
    parts = r"\d+/\d+/\d+ us"
    assert re.fullmatch(
        r"  CPU per request \(worker processes / audit writer processes / client\): "
        rf"triage {parts}, bare {parts}, raw {parts}",
        cpu,
    ), cpu
    assert re.fullmatch(
        rf"api: triage \d+ req/s p99 {number} ms, bare \d+ req/s, ratio \d+\.\d\d", api
    ), api
    assert re.fullmatch(
        rf"api-latency: p50 {number} ms, p99 {number} ms at concurrency 16", latency
    ), latency


def test_decide_benchmark_compares_two_checkouts_and_prints_its_last_line() -> None:
    args = ["--cases", "2500", "--repeats", "1", "--jobs", "2", "--against", str(ROOT / "src")]
    lines = bench_lines("decide.py", *args)
    assert "same decisions apart from ids: True" in lines
    assert re.fullmatch(
        r"decide: 2500 lines in \d+\.\d\d s \([\d,]+ lines/s\), "
        r"against \d+\.\d\d s, speed-up \d+\.\d\d",
        lines[-1],
    ), lines[-1]
