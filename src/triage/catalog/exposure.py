"""Exposure report: does every provider get its fair share of the top of the list?

For each listing shown, the first position and a position-weighted exposure
1/log2(1+rank) are counted per provider and per ownership type, next to what equal chance
within each tie group would give. Tie groups are the runs of equal `reason` in a listing
(chosen provider, language match, the rest), which the ordering shuffles uniformly.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from triage.catalog.model import Catalog
from triage.catalog.listing import list_providers
from triage.domain.case import Client

Shown = Sequence[tuple[str, str]]  # (provider id, reason) in the order shown


def weight(rank: int) -> float:
    return 1.0 / math.log2(1 + rank)


@dataclass
class Row:
    listed: int = 0
    first: int = 0
    expected_first: float = 0.0
    exposure: float = 0.0
    expected_exposure: float = 0.0

    def as_dict(self, decisions: int) -> dict[str, float | int]:
        return {
            "listed": self.listed,
            "first": self.first,
            "first_share": self.first / decisions if decisions else 0.0,
            "expected_first_share": self.expected_first / decisions if decisions else 0.0,
            "mean_exposure": self.exposure / self.listed if self.listed else 0.0,
            "expected_mean_exposure": self.expected_exposure / self.listed if self.listed else 0.0,
        }


@dataclass
class ExposureReport:
    decisions: int = 0
    providers: dict[str, Row] = field(default_factory=lambda: defaultdict(Row))
    ownership: dict[str, Row] = field(default_factory=lambda: defaultdict(Row))

    def as_dict(self) -> dict[str, object]:
        return {
            "decisions": self.decisions,
            "providers": {k: v.as_dict(self.decisions) for k, v in sorted(self.providers.items())},
            "ownership": {k: v.as_dict(self.decisions) for k, v in sorted(self.ownership.items())},
        }


def exposure_report(listings: Iterable[Shown], ownership: Mapping[str, str]) -> ExposureReport:
    """Aggregate listings (only those with at least one provider count as decisions)."""
    report = ExposureReport()
    for shown in listings:
        if not shown:
            continue
        report.decisions += 1
        start = 0
        while start < len(shown):
            end = start
            while end < len(shown) and shown[end][1] == shown[start][1]:
                end += 1
            group = shown[start:end]
            mean_weight = sum(weight(r + 1) for r in range(start, end)) / len(group)
            for offset, (pid, _) in enumerate(group):
                rank = start + offset + 1
                for row in (report.providers[pid], report.ownership[ownership.get(pid, "unknown")]):
                    row.listed += 1
                    row.exposure += weight(rank)
                    row.expected_exposure += mean_weight
                    row.first += rank == 1
                    row.expected_first += 1 / len(group) if start == 0 else 0.0
            start = end
    return report


def simulate(catalog: Catalog, *, decisions: int, seed: int = 0) -> list[Shown]:
    """Listings for random services, municipalities and client languages, seeds 0..n-1."""
    rnd = random.Random(seed)
    pairs = sorted(
        {
            (s, m)
            for p in catalog.providers
            for s in p.services
            for m in p.municipalities
            if s != "named_professional"
        }
    )
    out: list[Shown] = []
    for i in range(decisions):
        service, municipality = rnd.choice(pairs)
        languages = rnd.choice([None, ["fi"], ["sv"], ["en"], ["sv", "en"]])
        client = Client(age=40, municipality=municipality, languages=languages)
        listing = list_providers(catalog, service=service, client=client, seed=seed * 1_000_003 + i)
        out.append([(x.provider.id, x.reason) for x in listing.providers])
    return out


def format_report(report: ExposureReport) -> str:
    lines = [
        f"decisions with a provider list: {report.decisions}",
        "",
        f"{'ownership':<34}{'first':>8}{'share':>8}{'expected':>10}{'exposure':>10}{'expected':>10}",
    ]
    for title, rows in (("", report.ownership), ("provider", report.providers)):
        if title:
            lines += [
                "",
                f"{title:<34}{'first':>8}{'share':>8}{'expected':>10}{'exposure':>10}{'expected':>10}",
            ]
        for key, row in sorted(rows.items()):
            d = row.as_dict(report.decisions)
            lines.append(
                f"{key:<34}{row.first:>8}{d['first_share']:>8.3f}{d['expected_first_share']:>10.3f}"
                f"{d['mean_exposure']:>10.3f}{d['expected_mean_exposure']:>10.3f}"
            )
    return "\n".join(lines)
