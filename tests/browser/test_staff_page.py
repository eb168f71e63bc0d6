"""First-contact staff use the page with the keyboard and mouse in a real browser: every
state the issue names, with a screenshot of each, axe-core on the form, the result and
the plan, and no request ever leaving 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.browser.conftest import shot

SERIOUS = ("serious", "critical")


@pytest.fixture
def page(browser: Any, site: dict[str, str]) -> Iterator[Any]:
    """A fresh browser context, signed in; every request it makes is recorded."""
    context = browser.new_context(bypass_csp=True, locale="fi-FI")  # axe is injected
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(site["base"] + "/")
    page.fill("#key", site["key"])
    page.keyboard.press("Enter")  # keyboard only
    page.wait_for_selector("#triage-form")
    yield page
    assert all(u.startswith(site["base"]) for u in page.requests), page.requests
    context.close()


def axe(page: Any, source: str) -> list[dict[str, Any]]:
    page.evaluate(source)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def choose(page: Any, need: str) -> None:
    page.check(f'input[name="need"][value="{need}"]')


def submit(page: Any) -> None:
    page.click("button.primary")
    page.wait_for_selector("#result, #form-error")


def no_flags(page: Any) -> None:
    """The red flags were gone through: none present ("Ei hälytysmerkkejä")."""
    page.check('input[name="no_red_flags"]')


def answer(page: Any, need: str, **answers: str) -> None:
    """Yes/no/not-known radios by value, selects and numbers by their field."""
    for fact, value in answers.items():
        name = f"f.{need}.{fact}"
        radio = page.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
        if radio.count():
            radio.check()
        elif page.locator(f'select[name="{name}"]').count():
            page.select_option(f'select[name="{name}"]', value)
        else:
            page.fill(f'input[name="{name}"]', value)


DENTAL = {"request": "acute", "trauma": "false", "swelling": "false"}


def test_form_dental_emergency_and_result(page: Any, axe_source: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "fi"
    assert axe(page, axe_source) == []  # the form
    shot(page, "01_form")
    page.fill("#age", "40")
    no_flags(page)
    choose(page, "dental")
    answer(page, "dental", **DENTAL, bleeding_after_extraction="false", pain="8")
    submit(page)
    decision = page.locator("article.decision")
    assert decision.get_attribute("data-service") == "dental_emergency"
    assert decision.get_attribute("data-urgency") == "same_day"
    assert "Suun terveydenhuollon päivystys" in decision.inner_text()
    assert "saman päivän aikana" in decision.inner_text()  # urgency in words, not colour only
    assert page.evaluate("document.activeElement.id") == "result"  # focus moved
    assert page.locator("ol.providers > li").count() >= 1
    assert "puolueeton" in page.locator(".impartial").inner_text()
    assert axe(page, axe_source) == []  # the result
    shot(page, "02_dental_emergency")


def test_warfarin_switch_asks_seven_questions_then_decides(page: Any) -> None:
    page.fill("#age", "70")
    no_flags(page)
    choose(page, "anticoagulation")
    page.select_option('select[name="f.anticoagulation.current_drug"]', "warfarin")
    page.select_option('select[name="f.anticoagulation.request"]', "switch_to_doac")
    submit(page)
    decision = page.locator("article.decision")
    assert decision.get_attribute("data-status") == "needs_information"
    inline = page.locator("#result .question.missing")
    assert inline.count() == 7  # bleeding, head injury, minor bleeding, 4 contraindications
    shot(page, "03_warfarin_questions")
    for i in range(7):  # answer each inline question "no"
        inline.nth(i).locator('input[value="false"]').check()
    page.fill('input[name="f.anticoagulation.egfr"]', "70")
    page.click("#result button[type=submit]")
    page.wait_for_selector("#result")
    decision = page.locator("article.decision")
    assert decision.get_attribute("data-status") == "decided"
    # every earlier answer was kept
    assert page.input_value('select[name="f.anticoagulation.current_drug"]') == "warfarin"
    assert page.input_value("#age") == "70"
    shot(page, "04_warfarin_decided")


def test_not_known_reaches_the_engine_and_decides_as_a_precaution(
    page: Any, site: dict[str, str], axe_source: str
) -> None:
    """Worked example FC2 typed in: "Ei tiedossa" for anticoagulant use is sent as
    not_known, and the decision says it was made as a precaution."""
    page.fill("#age", "45")
    no_flags(page)
    choose(page, "first_contact")
    answer(
        page,
        "first_contact",
        complaint="head_knock",
        head_knock_vomiting_or_drowsy="false",
        on_anticoagulant_or_antiplatelet="not_known",
        head_knock_unconscious_or_memory_gap="false",
        intoxicated="false",
    )
    submit(page)
    decision = page.locator("article.decision")
    assert decision.get_attribute("data-urgency") == "within_hours"
    caution = decision.locator(".precaution")
    assert "varmuuden vuoksi" in caution.inner_text()
    assert "verenohennuslääkettä" in caution.inner_text()  # the question answered "not known"
    assert "klo" in decision.locator(".deadline").inner_text()  # the deadline in words
    assert decision.locator(".safety-net").count() == 1
    assert axe(page, axe_source) == []
    shot(page, "11_precaution")
    decision_id = decision.get_attribute("data-decision-id")
    engine = sa.create_engine(site["db"])
    with engine.connect() as conn:
        case = conn.execute(
            sa.text("SELECT case_json FROM decision WHERE id = :d"), {"d": decision_id}
        ).scalar_one()
    engine.dispose()
    assert '"on_anticoagulant_or_antiplatelet":"not_known"' in case.replace(" ", "")


def test_a_red_flag_with_the_age_empty_gives_112_first(page: Any) -> None:
    """Nothing else filled in: ticking the flag shows the 112 instruction at once (before
    sending), and sending gives the 112 result, not a request for the age."""
    page.check('input[name="red_flag"][value="chest_pain"]')
    alert = page.locator("#flag-now")
    assert alert.is_visible() and "112" in alert.inner_text()
    submit(page)
    article = page.locator("article.decision")
    assert article.get_attribute("data-urgency") == "emergency"
    assert page.locator("#form-error").count() == 0
    first = article.locator(":scope > *:not(h3)").first
    assert "112" in first.inner_text() and "aja itse" in first.inner_text()
    shot(page, "12_red_flag_no_age")


def test_a_case_without_the_red_flag_answer_asks_for_it(page: Any) -> None:
    page.fill("#age", "40")
    choose(page, "dental")
    answer(page, "dental", **DENTAL, bleeding_after_extraction="false", pain="5")
    submit(page)
    decision = page.locator("article.decision")
    assert decision.get_attribute("data-status") == "needs_information"
    ask = decision.locator(".ask-red-flags")
    assert "hälytysmerk" in ask.inner_text()
    ask.locator("a").click()  # leads to the list, at the top of the form
    assert page.evaluate("location.hash") == "#red-flags"
    no_flags(page)
    page.click("#result button[type=submit]")
    page.wait_for_selector("#result")
    assert page.locator("article.decision").get_attribute("data-status") == "decided"


def test_red_flag_shows_the_emergency_instruction_first(page: Any) -> None:
    page.fill("#age", "55")
    page.check('input[name="red_flag"][value="chest_pain"]')
    choose(page, "dental")
    submit(page)
    article = page.locator("article.decision")
    assert article.get_attribute("data-urgency") == "emergency"
    first = article.locator(":scope > *:not(h3)").first
    assert "112" in first.inner_text() and "Rintakipu" in first.inner_text()
    assert "Rintakipu" in page.locator(".why").inner_text()  # the explanation names it
    shot(page, "05_red_flag")


def test_contact_with_three_needs_shows_plan_with_coordinator(page: Any, axe_source: str) -> None:
    page.fill("#age", "80")
    no_flags(page)
    for need in ("dental", "non_medical", "physiotherapy"):
        choose(page, need)
    answer(page, "dental", **DENTAL, bleeding_after_extraction="false", pain="5")
    answer(page, "non_medical", topic="housing", homeless_tonight="false")
    no = "false"
    answer(
        page,
        "physiotherapy",
        duration_weeks="4",
        recent_injury=no,
        fever_or_hot_swollen_joint=no,
        progressive_weakness=no,
        night_pain=no,
        cancer_history_or_weight_loss=no,
    )
    submit(page)
    plan = page.locator(".plan")
    assert plan.locator("ol.steps > li").count() == 3
    assert "Koordinointi" in plan.locator(".coordinator").inner_text()
    assert "suostumus" in plan.locator(".consent").inner_text()  # consent not asked yet
    assert page.locator("article.decision").count() == 3
    assert axe(page, axe_source) == []  # the plan
    shot(page, "06_contact_plan")


def test_language_switch_to_swedish_and_english(page: Any) -> None:
    page.click('a[hreflang="sv"]')
    page.wait_for_selector('html[lang="sv"]')
    assert "Varningstecken" in page.locator(".red-flags legend").inner_text()
    assert "Tandvård" in page.content() or "tandvård" in page.content()
    shot(page, "07_swedish")
    page.click('a[hreflang="en"]')
    page.wait_for_selector('html[lang="en"]')
    assert "Red flags" in page.locator(".red-flags legend").inner_text()
    page.fill("#age", "40")
    choose(page, "dental")
    page.select_option('select[name="f.dental.request"]', "check_up")
    assert page.locator('select[name="f.dental.request"] option:checked').inner_text() == "Check-up"
    submit(page)
    assert "Dental" in page.locator("article.decision").inner_text()


def test_marking_a_decision_misrouted_stores_feedback(page: Any, site: dict[str, str]) -> None:
    page.fill("#age", "40")
    no_flags(page)
    choose(page, "dental")
    answer(page, "dental", **DENTAL, bleeding_after_extraction="false", pain="8")
    submit(page)
    decision_id = page.locator("article.decision details code").last.text_content()
    form = page.locator("form.feedback")
    form.locator('input[value="misrouted"]').check()
    form.locator('select[name="expected_service"]').select_option("dental_booking")
    form.locator('select[name="expected_urgency"]').select_option("within_3_days")
    form.locator("button").click()
    page.wait_for_selector("#notice")
    assert "Palaute tallennettu" in page.locator("#notice").inner_text()
    shot(page, "08_feedback_saved")
    engine = sa.create_engine(site["db"])
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT verdict, expected_service, expected_urgency FROM feedback "
                "WHERE decision_id = :d"
            ),
            {"d": decision_id},
        ).all()
    engine.dispose()
    assert rows == [("misrouted", "dental_booking", "within_3_days")]


def test_after_sign_out_nothing_is_usable_or_left_behind(page: Any, site: dict[str, str]) -> None:
    page.fill("#age", "40")
    choose(page, "dental")
    page.fill('input[name="f.dental.pain"]', "6")
    submit(page)
    visited = [page.url]
    page.click("form.signout button")
    page.wait_for_selector("#key")
    visited.append(page.url)
    storage = page.evaluate("[localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]
    cookies = page.context.cookies()
    assert [c for c in cookies if c["name"] == "triage_session"] == []
    assert all("pain" not in c["value"] and "dental" not in c["value"] for c in cookies)
    for url in visited + page.requests:
        assert "pain" not in url and "dental" not in url and "age=" not in url, url
    page.goto(site["base"] + "/")
    assert page.locator("#key").count() == 1 and page.locator("#triage-form").count() == 0
    again = page.context.request.post(  # from the page's own origin: the session is gone
        site["base"] + "/",
        form={"age": "40", "municipality": "179", "need": "dental"},
        headers={"Origin": site["base"]},
    )
    assert again.status == 401 and "triage-form" not in again.text()
    shot(page, "09_signed_out")


def test_a_sign_in_forged_by_another_page_keeps_the_staff_session(
    page: Any, site: dict[str, str]
) -> None:
    """Login forgery: a page from elsewhere auto-submits /sign-in with another key. The
    browser sends its Origin ("null" here), the sign-in is refused, and the staff member's
    session cookie is the one they signed in with."""
    session = [c["value"] for c in page.context.cookies() if c["name"] == "triage_session"]
    evil = page.context.new_page()
    evil.set_content(
        f'<form id="f" method="post" action="{site["base"]}/sign-in">'
        f'<input name="key" value="{site["attacker"]}"></form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    evil.wait_for_url(site["base"] + "/sign-in")
    assert "Lomake ei tullut tältä sivulta" in evil.content()
    evil.close()
    after = [c["value"] for c in page.context.cookies() if c["name"] == "triage_session"]
    assert after == session and len(session) == 1
    page.goto(site["base"] + "/")
    assert page.locator("#triage-form").count() == 1  # still signed in as themselves


def test_docs_load_with_no_request_leaving_the_machine(browser: Any, site: dict[str, str]) -> None:
    context = browser.new_context()
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site["base"] + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Client needs triage API" in page.locator(".swagger-ui .info .title").inner_text()
    shot(page, "10_docs_offline")
    context.close()
    assert urls and all(u.startswith(site["base"]) for u in urls), urls
    assert httpx.get(site["base"] + "/redoc").status_code == 404  # ReDoc would load a CDN
