"""Memory over distinct rule reloads: RSS before and after N publishes of different rules.

Each publish goes the real way (validate, compile on durable_rules, store in SQLite,
activate, switch); the rules differ each time (a threshold), so every one is a new
durable_rules ruleset. Before the handles were counted and freed, each stayed for good.

    .venv/bin/python bench/reload_memory.py [--reloads 100]

Last line: reload-memory: <N> distinct reloads, RSS +<X> MB, rulesets held <K>
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from triage.bootstrap import build_service  # noqa: E402
from triage.config import Settings  # noqa: E402
from triage.engine.durable import registered_rulesets  # noqa: E402
from triage.rules.loader import read_rule_files  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reloads", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(rules_dir=ROOT / "rules", database_url=f"sqlite:///{tmp}/m.db")
        service = build_service(settings)
        files = read_rule_files(ROOT / "rules")
        old = "{fact: client.age, lt: 18}"
        assert old in files["needs/dental.yaml"]

        def publish(n: int) -> None:
            variant = dict(files)
            head, tail = files["needs/dental.yaml"].rsplit(old, 1)  # the priority-40 rule
            variant["needs/dental.yaml"] = f"{head}{{fact: client.age, lt: {n}}}{tail}"
            service.publish_rules(variant)

        for n in range(2, 12):  # warm-up: allocator, caches, SQLite pages
            publish(n)
        gc.collect()
        start = rss_mb()
        for n in range(12, 12 + args.reloads):
            publish(n)
        gc.collect()
        grown = rss_mb() - start
    print(f"RSS before {start:.1f} MB, after {start + grown:.1f} MB")
    print(
        f"reload-memory: {args.reloads} distinct reloads, RSS {grown:+.1f} MB, "
        f"rulesets held {registered_rulesets()}"
    )


if __name__ == "__main__":
    main()
