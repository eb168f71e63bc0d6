"""Opening hours as the engine reads them: public holidays by the rule set's calendar,
reachability, the next opening, and the values the parser refuses."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import WOUND
from triage.catalog.hours import HoursError, Reach, parse_hours
from triage.catalog.model import build_catalog
from triage.domain.decider import Triage
from triage.rules.model import RuleSet

ZONE = ZoneInfo("Europe/Helsinki")


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZONE)


def test_public_holidays_are_the_calendars_whatever_the_parser_says(rules: RuleSet) -> None:
    assert rules.calendar is not None
    holiday = rules.calendar.is_holiday
    weekdays = parse_hours("Mo-Fr 08:00-16:00", ZONE)
    with_ph = parse_hours("Mo-Fr 08:00-16:00; Sa,PH 10:00-14:00", ZONE)
    christmas_eve = (at(2026, 12, 24, 9), at(2026, 12, 24, 18))
    assert weekdays.reach(*christmas_eve, holiday) is Reach.NO  # no PH rule: closed
    assert with_ph.reach(*christmas_eve, holiday) is Reach.YES  # its PH hours
    assert with_ph.opens(christmas_eve[0], holiday) == at(2026, 12, 24, 10)
    # Midsummer Day is a holiday to the parser, not to the calendar: a Saturday as usual
    midsummer_day = (at(2026, 6, 20, 9), at(2026, 6, 20, 18))
    assert not holiday(date(2026, 6, 20))
    assert with_ph.reach(*midsummer_day, holiday) is Reach.YES
    assert parse_hours("24/7", ZONE).reach(*christmas_eve, holiday) is Reach.YES
    # past the parser's calendar (2076) a holiday has no PH hours: closed, unless 24/7
    christmas_2080 = (at(2080, 12, 25, 9), at(2080, 12, 25, 18))
    assert holiday(date(2080, 12, 25)) and with_ph.reach(*christmas_2080, holiday) is Reach.NO
    assert parse_hours("24/7", ZONE).reach(*christmas_2080, holiday) is Reach.YES


def test_thirty_minutes_in_one_period_and_the_next_opening(rules: RuleSet) -> None:
    assert rules.calendar is not None
    holiday = rules.calendar.is_holiday
    split = parse_hours("Mo-Fr 08:00-08:20,08:25-08:45", ZONE)
    assert split.reach(at(2026, 12, 8, 7), at(2026, 12, 8, 9), holiday) is Reach.NO
    over_midnight = parse_hours("Tu 23:45-24:00; We 00:00-00:20", ZONE)
    assert over_midnight.reach(at(2026, 12, 8, 23), at(2026, 12, 9, 1), holiday) is Reach.YES
    never = parse_hours("off", ZONE)
    assert never.opens(at(2026, 12, 8, 7), holiday) is None
    assert never.reach(at(2026, 1, 1), at(2026, 1, 1) + timedelta(days=600), holiday) is Reach.NO
    unknown = parse_hours("Mo-Fr 08:00-16:00 unknown", ZONE)
    assert unknown.reach(at(2026, 12, 8, 7), at(2026, 12, 8, 12), holiday) is Reach.UNKNOWN


def test_the_window_edges_and_what_counts_as_one_period(rules: RuleSet) -> None:
    """At least 30 minutes (29 are not), in one period; unknown spans count only inside
    the window; spans before the window do not end the search."""
    assert rules.calendar is not None
    holiday = rules.calendar.is_holiday
    morning = parse_hours("Mo-Fr 08:00-16:00", ZONE)
    half_hour = datetime(2026, 12, 8, 15, 30, tzinfo=ZONE)
    assert morning.reach(half_hour, at(2026, 12, 8, 18), holiday) is Reach.YES
    almost = half_hour + timedelta(minutes=1)
    assert morning.reach(almost, at(2026, 12, 8, 18), holiday) is Reach.NO
    unknown_then_open = parse_hours("Mo-Fr 08:00-09:00 unknown, Mo-Fr 10:00-12:00", ZONE)
    for start, end, reach in [
        (at(2026, 12, 8, 9), at(2026, 12, 8, 10), Reach.NO),  # unknown just before
        (at(2026, 12, 8, 6), at(2026, 12, 8, 8), Reach.NO),  # unknown just after
        (at(2026, 12, 8, 7), at(2026, 12, 8, 11), Reach.YES),  # unknown, then open
        (at(2026, 12, 8, 9), at(2026, 12, 8, 11), Reach.YES),  # the unknown one is before
        (at(2026, 12, 8, 8), at(2026, 12, 8, 10), Reach.UNKNOWN),
    ]:
        assert unknown_then_open.reach(start, end, holiday) is reach, (start, end)


def test_the_next_opening(rules: RuleSet) -> None:
    assert rules.calendar is not None
    holiday = rules.calendar.is_holiday
    weekdays = parse_hours("Mo-Fr 08:00-16:00", ZONE)
    friday_evening, monday = at(2026, 12, 11, 17), at(2026, 12, 14, 8)
    assert weekdays.opens(friday_evening, holiday) == monday  # days later
    assert weekdays.opens(at(2026, 12, 8, 16), holiday) == at(2026, 12, 9, 8)  # at closing
    assert weekdays.opens(at(2026, 12, 8, 10), holiday) == at(2026, 12, 8, 10)  # open now
    unknown_first = parse_hours("Mo-Fr 08:00-09:00 unknown, Mo-Fr 10:00-12:00", ZONE)
    assert unknown_first.opens(at(2026, 12, 8, 7), holiday) == at(2026, 12, 8, 10)
    once = parse_hours("2026 Dec 22 10:00-11:00", ZONE)
    assert once.opens(at(2026, 12, 8, 10), holiday) == at(2026, 12, 22, 10)  # 14 days on
    assert once.opens(at(2026, 12, 8, 9), holiday) is None  # 14 days and an hour


def test_local_days_end_at_local_midnight(rules: RuleSet) -> None:
    """A day is read from local midnight to local midnight, whatever the machine's zone:
    the evening of a holiday is the holiday's, the night after it is not."""
    assert rules.calendar is not None
    holiday = rules.calendar.is_holiday
    late = parse_hours("Mo-Su 22:30-23:30", ZONE)
    assert late.reach(at(2026, 12, 8, 22), at(2026, 12, 8, 23), holiday) is Reach.YES
    ph_late = parse_hours("PH 22:30-23:30", ZONE)
    assert ph_late.reach(at(2026, 12, 24, 22), at(2026, 12, 24, 23), holiday) is Reach.YES
    nights = parse_hours("Mo-Su 00:00-02:00", ZONE)  # no PH rule: closed on holidays
    assert nights.reach(at(2026, 12, 24), at(2026, 12, 24, 2), holiday) is Reach.NO
    assert nights.reach(at(2026, 12, 23), at(2026, 12, 23, 2), holiday) is Reach.YES
    assert nights.reach(at(2026, 12, 23, 23), at(2026, 12, 24, 2), holiday) is Reach.NO


def test_a_value_the_parser_refuses_says_where_and_why() -> None:
    with pytest.raises(HoursError) as refused:
        parse_hours("Mo-Fr 08:00-16:00 xx", ZONE)
    assert str(refused.value) == (
        "'Mo-Fr 08:00-16:00 xx' is not in the OpenStreetMap opening_hours syntax (at "
        "character 19: expected EOI, any_rule_separator, or rules_modifier)"
    )


@pytest.mark.parametrize("text", ["ma-pe 8-16", "Mo-Fr 08:00-16:00 xx", "", "24/7 always"])
def test_values_the_parser_refuses_say_where(text: str) -> None:
    with pytest.raises(HoursError, match=r"is not in the OpenStreetMap opening_hours syntax"):
        parse_hours(text, ZONE)


def test_a_client_who_needs_accessible_premises_is_routed_by_those_that_are(
    engine_triage: Triage, rules: RuleSet
) -> None:
    """The open nurse has steps: for a client who needs accessible premises, the nurse
    service is not reachable, and the chain goes on."""
    catalog = build_catalog(
        {
            "version": 1,
            "providers": [
                {**provider("steps", ["nurse_assessment"], "24/7"), "accessible": False},
                provider("ed", ["emergency_department"], "24/7"),
            ],
        },
        rules.services,
    )
    triage = engine_triage.with_catalog(catalog)
    wound: dict[str, Any] = {**WOUND, "contact_time": "2026-12-08T10:00:00+02:00"}
    assert triage.decide(wound, seed=1).route_to == triage.decide(wound, seed=1).route_to
    plain = triage.decide(wound, seed=1).route_to
    assert plain is not None and (plain.code, plain.fallback) == ("nurse_assessment", [])
    needs = {**wound, "client": {**wound["client"], "needs_accessible_premises": True}}
    routed = triage.decide(needs, seed=1).route_to
    assert routed is not None and routed.code == "emergency_department"
    assert [(f.service, f.reason) for f in routed.fallback] == [
        ("nurse_assessment", "no_provider_in_area"),
        ("urgent_clinic", "no_provider_in_area"),
    ]


def provider(pid: str, services: list[str], hours: str) -> dict[str, Any]:
    return {
        "id": pid,
        "name": {"fi": pid},
        "ownership": "public",
        "municipalities": ["179"],
        "services": services,
        "opening_hours": hours,
    }


def test_an_open_24_7_service_lists_its_providers_by_their_own_hours(
    engine_triage: Triage, rules: RuleSet
) -> None:
    """The joint ED is a 24/7 service, so the chain stops there; a provider of it whose
    own hours are closed all night is not listed, and the list says none is open."""
    catalog = build_catalog(
        {
            "version": 1,
            "providers": [
                provider("day-ed", ["emergency_department"], "Mo-Fr 08:00-16:00"),
                provider("never-nurse", ["nurse_assessment"], "off"),
            ],
        },
        rules.services,
    )
    triage = engine_triage.with_catalog(catalog)
    wound: dict[str, Any] = {**WOUND, "contact_time": "2026-12-11T21:50:00+02:00"}
    d = triage.decide(wound, seed=1)
    assert d.route_to is not None and d.route_to.code == "emergency_department"
    assert [(f.service, f.reason) for f in d.route_to.fallback] == [
        ("nurse_assessment", "not_open_before_deadline"),
        ("urgent_clinic", "no_provider_in_area"),
    ]
    assert d.providers == [] and d.provider_note is not None
    assert d.provider_note.code == "not_open_before_deadline"
    # within 3 working days: the nurse that never opens is listed (last), saying so
    facts = {"supply_type": "incontinence", "first_time": True, "wound_infection_signs": False}
    d = triage.decide({**wound, "facts": facts}, seed=1)
    assert d.urgency == "within_3_days" and [p.id for p in d.providers] == ["never-nurse"]
    (nurse,) = d.providers
    assert (nurse.open_now, nurse.opens_at, nurse.hours_known) == (False, None, True)

    # no provider of the chain's last service either: sent there, and told so
    alone = engine_triage.with_catalog(
        build_catalog(
            {"version": 1, "providers": [provider("nn", ["nurse_assessment"], "off")]},
            rules.services,
        )
    )
    d = alone.decide(wound, seed=1)
    assert d.route_to is not None and d.route_to.code == "emergency_department"
    assert [(f.service, f.reason) for f in d.route_to.fallback] == [
        ("nurse_assessment", "not_open_before_deadline"),
        ("urgent_clinic", "no_provider_in_area"),
    ]
    assert d.warnings == ["no_provider_in_area"] and d.providers == []
    assert d.provider_note is not None and d.provider_note.code == "no_provider_in_area"


def test_providers_closed_before_the_deadline_are_their_own_tie_group(
    engine_triage: Triage, rules: RuleSet
) -> None:
    """Listed last, they are not part of the others' random order: the exposure report
    compares each group's places with its own fair share."""
    from triage.catalog.exposure import places
    from triage.store.sql.auditrows import columns

    catalog = build_catalog(
        {
            "version": 1,
            "providers": [
                provider("never-a", ["nurse_assessment"], "off"),
                provider("open-b", ["nurse_assessment"], "Mo-Fr 08:00-16:00"),
                provider("open-c", ["nurse_assessment"], "Mo-Fr 08:00-16:00"),
            ],
        },
        rules.services,
    )
    facts = {"supply_type": "incontinence", "first_time": True, "wound_infection_signs": False}
    case = {
        "need": "care_supplies",
        "client": {"age": 79, "municipality": "179"},
        "red_flags": [],
        "facts": facts,
        "contact_time": "2026-12-11T21:50:00+02:00",
    }
    d = engine_triage.with_catalog(catalog).decide(case, seed=2)
    assert d.urgency == "within_3_days"
    assert [(p.id, p.open_before_deadline) for p in d.providers][2] == ("never-a", False)
    assert {p.open_before_deadline for p in d.providers[:2]} == {True}
    shown = columns(d)[9]
    assert [reason for _, reason, _ in shown] == ["eligible", "eligible", "eligible/closed"]
    first_shares = [place[2] for place in places(tuple(r for _, r, _ in shown))]
    assert first_shares == [0.5, 0.5, 0.0]  # the closed one is never first by chance
