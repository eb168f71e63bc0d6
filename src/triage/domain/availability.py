"""Where the client can go before the deadline (routing policy 3, S13): the out-of-hours
fallback of a decided service, and each provider's opening in the window.

The window is [time of contact, deadline]. A provider is reachable when one continuous
opening period overlaps it by at least 30 minutes (catalog/hours.py). A service is
reachable when a provider of it can serve the client and the service is open 24/7, or one
such provider is reachable. Unknown hours never remove a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from triage.catalog.hours import Hours, Reach
from triage.catalog.listing import Seeker
from triage.catalog.model import Catalog, Provider
from triage.rules.model import RuleSet
from triage.rules.timing import Calendar

FALLBACK_URGENCIES = frozenset({"within_hours", "same_day"})  # S13 applies to these
FallbackReason = Literal["not_open_before_deadline", "no_provider_in_area"]


@dataclass
class Window:
    """The time the client can wait, and what is known of each provider's hours in it
    (remembered per hours value: providers share a few)."""

    start: datetime
    end: datetime | None  # None: the urgency has no deadline
    calendar: Calendar
    catalog: Catalog
    _reach: dict[int, Reach] = field(default_factory=dict)
    _closed: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.zone = ZoneInfo(self.calendar.time_zone)

    def hours(self, provider: Provider) -> Hours | None:
        return self.catalog.hours(provider, self.zone)

    def reach(self, provider: Provider) -> Reach:
        hours = self.hours(provider)
        if hours is None or self.end is None:
            return Reach.UNKNOWN if hours is None else Reach.YES
        found = self._reach.get(id(hours))
        if found is None:
            found = self._reach[id(hours)] = hours.reach(
                self.start, self.end, self.calendar.is_holiday
            )
        return found

    def closed(self, provider_id: str) -> bool:
        """Closed for the whole window (known hours, no reachable opening period)."""
        found = self._closed.get(provider_id)
        if found is None:
            provider = self.catalog.get(provider_id)
            found = provider is not None and self.reach(provider) is Reach.NO
            self._closed[provider_id] = found
        return found

    def opening(self, provider: Provider) -> tuple[bool | None, str | None]:
        """(open at the time of contact, the next opening when not: local time, minutes);
        (None, None) when the hours are not known."""
        hours = self.hours(provider)
        if hours is None:
            return None, None
        opens = hours.opens(self.start, self.calendar.is_holiday)
        if opens == self.start:
            return True, None
        if opens is None:
            return False, None
        return False, opens.astimezone(self.zone).isoformat(timespec="minutes")


def route(
    rules: RuleSet, service: str, client: Seeker, window: Window
) -> tuple[str, list[tuple[str, FallbackReason]]]:
    """S13: the first reachable service of `service` and its `after_hours` list (not
    followed further), and each one skipped with why; when none is reachable, the last
    tried, never in its own fallback."""
    tried = [service, *rules.after_hours.get(service, ())]
    skipped: list[tuple[str, FallbackReason]] = []
    for code in tried:
        ids = _eligible(window.catalog, code, client)
        if not ids:
            skipped.append((code, "no_provider_in_area"))
            continue
        if code in rules.open_24_7 or any(
            window.reach(p) is Reach.YES for p in map(window.catalog.get, ids) if p is not None
        ):
            return code, skipped
        skipped.append((code, "not_open_before_deadline"))
    return tried[-1], skipped[:-1]


def _eligible(catalog: Catalog, service: str, client: Seeker) -> tuple[str, ...]:
    """The providers that can serve the client for `service` (the listing's groups)."""
    speaking, others = catalog.sorted_groups(
        service, client.municipality, bool(client.needs_accessible_premises), ()
    )
    return speaking + others
