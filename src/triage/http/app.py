"""The FastAPI application factory: routers, error handlers, the body-size limit, the watcher."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from triage import __version__
from triage.http.errors import install_error_handlers
from triage.http.fastpath import TriageFastPath
from triage.http.guard import BodyGuard
from triage.http.routes import catalog, contacts, decisions, fleet, health, reports, rules, triage
from triage.http.schemas import ErrorBody, case_schema, contact_schema
from triage.http.staff import pages
from triage.service.usecases import Service
from triage.service.watcher import Watcher

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "Two Authorization headers; or invalid rule files (`file`, `line`)",
    },
    401: {"model": ErrorBody, "description": "No valid API key"},
    403: {"model": ErrorBody, "description": "The key's role may not use this endpoint"},
    413: {"model": ErrorBody, "description": "Body over 64 KiB (1 MiB for rule files)"},
    422: {"model": ErrorBody, "description": "Invalid input; `field` names it"},
    503: {
        "model": ErrorBody,
        "description": "The database is unavailable; nothing was decided (see Retry-After)",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
    },
}


def _enums(schema: dict[str, Any], services: list[str], urgencies: list[str]) -> None:
    """Publish the loaded service and urgency codes as enums where the API takes them."""
    for param in schema["paths"]["/v1/providers"]["get"]["parameters"]:
        if param["name"] == "service":
            param["schema"] = {"anyOf": [{"type": "string", "enum": services}, {"type": "null"}]}
    props = schema["components"]["schemas"]["FeedbackIn"]["properties"]
    props["expected_service"] = {"anyOf": [{"type": "string", "enum": services}, {"type": "null"}]}
    props["expected_urgency"] = {"anyOf": [{"type": "string", "enum": urgencies}, {"type": "null"}]}


class RawEcho:
    """POST /v1/_bench/raw-echo, for bench/api.py only: the parsed body sent back from the
    depth where the triage fast path answers, without FastAPI's router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/_bench/raw-echo":
            await self.app(scope, receive, send)
            return
        await JSONResponse(scope.get("state", {}).get("json"))(scope, receive, send)


def create_app(
    service: Service,
    *,
    rules_dir: Path = Path("rules"),
    bench_echo: bool = False,
    watch_interval: float = 0.5,
) -> FastAPI:
    """The API on `service`. While it runs, a watcher keeps this process on the active
    rules and catalog versions and reports it in the fleet view."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        watcher = Watcher(service, interval=watch_interval)
        watcher.start()
        service.audit.attach(asyncio.get_running_loop())
        # What start-up built (compiled rules, catalog, modules) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it
        # (it paused requests for tens of milliseconds: p99 87 ms -> 31 ms in bench/api.py)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            service.audit.attach(None)
            watcher.stop()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # served below from the app's own copy of Swagger UI, not a CDN
        redoc_url=None,
        title="Client needs triage API",
        version=__version__,
        description="Rule-based needs triage for social and health service guidance. "
        "Every answered triage is stored in the audit log under its `decision_id`.",
    )
    app.state.service = service
    app.state.rules_dir = rules_dir
    install_error_handlers(app)
    routers = (triage, contacts, catalog, decisions, reports, rules, fleet)
    for router in (r.router for r in routers):
        app.include_router(router, prefix="/v1", responses=ERRORS)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.mount("/static/staff", StaticFiles(packages=[("triage.http.staff", "static")]), "staff")
    app.mount(
        "/static/swagger", StaticFiles(packages=[("triage.http", "static/swagger")]), "swagger"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )
        page.headers["Content-Security-Policy"] = "frame-ancestors 'none'"  # never framed
        page.headers["X-Frame-Options"] = "DENY"
        return page

    if bench_echo:

        @app.post("/v1/_bench/echo", include_in_schema=False)
        async def echo(request: Request) -> JSONResponse:
            return JSONResponse(await request.json())

        app.add_middleware(RawEcho)

    built: dict[str, dict[str, Any]] = {}  # the contract of the served rules version

    def openapi() -> dict[str, Any]:
        rules_now = service.current.rules
        if rules_now.version not in built:  # new rules: their needs, services, urgencies
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            codes = sorted(rules_now.needs), sorted(rules_now.red_flags)
            for path, make in (("/v1/triage", case_schema), ("/v1/contacts", contact_schema)):
                op = schema["paths"][path]["post"]
                op.pop("x-case-schema", None)
                op.pop("x-contact-schema", None)
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": make(*codes)}},
                }
            _enums(schema, sorted(rules_now.services), list(rules_now.urgencies))
            built.clear()
            built[rules_now.version] = schema
        app.openapi_schema = built[rules_now.version]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(TriageFastPath, owner=app)
    app.add_middleware(BodyGuard)  # added last: the outer one, so every body passes it first
    return app
