"""POST /v1/triage: a case in, a decision out (and into the audit log).

This declaration is the route's contract (OpenAPI) and its answer through FastAPI; in a
running app, `triage.http.fastpath` answers it first, with the same `answer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from triage.domain.decision import Decision
from triage.errors import InvalidCaseError
from triage.http.deps import LocaleDep, ServiceDep, require
from triage.rules.model import Locale
from triage.service.core import Service
from triage.store.ports import KeyInfo

router = APIRouter(tags=["triage"])


async def answer(
    service: Service, state: Mapping[str, Any], key: KeyInfo, locale: Locale | None
) -> bytes:
    """The decision's JSON, once it is in the audit log. `state` is the request's: the body
    guard left the parsed body there, if there was one."""
    if "json" not in state:
        raise InvalidCaseError("body", "required")
    decision = await service.decide_async(state["json"], locale=locale, key_id=key.id)
    # the JSON the audit row holds, sent as it is: not validated and encoded a second time
    return decision.json_bytes


@router.post(
    "/triage",
    response_model=Decision,
    summary="Triage a case",
    openapi_extra={"x-case-schema": True},  # the request body schema is filled in by the app
)
async def triage_case(
    request: Request,
    service: ServiceDep,
    key: Annotated[KeyInfo, Depends(require("triage"))],
    header_locale: LocaleDep,
) -> Response:
    """Decide a case. The case's `locale` wins over `Accept-Language`; Finnish by default.
    Invalid input is answered 422 naming the field, and nothing is stored."""
    body = await answer(service, request.scope.get("state", {}), key, header_locale)
    return Response(body, media_type="application/json")
