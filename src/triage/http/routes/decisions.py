"""Reading stored decisions and recording feedback on them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from triage.domain.decision import Decision
from triage.http.deps import ServiceDep, require
from triage.http.schemas import FeedbackIn, FeedbackOut
from triage.store.ports import KeyInfo

router = APIRouter(tags=["decisions"])
DecisionId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="A decision id (UUID).")]


@router.get(
    "/decisions/{decision_id}",
    response_model=Decision,
    summary="Read a stored decision",
    responses={404: {"description": "No such decision"}},
)
def read_decision(
    decision_id: DecisionId,
    service: ServiceDep,
    _key: Annotated[KeyInfo, Depends(require("decisions"))],
) -> Decision:
    return service.decision(decision_id)


@router.post(
    "/decisions/{decision_id}/feedback",
    response_model=FeedbackOut,
    status_code=201,
    summary="Mark a decision correct or misrouted",
    responses={404: {"description": "No such decision"}},
)
def feedback(
    decision_id: DecisionId,
    body: FeedbackIn,
    service: ServiceDep,
    key: Annotated[KeyInfo, Depends(require("feedback"))],
) -> FeedbackOut:
    stored = service.feedback(
        decision_id,
        verdict=body.verdict,
        expected_service=body.expected_service,
        expected_urgency=body.expected_urgency,
        key_id=key.id,
    )
    return FeedbackOut(feedback_id=stored.id, decision_id=decision_id)
