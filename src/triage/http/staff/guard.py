"""What every staff route shares: rendering, the page's language, and the guards on a
request. Every POST is refused (403) unless its `Origin` (or, without one, its `Referer`)
is this site's own; a form is parsed within bounds (413 beyond them, never 500); the
session is looked up on a worker thread under the store's deadlines, never on the event
loop (503 when the store does not answer). The form token that every POST but the sign-in
carries is derived from the session's HttpOnly cookie, which another site cannot read."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from triage.errors import StorageError
from triage.http.locale import preferred
from triage.http.staff.forms import MAX_FIELDS, Submitted
from triage.http.staff.texts import text
from triage.messages import LOCALES, Locale, choose_locale
from triage.service.signin import signed_in
from triage.service.usecases import Service
from triage.store.ports import KeyInfo

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
    # same-origin: a form's POST carries this site's Origin (with no-referrer it is "null")
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def page_locale(request: Request, chosen: str | None) -> Locale:
    return choose_locale(chosen, preferred(request.headers.get("accept-language", "")))


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc: Locale = context["loc"]
    html = _env.get_template(template).render(
        t=lambda code, **p: text(code, loc, **p), locales=LOCALES, **context
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def sign_in_page(loc: Locale, status: int = 200, notice: str | None = None) -> HTMLResponse:
    return render("sign_in.html", status, loc=loc, notice=notice)


class Answered(Exception):
    """A staff request answered before its route finished (a refused form, a store that
    does not answer); `page` sends `response`."""

    def __init__(self, response: Response) -> None:
        self.response = response


def page(route: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """A staff route that may end early by raising Answered."""

    @functools.wraps(route)
    async def run(*args: Any, **kwargs: Any) -> Response:
        try:
            return await route(*args, **kwargs)
        except Answered as answered:
            return answered.response

    return run


def same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this site: its Origin (or, without one, its
    Referer) names this site's scheme, host and port."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent or sent == "null":
        return False
    parts = urlsplit(sent)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{request.url.netloc}"


async def read_form(request: Request) -> Submitted:
    """The posted form, from this site, within the bounds; else answered at once."""
    loc = page_locale(request, request.query_params.get("lang"))
    if not same_origin(request):
        raise Answered(sign_in_page(loc, 403, text("other_origin", loc)))
    body = (await request.body()).decode("utf-8", "replace")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        notice = text("form_too_large", loc, limit=MAX_FIELDS)
        raise Answered(sign_in_page(loc, 413, notice)) from None
    return Submitted.parse(pairs)


def form_token(session: str) -> str:
    """The session's form token: derived from the session token, so it needs no storage
    and ends with the session."""
    return hashlib.sha256(b"triage-form-token\0" + session.encode()).hexdigest()[:32]


async def session_key(request: Request, loc: Locale) -> KeyInfo | None:
    """The signed-in key, looked up on a worker thread (the store's deadlines apply)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return await run_in_threadpool(signed_in, service_of(request), token)
    except StorageError:
        raise Answered(sign_in_page(loc, 503, text("unavailable", loc))) from None
