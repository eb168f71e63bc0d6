"""POST /v1/triage answered before FastAPI's router, with the route's own `answer`.

The phone lines' endpoint is the one called for every client, and FastAPI's work per
request (routing through every route, solving the route's dependencies, building a
Request for each) cost more than deciding the case. This layer sits inside the body guard,
so the size limit, the defensive JSON parsing and the two-Authorization check still come
first; it calls the route's own `answer` (the key check, the locale, the decision) and hands
any error to the app's own exception handlers, so the answer is the route's, status and
body (tests/http/test_fastpath.py compares the two): it only skips the router. Anything
else goes on to FastAPI.
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from triage.http.routes.triage import answer

PATH = "/v1/triage"
JSON_HEADER = (b"content-type", b"application/json")


class TriageFastPath:
    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:  # the first of each, as Starlette's Headers.get
            headers.setdefault(name, value)
        try:
            body = await answer(
                self.owner.state.service,
                headers.get(b"authorization", b"").decode("latin-1"),
                headers.get(b"accept-language", b"").decode("latin-1"),
                scope.get("state", {}),
            )
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:  # unexpected: the server-error layer answers and logs it
                raise
            scope["app"] = self.owner
            response = handler(Request(scope, receive), exc)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, receive, send)
            return
        length = (b"content-length", str(len(body)).encode())
        await send({"type": "http.response.start", "status": 200, "headers": [JSON_HEADER, length]})
        await send({"type": "http.response.body", "body": body})

    def _handler(self, exc: Exception) -> Any:
        """The app's handler for this error, as FastAPI's exception layer would choose it
        (not the catch-all one for Exception, which the server-error layer runs)."""
        handlers = self.owner.exception_handlers
        chosen = (c for c in type(exc).__mro__ if c in handlers and c is not Exception)
        return next((handlers[c] for c in chosen), None)
