"""The one place where errors become HTTP answers, in the caller's language.

Messages come from `triage.messages` (fi, sv, en) and never repeat a submitted value. The
locale follows the rules of decisions: the body's `locale`, else Accept-Language, else
Finnish. Logs get the error's code, class and where it happened, never its message.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from triage.domain.case import structure_error
from triage.errors import (
    AuthError,
    CatalogError,
    InvalidCaseError,
    NotFoundError,
    RuleFileError,
    StorageError,
    TriageError,
)
from triage.http.locale import preferred
from triage.messages import Locale, choose_locale, render
from triage.strict import problem_of

log = logging.getLogger("triage.http")
RETRY_AFTER_SECONDS = 5


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    detail = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def request_locale(request: Request) -> Locale:
    body = getattr(request.state, "json", None)
    asked = body.get("locale") if isinstance(body, dict) else None
    return choose_locale(asked, preferred(request.headers.get("accept-language", "")))


def where(exc: BaseException) -> str:
    """file:line of the innermost frame: enough to find the bug, no value in it."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TriageError)
    async def triage_error(request: Request, exc: TriageError) -> JSONResponse:
        locale = request_locale(request)
        if isinstance(exc, InvalidCaseError):
            field = exc.field or "body"
            return error_response(422, "invalid_input", exc.render(locale), field=field)
        if isinstance(exc, RuleFileError):
            return error_response(400, "invalid_rules", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, CatalogError):
            return error_response(400, "invalid_catalog", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, NotFoundError):
            return error_response(404, "not_found", render("not_found", locale))
        if isinstance(exc, AuthError):
            if exc.status == 401:
                return error_response(401, "unauthorized", render("unauthorized", locale))
            return error_response(403, "forbidden", render("forbidden", locale, role=exc.role))
        if isinstance(exc, StorageError):
            log.warning("answered 503: database unavailable")
            return error_response(503, "unavailable", render("unavailable", locale))
        log.error("engine error %s at %s", type(exc).__name__, where(exc))
        return error_response(500, "internal_error", render("internal_error", locale))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problem = problem_of(exc.errors(), skip=("body", "query", "path", "header"))
        error = structure_error(problem, getattr(request.state, "json", None))
        field = error.field or "body"
        return error_response(
            422, "invalid_input", error.render(request_locale(request)), field=field
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
            message = render("invalid_json", request_locale(request), line="?", column="?")
            return error_response(422, "invalid_input", message, field="body")
        response = error_response(exc.status_code, "http_error", str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Allow on 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error %s at %s", type(exc).__name__, where(exc))
        return error_response(
            500, "internal_error", render("internal_error", request_locale(request))
        )
