"""Reading stored decisions and recording feedback on them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from triage.errors import InvalidCaseError
from triage.http.deps import RuntimeDep, require
from triage.http.schemas import FeedbackIn, FeedbackOut
from triage.domain.decision import Decision
from triage.store.sql.keys import KeyInfo

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
    runtime: RuntimeDep,
    _key: Annotated[KeyInfo, Depends(require("decisions"))],
) -> Decision:
    return runtime.decision(decision_id)


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
    runtime: RuntimeDep,
    key: Annotated[KeyInfo, Depends(require("feedback"))],
) -> FeedbackOut:
    rules = runtime.triage.rules
    if body.expected_service is not None and body.expected_service not in rules.services:
        raise InvalidCaseError("expected_service", f"unknown service {body.expected_service!r}")
    if body.expected_urgency is not None and body.expected_urgency not in rules.urgencies:
        raise InvalidCaseError("expected_urgency", f"unknown urgency {body.expected_urgency!r}")
    if body.verdict == "misrouted" and body.expected_service is None:
        raise InvalidCaseError(
            "expected_service", "a misrouted decision needs the service it should have had"
        )
    feedback_id = runtime.feedback(
        decision_id,
        verdict=body.verdict,
        expected_service=body.expected_service,
        expected_urgency=body.expected_urgency,
        key_id=key.id,
    )
    return FeedbackOut(feedback_id=feedback_id, decision_id=decision_id)
