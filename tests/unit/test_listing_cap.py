"""A decision lists at most N providers and says how many more are eligible. The limit
is applied after the impartial order: a group that fits is ordered exactly as before
there was a limit (stored decisions replay), a group that does not gets its first places
from a Fisher-Yates run from the front, so a cell of thousands costs N draws and the
first places stay uniform."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from tests.helpers import examples
from triage.catalog.listing import (
    Listed,
    SeededStream,
    Seeker,
    fisher_yates,
    list_providers,
)
from triage.catalog.model import Catalog, Provider, build_catalog

SERVICE = "dental_booking"


def hot_cell(n: int, *, languages: Sequence[str] = (), located: bool = True) -> Catalog:
    """n providers, all offering the service in 179 (the attack of issue 24: 4,605)."""
    providers: list[dict[str, Any]] = []
    for i in range(n):
        p: dict[str, Any] = {
            "id": f"hot-{i:05d}",
            "name": {"fi": f"Hammaslääkäri {i}"},
            "ownership": ("public", "private", "third_sector")[i % 3],
            "municipalities": ["179"],
            "services": [SERVICE],
        }
        if languages and i % 3 == 0:
            p["languages"] = list(languages)
        if located and i % 4:  # some here, some elsewhere, some unknown
            p["located_in"] = ("179", "077", "179")[i % 4 - 1]
        providers.append(p)
    return build_catalog({"version": 1, "providers": providers}, {SERVICE: None})


def listed(catalog: Catalog, seed: int, limit: int | None, **client: Any) -> Any:
    seeker = Seeker(municipality="179", **client)
    return list_providers(
        catalog, service=SERVICE, kind="open", client=seeker, seed=seed, limit=limit
    )


def unlimited_as_before(catalog: Catalog, seeker: Seeker, seed: int) -> list[Listed]:
    """The listing as the code before the limit wrote it (the reference for replay)."""
    chosen = catalog.get(seeker.chosen_provider) if seeker.chosen_provider else None
    offering = catalog.offering(SERVICE, seeker.municipality)
    if seeker.needs_accessible_premises:
        offering = tuple(p for p in offering if p.accessible is not False)
    eligible = {p.id: p for p in offering}
    stream = SeededStream(seed)
    out: list[tuple[Provider, str]] = []
    if chosen is not None and chosen.id in eligible:
        out.append((eligible.pop(chosen.id), "chosen_by_client"))
    wanted = set(seeker.languages)
    speaking = sorted(i for i, p in eligible.items() if wanted & set(p.languages or ()))
    local = sorted(i for i, p in eligible.items() if p.located_in == seeker.municipality)
    local = [i for i in local if i not in speaking]
    others = sorted(eligible.keys() - set(speaking) - set(local))
    tiers = ((speaking, "language_match"), (local, "located_in_municipality"), (others, "eligible"))
    for group, reason in tiers:
        out += [(eligible[pid], reason) for pid in fisher_yates(group, stream)]
    return [
        Listed(p, r, bool(seeker.needs_accessible_premises) and p.accessible is None)  # type: ignore[arg-type]
        for p, r in out
    ]


def test_a_hot_cell_lists_the_limit_and_counts_the_rest() -> None:
    catalog = hot_cell(4605)
    found = listed(catalog, seed=7, limit=20)
    assert len(found.providers) == 20 and found.more == 4585 and found.note is None
    assert len({x.provider.id for x in found.providers}) == 20
    everyone = listed(catalog, seed=7, limit=None)
    assert len(everyone.providers) == 4605 and everyone.more == 0


@settings(max_examples=examples(400), deadline=None)
@given(
    n=st.integers(1, 30),
    seed=st.integers(0, 2**31 - 1),
    chosen=st.none() | st.integers(0, 40),
    languages=st.sampled_from([(), ("sv",), ("en", "sv")]),
)
def test_a_cell_within_the_limit_is_listed_exactly_as_before(
    n: int, seed: int, chosen: int | None, languages: tuple[str, ...]
) -> None:
    catalog = hot_cell(n, languages=("sv",))
    client: dict[str, Any] = {
        "chosen_provider": None if chosen is None else f"hot-{chosen:05d}",
        "languages": languages,
    }
    before = unlimited_as_before(catalog, Seeker(municipality="179", **client), seed)
    now = listed(catalog, seed, None, **client)
    assert list(now.providers) == before and now.more == 0
    if n <= 20:
        assert listed(catalog, seed, 20, **client).providers == now.providers
    capped = listed(catalog, seed, 20, **client)
    assert len(capped.providers) == min(20, len(before))
    assert capped.more == len(before) - len(capped.providers)
    shown = [x.provider.id for x in capped.providers]
    assert len(set(shown)) == len(shown) and set(shown) <= {x.provider.id for x in before}
    if chosen is not None and chosen < n:  # the chosen provider stays first
        assert capped.providers[0].reason == "chosen_by_client"


def test_first_places_of_a_capped_hot_cell_are_uniform() -> None:
    """Chi-square over which provider takes place 1 and place 20, 6,000 seeds, a cell of
    60 (so a group of 60 is cut to 20)."""
    catalog = hot_cell(60, located=False)
    rng = random.Random(2026)
    first: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for _ in range(6000):
        shown = listed(catalog, rng.randrange(2**31), 20).providers
        first[shown[0].provider.id] += 1
        last[shown[-1].provider.id] += 1
    ids = [p.id for p in catalog.providers]
    assert chisquare([first[i] for i in ids]).pvalue > 0.001
    assert chisquare([last[i] for i in ids]).pvalue > 0.001


BOOKING = {
    "need": "dental",
    "client": {"age": 40, "municipality": "179"},
    "red_flags": [],
    "contact_time": "2026-03-13T10:00:00+02:00",
    "facts": {"trauma": False, "swelling": False, "pain": 0, "request": "check_up"},
}


def test_a_decision_on_a_hot_cell_is_small_and_replays(engine_triage: Any) -> None:
    """Each answer under 32 KiB; a capped decision and one made with no limit (as before
    the limit) both replay exactly through `listed_as`."""
    from triage.domain.decision import Decision
    from triage.service.reports import listed_as

    catalog = hot_cell(4605)
    served = engine_triage.with_catalog(catalog, 20)
    capped = served.decide(BOOKING, seed=11)
    assert capped.service.code == SERVICE and len(capped.providers) == 20
    assert capped.more_providers == 4585 and len(capped.json_bytes) < 32 * 1024
    uncapped = engine_triage.with_catalog(catalog, None).decide(BOOKING, seed=11)
    assert len(uncapped.providers) == 4605 and uncapped.more_providers == 0
    for old in (capped, uncapped):
        stored = Decision.model_validate_json(old.json_bytes)
        again = listed_as(served, stored).decide(BOOKING, seed=11)
        assert again.model_dump(exclude={"decision_id"}) == old.model_dump(exclude={"decision_id"})
    lower = engine_triage.with_catalog(hot_cell(15), 10)
    small = engine_triage.with_catalog(hot_cell(15), None).decide(BOOKING, seed=3)
    assert listed_as(lower, small).decide(BOOKING, seed=3).providers == small.providers


def test_a_json_catalog_of_thousands_loads_from_a_file(tmp_path: Any) -> None:
    """JSON catalogs are read by the defensive JSON parser: the YAML parser's 512 K
    character bound (an alias-bomb guard) does not stop a catalog of 4,605 providers."""
    import json

    from triage.catalog.model import load_catalog_file
    from triage.errors import CatalogError

    providers = [p.model_dump(exclude_none=True) for p in hot_cell(4605).providers]
    path = tmp_path / "hot.json"
    path.write_text(json.dumps({"version": 1, "providers": providers}), encoding="utf-8")
    assert path.stat().st_size > 512 * 1024
    assert len(load_catalog_file(path, {SERVICE: None}).providers) == 4605
    path.write_text('{"version": 1, "providers": [], "version": 1}', encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        load_catalog_file(path, {SERVICE: None})


@pytest.mark.parametrize("code", ["999", "١٧٩", "17", "0179"])
def test_a_catalog_municipality_must_be_on_the_official_list(code: str) -> None:
    from triage.errors import CatalogError

    provider = {
        "id": "p-1",
        "name": {"fi": "Hammaslääkäri"},
        "ownership": "private",
        "municipalities": ["179", code],
        "services": [SERVICE],
    }
    with pytest.raises(CatalogError, match=r"municipalities\[1\]"):
        build_catalog({"version": 1, "providers": [provider]}, {SERVICE: None})


@pytest.mark.parametrize("seed", [0, 5, 2**63 - 1])
def test_the_seeded_stream_is_sha256_of_seed_and_counter(seed: int) -> None:
    """Stored decisions replay only if the stream never changes: block i is
    SHA-256("<seed>:<i>"), its first 8 bytes a big-endian integer, rejected in the last,
    incomplete run of n (computed here independently of the stream's code)."""
    n = 3
    expected: list[int] = []
    i = 0
    while len(expected) < 50:
        x = int.from_bytes(hashlib.sha256(f"{seed}:{i}".encode()).digest()[:8], "big")
        i += 1
        if x < (1 << 64) - (1 << 64) % n:
            expected.append(x % n)
    stream = SeededStream(seed)
    assert [stream.below(n) for _ in range(50)] == expected


def test_a_catalog_is_indexed_when_built_not_at_its_first_decision() -> None:
    catalog = hot_cell(300)
    assert {"_by_id", "_offering"} <= set(vars(catalog))  # built with the catalog
    assert len(catalog.offering(SERVICE, "179")) == 300


def test_the_limit_holds_across_the_closed_tier_and_more_counts_both() -> None:
    """Closed providers come after the others: the limit counts both tiers, the chosen
    provider leads its own tier and is left out like any other when no place is left,
    and `more` counts what is left out of either tier."""
    catalog = hot_cell(25)
    shut = {f"hot-{i:05d}" for i in range(0, 25, 5)}  # 5 closed, 20 open

    def listing(limit: int | None, chosen: str | None, drop: bool = False) -> Any:
        return list_providers(
            catalog,
            service=SERVICE,
            kind="open",
            client=Seeker(municipality="179", chosen_provider=chosen),
            seed=3,
            limit=limit,
            closed=shut.__contains__,
            drop_closed=drop,
        )

    full = listing(20, "hot-00000")  # the chosen one is closed: no place is left for it
    assert [x.provider.id in shut for x in full.providers] == [False] * 20 and full.more == 5
    one_more = listing(21, "hot-00000")
    assert one_more.providers[20].provider.id == "hot-00000" and one_more.more == 4
    assert one_more.providers[20].reason == "chosen_by_client"
    assert one_more.providers[:20] == full.providers
    everyone = listing(None, "hot-00000")
    assert len(everyone.providers) == 25 and everyone.more == 0
    assert {x.provider.id for x in everyone.providers[20:]} == shut
    dropped = listing(None, "hot-00000", drop=True)
    assert dropped.providers == full.providers and dropped.more == 0
    first = listing(1, "hot-00001")  # open, chosen: the only place
    assert [(x.provider.id, x.reason) for x in first.providers] == [
        ("hot-00001", "chosen_by_client")
    ]
    assert first.more == 24


def test_a_group_one_larger_than_the_limit_lists_the_limit() -> None:
    for chosen in (None, "hot-00007"):
        found = listed(hot_cell(21), seed=5, limit=20, chosen_provider=chosen)
        assert len(found.providers) == 20 and found.more == 1
        for seed in range(20):  # the first places of a capped group skip the chosen one
            capped = listed(hot_cell(25), seed=seed, limit=20, chosen_provider=chosen)
            ids = [x.provider.id for x in capped.providers]
            assert len(set(ids)) == 20 and capped.more == 5
            if chosen:
                assert ids[0] == chosen and ids.count(chosen) == 1
