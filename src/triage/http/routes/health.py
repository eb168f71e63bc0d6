"""Liveness and readiness (no key needed). Neither waits for the thread pool the work
uses: liveness answers on the event loop and touches nothing shared; readiness probes on
threads of its own, and says "not ready" when the probe does not answer in time."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from triage.http.deps import ServiceDep
from triage.http.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])


READY_WITHIN = 2.0  # seconds: a readiness answer never takes longer
_PROBES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz")


@router.get("/healthz", response_model=HealthOut, summary="The process is up")
async def healthz() -> HealthOut:
    return HealthOut(status="ok")


@router.head("/healthz", include_in_schema=False)
async def healthz_head() -> Response:
    """For probes that ask with HEAD: 200, no body."""
    return Response(status_code=200)


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Ready to serve: database, rules and catalog",
    responses={503: {"model": ReadyOut, "description": "Not ready"}},
)
async def readyz(service: ServiceDep) -> JSONResponse:
    probe = asyncio.get_running_loop().run_in_executor(_PROBES, service.ready)
    try:
        found = await asyncio.wait_for(probe, READY_WITHIN)
    except TimeoutError:
        found = service.ready(database_ok=False)
    state = ReadyOut.model_validate(found)
    return JSONResponse(state.model_dump(), status_code=200 if state.status == "ready" else 503)
