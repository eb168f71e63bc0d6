"""Eligibility and neutral ordering of providers (PRODUCT.md, "without bias").

Order: the client's chosen provider (if eligible), then providers sharing one of the
client's languages, then the rest. Within each group the order is a uniformly random
permutation: Fisher-Yates driven by the decision's seed, applied to ids sorted first, so
catalog order cannot leak in. Ownership, name and size are never read here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from triage.catalog.model import Catalog, Provider
from triage.rules.model import ListingKind

Reason = Literal["chosen_by_client", "language_match", "eligible"]


class SeededStream:
    """Uniform integers from a seed: SHA-256 in counter mode, rejection-sampled.

    Spelled out here rather than taken from `random` so that the order for a given seed
    is fixed by this code, not by a Python version.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._counter = 0

    def _next64(self) -> int:
        block = hashlib.sha256(f"{self._seed}:{self._counter}".encode()).digest()
        self._counter += 1
        return int.from_bytes(block[:8], "big")

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self._next64()
            if x < limit:
                return x % n


def fisher_yates(items: Sequence[str], stream: SeededStream) -> list[str]:
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = stream.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


@dataclass(frozen=True)
class Seeker:
    """All that listing may read about the client: area, languages, the provider they chose,
    and whether they need accessible premises. Never age, name or anything else."""

    municipality: str
    languages: tuple[str, ...] = ()
    chosen_provider: str | None = None
    needs_accessible_premises: bool | None = None


@dataclass(frozen=True)
class Listed:
    provider: Provider
    reason: Reason
    accessibility_unknown: bool


@dataclass(frozen=True)
class Listing:
    providers: tuple[Listed, ...]
    note: (
        Literal["ask_chosen_provider", "chosen_provider_not_offering", "no_provider_in_area"] | None
    )


def _listed(p: Provider, reason: Reason, client: Seeker) -> Listed:
    return Listed(p, reason, bool(client.needs_accessible_premises) and p.accessible is None)


def list_providers(
    catalog: Catalog, *, service: str, kind: ListingKind, client: Seeker, seed: int
) -> Listing:
    """The providers that can serve this client for `service`, impartially ordered.

    `kind` is the service's listing kind from the rule set (open, continuity or none)."""
    if kind == "none":
        return Listing((), None)
    chosen = catalog.get(client.chosen_provider) if client.chosen_provider else None
    if kind == "continuity":
        # Continuity of care: only the client's own sote-centre, where they are already listed
        # (so accepting_new_clients does not apply).
        if chosen is None:
            return Listing((), "ask_chosen_provider")
        if service not in chosen.services:
            return Listing((), "chosen_provider_not_offering")
        return Listing((_listed(chosen, "chosen_by_client", client),), None)

    offering = catalog.offering(service, client.municipality)
    if client.needs_accessible_premises:
        offering = tuple(p for p in offering if p.accessible is not False)
    eligible = {p.id: p for p in offering}
    if not eligible:
        return Listing((), "no_provider_in_area")
    stream = SeededStream(seed)
    ordered: list[Listed] = []
    if chosen is not None and chosen.id in eligible:
        ordered.append(_listed(eligible.pop(chosen.id), "chosen_by_client", client))
    wanted = set(client.languages or ())
    speaking = sorted(i for i, p in eligible.items() if wanted & set(p.languages or ()))
    others = sorted(eligible.keys() - set(speaking))
    groups: tuple[tuple[list[str], Reason], ...] = (
        (speaking, "language_match"),
        (others, "eligible"),
    )
    for group, reason in groups:
        for pid in fisher_yates(group, stream):
            ordered.append(_listed(eligible[pid], reason, client))
    return Listing(tuple(ordered), None)
