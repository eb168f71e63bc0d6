"""Sign-in for the staff page: a personal key, presented once, becomes a server-side session
whose random token lives only in an HttpOnly cookie."""

from __future__ import annotations

from datetime import timedelta

from triage.errors import AuthError
from triage.roles import Role
from triage.service.keys import refused
from triage.service.usecases import Service
from triage.store.ports import KeyInfo

STAFF_ROLES: frozenset[Role] = frozenset({"frontline", "admin"})
IDLE = timedelta(minutes=15)  # a session unused this long is signed out


def sign_in(service: Service, presented: str) -> str:
    """A session token for a valid staff key; AuthError (401/403) otherwise."""
    key = service.keys.verify(presented.strip()) if presented.strip() else None
    if key is None:
        refused(presented.strip(), "sign-in")
        raise AuthError(401, "the API key is not valid or was revoked")
    if key.role not in STAFF_ROLES:
        raise AuthError(403, f"role {key.role} may not use the staff page", role=key.role)
    return service.keys.open_session(key.id, IDLE)


def signed_in(service: Service, token: str | None, idle: timedelta = IDLE) -> KeyInfo | None:
    if not token or len(token) > 100:
        return None
    key = service.keys.session(token, idle)
    return key if key is not None and key.role in STAFF_ROLES else None


def sign_out(service: Service, token: str | None) -> None:
    if token and len(token) <= 100:
        service.keys.close_session(token)
