"""The locale of an answer: fi, sv or en from Accept-Language, by quality; Finnish else."""

from __future__ import annotations

from triage.messages import LOCALES, Locale, choose_locale


def preferred(header: str) -> Locale | None:
    """The first of fi, sv, en in an Accept-Language header, by quality; None if none."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, index, tag.split("-")[0].lower()))
    for _, _, lang in sorted(ranked):
        if lang in LOCALES:
            return next(loc for loc in LOCALES if loc == lang)
    return None


def locale_of(header: str) -> Locale:
    return choose_locale(preferred(header))
