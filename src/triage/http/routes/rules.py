"""Rule authors: validate rule files, and reload the serving rules."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from triage.http.deps import RuntimeDep, require
from triage.http.schemas import ReloadIn, RuleFilesIn, RulesOut

router = APIRouter(tags=["rules"], dependencies=[Depends(require("rules"))])


@router.post(
    "/rules/validate", response_model=RulesOut, summary="Check rule files without loading them"
)
def validate(body: RuleFilesIn, runtime: RuntimeDep) -> RulesOut:
    """400 with file, line and rule id when the files are not a valid, conflict-free rule set."""
    return RulesOut(valid=True, rules_version=runtime.validate_rules(body.files))


@router.post(
    "/rules/reload", response_model=RulesOut, summary="Load new rules (posted, or from disk)"
)
def reload(body: ReloadIn, runtime: RuntimeDep) -> RulesOut:
    """With `files`, those become the rules; without, the server's rule directory is read
    again. On any error the answer is 400 naming file and line, and the old rules keep serving."""
    return RulesOut(valid=True, rules_version=runtime.reload_rules(body.files))
