"""Time in the rule set (routing policy 3): each urgency's deadline rule and the calendar
of non-working days, as plain data. Computing deadlines is domain/deadlines.py."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class Calendar:
    time_zone: str
    non_working_days: tuple[NonWorkingDay, ...]
