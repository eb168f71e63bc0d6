"""Time in the rule set (routing policy 3): each urgency's deadline rule and the calendar
of non-working days, as plain data. Computing deadlines is domain/deadlines.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from dateutil.easter import easter


@dataclass(frozen=True)
class Deadline:
    """How an urgency's deadline follows from the time of contact (policy 3): `hours`
    after it; or 23:59 local time `days` calendar days or `working_days` working days after
    the contact day, and never less than `at_least_hours` after the contact."""

    hours: int | None = None
    days: int | None = None
    working_days: int | None = None
    at_least_hours: int = 0


@dataclass(frozen=True)
class NonWorkingDay:
    """A day that is never a working day: a fixed date (`month`, `day`), a day counted from
    Easter Sunday (`easter`), or a weekday between two dates (`weekday`, 0 = Monday,
    from `month`/`day` to `until_month`/`until_day`)."""

    name: tuple[tuple[str, str], ...]  # (locale, text): hashable, as the calendar is
    month: int | None = None
    day: int | None = None
    easter: int | None = None
    weekday: int | None = None
    until_month: int | None = None
    until_day: int | None = None

    def falls_on(self, d: date) -> bool:
        if self.easter is not None:
            return d == easter(d.year) + timedelta(days=self.easter)
        if self.weekday is not None:
            assert self.month and self.day and self.until_month and self.until_day
            start, end = (
                date(d.year, self.month, self.day),
                date(d.year, self.until_month, self.until_day),
            )
            return d.weekday() == self.weekday and start <= d <= end
        return (d.month, d.day) == (self.month, self.day)


@dataclass(frozen=True)
class Calendar:
    time_zone: str
    non_working_days: tuple[NonWorkingDay, ...]

    def is_holiday(self, d: date) -> bool:
        """One of the calendar's non-working days (what `PH` means in opening hours)."""
        found = self._years.get(d.year)
        if found is None:
            first = date(d.year, 1, 1)
            days = (first + timedelta(days=i) for i in range(366))
            found = self._years[d.year] = frozenset(
                x for x in days if x.year == d.year and self._listed(x)
            )
        return d in found

    def _listed(self, d: date) -> bool:
        return any(day.falls_on(d) for day in self.non_working_days)

    @cached_property
    def _years(self) -> dict[int, frozenset[date]]:
        """Each year's holidays, listed once (a year is read over and over)."""
        return {}
