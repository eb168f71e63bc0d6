"""Dependencies: the service, the caller's key and role, the locale."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from triage.errors import AuthError
from triage.http.locale import preferred
from triage.roles import Role
from triage.rules.model import Locale
from triage.service.usecases import Service
from triage.store.ports import KeyInfo

ALLOWED: dict[str, frozenset[Role]] = {
    "triage": frozenset({"frontline", "integration", "admin"}),
    "catalog": frozenset({"frontline", "integration", "admin"}),
    "decisions": frozenset({"frontline", "integration", "auditor", "admin"}),
    "feedback": frozenset({"frontline", "integration", "admin"}),
    "reports": frozenset({"auditor", "admin"}),
    "rules": frozenset({"author", "admin"}),
    "fleet": frozenset({"author", "admin"}),
}

_bearer = HTTPBearer(auto_error=False, description="An API key: `triage keys create --role ROLE`.")


async def get_service(request: Request) -> Service:  # async: no thread-pool hop
    return cast(Service, request.app.state.service)


ServiceDep = Annotated[Service, Depends(get_service)]


def get_rules_dir(request: Request) -> Path:
    """The configured rule directory, read again by a reload without files."""
    return cast(Path, request.app.state.rules_dir)


RulesDirDep = Annotated[Path, Depends(get_rules_dir)]


def bearer(authorization: str | None) -> str | None:
    """The key in an Authorization header, read as FastAPI's HTTPBearer reads it."""
    scheme, _, presented = (authorization or "").partition(" ")
    presented = presented.strip()
    return presented if scheme.lower() == "bearer" and presented else None


async def authorize(service: Service, presented: str | None, permission: str) -> KeyInfo:
    """The key of a request whose role has `permission` (AuthError 401 / 403 otherwise)."""
    if presented is None:
        raise AuthError(401, "an API key is required: Authorization: Bearer <key>")
    # a key seen within the last second is checked in place; otherwise the database
    # is read on a worker thread, so a slow database never stalls the event loop
    key = service.verified.known(presented)
    if key is None:
        key = await run_in_threadpool(service.verified.verify, presented)
    if key.role not in ALLOWED[permission]:
        raise AuthError(403, f"role {key.role} may not use this endpoint", role=key.role)
    return key


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def require(permission: str) -> Callable[..., Awaitable[KeyInfo]]:
    """A dependency that admits keys whose role has `permission` (401 / 403 otherwise)."""

    async def check(service: ServiceDep, credentials: BearerDep) -> KeyInfo:
        presented = credentials.credentials if credentials is not None else None
        return await authorize(service, presented, permission)

    return check


async def accept_language(request: Request) -> Locale | None:
    """The first of fi, sv, en in the Accept-Language header, by quality."""
    return preferred(request.headers.get("accept-language", ""))


LocaleDep = Annotated[Locale | None, Depends(accept_language)]
