"""POST /v1/triage: a case in, a decision out (and into the audit log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from triage.domain.decision import Decision
from triage.errors import InvalidCaseError
from triage.http.deps import LocaleDep, ServiceDep, require
from triage.store.ports import KeyInfo

router = APIRouter(tags=["triage"])


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
    if not hasattr(request.state, "json"):  # the body guard parsed any body there was
        raise InvalidCaseError("body", "required")
    decision = await service.decide_async(request.state.json, locale=header_locale, key_id=key.id)
    # the JSON the audit row holds, sent as it is: not validated and encoded a second time
    return Response(decision.json_text, media_type="application/json")
