"""Time of contact and deadlines (routing policy v3): local time in the rule set's time
zone, working days by the rule set's calendar of non-working days.

Pure functions of their arguments: nothing here reads the clock, so a stored decision
replays to the same deadline.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from triage.errors import InvalidCaseError
from triage.rules.timing import Calendar, Deadline

END_OF_DAY = time(23, 59)


def parse_contact_time(text: str, field: str = "contact_time") -> datetime:
    """An RFC 3339 date-time with an offset (`Z` or `+hh:mm`), to whole seconds; a time
    without an offset is refused (InvalidCaseError naming `field`)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCaseError(field, "contact_time_format") from None
    if "T" not in text.upper() or moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidCaseError(field, "contact_time_format")
    return moment.replace(microsecond=0)


AHEAD = timedelta(minutes=5)  # how far ahead of the server clock the API accepts a time
BEHIND = timedelta(hours=24)  # and how far behind it


def check_window(text: str, now: datetime, field: str = "contact_time") -> None:
    """The HTTP API's bound on a given time of contact: at most 5 minutes ahead of `now`
    and 24 hours behind (the CLI, scenarios and replay accept any valid time)."""
    moment = parse_contact_time(text, field)
    if not now - BEHIND <= moment <= now + AHEAD:
        ahead, behind = AHEAD // timedelta(minutes=1), BEHIND // timedelta(hours=1)
        raise InvalidCaseError(field, "contact_time_window", ahead=ahead, behind=behind)


@functools.lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime, calendar: Calendar) -> datetime:
    """`moment` in the calendar's local time, with the offset valid then."""
    return moment.astimezone(zone(calendar.time_zone))


def report(moment: datetime, calendar: Calendar) -> str:
    """How a time is reported: local time with its offset, whole seconds."""
    return local(moment, calendar).isoformat(timespec="seconds")


def is_working_day(d: date, calendar: Calendar) -> bool:
    """Monday to Friday, and none of the calendar's non-working days."""
    return d.weekday() < 5 and not calendar.is_holiday(d)


def deadline(rule: Deadline | None, contact: datetime, calendar: Calendar) -> datetime | None:
    """The deadline for an urgency's rule and a time of contact, or None (no deadline)."""
    if rule is None:
        return None
    if rule.hours is not None:
        return contact + timedelta(hours=rule.hours)
    day = local(contact, calendar).date()
    if rule.working_days is not None:
        left = rule.working_days
        while left:
            day += timedelta(days=1)
            left -= is_working_day(day, calendar)
    else:
        day += timedelta(days=rule.days or 0)
    end = datetime.combine(day, END_OF_DAY, tzinfo=zone(calendar.time_zone))
    return max(end, contact + timedelta(hours=rule.at_least_hours))
