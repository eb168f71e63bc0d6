"""Hypothesis: opening hours filter the provider list, never reorder it (S13).

- Reachability agrees with a minute-by-minute scan of the parser's own open/closed state:
  reachable exactly when at least 30 consecutive minutes of the window are open.
- For the urgencies with a fallback, a provider closed for the whole window is never
  listed, unknown hours never remove one, and the order of those listed is the order
  the same seed gives on a catalog of just them. For the others, every eligible provider
  is listed, the closed ones after the others.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours, State

from tests.helpers import examples
from triage.catalog.hours import Reach, parse_hours
from triage.catalog.listing import Seeker, list_providers
from triage.catalog.model import Catalog, build_catalog
from triage.domain.availability import Window
from triage.rules.model import RuleSet

ZONE = ZoneInfo("Europe/Helsinki")
SERVICE = "lab_test"
HOURS = [
    None,
    "24/7",
    "Mo-Fr 08:00-16:00",
    "Mo-Fr 08:00-16:00; PH off",
    "Mo-Fr 16:00-22:00; Sa,Su,PH 08:00-20:00",
    "Mo-Th 09:00-15:00",
    "Mo-Fr 07:30-19:00; Sa 09:00-14:00",
    "Mo-Fr 08:00-12:00,12:20-16:00",
    "Tu,Fr 22:00-02:00",
    "Mo-Su 12:00-12:25",
    "Su 02:00-05:00",
    "off",
]
# autumn 2026: no public holiday (checked below), and the night the clocks go back
AUTUMN = (datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))


@st.composite
def catalogs(draw: st.DrawFn, rules: RuleSet) -> Catalog:
    n = draw(st.integers(1, 12))
    providers: list[dict[str, Any]] = []
    for i in range(n):
        p: dict[str, Any] = {
            "id": f"p{draw(st.integers(0, 999)):03d}-{i}",
            "name": {"fi": f"P{i}"},
            "ownership": draw(st.sampled_from(["public", "private", "third_sector"])),
            "municipalities": ["179"],
            "services": [SERVICE],
        }
        hours = draw(st.sampled_from(HOURS))
        if hours is not None:
            p["opening_hours"] = hours
        if draw(st.booleans()):
            p["languages"] = draw(st.sampled_from([["fi"], ["sv"], ["fi", "sv"]]))
        providers.append(p)
    return build_catalog({"version": 1, "providers": providers}, rules.services)


def moments() -> st.SearchStrategy[datetime]:
    start, end = AUTUMN
    minutes = int((end - start) / timedelta(minutes=1))
    return st.integers(0, minutes).map(lambda m: start + timedelta(minutes=m))


@settings(max_examples=examples(60), deadline=None)
@given(
    text=st.sampled_from([h for h in HOURS if h is not None]),
    start=moments(),
    length=st.integers(0, 30 * 60),
)
def test_reachable_is_thirty_open_minutes_in_a_row(
    rules: RuleSet, text: str, start: datetime, length: int
) -> None:
    assert rules.calendar is not None
    end = start + timedelta(minutes=length)
    day = start.astimezone(ZONE).date()
    while day <= end.astimezone(ZONE).date():
        assert not rules.calendar.is_holiday(day)
        day += timedelta(days=1)
    plain = OpeningHours(text, timezone=ZONE)  # the parser alone, minute by minute
    run = best = 0
    for m in range(length):
        at = (start + timedelta(minutes=m)).astimezone(ZONE)
        run = run + 1 if plain.state(at)[0] is State.OPEN else 0
        best = max(best, run)
    reach = parse_hours(text, ZONE).reach(start, end, rules.calendar.is_holiday)
    assert reach is (Reach.YES if best >= 30 else Reach.NO), (text, start, length, best)
    event(f"reach: {reach.name}")


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), start=moments(), length=st.integers(0, 48 * 60), seed=st.integers(0, 99))
def test_closed_providers_are_dropped_or_last_and_the_order_is_unchanged(
    rules: RuleSet, data: st.DataObject, start: datetime, length: int, seed: int
) -> None:
    assert rules.calendar is not None
    catalog = data.draw(catalogs(rules))
    ids = sorted(p.id for p in catalog.providers)
    client = Seeker(
        municipality="179",
        languages=data.draw(st.sampled_from([(), ("sv",), ("fi", "sv")])),
        chosen_provider=data.draw(st.sampled_from([None, *ids])),
    )
    window = Window(start, start + timedelta(minutes=length), rules.calendar, catalog)
    closed = {pid for pid in ids if window.closed(pid)}
    unknown = {p.id for p in catalog.providers if p.opening_hours is None}
    assert not closed & unknown  # unknown hours are never "closed"
    event(f"closed: {min(len(closed), 2)}, unknown: {min(len(unknown), 1)}")

    def listing(cat: Catalog, drop: bool | None) -> list[tuple[str, str]]:
        found = list_providers(
            cat,
            service=SERVICE,
            kind="open",
            client=client,
            seed=seed,
            closed=None if drop is None else window.closed,
            drop_closed=bool(drop),
        )
        return [(x.provider.id, x.reason) for x in found.providers]

    open_only = build_catalog(
        {
            "version": 1,
            "providers": [
                p.model_dump(exclude_none=True) for p in catalog.providers if p.id not in closed
            ],
        },
        rules.services,
    )
    alone = listing(open_only, None) if open_only.providers else []
    dropped = listing(catalog, True)
    assert dropped == alone
    assert {pid for pid, _ in dropped} == set(ids) - closed >= unknown
    kept = listing(catalog, False)
    assert kept[: len(alone)] == alone
    assert {pid for pid, _ in kept[len(alone) :]} == closed
