"""Statistical tests of provider ordering (PRODUCT.md: every tied provider has the same
chance of the top place). Fixed seeds make them deterministic."""

from __future__ import annotations

from collections import Counter

from scipy.stats import chisquare

from tests.helpers import list_for
from triage.catalog.exposure import exposure_report
from triage.catalog.model import Catalog, build_catalog
from triage.domain.case import Client
from triage.rules.model import RuleSet

GROUP = [
    ("kunta-a", "public"),
    ("kunta-b", "public"),
    ("yritys-a", "private"),
    ("yritys-b", "private"),
    ("yhdistys", "third_sector"),
]
N = 10_000


def tie_group_catalog(rules: RuleSet) -> Catalog:
    docs = [
        {
            "id": pid,
            "name": {"fi": pid},
            "ownership": own,
            "municipalities": ["179"],
            "services": ["lab_test"],
        }
        for pid, own in GROUP
    ]
    return build_catalog({"version": 1, "providers": docs}, rules.services)


def test_first_position_is_uniform_over_a_tie_group_of_five(rules: RuleSet) -> None:
    cat = tie_group_catalog(rules)
    client = Client(age=50, municipality="179")
    listings = [list_for(cat, service="lab_test", client=client, seed=seed) for seed in range(N)]
    firsts = Counter(listing.providers[0].provider.id for listing in listings)
    counts = [firsts[pid] for pid, _ in GROUP]
    result = chisquare(counts)
    print(f"first-position counts {dict(firsts)}, chi-square p = {result.pvalue:.4f}")
    assert result.pvalue > 0.001

    ownership = dict(GROUP)
    by_owner = Counter(ownership[pid] for pid in firsts.elements())
    for owner, members in Counter(ownership.values()).items():
        share = by_owner[owner] / N
        assert abs(share - members / len(GROUP)) < 0.02, (owner, share)

    report = exposure_report(
        [[(x.provider.id, x.reason) for x in lst.providers] for lst in listings], ownership
    )
    for pid, _ in GROUP:
        row = report.providers[pid].as_dict(report.decisions)
        assert abs(row["first_share"] - row["expected_first_share"]) < 0.02
        assert abs(row["mean_exposure"] - row["expected_mean_exposure"]) < 0.02


def test_every_position_is_uniform_not_just_the_first(rules: RuleSet) -> None:
    cat = tie_group_catalog(rules)
    client = Client(age=50, municipality="179")
    last = Counter(
        list_for(cat, service="lab_test", client=client, seed=s).providers[-1].provider.id
        for s in range(N)
    )
    assert chisquare([last[pid] for pid, _ in GROUP]).pvalue > 0.001
