"""Where the client can go before the deadline (routing policy 3, S13): the out-of-hours
fallback of a decided service, and each provider's opening in the window.

The window is [time of contact, deadline]. A provider is reachable when one continuous
opening period overlaps it by at least 30 minutes (catalog/hours.py). A service is
reachable when a provider of it can serve the client and the service is open 24/7, or one
such provider is reachable. Unknown hours never remove a provider.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from triage.catalog.hours import Reach
from triage.catalog.listing import Seeker
from triage.catalog.model import Catalog
from triage.rules.model import RuleSet
from triage.rules.timing import Calendar

FALLBACK_URGENCIES = frozenset({"within_hours", "same_day"})  # S13 applies to these
FallbackReason = Literal["not_open_before_deadline", "no_provider_in_area"]


class Window:
    """The time the client can wait, and what is known of each provider's hours in it
    (remembered per hours value: providers share a few)."""

    def __init__(
        self, start: datetime, end: datetime | None, calendar: Calendar, catalog: Catalog
    ) -> None:
        """From `start` to `end` (None: the urgency has no deadline)."""
        self.catalog = catalog
        self.zone = ZoneInfo(calendar.time_zone)
        self._hours = catalog.hours_by_id(self.zone)
        self._holiday = calendar.is_holiday
        self._from = start.timestamp()
        self._to = end.timestamp() if end is not None else None
        self.bounded = end is not None  # False: nobody is closed for all of it
        self._day = start.astimezone(self.zone).date()  # the local day it starts on
        self._reach: dict[int, Reach] = {}
        self._opens: dict[int, float | None] = {}

    def reach(self, provider_id: str) -> Reach:
        """Needs a deadline (`bounded`): what has none closes for nobody."""
        assert self._to is not None
        hours = self._hours.get(provider_id)
        if hours is None:
            return Reach.UNKNOWN
        found = self._reach.get(id(hours))
        if found is None:
            found = hours.reach_between(self._from, self._to, self._day, self._holiday)
            self._reach[id(hours)] = found
        return found

    def before_deadline(self, provider_id: str) -> bool | None:
        """Reachable before the deadline; None when unknown or there is no deadline."""
        if not self.bounded:
            return None
        found = self.reach(provider_id)
        return None if found is Reach.UNKNOWN else found is Reach.YES

    def closed(self, provider_id: str) -> bool:
        """Closed for the whole window (known hours, no reachable opening period)."""
        return self.reach(provider_id) is Reach.NO

    def opening(self, provider_id: str) -> tuple[bool | None, str | None]:
        """(open at the time of contact, the next opening when not: local time, minutes);
        (None, None) when the hours are not known."""
        hours = self._hours.get(provider_id)
        if hours is None:
            return None, None
        key = id(hours)
        if key not in self._opens:
            self._opens[key] = hours.opens_after(self._from, self._day, self._holiday)
        opens = self._opens[key]
        if opens == self._from:
            return True, None
        if opens is None:
            return False, None
        return False, datetime.fromtimestamp(opens, self.zone).isoformat(timespec="minutes")


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
        if code in rules.open_24_7 or any(window.reach(p) is Reach.YES for p in ids):
            return code, skipped
        skipped.append((code, "not_open_before_deadline"))
    return tried[-1], skipped[:-1]


def _eligible(catalog: Catalog, service: str, client: Seeker) -> tuple[str, ...]:
    """The providers that can serve the client for `service` (the listing's groups)."""
    groups = catalog.sorted_groups(
        service, client.municipality, bool(client.needs_accessible_premises), ()
    )
    return tuple(i for group in groups for i in group)
