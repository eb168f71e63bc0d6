"""The rule endpoints cannot be used to exhaust the server, and validate agrees with reload."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth
from triage.config import Settings
from triage.rules.loader import read_rule_files

Files = dict[str, str]


def explosion(files: Files) -> Files:
    """12 integer facts read by two rules of equal priority and different outcomes: the
    exhaustive conflict check would evaluate billions of inputs."""
    facts = "\n".join(
        f"  f{i}:\n    type: int\n    min: 0\n    max: 100\n    question: {{fi: 'K{i}?'}}"
        for i in range(12)
    )
    conds = ", ".join(f"{{fact: f{i}, ge: {i + 1}}}" for i in range(12))
    text = (
        "need: boom\nname: {fi: Boom}\nfacts:\n" + facts + "\nrules:\n"
        f"  - id: boom-a\n    priority: 50\n    description: {{fi: A}}\n"
        f"    when: {{all: [{conds}]}}\n    then: {{service: lab_test, urgency: routine}}\n"
        f"  - id: boom-b\n    priority: 50\n    description: {{fi: B}}\n"
        f"    when: {{any: [{conds}]}}\n    then: {{service: nurse_assessment, urgency: routine}}\n"
    )
    return {**files, "needs/boom.yaml": text}


BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
)
PAIN = "{fact: pain, ge: 7}"


def replace(name: str, old: str, new: str) -> Callable[[Files], Files]:
    def edit(files: Files) -> Files:
        assert old in files[name], old
        return {**files, name: files[name].replace(old, new, 1)}

    return edit


ABUSE: dict[str, Callable[[Files], Files]] = {
    "alias bomb": lambda f: {**f, "needs/dental.yaml": BOMB},
    "conflict explosion": explosion,
    "400 nested not": replace("needs/dental.yaml", PAIN, "{not: " * 400 + PAIN + "}" * 400),
    "deep all/any": replace("needs/dental.yaml", PAIN, "{all: [{any: [" * 25 + PAIN + "]}]}" * 25),
    "NUL in a file": replace("needs/dental.yaml", "pain", "pa\x00in"),
    "NUL in a file name": lambda f: {**f, "needs/den\x00tal.yaml": f["needs/dental.yaml"]},
    "a huge file": lambda f: {**f, "needs/dental.yaml": f["needs/dental.yaml"] + "#" * 600_000},
}


@pytest.mark.parametrize("name", list(ABUSE))
def test_abusive_rule_sets_are_refused_quickly_and_the_server_keeps_serving(
    client: TestClient, keys: dict[str, str], settings: Settings, name: str
) -> None:
    files = ABUSE[name](read_rule_files(settings.rules_dir))
    for endpoint in ("/v1/rules/validate", "/v1/rules/reload"):
        start = time.monotonic()
        r = client.post(endpoint, json={"files": files}, headers=auth(keys["author"]))
        assert 400 <= r.status_code < 500, (name, endpoint, r.status_code, r.text[:300])
        assert time.monotonic() - start < 10, (name, endpoint)
    assert client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"])).status_code == 200


def test_a_lone_surrogate_in_a_posted_file_or_name_is_422(
    client: TestClient, keys: dict[str, str]
) -> None:
    for body in (
        b'{"files": {"common.yaml": "a: \\ud800"}}',
        b'{"files": {"needs/\\udc00.yaml": "a: 1"}}',
    ):
        r = client.post(
            "/v1/rules/validate",
            content=body,
            headers={**auth(keys["author"]), "Content-Type": "application/json"},
        )
        assert r.status_code == 422 and r.json()["error"]["field"].startswith("files")


def corpus(files: Files) -> list[Files]:
    """Valid and invalid rule sets, 36 in all."""
    dental = "needs/dental.yaml"
    out = [files]
    out += [replace(dental, PAIN, f"{{fact: pain, ge: {n}}}")(files) for n in range(5, 11)]
    out += [replace(dental, PAIN, "{fact: pain, ge: 7.00001}")(files)]  # plain decimals
    out += [replace(dental, "priority: 80", f"priority: {p}")(files) for p in (81, 90, 200)]
    out += [
        replace(dental, PAIN, "{fact: pian, ge: 7}")(files),  # unknown fact
        replace(dental, "then: {service: dental_emergency", "then: {service: nope")(files),
        replace(dental, PAIN, "{fact: pain, ge: eleven}")(files),
        replace(dental, PAIN, "{fact: pain, between: 7}")(files),
        replace(dental, "priority: 80", "priority: -1")(files),
        replace(dental, "need: dental", "need: Dental")(files),
        {k: v for k, v in files.items() if k != "common.yaml"},
        {"common.yaml": files["common.yaml"]},
        {**files, "needs/x.txt": "a: 1"},
        {**files, dental: "need: [unclosed"},
        {**files, dental: ""},
        {**files, dental: "- a list\n- not a need\n"},
    ]
    out += [ABUSE[name](files) for name in ABUSE]
    out += [
        replace(dental, PAIN, "{all: [{any: [" * d + PAIN + "]}]}" * d)(files) for d in (2, 4, 5)
    ]
    out += [replace(dental, PAIN, "{not: " * n + PAIN + "}" * n)(files) for n in (1, 9, 11)]
    return out


def test_validate_and_reload_agree_on_every_rule_set(
    client: TestClient, keys: dict[str, str], settings: Settings
) -> None:
    sets = corpus(read_rule_files(settings.rules_dir))
    assert len(sets) >= 30
    outcomes: list[tuple[int, int]] = []
    for files in sets:
        body: dict[str, Any] = {"files": files}
        checked = client.post("/v1/rules/validate", json=body, headers=auth(keys["author"]))
        loaded = client.post("/v1/rules/reload", json=body, headers=auth(keys["author"]))
        assert checked.status_code == loaded.status_code, (checked.text[:300], loaded.text[:300])
        assert checked.status_code in (200, 400, 413, 422)
        if checked.status_code == 200:
            assert checked.json()["rules_version"] == loaded.json()["rules_version"]
        outcomes.append((checked.status_code, loaded.status_code))
    assert {s for s, _ in outcomes} >= {200, 400}  # the corpus has both kinds


def test_a_rule_the_engine_refuses_is_named_by_file_and_line(
    client: TestClient, keys: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything durable_rules will not take is a 400 naming the rule, on validate and reload."""
    import durable_rules_engine as dre  # the module the engine calls

    real = dre.create_ruleset

    def picky(name: str, definition: str) -> int:
        if '"inr":5.25' in definition:
            raise dre.error("Could not create ruleset, error code: 999")
        return int(real(name, definition))

    monkeypatch.setattr(dre, "create_ruleset", picky)
    files = replace("needs/anticoagulation.yaml", "{fact: inr, ge: 5}", "{fact: inr, ge: 5.25}")(
        read_rule_files(settings.rules_dir)
    )
    for endpoint in ("/v1/rules/validate", "/v1/rules/reload"):
        r = client.post(endpoint, json={"files": files}, headers=auth(keys["author"]))
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["file"].endswith("needs/anticoagulation.yaml") and error["line"], error


def test_concurrent_reloads_never_fail_with_a_5xx(
    client: TestClient, keys: dict[str, str], settings: Settings
) -> None:
    import threading

    base = read_rule_files(settings.rules_dir)
    statuses: list[int] = []

    def reload(n: int) -> None:
        files = replace("needs/dental.yaml", PAIN, f"{{fact: pain, ge: {5 + n % 5}}}")(base)
        r = client.post("/v1/rules/reload", json={"files": files}, headers=auth(keys["author"]))
        statuses.append(r.status_code)

    threads = [threading.Thread(target=reload, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(statuses) == 8 and set(statuses) == {200}, statuses
