"""What the staff page says about time: what to do now for each urgency (the words of a
rule set without its own staff instructions), and a deadline in words."""

from __future__ import annotations

from datetime import datetime

from triage.messages import Locale, in_locale

DO_NOW: dict[str, tuple[str, str, str]] = {
    "emergency": (
        "Soita 112 tai ohjaa asiakas päivystykseen heti.",
        "Ring 112 eller hänvisa klienten till jouren genast.",
        "Call 112 or send the client to emergency care at once.",
    ),
    "same_day": (
        "Ohjaa asiakas palveluun vielä tänään.",
        "Hänvisa klienten till tjänsten i dag.",
        "Get the client to the service today.",
    ),
    "within_hours": (
        "Asiakas lähtee päivystykseen nyt, muttei ambulanssilla; ei aja itse.",
        "Klienten åker till jouren nu, men inte med ambulans; kör inte själv.",
        "The client goes to emergency care now, not by ambulance, and does not drive.",
    ),
    "within_3_days": (
        "Varaa aika kolmen arkipäivän sisään.",
        "Boka en tid inom tre vardagar.",
        "Book a time within three working days.",
    ),
    "within_2_weeks": (
        "Varaa aika kahden viikon sisään.",
        "Boka en tid inom två veckor.",
        "Book a time within two weeks.",
    ),
    "routine": (
        "Varaa aika tavalliseen tapaan; asia ei ole kiireellinen.",
        "Boka en tid som vanligt; det är inte brådskande.",
        "Book a time as usual; this is not urgent.",
    ),
}


_WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def deadline_words(iso: str, locale: Locale) -> str:
    """A deadline (local time with its offset) as staff say it: "pe 13.3.2026 klo 23.59"."""
    at = datetime.fromisoformat(iso)
    day = _WEEKDAYS[locale][at.weekday()]
    if locale == "en":
        return f"{day} {at.day} {_MONTHS_EN[at.month - 1]} {at.year}, {at:%H:%M}"
    clock = "klo" if locale == "fi" else "kl."
    return f"{day} {at.day}.{at.month}.{at.year} {clock} {at:%H.%M}"


def do_now(urgency: str, locale: Locale) -> str:
    found = DO_NOW.get(urgency)
    return in_locale(found, locale) if found else ""
