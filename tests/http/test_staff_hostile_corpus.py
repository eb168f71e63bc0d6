"""The staff page's hostile corpus: generated forms of every shape (unknown, repeated,
empty and overlong names; markup, control characters, odd digits, henkilötunnus-like
codes in names and values; bodies that are not forms at all) posted to every staff route,
signed in or not, and hostile query strings on the page itself. Whatever comes in:

- the answer is never a 5xx;
- it never repeats an identity code, a submitted piece of markup unescaped, or an unknown
  field name;
- a refused form stores nothing, and an answered one stores exactly the decisions (or
  the feedback) it shows."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from tests.http.test_staff_page import FORM, ORIGIN, sign_in
from tests.strategies import identity_codes
from triage.http.staff.guard import form_token
from triage.identity import IDENTITY_CODE
from triage.service.signin import signed_in
from triage.service.usecases import Service

ROUTES = ["/sign-in", "/", "/sign-out", "/feedback"]
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<b onclick=x>"]
# what the answer may never carry: markup unescaped, and names no form of ours has
UNKNOWN_NAME = "zqx"  # every generated unknown field name holds it


KNOWN_NAMES = [*FORM, "need", "red_flag", "language", "key", "verdict", "decision_id",
               "expected_service", "expected_urgency", "f.dental.pain.nk", "accessible",
               "chosen_provider", "csrf", "contact_time", "f.chronic_care.request"]  # fmt: skip
ODD_VALUES = ["", " ", "1_0", "١٠", "+5", "8.0", "1e3", "NaN", "-0", "999999999999999999999",
              "\x00", "\u202e8", "true", "false", "not_known", "dental", "first_contact",
              "a" * 5000, "%ff", "chest_pain", "misrouted", "correct"]  # fmt: skip

names = st.one_of(
    st.sampled_from(KNOWN_NAMES),
    st.text(max_size=30).map(lambda t: f"{UNKNOWN_NAME}{t}"),
    st.tuples(st.sampled_from(["dental", "x", ""]), st.text(max_size=12)).map(
        lambda p: f"f.{p[0]}.{UNKNOWN_NAME}{p[1]}"
    ),
    identity_codes(),
)
values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.sampled_from(MARKUP),
    st.text(max_size=60),
    st.integers().map(str),
    identity_codes(),
    st.tuples(st.text(max_size=8), identity_codes()).map(" ".join),
)
free_forms = st.lists(st.tuples(names, values), max_size=25)
mutated_forms = st.tuples(
    st.lists(st.sampled_from(sorted(FORM)), unique=True),  # dropped
    st.lists(st.tuples(st.sampled_from(sorted(FORM)), values), max_size=4),  # replaced
    st.lists(st.tuples(names, values), max_size=5),  # added
).map(
    lambda m: (
        [(k, v) for k, v in FORM.items() if k not in m[0] and k not in dict(m[1])] + m[1] + m[2]
    )
)
forms = st.one_of(free_forms, mutated_forms)
bodies = st.one_of(
    forms.map(lambda pairs: ("form", urlencode(pairs).encode())),
    st.binary(max_size=300).map(lambda b: ("raw", b)),  # not UTF-8, not a form
    st.text(max_size=200).map(lambda t: ("raw", t.encode())),
)


def echoes(answer: str, pairs: list[tuple[str, str]], codes: list[str]) -> list[str]:
    """What the answer repeats that it must not."""
    found = [c for c in codes if c.lower() in answer.lower()]
    found += [m for m in MARKUP if any(m in v for _, v in pairs) and m in answer]
    found += [n for n, _ in pairs if n.startswith(UNKNOWN_NAME) and len(n) > 6 and n in answer]
    return found


def codes_in(pairs: list[tuple[str, str]]) -> list[str]:
    """Every identity code in the names and values sent (the validator's own pattern)."""
    return [m.group(0) for pair in pairs for text in pair for m in IDENTITY_CODE.finditer(text)]


def shown_ids(answer: str) -> set[str]:
    return set(re.findall(r'data-decision-id="([^"]+)"', answer))


@pytest.fixture(autouse=True)
def _same_site(client: TestClient) -> None:
    client.headers["origin"] = ORIGIN


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    body=bodies,
    signed=st.booleans(),
    with_token=st.booleans(),
    codes=st.one_of(st.just([]), st.lists(identity_codes(), min_size=1, max_size=2)),
    known_decision=st.booleans(),
)
# the shapes that get furthest, always tried: a form that decides, feedback that is kept
@example("/", ("form", urlencode(FORM).encode()), True, True, [], False)
@example("/feedback", ("form", b"verdict=correct"), True, True, [], True)
@example("/feedback", ("form", b"verdict=misrouted&expected_service=%3Cb%3E"), True, True, [], True)
def test_every_staff_route_holds_against_generated_forms(
    client: TestClient,
    keys: dict[str, str],
    service: Service,
    route: str,
    body: tuple[str, bytes],
    signed: bool,
    with_token: bool,
    codes: list[str],
    known_decision: bool,
) -> None:
    kind, content = body
    pairs: list[tuple[str, str]] = []
    if kind == "form":
        pairs = parse_qsl(content.decode(), keep_blank_values=True)
        pairs += [(f"note{i}", c) for i, c in enumerate(codes)]
        if route == "/sign-in" and signed:
            pairs.append(("key", keys["frontline"]))
    client.cookies.clear()
    if signed and route != "/sign-in":
        token = sign_in(client, keys["frontline"])
        if known_decision and kind == "form":  # feedback on a decision that exists
            made = client.post("/", data={**FORM, "csrf": form_token(token)})
            pairs.insert(0, ("decision_id", shown_ids(made.text).pop()))
        if with_token:
            pairs.append(("csrf", form_token(token)))
    if kind == "form":
        content = urlencode(pairs).encode()
    sent_codes = codes_in(pairs)
    before, feedback = service.audit.count(), len(service.audit.feedback())
    r = client.post(
        route,
        content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    event(f"{route} {r.status_code}")  # --hypothesis-show-statistics: what was reached
    assert r.status_code < 500, (route, r.status_code)
    assert not echoes(r.text, pairs, sent_codes), (route, echoes(r.text, pairs, sent_codes))
    stored = service.audit.count() - before
    added_feedback = len(service.audit.feedback()) - feedback
    if r.status_code >= 400:
        assert stored == 0 and added_feedback == 0, (route, r.status_code)
    else:
        assert stored == (len(shown_ids(r.text)) if route == "/" else 0), route
        assert added_feedback <= (route == "/feedback")
    if route == "/sign-in" and r.status_code == 303:
        assert signed_in(service, r.cookies["triage_session"]) is not None


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    query=st.lists(
        st.tuples(st.sampled_from(["lang", "ui", UNKNOWN_NAME]), st.one_of(values, names)),
        max_size=4,
    )
)
def test_the_page_holds_against_hostile_query_strings(
    client: TestClient, keys: dict[str, str], query: list[tuple[str, str]]
) -> None:
    client.cookies.clear()
    sign_in(client, keys["frontline"])
    r = client.get("/?" + urlencode(query))
    assert r.status_code < 500
    assert not echoes(r.text, query, codes_in(query))
