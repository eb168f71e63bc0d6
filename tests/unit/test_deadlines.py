"""Deadlines by the working-day calendar of the shipped rules (Europe/Helsinki): the
examples of docs/policy.md, each urgency's rule, summer time, and times of contact the
API refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from triage.domain.deadlines import check_window, deadline, is_working_day, parse_contact_time
from triage.errors import InvalidCaseError
from triage.rules.model import RuleSet


def local(rules: RuleSet, urgency: str, contact: str) -> str | None:
    from triage.domain.deadlines import report

    assert rules.calendar is not None
    found = deadline(rules.deadlines.get(urgency), parse_contact_time(contact), rules.calendar)
    return report(found, rules.calendar) if found else None


@pytest.mark.parametrize(
    ("urgency", "contact", "expected"),
    [
        ("within_3_days", "2026-03-13T12:00:00+02:00", "2026-03-18T23:59:00+02:00"),
        ("within_3_days", "2026-04-01T12:00:00+03:00", "2026-04-08T23:59:00+03:00"),
        ("within_3_days", "2026-06-18T12:00:00+03:00", "2026-06-24T23:59:00+03:00"),
        ("within_3_days", "2026-12-23T12:00:00+02:00", "2026-12-30T23:59:00+02:00"),
        ("within_2_weeks", "2026-03-28T12:00:00+02:00", "2026-04-11T23:59:00+03:00"),
        ("same_day", "2026-03-13T15:55:00+02:00", "2026-03-13T23:59:00+02:00"),
        ("same_day", "2026-03-13T23:30:00+02:00", "2026-03-14T00:30:00+02:00"),
        ("within_hours", "2026-03-14T20:00:00+02:00", "2026-03-15T00:00:00+02:00"),
        ("within_hours", "2026-03-29T01:30:00+02:00", "2026-03-29T06:30:00+03:00"),  # DST
        ("emergency", "2026-03-13T21:40:00+02:00", "2026-03-13T21:40:00+02:00"),
        # 22:30 UTC on Friday is Saturday 00:30 in Helsinki: Mon, Tue, Wed
        ("within_3_days", "2026-03-13T22:30:00Z", "2026-03-18T23:59:00+02:00"),
        ("routine", "2026-03-13T12:00:00+02:00", None),
    ],
)
def test_deadlines_of_the_policy(rules: RuleSet, urgency: str, contact: str, expected: str) -> None:
    assert local(rules, urgency, contact) == expected


def test_the_contact_day_never_counts_and_holidays_are_skipped(rules: RuleSet) -> None:
    assert rules.calendar is not None
    cal = rules.calendar
    # Midsummer Eve is the Friday between 19 and 25 June; Christmas Eve whatever the day
    assert not is_working_day(date(2027, 6, 25), cal) and is_working_day(date(2027, 6, 18), cal)
    assert not is_working_day(date(2025, 12, 24), cal) and not is_working_day(date(2026, 5, 1), cal)
    assert not is_working_day(date(2027, 3, 26), cal)  # Good Friday 2027
    assert not is_working_day(date(2027, 5, 6), cal)  # Ascension Day 2027
    assert is_working_day(date(2026, 3, 13), cal)
    # a working-day deadline always lands on a working day, 3 of them after the contact day
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for n in range(0, 400, 3):
        contact = start + timedelta(days=n)
        end = deadline(rules.deadlines["within_3_days"], contact, cal)
        assert end is not None
        day = end.astimezone(contact.tzinfo).date()
        assert is_working_day(end.date(), cal)
        between = [day - timedelta(days=k) for k in range(1, (day - contact.date()).days)]
        assert sum(is_working_day(d, cal) for d in between) == 2


@pytest.mark.parametrize(
    "text", ["2026-03-13T15:55:00", "2026-03-13", "15:55", "next friday", "2026-13-01T10:00Z"]
)
def test_a_time_without_an_offset_or_malformed_is_refused(text: str) -> None:
    with pytest.raises(InvalidCaseError) as refused:
        parse_contact_time(text)
    assert refused.value.field == "contact_time" and refused.value.code == "contact_time_format"


def test_the_api_window_is_5_minutes_ahead_and_24_hours_behind() -> None:
    now = datetime(2026, 3, 13, 12, tzinfo=UTC)
    for edge in ("2026-03-13T12:05:00Z", "2026-03-13T12:04:59Z", "2026-03-12T12:00:00Z"):
        check_window(edge, now)  # both ends are inside the window
    check_window("2026-03-13T14:05:00+02:00", now)  # the same instant in Finnish time
    for late in ("2026-03-13T12:05:01Z", "2026-03-12T11:59:59Z"):
        with pytest.raises(InvalidCaseError) as refused:
            check_window(late, now)
        assert (refused.value.field, refused.value.code) == ("contact_time", "contact_time_window")
        assert refused.value.params == {"ahead": 5, "behind": 24}
        assert "5 minutes ahead of now and 24 hours behind" in refused.value.render("en")


def test_the_window_names_the_field_it_was_given() -> None:
    now = datetime(2026, 3, 13, 12, tzinfo=UTC)
    for text, code in (("2026-03-14T12:00:00Z", "contact_time_window"), ("soon", None)):
        with pytest.raises(InvalidCaseError) as refused:
            check_window(text, now, "needs[0].contact_time")
        assert refused.value.field == "needs[0].contact_time"
        assert refused.value.code == (code or "contact_time_format")
