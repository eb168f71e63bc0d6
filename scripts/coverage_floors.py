"""The coverage floors ./scripts/test enforces, read from the run's coverage data.

The decision core (what decides and what lists providers) must keep 95 % of its lines and
95 % of its branches covered, each module on its own; the package as a whole 85 % of lines
and branches together. Prints every core module's figures, then fails naming each module
or total under its floor."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CORE = (
    "src/triage/engine/policy.py",
    "src/triage/engine/logic.py",
    "src/triage/domain/deadlines.py",
    "src/triage/rules/timing.py",
    "src/triage/domain/contact.py",
    "src/triage/catalog/listing.py",
    "src/triage/catalog/hours.py",
    "src/triage/domain/availability.py",
    "src/triage/jsonsafe.py",
)
CORE_FLOOR = 95.0
WHOLE_FLOOR = 85.0


def percent(covered: int, total: int) -> float:
    return 100.0 * covered / total if total else 100.0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "coverage.json"
        subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "-o", str(out)], check=True)
        data = json.loads(out.read_text())
    files = {str(Path(name).as_posix()): f["summary"] for name, f in data["files"].items()}
    failed: list[str] = []
    print(f"{'decision core module':<34} {'lines':>7} {'branches':>9}")
    for module in CORE:
        found = next((s for name, s in files.items() if name.endswith(module)), None)
        if found is None:
            failed.append(f"{module}: not measured")
            continue
        lines = percent(found["covered_lines"], found["num_statements"])
        branches = percent(found["covered_branches"], found["num_branches"])
        print(f"{module:<34} {lines:>6.1f}% {branches:>8.1f}%")
        for what, value in (("lines", lines), ("branches", branches)):
            if value < CORE_FLOOR:
                failed.append(f"{module}: {what} {value:.1f} % < {CORE_FLOOR} %")
    whole = data["totals"]["percent_covered"]  # lines and branches together
    print(f"{'the whole package':<34} {whole:>6.1f}% (lines and branches together)")
    if whole < WHOLE_FLOOR:
        failed.append(f"the whole package: {whole:.1f} % < {WHOLE_FLOOR} %")
    for line in failed:
        print(f"coverage floor: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
