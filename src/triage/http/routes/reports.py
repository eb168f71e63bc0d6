"""Audit reports over stored decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from triage.errors import InvalidCaseError
from triage.http.deps import ServiceDep, require
from triage.http.schemas import ExposureOut
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
    return ExposureOut.model_validate(
        reports.exposure(service, _time("from", start), _time("to", end)).as_dict()
    )


def _time(field: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCaseError(field, f"not an ISO 8601 date or time: {value!r}") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)
