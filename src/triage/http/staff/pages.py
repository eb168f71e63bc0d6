"""The staff page's routes: sign in, the form, the result (decision or contact plan),
feedback, sign out. Server-rendered; case data travels only in POST bodies, never in a
URL, a cookie, browser storage or a log line. Every answer is `no-store`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from triage.authoring.explain import explain_text
from triage.catalog.municipalities import CENTRAL_FINLAND, municipalities
from triage.domain.contact import ContactAnswer, Plan
from triage.domain.decision import Decision
from triage.errors import AuthError, InvalidCaseError, StorageError, TriageError
from triage.http.locale import preferred
from triage.http.staff.forms import (
    NOT_KNOWN,
    Submitted,
    chosen_needs,
    emergency_only,
    fact_field,
    field_of,
    to_request,
)
from triage.http.staff.texts import text
from triage.http.staff.when import deadline_words, do_now
from triage.messages import LOCALES, Locale
from triage.rules.model import Fact
from triage.service.core import Service
from triage.service.staff import sign_in, sign_out, signed_in
from triage.store.ports import KeyInfo

router = APIRouter(include_in_schema=False)
COOKIE = "triage_session"
_env = Environment(
    loader=PackageLoader("triage.http.staff", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _locale(request: Request, chosen: str | None) -> Locale:
    if chosen in LOCALES:
        return chosen
    return preferred(request.headers.get("accept-language", "")) or "fi"


def _render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc: Locale = context["loc"]
    html = _env.get_template(template).render(
        t=lambda code, **p: text(code, loc, **p), locales=LOCALES, **context
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


async def _form(request: Request) -> Submitted:
    body = (await request.body()).decode("utf-8", "replace")
    return Submitted.parse(parse_qsl(body, keep_blank_values=True, max_num_fields=400))


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
    service: Service, loc: Locale, key: KeyInfo, form: Submitted | None = None
) -> dict[str, Any]:
    triage = service.current
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


def _signed_in(request: Request) -> KeyInfo | None:
    return signed_in(_service(request), request.cookies.get(COOKIE))


def _sign_in_page(loc: Locale, status: int = 200, notice: str | None = None) -> HTMLResponse:
    return _render("sign_in.html", status, loc=loc, notice=notice)


async def _posted(request: Request) -> tuple[Submitted, Locale, KeyInfo | None]:
    """A posted form, the page's language, and the signed-in key (None: sign in again)."""
    form = await _form(request)
    return form, _locale(request, form.get("ui")), _signed_in(request)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: str | None = None) -> Response:
    loc = _locale(request, lang)
    key = _signed_in(request)
    if key is None:
        return _sign_in_page(loc)
    return _render("page.html", **_page_context(_service(request), loc, key))


@router.post("/sign-in")
async def do_sign_in(request: Request) -> Response:
    form = await _form(request)
    loc = _locale(request, form.get("ui"))
    try:
        token = await run_in_threadpool(sign_in, _service(request), form.get("key"))
    except AuthError as exc:
        notice = text("wrong_role" if exc.status == 403 else "bad_key", loc)
        return _sign_in_page(loc, exc.status, notice)
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
async def do_sign_out(request: Request) -> Response:
    form = await _form(request)
    loc = _locale(request, form.get("ui"))
    sign_out(_service(request), request.cookies.get(COOKIE))
    response = _sign_in_page(loc, notice=text("signed_out", loc))
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/", response_class=HTMLResponse)
async def assess(request: Request) -> Response:
    form, loc, key = await _posted(request)
    if key is None:
        return _sign_in_page(loc, 401, text("expired", loc))
    service = _service(request)
    context = _page_context(service, loc, key, form)
    chosen = chosen_needs(form)
    if not chosen:
        return _render("page.html", 422, **{**context, "error": {"text": text("choose_need", loc)}})
    if len(chosen) > 6:
        error = {"text": text("too_many_needs", loc)}
        return _render("page.html", 422, **{**context, "error": error})
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
        return _render("page.html", 422, **{**context, "error": marked})
    except StorageError:
        return _render("page.html", 503, **{**context, "error": {"text": text("unavailable", loc)}})
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
    return _render(
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
async def feedback(request: Request) -> Response:
    form, loc, key = await _posted(request)
    if key is None:
        return _sign_in_page(loc, 401, text("expired", loc))
    service = _service(request)
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
    except (InvalidCaseError, TriageError) as exc:
        message = exc.render(loc) if isinstance(exc, InvalidCaseError) else str(exc)
        notice = text("feedback_error", loc, message=message)
        context = {**_page_context(service, loc, key), "error": {"text": notice}}
        return _render("page.html", 422, **context)
    notice = text("feedback_saved", loc)
    return _render("page.html", **{**_page_context(service, loc, key), "notice": notice})
