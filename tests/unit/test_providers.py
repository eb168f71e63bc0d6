"""Eligibility, continuity, chosen provider and language order, on small catalogs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import DENTAL_FACTS, list_for
from triage.catalog.listing import SeededStream, fisher_yates
from triage.catalog.model import Catalog, Provider, build_catalog
from triage.domain.case import Client
from triage.domain.decider import Triage
from triage.errors import InvalidCaseError
from triage.rules.model import RuleSet


def provider(pid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": {"fi": pid},
        "ownership": "public",
        "municipalities": ["179"],
        "services": ["nurse_assessment", "named_professional"],
        **extra,
    }


def catalog(rules: RuleSet, *providers: dict[str, Any]) -> Catalog:
    return build_catalog({"version": 1, "providers": list(providers)}, rules.services)


def ids(cat: Catalog, service: str = "nurse_assessment", seed: int = 1, **client: Any) -> list[str]:
    c = Client(**{"age": 40, "municipality": "179", **client})
    return [x.provider.id for x in list_for(cat, service=service, client=c, seed=seed).providers]


def test_eligibility(rules: RuleSet) -> None:
    cat = catalog(
        rules,
        provider("ok"),
        provider("elsewhere", municipalities=["077"]),
        provider("other-service", services=["lab_test"]),
        provider("full", accepting_new_clients=False),
    )
    assert ids(cat) == ["ok"]


def test_accessibility_needs_drop_only_known_inaccessible(rules: RuleSet) -> None:
    cat = catalog(
        rules,
        provider("yes", accessible=True),
        provider("no", accessible=False),
        provider("unknown"),
    )
    assert sorted(ids(cat, needs_accessible_premises=True)) == ["unknown", "yes"]
    assert sorted(ids(cat)) == ["no", "unknown", "yes"]
    c = Client(age=40, municipality="179", needs_accessible_premises=True)
    flagged = {
        x.provider.id: x.accessibility_unknown
        for x in list_for(cat, service="nurse_assessment", client=c, seed=1).providers
    }
    assert flagged == {"yes": False, "unknown": True}


def test_chosen_provider_first_then_language_then_rest(rules: RuleSet) -> None:
    cat = catalog(
        rules,
        *[provider(f"p{i}", languages=["fi"]) for i in range(4)],
        provider("sv1", languages=["sv"]),
        provider("sv2", languages=["fi", "sv"]),
        provider("nolang"),
    )
    c = Client(age=40, municipality="179", chosen_provider="p3", languages=["sv"])
    for seed in range(30):
        listed = list_for(cat, service="nurse_assessment", client=c, seed=seed).providers
        order = [x.provider.id for x in listed]
        assert order[0] == "p3"
        assert set(order[1:3]) == {"sv1", "sv2"}
        assert set(order[3:]) == {"p0", "p1", "p2", "nolang"}
        assert [x.reason for x in listed] == ["chosen_by_client"] + ["language_match"] * 2 + [
            "eligible"
        ] * 4


def test_continuity_lists_only_the_chosen_provider(rules: RuleSet) -> None:
    cat = catalog(
        rules,
        provider("mine", accepting_new_clients=False),
        provider("other"),
        provider("no-continuity", services=["nurse_assessment"]),
    )
    c = Client(age=40, municipality="179", chosen_provider="mine")
    (only,) = list_for(cat, service="named_professional", client=c, seed=1).providers
    assert (only.provider.id, only.reason, only.accessibility_unknown) == (
        "mine",
        "chosen_by_client",
        False,
    )
    c = Client(age=40, municipality="179")
    listing = list_for(cat, service="named_professional", client=c, seed=1)
    assert listing.providers == () and listing.note == "ask_chosen_provider"
    c = Client(age=40, municipality="179", chosen_provider="no-continuity")
    elsewhere = list_for(cat, service="named_professional", client=c, seed=1)
    assert (elsewhere.providers, elsewhere.note) == ((), "chosen_provider_not_offering")


def test_no_provider_in_area_says_so(rules: RuleSet) -> None:
    cat = catalog(rules, provider("jkl"))
    c = Client(age=40, municipality="892")
    listing = list_for(cat, service="nurse_assessment", client=c, seed=1)
    assert listing.providers == () and listing.note == "no_provider_in_area"


def test_emergency_lists_nobody(rules: RuleSet) -> None:
    cat = catalog(rules, provider("xx", services=["nurse_assessment"]))
    listing = list_for(cat, service="emergency", client=Client(age=1, municipality="179"), seed=1)
    assert listing.providers == () and listing.note is None


def test_seeded_shuffle_is_reproducible_and_uniform_enough() -> None:
    items = ["a", "b", "c"]
    assert fisher_yates(items, SeededStream(5)) == fisher_yates(items, SeededStream(5))
    seen = {tuple(fisher_yates(items, SeededStream(s))) for s in range(200)}
    assert len(seen) == 6  # every permutation of three occurs
    with pytest.raises(ZeroDivisionError):
        SeededStream(1).below(0)


def test_decisions_list_providers_and_record_versions(full_triage: Triage) -> None:
    d = full_triage.decide(
        {
            "need": "dental",
            "client": {"age": 34, "municipality": "179", "languages": ["sv"]},
            "red_flags": [],
            "facts": DENTAL_FACTS,
        },
        seed=11,
    )
    assert d.catalog_version == full_triage.catalog.version and d.seed == 11
    assert (
        d.providers
        and d.providers[0].id == "hymyhammas-dental"
        and d.providers[0].reason == "language_match"
    )
    assert "kirkkopuisto-dental" not in [p.id for p in d.providers]  # not accepting new clients
    again = full_triage.decide(
        {
            "need": "dental",
            "client": {"age": 34, "municipality": "179", "languages": ["sv"]},
            "red_flags": [],
            "facts": DENTAL_FACTS,
        },
        seed=11,
    )
    assert [p.id for p in again.providers] == [p.id for p in d.providers]


def test_named_professional_without_chosen_provider_prompts(full_triage: Triage) -> None:
    d = full_triage.decide(
        {
            "need": "chronic_care",
            "client": {"age": 60, "municipality": "179"},
            "red_flags": [],
            "facts": {
                "request": "follow_up",
                "has_named_professional": True,
                "symptoms_worsening": False,
                "last_review_over_12_months": False,
            },
        },
        locale="en",
    )
    assert (
        d.status == "decided" and d.service is not None and d.service.code == "named_professional"
    )
    assert d.providers == [] and d.provider_note is not None
    assert (
        d.provider_note.code == "ask_chosen_provider"
        and "which sote-centre" in d.provider_note.text
    )


def test_unknown_chosen_provider_is_invalid_input(full_triage: Triage) -> None:
    with pytest.raises(InvalidCaseError) as info:
        full_triage.decide(
            {
                "need": "dental",
                "client": {"age": 34, "municipality": "179", "chosen_provider": "no-such-centre"},
            }
        )
    assert info.value.field == "client.chosen_provider"


def test_emergency_decision_lists_no_providers(full_triage: Triage) -> None:
    d = full_triage.decide(
        {
            "need": "dental",
            "client": {"age": 34, "municipality": "179"},
            "red_flags": ["anaphylaxis"],
        }
    )
    assert d.service is not None and d.service.code == "emergency" and d.providers == []


def test_provider_model_never_reads_ownership_for_order() -> None:
    import inspect

    import triage.catalog.listing as module

    source = inspect.getsource(module)
    assert "ownership" not in source.replace("Ownership, name and size are never read here", "")
    assert "name" not in inspect.getsource(module.list_providers)
    assert Provider.model_fields["ownership"]  # the field exists; ordering just never uses it


def test_a_provider_in_the_clients_own_municipality_comes_before_the_others(
    sample_catalog: Catalog,
) -> None:
    """An Uurainen client: the Uurainen health station before the Jyväskylä providers
    that also serve Uurainen, on every seed; the others keep their seeded order. A shared
    language still comes first."""
    c = Client(age=70, municipality="892")
    seconds = set()
    for seed in range(20):
        listed = list_for(sample_catalog, service="anticoag_nurse", client=c, seed=seed)
        shown = [(x.provider.id, x.reason) for x in listed.providers]
        assert shown[0] == ("uurainen-health-station", "located_in_municipality"), shown
        assert {r for _, r in shown[1:]} == {"eligible"} and len(shown) == 3
        seconds.add(shown[1][0])
    assert seconds == {"kompassi-medical-centre", "kyla-sote-cooperative"}
    swedish = Client(age=70, municipality="892", languages=["sv"])
    listed = list_for(sample_catalog, service="anticoag_nurse", client=swedish, seed=1)
    assert [(x.provider.id, x.reason) for x in listed.providers] == [
        ("kyla-sote-cooperative", "language_match"),
        ("uurainen-health-station", "located_in_municipality"),
        ("kompassi-medical-centre", "eligible"),
    ]
