"""The FastAPI application factory: routers, one error handler, the body-size limit."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage import __version__
from triage.config import Settings
from triage.errors import (
    AuthError,
    CatalogError,
    InvalidCaseError,
    NotFoundError,
    RuleFileError,
    StorageError,
    TriageError,
)
from triage.http.routes import catalog, decisions, health, reports, rules, triage
from triage.http.schemas import ErrorBody, case_schema
from triage.service.core import Runtime, build_runtime

log = logging.getLogger("triage.http")
MAX_BODY = 64 * 1024

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "Invalid rule files: `file` and `line` name the error",
    },
    401: {"model": ErrorBody, "description": "No valid API key"},
    403: {"model": ErrorBody, "description": "The key's role may not use this endpoint"},
    413: {"model": ErrorBody, "description": "Body over 64 KiB"},
    422: {"model": ErrorBody, "description": "Invalid input; `field` names it"},
    503: {"model": ErrorBody, "description": "The database is unavailable; nothing was decided"},
}


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Answer 413 to bodies over `limit` bytes, announced or streamed, before any parsing."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(send)


async def _too_large(send: Send) -> None:
    body = (
        ErrorBody.model_validate(
            {"error": {"code": "too_large", "message": f"the body is over {MAX_BODY} bytes"}}
        )
        .model_dump_json(exclude_none=True)
        .encode()
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    detail = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    """The one place where errors become HTTP answers."""

    @app.exception_handler(TriageError)
    async def triage_error(_: Request, exc: TriageError) -> JSONResponse:
        if isinstance(exc, InvalidCaseError):
            return _error(422, "invalid_input", str(exc), field=exc.field or "body")
        if isinstance(exc, RuleFileError):
            return _error(400, "invalid_rules", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, CatalogError):
            return _error(400, "invalid_catalog", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, NotFoundError):
            return _error(404, "not_found", str(exc))
        if isinstance(exc, AuthError):
            return _error(
                exc.status, "unauthorized" if exc.status == 401 else "forbidden", str(exc)
            )
        if isinstance(exc, StorageError):
            return _error(503, "unavailable", str(exc))
        log.error("engine error: %s", type(exc).__name__)
        return _error(500, "internal_error", "the decision could not be made")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = _field(first.get("loc", ()))
        return _error(422, "invalid_input", f"{field}: {first.get('msg')}", field=field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
            return _error(422, "invalid_input", f"body: {exc.detail}", field="body")
        response = _error(exc.status_code, "http_error", str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Allow on 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return _error(500, "internal_error", "unexpected error")


def _enums(schema: dict[str, Any], services: list[str], urgencies: list[str]) -> None:
    """Publish the loaded service and urgency codes as enums where the API takes them."""
    for param in schema["paths"]["/v1/providers"]["get"]["parameters"]:
        if param["name"] == "service":
            param["schema"] = {"anyOf": [{"type": "string", "enum": services}, {"type": "null"}]}
    props = schema["components"]["schemas"]["FeedbackIn"]["properties"]
    props["expected_service"] = {"anyOf": [{"type": "string", "enum": services}, {"type": "null"}]}
    props["expected_urgency"] = {"anyOf": [{"type": "string", "enum": urgencies}, {"type": "null"}]}


def create_app(runtime: Runtime | None = None, settings: Settings | None = None) -> FastAPI:
    """The API on the given runtime (default: built from TRIAGE_* settings)."""
    settings = settings or (runtime.settings if runtime else Settings())
    runtime = runtime or build_runtime(settings)
    app = FastAPI(
        title="Client needs triage API",
        version=__version__,
        description="Rule-based needs triage for social and health service guidance. "
        "Every answered triage is stored in the audit log under its `decision_id`.",
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    for router in (triage.router, catalog.router, decisions.router, reports.router, rules.router):
        app.include_router(router, prefix="/v1", responses=ERRORS)
    app.include_router(health.router)
    if settings.bench_echo:

        @app.post("/v1/_bench/echo", include_in_schema=False)
        async def echo(request: Request) -> JSONResponse:
            return JSONResponse(await request.json())

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            rules_now = runtime.triage.rules
            body = case_schema(sorted(rules_now.needs), sorted(rules_now.red_flags))
            op = schema["paths"]["/v1/triage"]["post"]
            op.pop("x-case-schema", None)
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body}},
            }
            _enums(schema, sorted(rules_now.services), list(rules_now.urgencies))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(BodyLimit)
    return app
