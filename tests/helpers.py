"""Small helpers shared by tests that edit a copy of the rule files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from triage.catalog.listing import Listing, Seeker, list_providers
from triage.catalog.model import Catalog
from triage.domain.case import Client
from triage.rules.model import ListingKind

# A dental case that routing policy 3 decides: dental_booking / within_3_days (worked
# example DN2), red flags screened. Tests about something other than the policy use it.
DENTAL_FACTS: dict[str, object] = {
    "request": "acute",
    "pain": 5,
    "swelling": False,
    "trauma": False,
    "bleeding_after_extraction": False,
}


# an infected wound, not severe: a nurse the same day (the out-of-hours fallback applies)
WOUND: dict[str, Any] = {
    "need": "care_supplies",
    "client": {"age": 70, "municipality": "179"},
    "red_flags": [],
    "facts": {
        "supply_type": "wound_care",
        "wound_infection_signs": True,
        "wound_infection_severe": False,
    },
}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def list_for(catalog: Catalog, *, service: str, client: Client, seed: int) -> Listing:
    """list_providers as a decision calls it: the client's listing fields, and the listing
    kind the shipped rules give the service."""
    kinds: dict[str, ListingKind] = {"named_professional": "continuity", "emergency": "none"}
    return list_providers(
        catalog,
        service=service,
        kind=kinds.get(service, "open"),
        client=seeker_of(client),
        seed=seed,
    )


def seeker_of(client: Client) -> Seeker:
    return Seeker(
        municipality=client.municipality or "",  # as a decision lists
        languages=tuple(client.languages or ()),
        chosen_provider=client.chosen_provider,
        needs_accessible_premises=client.needs_accessible_premises,
    )


EXAMPLES_SCALE = float(os.environ.get("TRIAGE_TEST_EXAMPLES_SCALE", "1"))


def examples(n: int) -> int:
    """Hypothesis examples for a property: `n`, scaled by TRIAGE_TEST_EXAMPLES_SCALE (which
    scripts/mutation lowers, so that a surviving mutant costs seconds, not minutes)."""
    return max(5, round(n * EXAMPLES_SCALE))
