"""Every request body passes here once, before any route: the size limit of its endpoint
(413, announced or streamed), defensive JSON parsing of API bodies (422 naming where), and requests
that contradict themselves (two Authorization headers: 400). The parsed body is handed to
the route in `request.state.json`, so nothing parses it a second time without the checks.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage import jsonsafe
from triage.http.errors import error_response
from triage.http.locale import locale_of
from triage.messages import Locale, render

MAX_BODY = 64 * 1024
MAX_RULES_BODY = 1024 * 1024  # a whole rule set may be larger than a case
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def limit_for(path: str) -> int:
    return MAX_RULES_BODY if path.startswith("/v1/rules/") else MAX_BODY


class BodyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        locale = locale_of(
            next((v.decode("latin-1") for k, v in headers if k == b"accept-language"), "")
        )
        if sum(k == b"authorization" for k, _ in headers) > 1:
            await answer(send, 400, "two_authorizations", locale)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        length = next((v for k, v in headers if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await answer(send, 413, "too_large", locale, limit=limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await answer(send, 413, "too_large", locale, limit=limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and scope["path"].startswith("/v1/"):  # the staff page posts HTML forms
            try:
                parsed = jsonsafe.parse(body)
            except jsonsafe.JsonProblem as problem:
                await answer(send, 422, problem.code, locale, field=problem.field, **problem.params)
                return
            scope.setdefault("state", {})["json"] = parsed
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def answer(
    send: Send, status: int, code: str, locale: Locale, *, field: str | None = None, **params: Any
) -> None:
    """An error answer before any route ran, by the app's one error renderer."""
    public = {400: "bad_request", 413: "too_large", 422: "invalid_input"}.get(status, "error")
    response = error_response(status, public, render(code, locale, **params), field=field)
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:  # a Response sends; it never reads the request
    return {"type": "http.disconnect"}
