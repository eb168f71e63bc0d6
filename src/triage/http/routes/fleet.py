"""The fleet: which worker serves which rules and catalog version, and whether they agree."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends

from triage.http.deps import ServiceDep, require
from triage.http.schemas import FleetOut, WorkerOut

router = APIRouter(tags=["fleet"], dependencies=[Depends(require("fleet"))])


@router.get("/fleet", response_model=FleetOut, summary="Live workers and their versions")
def fleet(service: ServiceDep) -> FleetOut:
    """Every worker that sent a heartbeat in the last few seconds, with the versions it
    serves; `agree` is true when all of them serve the active versions without error."""
    view = service.fleet_view()
    return FleetOut(
        rules_version=view.rules_version,
        catalog_version=view.catalog_version,
        agree=view.agree,
        workers=[WorkerOut(**asdict(w)) for w in view.workers],
    )
