"""Exposure report: does every provider get its fair share of the top of the list?

For each listing shown, the first position and a position-weighted exposure
1/log2(1+rank) are counted per provider and per ownership type, next to what equal chance
within each tie group would give. Tie groups are the runs of equal `reason` in a listing
(chosen provider, language match, the rest), which the ordering shuffles uniformly.
"""

from __future__ import annotations

import functools
import math
import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from triage.catalog.listing import Seeker, list_providers
from triage.catalog.model import Catalog

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


@dataclass(frozen=True)
class Position:
    """One provider at one place of one listing, with what equal chance would give there.
    The audit log stores these with each decision, so reports are sums in SQL."""

    provider_id: str
    ownership: str
    rank: int
    first: int
    expected_first: float
    exposure: float
    expected_exposure: float


Place = tuple[int, int, float, float, float]  # rank, first, and the three shares of Position


@functools.lru_cache(maxsize=1024)
def places(reasons: tuple[str, ...]) -> tuple[Place, ...]:
    """Each place of a listing whose providers were shown for `reasons`: what its positions
    owe to the order alone (who is where does not change them). Tie groups are the runs of
    equal reason."""
    out: list[Place] = []
    start = 0
    while start < len(reasons):
        end = start
        while end < len(reasons) and reasons[end] == reasons[start]:
            end += 1
        size = end - start
        mean_weight = sum(weight(r + 1) for r in range(start, end)) / size
        for rank in range(start + 1, end + 1):
            expected_first = 1 / size if start == 0 else 0.0
            out.append((rank, int(rank == 1), expected_first, weight(rank), mean_weight))
        start = end
    return tuple(out)


def positions(shown: Shown, ownership: Mapping[str, str]) -> list[Position]:
    """The positions of one listing."""
    at = places(tuple(reason for _, reason in shown))
    return [
        Position(pid, ownership.get(pid, "unknown"), *place)
        for (pid, _), place in zip(shown, at, strict=True)
    ]


def add_positions(report: ExposureReport, listed: Iterable[Position]) -> None:
    """Count one listing (one decision) into the report."""
    items = list(listed)
    if not items:
        return
    report.decisions += 1
    for p in items:
        for row in (report.providers[p.provider_id], report.ownership[p.ownership]):
            row.listed += 1
            row.exposure += p.exposure
            row.expected_exposure += p.expected_exposure
            row.first += p.first
            row.expected_first += p.expected_first


def exposure_report(listings: Iterable[Shown], ownership: Mapping[str, str]) -> ExposureReport:
    """Aggregate listings (only those with at least one provider count as decisions)."""
    report = ExposureReport()
    for shown in listings:
        add_positions(report, positions(shown, ownership))
    return report


def simulate(
    catalog: Catalog, *, open_services: Collection[str], decisions: int, seed: int = 0
) -> list[Shown]:
    """Listings for random open-listing services, municipalities and client languages."""
    rnd = random.Random(seed)
    pairs = sorted(
        {
            (s, m)
            for p in catalog.providers
            for s in p.services
            for m in p.municipalities
            if s in open_services
        }
    )
    out: list[Shown] = []
    for i in range(decisions):
        service, municipality = rnd.choice(pairs)
        languages = rnd.choice([None, ["fi"], ["sv"], ["en"], ["sv", "en"]])
        client = Seeker(municipality=municipality, languages=tuple(languages or ()))
        listing = list_providers(
            catalog, service=service, kind="open", client=client, seed=seed * 1_000_003 + i
        )
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
