"""The out-of-hours fallback (S13) on the sample catalog, at fixed times of contact: where
the client is sent now (`route_to`), why each service was skipped, and which providers are
listed (only those reachable before the deadline; unknown hours kept)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import WOUND
from triage.domain.decider import Triage
from triage.domain.decision import Decision

NURSES = {
    "kuokkala-health-station",  # Mo-Fr 08:00-16:00
    "keljo-health-station",  # Mo-Fr 08:00-16:00
    "kompassi-medical-centre",  # Mo-Fr 07:30-19:00; Sa 09:00-14:00
    "kyla-sote-cooperative",  # Mo-Th 09:00-15:00
    "lounatuuli-sote-centre",  # hours not given: kept, never "closed"
}
UNKNOWN_HOURS = "lounatuuli-sote-centre"
URGENT = "central-finland-urgent-clinic"  # Mo-Fr 16:00-22:00; Sa,Su,PH 08:00-20:00
JOINT_ED = "central-finland-joint-emergency"  # 24/7
NOT_OPEN = "not_open_before_deadline"


def at(triage: Triage, case: dict[str, Any], when: str) -> Decision:
    return triage.decide({**case, "contact_time": when}, seed=1)


def listed(d: Decision) -> set[str]:
    return {p.id for p in d.providers}


def fallback(d: Decision) -> list[tuple[str, str]]:
    assert d.route_to is not None
    return [(f.service, f.reason) for f in d.route_to.fallback]


# (time of contact, route_to, fallback, providers listed)
TIMES = [
    ("2026-12-08T10:00:00+02:00", "nurse_assessment", [], NURSES),  # a Tuesday morning
    # Friday 15:55: the health stations close in 5 minutes (under 30), the cooperative
    # is closed on Fridays; the medical centre is open until 19:00
    (
        "2026-12-11T15:55:00+02:00",
        "nurse_assessment",
        [],
        {"kompassi-medical-centre", UNKNOWN_HOURS},
    ),
    # Friday 21:50: no nurse; the urgent clinic closes in 10 minutes: the joint ED
    (
        "2026-12-11T21:50:00+02:00",
        "emergency_department",
        [("nurse_assessment", NOT_OPEN), ("urgent_clinic", NOT_OPEN)],
        {JOINT_ED},
    ),
    # Saturday 23:00, the deadline at midnight: the urgent clinic closed at 20:00
    (
        "2026-12-12T23:00:00+02:00",
        "emergency_department",
        [("nurse_assessment", NOT_OPEN), ("urgent_clinic", NOT_OPEN)],
        {JOINT_ED},
    ),
    # Christmas Eve (a Thursday): hours without a PH rule are closed; the urgent clinic
    # is open on public holidays
    (
        "2026-12-24T10:00:00+02:00",
        "urgent_clinic",
        [("nurse_assessment", NOT_OPEN)],
        {URGENT},
    ),
    # Midsummer Eve (a Friday), likewise
    (
        "2026-06-19T10:00:00+03:00",
        "urgent_clinic",
        [("nurse_assessment", NOT_OPEN)],
        {URGENT},
    ),
    # The night the clocks go forward (Sunday 29 March 2026, 03:00 -> 04:00): at 02:30
    # nobody is open; the urgent clinic opens at 08:00 summer time, within the day
    (
        "2026-03-29T02:30:00+02:00",
        "urgent_clinic",
        [("nurse_assessment", NOT_OPEN)],
        {URGENT},
    ),
]


@pytest.mark.parametrize(("when", "route", "skipped", "providers"), TIMES)
def test_route_to_and_providers_at_fixed_times(
    full_triage: Triage, when: str, route: str, skipped: list[tuple[str, str]], providers: set[str]
) -> None:
    d = at(full_triage, WOUND, when)
    assert (d.service and d.service.code, d.urgency) == ("nurse_assessment", "same_day")
    assert d.route_to is not None and d.route_to.code == route
    assert fallback(d) == skipped
    assert listed(d) == providers
    assert d.opening_hours_used and d.warnings == []
    for p in d.providers:  # each listed provider says whether it is open, or when it opens
        assert p.hours_known is (p.id != UNKNOWN_HOURS)
        if p.hours_known:
            assert p.open_now is (p.opens_at is None)
        else:
            assert (p.open_now, p.opens_at) == (None, None)


def test_the_explanation_says_why_the_client_goes_elsewhere(full_triage: Triage) -> None:
    friday_night = "2026-12-11T21:50:00+02:00"
    said = {loc: at(full_triage, {**WOUND, "locale": loc}, friday_night) for loc in ("fi", "en")}
    assert said["fi"].explanation.endswith(
        "Hoidon tarpeen arviointi (sairaanhoitaja): ei auki ennen määräaikaa. "
        "Kiirevastaanotto (ilta ja viikonloppu): ei auki ennen määräaikaa. "
        "Ohjaa nyt: Yhteispäivystys."
    )
    assert said["en"].explanation.endswith("Send the client now to: Joint emergency department.")
    assert said["en"].route_to and said["en"].route_to.name == "Joint emergency department"
    tuesday = at(full_triage, WOUND, "2026-12-08T10:00:00+02:00")
    assert "Ohjaa nyt" not in tuesday.explanation


def test_open_now_and_the_next_opening_are_local_times(full_triage: Triage) -> None:
    d = at(full_triage, WOUND, "2026-12-08T07:00:00+02:00")  # Tuesday, before opening
    hours = {p.id: (p.open_now, p.opens_at) for p in d.providers}
    assert hours["kuokkala-health-station"] == (False, "2026-12-08T08:00+02:00")
    assert hours["kompassi-medical-centre"] == (False, "2026-12-08T07:30+02:00")
    assert hours[UNKNOWN_HOURS] == (None, None)
    noon = at(full_triage, WOUND, "2026-12-08T12:00:00+02:00")
    assert {p.id: p.open_now for p in noon.providers}["kyla-sote-cooperative"] is True


def test_a_later_urgency_lists_closed_providers_last_never_drops_them(
    full_triage: Triage,
) -> None:
    """Within 3 working days (first-time incontinence): on a Friday evening the window runs
    to Wednesday, so every nurse opens within it and all are listed; the ones closed for
    the whole window (none here) would come last."""
    case = {
        **WOUND,
        "facts": {
            "supply_type": "incontinence",
            "first_time": True,
            "wound_infection_signs": False,
        },
    }
    d = at(full_triage, case, "2026-12-11T21:50:00+02:00")
    assert d.urgency == "within_3_days"
    assert d.route_to is not None and (d.route_to.code, fallback(d)) == ("nurse_assessment", [])
    assert listed(d) == NURSES


def test_no_provider_in_the_area_goes_down_the_chain_and_says_why(full_triage: Triage) -> None:
    """Hankasalmi (077) has no nurse of its own in the sample catalog but the urgent
    clinic and the joint ED serve it."""
    case = {**WOUND, "client": {"age": 70, "municipality": "077"}}
    d = at(full_triage, case, "2026-12-11T21:50:00+02:00")
    assert d.route_to is not None and d.route_to.code == "emergency_department"
    assert [r for _, r in fallback(d)][-1] == NOT_OPEN


def test_replay_gives_the_same_route_and_list(full_triage: Triage) -> None:
    """A decision at a fixed time decides the same again with its seed (nothing reads the
    clock); one recorded without opening hours replays without them."""
    case = full_triage.validate({**WOUND, "contact_time": "2026-12-11T21:50:00+02:00"})
    first = full_triage.decide_case(case, seed=7)
    again = full_triage.decide_case(case, seed=7)
    assert first.model_dump(exclude={"decision_id"}) == again.model_dump(exclude={"decision_id"})
    before = full_triage.decide_case(case, seed=7, hours=False)
    assert not before.opening_hours_used
    assert before.route_to is not None and before.route_to.code == "nurse_assessment"
    assert all(p.open_now is None and p.hours_known is None for p in before.providers)
