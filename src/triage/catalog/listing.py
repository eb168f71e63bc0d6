"""Eligibility and neutral ordering of providers (README: "the impartial list").

Order: the client's chosen provider (if eligible), then providers sharing one of the
client's languages, then those located in the client's municipality, then the rest. Within
each group the order is a uniformly random permutation: Fisher-Yates driven by the
decision's seed, applied to ids sorted first, so catalog order cannot leak in. Ownership,
name and size are never read here.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from triage.catalog.model import Catalog, Groups, Provider
from triage.rules.model import ListingKind

ListingReason = Literal["chosen_by_client", "language_match", "located_in_municipality", "eligible"]
# the reason of each group `Catalog.sorted_groups` gives, in its order
REASONS: tuple[ListingReason, ...] = ("language_match", "located_in_municipality", "eligible")
_TWO64 = 1 << 64


class SeededStream:
    """Uniform integers from a seed: SHA-256 in counter mode, rejection-sampled.

    Spelled out here rather than taken from `random` so that the order for a given seed
    is fixed by this code, not by a Python version.
    """

    def __init__(self, seed: int) -> None:
        self._prefix = hashlib.sha256(f"{seed}:".encode())  # each block: SHA-256("seed:n")
        self._counter = 0

    def below(self, n: int) -> int:
        """A uniform integer in [0, n): the first 64 bits of the next block, taken as a
        big-endian integer, unless they fall in the last, incomplete run of n."""
        limit = _TWO64 - _TWO64 % n
        while True:
            block = self._prefix.copy()
            block.update(str(self._counter).encode())
            self._counter += 1
            x = int.from_bytes(block.digest()[:8], "big")
            if x < limit:
                return x % n


def fisher_yates(items: Sequence[str], stream: SeededStream) -> list[str]:
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = stream.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def first_places(
    items: Sequence[str], k: int, stream: SeededStream, skip: int | None = None
) -> list[str]:
    """The first `k` places of a uniformly random order of `items` without the one at
    index `skip` (k below their number): Fisher-Yates run from the front for k steps, its
    swaps kept in a dict, so a group of thousands costs k draws and nothing per item."""
    n = len(items) - (skip is not None)
    moved: dict[int, int] = {}  # position -> the index of the item now there
    out = []
    for i in range(k):
        j = i + stream.below(n - i)
        at = moved.get(j, j)
        out.append(items[at + (skip is not None and at >= skip)])
        moved[j] = moved.get(i, i)
    return out


def _index(group: Sequence[str], pid: str | None) -> int | None:
    """Where `pid` is in the sorted `group`, or None (a binary search)."""
    i = bisect_left(group, pid) if pid is not None else len(group)
    return i if i < len(group) and group[i] == pid else None


@dataclass(frozen=True)
class Seeker:
    """All that listing may read about the client: area, languages, the provider they chose,
    and whether they need accessible premises. Never age, name or anything else."""

    municipality: str
    languages: tuple[str, ...] = ()
    chosen_provider: str | None = None
    needs_accessible_premises: bool | None = None


class Listed(NamedTuple):
    provider: Provider
    reason: ListingReason
    accessibility_unknown: bool


@dataclass(frozen=True)
class Listing:
    providers: tuple[Listed, ...]
    note: (
        Literal[
            "ask_chosen_provider",
            "chosen_provider_not_offering",
            "no_provider_in_area",
            "not_open_before_deadline",
        ]
        | None
    )
    more: int = 0  # eligible providers beyond the limit, not listed


def _listed(p: Provider, reason: ListingReason, accessible: bool) -> Listed:
    """`accessible`: the client needs accessible premises (unknown ones are flagged)."""
    return Listed(p, reason, accessible and p.accessible is None)


def list_providers(
    catalog: Catalog,
    *,
    service: str,
    kind: ListingKind,
    client: Seeker,
    seed: int,
    limit: int | None = None,
    closed: Callable[[str], bool] | None = None,
    drop_closed: bool = False,
) -> Listing:
    """The providers that can serve this client for `service`, impartially ordered; at
    most `limit` of them (None: all), with how many more are eligible.

    `kind` is the service's listing kind from the rule set (open, continuity or none). A
    group that fits in the places left is ordered by the whole Fisher-Yates, as before
    there was a limit; a group that does not gets its first places by `first_places`, so
    a cell of thousands costs `limit` draws and the first places stay uniform.

    `closed(id)`: the provider is closed for the whole time the client can wait (S13).
    Those are listed after every other provider, in their own seeded order, or dropped
    when `drop_closed`: the order of the others is the one they would have alone."""
    if kind == "none":
        return Listing((), None)
    accessible = bool(client.needs_accessible_premises)
    chosen = catalog.get(client.chosen_provider)
    if kind == "continuity":
        # Continuity of care: only the client's own sote-centre, where they are already listed
        # (so accepting_new_clients does not apply).
        if chosen is None:
            return Listing((), "ask_chosen_provider")
        if service not in chosen.services:
            return Listing((), "chosen_provider_not_offering")
        return Listing((_listed(chosen, "chosen_by_client", accessible),), None)

    groups = catalog.sorted_groups(
        service,
        client.municipality,
        accessible,
        tuple(sorted(set(client.languages or ()))),
    )
    if not any(groups):
        return Listing((), "no_provider_in_area")
    tiers = [groups]
    if closed is not None:  # those closed for the whole window: after the others, or dropped
        tiers = [tuple(tuple(i for i in g if not closed(i)) for g in groups)]
        if not drop_closed:
            tiers.append(tuple(tuple(filter(closed, g)) for g in groups))
        if not any(tiers[0]) and drop_closed:
            return Listing((), "not_open_before_deadline")
    stream = SeededStream(seed)
    ordered: list[Listed] = []
    eligible = 0
    for tier in tiers:
        eligible += sum(map(len, tier))
        room = None if limit is None else limit - len(ordered)
        ordered += _ordered(catalog, tier, chosen, room, stream, accessible)
    return Listing(tuple(ordered), None, more=eligible - len(ordered))


def _ordered(
    catalog: Catalog,
    groups: Groups,
    chosen: Provider | None,
    room: int | None,
    stream: SeededStream,
    accessible: bool,
) -> list[Listed]:
    """One tier's order: the chosen provider if in it, then each group (language match,
    located in the client's municipality, the rest) in its seeded permutation; at most
    `room` (None: all)."""
    ordered: list[Listed] = []
    first = chosen.id if chosen is not None else None
    skips = [_index(group, first) for group in groups]
    if any(skip is not None for skip in skips) and (room is None or room > 0):
        assert chosen is not None
        ordered.append(_listed(chosen, "chosen_by_client", accessible))
    room = sum(map(len, groups)) if room is None else room - len(ordered)
    for group, reason, skip in zip(groups, REASONS, skips, strict=True):
        if len(group) - (skip is not None) <= room:
            order = fisher_yates(
                [i for i in group if i != first] if skip is not None else group, stream
            )
        else:
            order = first_places(group, room, stream, skip)
        ordered.extend(
            _listed(p, reason, accessible)
            for p in map(catalog.get, order)
            if p is not None  # every id of a group is the catalog's
        )
        room -= len(order)
    return ordered
