"""Audit reports over stored decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import StringConstraints

from triage.errors import InvalidCaseError
from triage.http.deps import ServiceDep, require
from triage.http.schemas import ExposureOut, NetworkOut
from triage.service import reports

# A date, optionally with a time and offset: numbers are never taken for timestamps.
ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
router = APIRouter(tags=["reports"], dependencies=[Depends(require("reports"))])


@router.get("/reports/exposure", response_model=ExposureOut, summary="Provider exposure report")
def exposure(
    service: ServiceDep,
    start: Annotated[
        str | None, Query(alias="from", pattern=ISO, description="ISO 8601, inclusive")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", pattern=ISO, description="ISO 8601, exclusive")
    ] = None,
) -> ExposureOut:
    """First-position share and position-weighted exposure per provider and ownership type,
    with what equal chance within each tie group would give."""
    begin, finish = _time("from", start), _time("to", end)
    if begin is not None and finish is not None and begin > finish:
        raise InvalidCaseError("from", "from_after_to")
    return ExposureOut.model_validate(reports.exposure(service, begin, finish).as_dict())


@router.get("/reports/network", response_model=NetworkOut, summary="Service network coverage")
def network(
    service: ServiceDep,
    municipality: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^\d{3}$")]] | None,
        Query(max_length=400, description="Municipality codes (default: the region's 22)"),
    ] = None,
) -> NetworkOut:
    """For every service the served rules can decide and every municipality, how many
    providers in the served catalog take new clients there: gaps (none) and cells with a
    single provider are flagged."""
    return NetworkOut.model_validate(reports.network(service, municipality).as_dict())


def _time(field: str, value: str | None) -> datetime | None:
    """An aware time between the years 1900 and 9999 (also after moving to UTC)."""
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(value)
        t = t if t.tzinfo else t.replace(tzinfo=UTC)
        t = t.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidCaseError(field, "bad_time") from None
    if not 1900 <= t.year <= 9999:
        raise InvalidCaseError(field, "bad_time")
    return t
