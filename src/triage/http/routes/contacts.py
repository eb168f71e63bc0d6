"""POST /v1/contacts: one client with several needs in, a decision per need and a plan out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from triage.domain.contact import ContactAnswer
from triage.errors import InvalidCaseError
from triage.http.deps import LocaleDep, ServiceDep, require
from triage.store.ports import KeyInfo

router = APIRouter(tags=["triage"])
ContactId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="A contact id (UUID).")]


@router.post(
    "/contacts",
    response_model=ContactAnswer,
    summary="Triage a contact with several needs, and plan them",
    openapi_extra={"x-contact-schema": True},  # the request body schema is filled in by the app
)
async def triage_contact(
    request: Request,
    service: ServiceDep,
    key: Annotated[KeyInfo, Depends(require("triage"))],
    header_locale: LocaleDep,
) -> ContactAnswer:
    """Decide each need as a case of its own (each is its own audit record, carrying the
    contact id) and plan them: most urgent first, an emergency alone, a coordinator when the
    steps span three services or both social and health care. Invalid input is answered 422
    naming the need's index and field (`needs[1].facts.pain`), and nothing is decided."""
    if not hasattr(request.state, "json"):  # the body guard parsed any body there was
        raise InvalidCaseError("body", "required")
    raw = request.state.json
    return await run_in_threadpool(service.contact, raw, locale=header_locale, key_id=key.id)


@router.get(
    "/contacts/{contact_id}",
    response_model=ContactAnswer,
    summary="Read a stored contact",
    responses={404: {"description": "No such contact"}},
)
def read_contact(
    contact_id: ContactId,
    service: ServiceDep,
    _key: Annotated[KeyInfo, Depends(require("decisions"))],
) -> ContactAnswer:
    return service.stored_contact(contact_id)
