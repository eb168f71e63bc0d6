"""The staff page's routes: sign in, the form, the result (decision or contact plan),
feedback, sign out. Server-rendered; case data travels only in POST bodies, never in a
URL, a cookie, browser storage or a log line. Every answer is `no-store`. The guards
every route passes (origin, form bounds, form token, the session off the event loop)
are in `guard.py`."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from triage.authoring.explain import explain_text
from triage.catalog.municipalities import CENTRAL_FINLAND, municipalities
from triage.domain.contact import ContactAnswer, Plan
from triage.domain.decision import Decision
from triage.errors import AuthError, InvalidCaseError, NotFoundError, StorageError
from triage.http.staff.forms import (
    NOT_KNOWN,
    Submitted,
    chosen_needs,
    emergency_only,
    fact_field,
    field_of,
    identity_field,
    to_request,
)
from triage.http.staff.guard import (
    COOKIE,
    HEADERS,
    Answered,
    form_token,
    page,
    page_locale,
    read_form,
    render,
    service_of,
    session_key,
    sign_in_page,
)
from triage.http.staff.texts import text
from triage.http.staff.when import deadline_words, do_now
from triage.messages import Locale
from triage.rules.model import Fact
from triage.service.signin import sign_in, sign_out
from triage.service.usecases import Service
from triage.store.ports import KeyInfo

router = APIRouter(include_in_schema=False)


def _fields(need: str, fact: Fact, loc: Locale) -> dict[str, Any]:
    options = [(v, fact.option_text(v).get(loc)) for v in fact.values]
    default = fact.default
    shown: str | None
    if isinstance(default, bool):
        shown = text("yes" if default else "no", loc)
    elif fact.type == "enum" and default is not None:
        shown = dict(options).get(str(default), str(default))
    else:
        shown = None if default is None else str(default)
    low, high = fact.bounds
    return {
        "code": fact.code,
        "name": fact_field(need, fact.code),
        "type": fact.type,
        "question": fact.question.get(loc),
        "options": options,
        "min": low,
        "max": high,
        "unit": fact.unit,
        "default": shown,
        "not_known": fact.accepts_not_known,
        "deprecated": fact.deprecated,
    }


def _page_context(
    request: Request, loc: Locale, key: KeyInfo, form: Submitted | None = None
) -> dict[str, Any]:
    triage = service_of(request).current
    rules = triage.rules
    names = municipalities()
    region = [(c, names[c]["sv" if loc == "sv" else "fi"]) for c in CENTRAL_FINLAND]
    others = sorted(
        (
            (c, n["sv" if loc == "sv" else "fi"])
            for c, n in names.items()
            if c not in CENTRAL_FINLAND
        ),
        key=lambda x: x[1],
    )
    return {
        "loc": loc,
        "key": key,
        "csrf": form_token(request.cookies.get(COOKIE) or ""),
        "form": form or Submitted(),
        "needs": [
            {
                "code": n.code,
                "name": n.name.get(loc),
                "facts": [_fields(n.code, f, loc) for f in n.facts.values()],
            }
            for n in rules.needs.values()
        ],
        "need_names": {c: n.name.get(loc) for c, n in rules.needs.items()},
        "red_flags": [
            (c, t.get(loc), rules.red_flag_instructions[c].get(loc))
            if c in rules.red_flag_instructions
            else (c, t.get(loc), "")
            for c, t in rules.red_flags.items()
        ],
        "NOT_KNOWN": NOT_KNOWN,
        "policy": rules.policy,
        "flag_names": {c: t.get(loc) for c, t in rules.red_flags.items()},
        "services": [(c, t.get(loc)) for c, t in rules.services.items()],
        "service_names": {c: t.get(loc) for c, t in rules.services.items()},
        "urgencies": [(c, t.get(loc)) for c, t in rules.urgencies.items()],
        "urgency_names": {c: t.get(loc) for c, t in rules.urgencies.items()},
        "region": region,
        "other_municipalities": others,
        "languages": [("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        "providers": sorted(
            ((p.id, p.name.get(loc)) for p in triage.catalog.providers), key=lambda x: x[1]
        ),
        "do_now": lambda urgency: do_now(urgency, loc),
        "missing": set(),
        "error": None,
        "notice": None,
        "decisions": [],
        "plan": None,
    }


async def _posted(request: Request) -> tuple[Submitted, Locale, KeyInfo | None]:
    """A posted form, the page's language, and the signed-in key (None: sign in again,
    also when the form does not carry the session's form token)."""
    form = await read_form(request)
    loc = page_locale(request, form.get("ui"))
    key = await session_key(request, loc)
    token = request.cookies.get(COOKIE) or ""
    sent = form.get("csrf").encode()  # as bytes: compare_digest refuses non-ASCII text
    if key is not None and not hmac.compare_digest(sent, form_token(token).encode()):
        raise Answered(sign_in_page(loc, 403, text("other_origin", loc)))
    where = identity_field(form)
    if where is not None:  # refused, and the form is not shown again: it holds the code
        notice = InvalidCaseError(where, "identity_code").render(loc)
        if key is None:
            raise Answered(sign_in_page(loc, 422, notice))
        context = {**_page_context(request, loc, key), "error": {"text": notice}}
        raise Answered(render("page.html", 422, **context))
    return form, loc, key


@router.get("/", response_class=HTMLResponse)
@page
async def home(request: Request, lang: str | None = None) -> Response:
    loc = page_locale(request, lang)
    key = await session_key(request, loc)
    if key is None:
        return sign_in_page(loc)
    return render("page.html", **_page_context(request, loc, key))


@router.post("/sign-in")
@page
async def do_sign_in(request: Request) -> Response:
    form = await read_form(request)
    loc = page_locale(request, form.get("ui"))
    try:
        token = await run_in_threadpool(sign_in, service_of(request), form.get("key"))
    except AuthError as exc:
        notice = text("wrong_role" if exc.status == 403 else "bad_key", loc)
        return sign_in_page(loc, exc.status, notice)
    response = RedirectResponse(f"/?lang={loc}", status_code=303, headers=HEADERS)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out")
@page
async def do_sign_out(request: Request) -> Response:
    _, loc, key = await _posted(request)
    if key is not None:
        await run_in_threadpool(sign_out, service_of(request), request.cookies.get(COOKIE))
    response = sign_in_page(loc, notice=text("signed_out", loc))
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/", response_class=HTMLResponse)
@page
async def assess(request: Request) -> Response:
    form, loc, key = await _posted(request)
    if key is None:
        return sign_in_page(loc, 401, text("expired", loc))
    service = service_of(request)
    context = _page_context(request, loc, key, form)
    chosen = chosen_needs(form)
    if not chosen:
        return render("page.html", 422, **{**context, "error": {"text": text("choose_need", loc)}})
    if len(chosen) > 6:
        error = {"text": text("too_many_needs", loc)}
        return render("page.html", 422, **{**context, "error": error})
    raw = to_request(form, service.current.rules, loc)
    dropped = None  # with a red flag, answers the service refused are left out (S7a)
    try:
        try:
            decisions, plan = await _decide(service, raw, loc, key)
        except InvalidCaseError as exc:
            if not form.chosen("red_flag"):
                raise
            dropped = text("flag_dropped", loc, field=exc.field, message=exc.render(loc))
            raw = emergency_only(raw)
            decisions, plan = await _decide(service, raw, loc, key)
    except InvalidCaseError as exc:
        message = text("input_error", loc, field=exc.field, message=exc.render(loc))
        marked = {"text": message, "field": field_of(exc.field, raw)}
        return render("page.html", 422, **{**context, "error": marked})
    except StorageError:
        return render("page.html", 503, **{**context, "error": {"text": text("unavailable", loc)}})
    missing = {(d.need, m.fact) for d in decisions for m in d.missing_facts}
    given = {n["need"]: n for n in raw.get("needs", [raw])}
    cases = [{**given[d.need], "client": raw.get("client")} for d in decisions]
    cases = [{k: v for k, v in c.items() if v is not None} for c in cases]
    # The trace of each decision on the rules that made it, even if a reload came between.
    traces = [
        explain_text(service.triage_for(d.rules_version, d.catalog_version), c, d)
        for c, d in zip(cases, decisions, strict=True)
    ]
    names = context["need_names"]
    after = ", ".join(names.get(n, n) for n in plan.after_emergency) if plan else ""
    flags = [
        context["flag_names"][f] for f in form.chosen("red_flag") if f in context["flag_names"]
    ]
    return render(
        "page.html",
        **{
            **context,
            "decisions": decisions,
            "plan": plan,
            "missing": missing,
            "flags": flags,
            "after_names": after,
            "traces": traces,
            "dropped": dropped,
            "when": lambda iso: deadline_words(iso, loc),
        },
    )


async def _decide(
    service: Service, raw: dict[str, Any], loc: Locale, key: KeyInfo
) -> tuple[list[Decision], Plan | None]:
    """A case or a contact, decided and recorded."""
    if "needs" not in raw:
        decision: Decision = await run_in_threadpool(service.decide, raw, locale=loc, key_id=key.id)
        return [decision], None
    answer: ContactAnswer = await run_in_threadpool(service.contact, raw, locale=loc, key_id=key.id)
    return answer.decisions, answer.plan


@router.post("/feedback", response_class=HTMLResponse)
@page
async def feedback(request: Request) -> Response:
    form, loc, key = await _posted(request)
    if key is None:
        return sign_in_page(loc, 401, text("expired", loc))
    service = service_of(request)
    verdict = form.get("verdict")
    try:
        if verdict not in ("correct", "misrouted"):
            raise InvalidCaseError("verdict", "required")
        await run_in_threadpool(
            service.feedback,
            form.get("decision_id"),
            verdict=verdict,  # type: ignore[arg-type]
            expected_service=(form.get("expected_service") or None)
            if verdict == "misrouted"
            else None,
            expected_urgency=(form.get("expected_urgency") or None)
            if verdict == "misrouted"
            else None,
            key_id=key.id,
        )
    except StorageError:
        context = {**_page_context(request, loc, key), "error": {"text": text("unavailable", loc)}}
        return render("page.html", 503, **context)
    except (InvalidCaseError, NotFoundError) as exc:
        message = exc.render(loc) if isinstance(exc, InvalidCaseError) else text("no_decision", loc)
        notice = text("feedback_error", loc, message=message)
        context = {**_page_context(request, loc, key), "error": {"text": notice}}
        return render("page.html", 422, **context)
    notice = text("feedback_saved", loc)
    return render("page.html", **{**_page_context(request, loc, key), "notice": notice})
