"""The official municipality codes (Statistics Finland), shipped as package data with
their year: only a code on this list is a municipality."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

MUNICIPALITY_YEAR = 2021  # the list in force since 2021 (no mergers since, through 2025)


@cache
def municipalities() -> dict[str, dict[str, str]]:
    """Code -> {"fi": name, "sv": name}."""
    text = resources.files("triage").joinpath("data/municipalities.json").read_text("utf-8")
    found: dict[str, dict[str, str]] = json.loads(text)["municipalities"]
    return found


@cache
def municipality_codes() -> frozenset[str]:
    return frozenset(municipalities())


# The region this service is built for: Central Finland (Keski-Suomi, region 13 in Statistics
# Finland's classification of municipalities into regions, 2021), its 22 municipalities.
CENTRAL_FINLAND = (
    "077", "172", "179", "182", "216", "226", "249", "256", "265", "275", "312",
    "410", "435", "495", "500", "592", "601", "729", "850", "892", "931", "992",
)  # fmt: skip
