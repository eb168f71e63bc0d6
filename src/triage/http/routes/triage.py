"""POST /v1/triage: a case in, a decision out (and into the audit log).

This declaration is the route's contract (OpenAPI) and its answer through FastAPI; in a
running app, `triage.http.fastpath` answers it first, with the same `answer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, Response

from triage.domain.decision import Decision
from triage.errors import InvalidCaseError
from triage.http.deps import BearerDep, ServiceDep, authorize, bearer
from triage.http.locale import preferred
from triage.service.usecases import Service

router = APIRouter(tags=["triage"])


async def answer(
    service: Service, authorization: str, accept_language: str, state: Mapping[str, Any]
) -> bytes:
    """The route's whole work, shared with the fast path: the key, the locale, then the
    decision's JSON once it is in the audit log. `state` is the request's: the body guard
    left the parsed body there, if there was one."""
    key = await authorize(service, bearer(authorization), "triage")
    locale = preferred(accept_language)
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
    _: BearerDep,  # declares the key in the contract; `answer` checks it
) -> Response:
    """Decide a case. The case's `locale` wins over `Accept-Language`; Finnish by default.
    Invalid input is answered 422 naming the field, and nothing is stored."""
    headers = request.headers
    body = await answer(
        service,
        headers.get("authorization", ""),
        headers.get("accept-language", ""),
        request.scope.get("state", {}),
    )
    return Response(body, media_type="application/json")
