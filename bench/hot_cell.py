"""Write a "hot cell" catalog: N providers (4,605 by default), each offering every service
of the shipped rules in the municipalities of bench/api.py's cases, so every decision
could list all N. For `bench/api.py --against-catalog FILE`.

    .venv/bin/python bench/hot_cell.py [--providers 4605] FILE
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from triage.rules.loader import load_rules  # noqa: E402

MUNICIPALITIES = ["179", "077", "892", "182", "216"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--providers", type=int, default=4605)
    args = ap.parse_args()
    services = sorted(load_rules(ROOT / "rules").services)
    providers = [
        {
            "id": f"hot-{i:05d}",
            "name": {"fi": f"Palveluntuottaja {i}"},
            "ownership": ("public", "private", "third_sector")[i % 3],
            "municipalities": MUNICIPALITIES,
            "services": services,
            **({"languages": ["fi", "sv"]} if i % 4 == 0 else {}),
        }
        for i in range(args.providers)
    ]
    args.file.write_text(json.dumps({"version": 1, "providers": providers}), encoding="utf-8")
    print(f"hot-cell: {args.providers} providers x {len(services)} services -> {args.file}")


if __name__ == "__main__":
    main()
