"""Opening hours: the OpenStreetMap `opening_hours` syntax, read by opening-hours-py (a
maintained parser, not ours), with public holidays as docs/policy.md (S13) defines them.

`PH` means the rule set's public holidays (the non-working days of its calendar, Christmas
Eve and Midsummer Eve included), whatever the weekday. The parser's Finnish calendar holds
those days and a few more (Easter Sunday, Whit Sunday, Midsummer Day, All Saints' Day, all
on weekends): so a day that is a holiday by the rule set is read with the parser's holidays
on, every other day with them off. On a holiday, hours without any `PH` rule are closed,
except `24/7`, which is open every day.

Nothing here reads the clock: the same hours, window and calendar give the same answer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours, State

REACHABLE = timedelta(minutes=30)  # an open period must overlap the window this long (S13)
HORIZON = timedelta(days=14)  # how far ahead the next opening is looked for
_COUNTRY = "FI"  # the parser's holiday calendar; only its days the rule set lists are used
# what the parser raises on a value it refuses (its type stubs do not name it)
_REFUSED: tuple[type[Exception], ...] = (opening_hours.ParserError, ValueError)  # type: ignore[attr-defined]
_PH = re.compile(r"\bPH\b")
_COMMENT = re.compile(r'"[^"]*"')

Holiday = Callable[[date], bool]


class HoursError(ValueError):
    """An opening_hours value the parser refuses; the message says where and why."""


class Reach(Enum):
    """Whether a provider can see the client within a window."""

    YES = "yes"  # one continuous open period overlaps it by at least 30 minutes
    NO = "no"
    UNKNOWN = "unknown"  # hours not given, or marked unknown for part of the window


@dataclass(frozen=True, eq=False)
class Hours:
    """One parsed opening_hours value."""

    text: str
    zone: ZoneInfo
    _plain: OpeningHours = field(repr=False)  # public holidays never match
    _holidays: OpeningHours | None = field(repr=False)  # with them; None: no PH rule
    always: bool  # 24/7: open on every day, holidays included
    _days: dict[tuple[date, bool], tuple[tuple[datetime, datetime, State], ...]] = field(
        default_factory=dict, repr=False
    )

    def periods(
        self, start: datetime, end: datetime, holiday: Holiday
    ) -> Iterator[tuple[datetime, datetime, State]]:
        """The periods of one state in [start, end), in UTC (so that a duration across a
        change of clocks is the time that passes), cut at local midnights: each day is
        read with or without holidays."""
        at, end = start.astimezone(UTC), end.astimezone(UTC)
        while at < end:
            day = at.astimezone(self.zone).date()
            for a, b, state in self._day(day, holiday(day)):
                if b > at and a < end:
                    yield max(a, at), min(b, end), state
            at = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone)
            at = at.astimezone(UTC)

    def _day(self, day: date, holiday: bool) -> tuple[tuple[datetime, datetime, State], ...]:
        """One local day's periods, from midnight to midnight in UTC (remembered: the
        same days are read by decision after decision)."""
        key = (day, holiday)
        found = self._days.get(key)
        if found is None:
            start = datetime.combine(day, time(), tzinfo=self.zone).astimezone(UTC)
            stop = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone)
            stop = stop.astimezone(UTC)
            if not holiday:
                found = tuple(_states(self._plain, start, stop, self.zone))
            elif self._holidays is not None and _parser_holiday(day):
                found = tuple(_states(self._holidays, start, stop, self.zone))
            else:  # no PH rule (or a holiday past the parser's calendar)
                found = ((start, stop, State.OPEN if self.always else State.CLOSED),)
            if len(self._days) >= 512:
                self._days.clear()
            self._days[key] = found
        return found

    def reach(self, start: datetime, end: datetime, holiday: Holiday) -> Reach:
        """Reachable in [start, end]: one continuous open period (across midnight too)
        overlapping it by at least 30 minutes; two shorter ones do not add up."""
        run = timedelta()
        unknown = False
        for a, b, state in self.periods(start, end, holiday):
            if state is State.OPEN:
                run += b - a
                if run >= REACHABLE:
                    return Reach.YES
            else:
                run = timedelta()
                unknown = unknown or state is State.UNKNOWN
        return Reach.UNKNOWN if unknown else Reach.NO

    def opens(self, at: datetime, holiday: Holiday) -> datetime | None:
        """`at` when open then, else the next opening within 14 days, else None."""
        for a, _, state in self.periods(at, at + HORIZON, holiday):
            if state is State.OPEN:
                return a
        return None


def parse_hours(text: str, zone: ZoneInfo) -> Hours:
    """Parse one value (HoursError saying why, when the parser refuses it)."""
    try:
        plain = OpeningHours(text, timezone=zone)
        holidays = OpeningHours(text, timezone=zone, country=_COUNTRY)
    except _REFUSED as exc:
        said = str(exc)
        where = re.search(r"--> \d+:(\d+)", said)
        reason = said.strip().splitlines()[-1].strip(" =")
        raise HoursError(
            f"{text!r} is not in the OpenStreetMap opening_hours syntax"
            + (f" (at character {where[1]}: {reason})" if where else f" ({reason})")
        ) from None
    has_ph = _PH.search(_COMMENT.sub("", text)) is not None
    return Hours(text, zone, plain, holidays if has_ph else None, str(plain.normalize()) == "24/7")


_PARSER_PH = OpeningHours("PH", country=_COUNTRY)


@functools.lru_cache(maxsize=4096)
def _parser_holiday(day: date) -> bool:
    """The parser's calendar has `day` as a public holiday (it reaches 2076)."""
    return _PARSER_PH.state(datetime.combine(day, time(12)))[0] is State.OPEN


def _states(
    hours: OpeningHours, start: datetime, end: datetime, zone: ZoneInfo
) -> Iterator[tuple[datetime, datetime, State]]:
    """The parser's periods in [start, end) (UTC), read in the place's zone."""
    for a, b, state, _ in hours.intervals(start.astimezone(zone), end.astimezone(zone)):
        yield max(a.astimezone(UTC), start), min(b.astimezone(UTC), end), state
