"""The one place where errors become HTTP answers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from triage.errors import (
    AuthError,
    CatalogError,
    InvalidCaseError,
    NotFoundError,
    RuleFileError,
    StorageError,
    TriageError,
)
from triage.strict import problem_of

log = logging.getLogger("triage.http")


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    detail = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """The one place where errors become HTTP answers."""

    @app.exception_handler(TriageError)
    async def triage_error(_: Request, exc: TriageError) -> JSONResponse:
        if isinstance(exc, InvalidCaseError):
            return error_response(422, "invalid_input", str(exc), field=exc.field or "body")
        if isinstance(exc, RuleFileError):
            return error_response(400, "invalid_rules", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, CatalogError):
            return error_response(400, "invalid_catalog", str(exc), file=exc.file, line=exc.line)
        if isinstance(exc, NotFoundError):
            return error_response(404, "not_found", str(exc))
        if isinstance(exc, AuthError):
            return error_response(
                exc.status, "unauthorized" if exc.status == 401 else "forbidden", str(exc)
            )
        if isinstance(exc, StorageError):
            return error_response(503, "unavailable", str(exc))
        log.error("engine error: %s", type(exc).__name__)
        return error_response(500, "internal_error", "the decision could not be made")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problem = problem_of(exc.errors(), skip=("body", "query", "path", "header"))
        field = problem.path or "body"
        return error_response(422, "invalid_input", f"{field}: {problem.message}", field=field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
            return error_response(422, "invalid_input", f"body: {exc.detail}", field="body")
        response = error_response(exc.status_code, "http_error", str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Allow on 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(exc).__name__)
        return error_response(500, "internal_error", "unexpected error")
