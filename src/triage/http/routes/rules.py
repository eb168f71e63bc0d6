"""Rule authors: validate rule files, and reload the serving rules."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends

from triage.http.deps import RulesDirDep, ServiceDep, require
from triage.http.schemas import ReloadIn, RuleFilesIn, RulesOut
from triage.rules.loader import read_rule_files

router = APIRouter(tags=["rules"], dependencies=[Depends(require("rules"))])


@router.post(
    "/rules/validate", response_model=RulesOut, summary="Check rule files without loading them"
)
def validate(body: RuleFilesIn, service: ServiceDep) -> RulesOut:
    """400 with file, line and rule id when the files are not a valid, conflict-free rule set."""
    return RulesOut(valid=True, rules_version=service.validate_rules(body.files))


@router.post(
    "/rules/reload", response_model=RulesOut, summary="Load new rules (posted, or from disk)"
)
def reload(body: ReloadIn, service: ServiceDep, rules_dir: RulesDirDep) -> RulesOut:
    """Validate, store and activate rules: the posted `files`, or, without them, the
    configured rule directory read again. Every worker switches within 2 seconds. Nothing
    is written to any directory. On any error the answer is 400 naming file and line, and
    the active rules stay."""
    files = body.files if body.files is not None else read_rule_files(rules_dir)
    root = Path("rules") if body.files is not None else rules_dir
    return RulesOut(valid=True, rules_version=service.publish_rules(files, root=root))
