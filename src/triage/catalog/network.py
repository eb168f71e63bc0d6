"""The service network: for every service the rules can decide and every municipality of
the region, how many providers in the catalog take new clients there. A cell with no
provider is a gap; a cell with one provider leaves the client no choice."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from triage.catalog.model import Catalog
from triage.catalog.municipalities import municipalities
from triage.rules.model import ListingKind, RuleSet

Flag = Literal["gap", "single"]


@dataclass(frozen=True)
class Cell:
    service: str
    municipality: str
    municipality_name: str
    listing: ListingKind
    providers: int
    flag: Flag | None  # None also for a service with no provider list (the 112 number)


@dataclass(frozen=True)
class NetworkReport:
    rules_version: str
    catalog_version: str
    cells: list[Cell]

    def counts(self) -> dict[str, int]:
        return {f: sum(c.flag == f for c in self.cells) for f in ("gap", "single")}

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "catalog_version": self.catalog_version,
            **{f"{k}s": v for k, v in self.counts().items()},
            "cells": [asdict(c) for c in self.cells],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        names = list(Cell.__dataclass_fields__)
        writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for c in self.cells:
            writer.writerow({**asdict(c), "flag": c.flag or ""})
        return out.getvalue()

    def render(self) -> str:
        counts = self.counts()
        lines = [
            f"rules {self.rules_version}, catalog {self.catalog_version}: "
            f"{len(self.cells)} service x municipality cells, {counts['gap']} gaps "
            f"(no provider), {counts['single']} with a single provider"
        ]
        for c in self.cells:
            mark = {"gap": "GAP", "single": "single", None: ""}[c.flag]
            if c.listing == "none":
                mark = "(no provider list)"
            lines.append(
                f"{c.service:<28} {c.municipality} {c.municipality_name:<14} "
                f"{c.providers:>3}  {mark}".rstrip()
            )
        return "\n".join(lines)


def decidable_services(rules: RuleSet) -> list[str]:
    """Every service some rule can route to, in the rule file's order of services."""
    used = {r.service for need in rules.needs for r in rules.rules_for(need)}
    return [s for s in rules.services if s in used]


def network(rules: RuleSet, catalog: Catalog, area: Sequence[str]) -> NetworkReport:
    names = municipalities()
    cells = []
    for service in decidable_services(rules):
        kind = rules.listing.get(service, "open")
        for m in area:
            n = len(catalog.offering(service, m))
            flag: Flag | None = (
                None if kind == "none" else "gap" if n == 0 else "single" if n == 1 else None
            )
            cells.append(Cell(service, m, names[m]["fi"], kind, n, flag))
    return NetworkReport(rules.version, catalog.version, cells)
