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
_REACHABLE_S, _HORIZON_S = REACHABLE.total_seconds(), HORIZON.total_seconds()
_ONE_DAY = timedelta(days=1)
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


Span = tuple[float, float, bool]  # (from, to) in seconds since the epoch; False: unknown


@dataclass(frozen=True, eq=False)
class Hours:
    """One parsed opening_hours value. Times are read as seconds since the epoch, so that
    a duration across a change of clocks is the time that passes."""

    zone: ZoneInfo
    _plain: OpeningHours = field(repr=False)  # public holidays never match
    _holidays: OpeningHours | None = field(repr=False)  # with them; None: no PH rule
    always: bool  # 24/7: open on every day, holidays included
    _days: dict[tuple[date, bool], tuple[Span, ...]] = field(default_factory=dict, repr=False)

    def reach(self, start: datetime, end: datetime, holiday: Holiday) -> Reach:
        """Reachable in [start, end]: one continuous open period (across midnight too)
        overlapping it by at least 30 minutes; two shorter ones do not add up."""
        day = start.astimezone(self.zone).date()
        return self.reach_between(start.timestamp(), end.timestamp(), day, holiday)

    def opens(self, at: datetime, holiday: Holiday) -> datetime | None:
        """`at` when open then, else the next opening within 14 days, else None."""
        found = self.opens_after(at.timestamp(), at.astimezone(self.zone).date(), holiday)
        return None if found is None else datetime.fromtimestamp(found, UTC)

    def reach_between(self, s: float, e: float, day: date, holiday: Holiday) -> Reach:
        """`reach` on seconds since the epoch, `day` the local date of `s`."""
        run_from = run_to = -1.0
        unknown = False
        for a, b, is_open in self._spans(day, e, holiday):
            if b <= s or a >= e:
                continue
            a, b = max(a, s), min(b, e)
            if not is_open:
                unknown = True
                continue
            if a != run_to:
                run_from = a
            run_to = b
            if run_to - run_from >= _REACHABLE_S:
                return Reach.YES
        return Reach.UNKNOWN if unknown else Reach.NO

    def opens_after(self, t: float, day: date, holiday: Holiday) -> float | None:
        """`opens` on seconds since the epoch, `day` the local date of `t`."""
        for a, b, is_open in self._spans(day, t + _HORIZON_S, holiday):
            if is_open and b > t:
                found = max(a, t)
                return found if found - t <= _HORIZON_S else None
        return None

    def _spans(self, day: date, until: float, holiday: Holiday) -> Iterator[Span]:
        """The open and unknown spans of the local days from `day` until `until`."""
        while True:
            yield from self._day(day, holiday(day))
            day += _ONE_DAY
            if _midnight(day, self.zone) >= until:
                return

    def _day(self, day: date, holiday: bool) -> tuple[Span, ...]:
        """One local day's open and unknown spans (remembered: the same days are read by
        decision after decision). A holiday is read with the parser's holidays on."""
        key = (day, holiday)
        found = self._days.get(key)
        if found is None:
            start = _midnight(day, self.zone)
            stop = _midnight(day + _ONE_DAY, self.zone)
            if not holiday:
                found = _spans(self._plain, start, stop, self.zone)
            elif self._holidays is not None and _parser_holiday(day):
                found = _spans(self._holidays, start, stop, self.zone)
            else:  # no PH rule (or a holiday past the parser's calendar)
                found = ((start, stop, True),) if self.always else ()
            if len(self._days) >= 512:
                self._days.clear()
            self._days[key] = found
        return found


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
    return Hours(zone, plain, holidays if has_ph else None, str(plain.normalize()) == "24/7")


_PARSER_PH = OpeningHours("PH", country=_COUNTRY)


@functools.lru_cache(maxsize=4096)
def _parser_holiday(day: date) -> bool:
    """The parser's calendar has `day` as a public holiday (it reaches 2076)."""
    return _PARSER_PH.state(datetime.combine(day, time(12)))[0] is State.OPEN


def _midnight(day: date, zone: ZoneInfo) -> float:
    return datetime.combine(day, time(), tzinfo=zone).timestamp()


def _spans(hours: OpeningHours, start: float, stop: float, zone: ZoneInfo) -> tuple[Span, ...]:
    """The parser's open and unknown periods in [start, stop), read in the place's zone."""
    found = []
    for a, b, state, _ in hours.intervals(
        datetime.fromtimestamp(start, zone), datetime.fromtimestamp(stop, zone)
    ):
        if state is not State.CLOSED:
            found.append((max(a.timestamp(), start), min(b.timestamp(), stop), state is State.OPEN))
    return tuple(found)
