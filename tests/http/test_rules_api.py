"""Rule validation and reload over HTTP: a bad file never replaces the serving rules."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from tests.http.conftest import CASE, auth
from triage.config import Settings
from triage.rules.loader import read_rule_files
from triage.service.usecases import Service


def test_validate_reports_file_and_line(
    client: TestClient, keys: dict[str, str], service: Service, settings: Settings
) -> None:
    files = read_rule_files(settings.rules_dir)
    h = auth(keys["author"])
    ok = client.post("/v1/rules/validate", json={"files": files}, headers=h)
    assert ok.status_code == 200 and ok.json() == {
        "valid": True,
        "rules_version": service.current.rules.version,
    }
    broken = {
        **files,
        "needs/dental.yaml": files["needs/dental.yaml"].replace(
            "{fact: pain, ge: 7}", "{fact: pian, ge: 7}"
        ),
    }
    r = client.post("/v1/rules/validate", json={"files": broken}, headers=h)
    assert r.status_code == 400
    err = r.json()["error"]
    assert (
        err["code"] == "invalid_rules"
        and err["file"] == "rules/needs/dental.yaml"
        and err["line"] > 1
    )
    assert "did you mean 'pain'" in err["message"]
    odd = client.post(
        "/v1/rules/validate", json={"files": {**files, "../../etc/passwd": "x"}}, headers=h
    )
    assert odd.status_code == 400


def test_bad_reload_keeps_the_old_rules_serving_with_requests_in_flight(
    client: TestClient, keys: dict[str, str], service: Service, settings: Settings
) -> None:
    version = service.current.rules.version
    files = read_rule_files(settings.rules_dir)
    bad = {
        **files,
        "needs/dental.yaml": files["needs/dental.yaml"].replace("priority: 20", "priority: twenty"),
    }
    failures: list[str] = []
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            r = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
            if r.status_code != 200 or r.json()["rules_version"] != version:
                failures.append(r.text)

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(5):
            r = client.post("/v1/rules/reload", json={"files": bad}, headers=auth(keys["author"]))
            assert r.status_code == 400 and r.json()["error"]["file"] == "rules/needs/dental.yaml"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert failures == []
    assert service.current.rules.version == version
    assert read_rule_files(settings.rules_dir) == files  # nothing written
    assert client.get("/readyz").json()["rules_version"] == version


def test_good_reload_goes_live_without_failed_requests(
    client: TestClient, keys: dict[str, str], service: Service, settings: Settings
) -> None:
    old = service.current.rules.version
    files = read_rule_files(settings.rules_dir)
    new_files = {
        **files,
        "needs/dental.yaml": files["needs/dental.yaml"].replace(
            "{fact: pain, ge: 4}", "{fact: pain, ge: 6}"
        ),
    }
    seen: set[str] = set()
    failures: list[str] = []
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            r = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
            if r.status_code != 200:
                failures.append(r.text)
            else:
                seen.add(r.json()["rules_version"])

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        r = client.post("/v1/rules/reload", json={"files": new_files}, headers=auth(keys["author"]))
        assert r.status_code == 200
        new = r.json()["rules_version"]
        for _ in range(10):  # some requests after the swap
            client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"]))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert failures == [] and new != old and seen <= {old, new}
    d = client.post("/v1/triage", json=CASE, headers=auth(keys["frontline"])).json()
    # pain 5 is below the moved threshold: an acute problem within 2 weeks
    assert d["rules_version"] == new and d["urgency"] == "within_2_weeks"
    assert read_rule_files(settings.rules_dir) == files  # the authors' directory is untouched
    assert service.rules.get(new) == new_files  # stored for every worker and replay
