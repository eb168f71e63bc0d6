"""Liveness and readiness (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from triage.http.deps import ServiceDep
from triage.http.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="The process is up")
def healthz() -> HealthOut:
    return HealthOut(status="ok")


@router.head("/healthz", include_in_schema=False)
def healthz_head() -> Response:
    """For probes that ask with HEAD: 200, no body."""
    return Response(status_code=200)


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Ready to serve: database, rules and catalog",
    responses={503: {"model": ReadyOut, "description": "Not ready"}},
)
def readyz(service: ServiceDep) -> JSONResponse:
    state = ReadyOut.model_validate(service.ready())
    return JSONResponse(state.model_dump(), status_code=200 if state.status == "ready" else 503)
