"""Rule sets as they may be served: loaded from files, then refused when two rules conflict
or a policy-3 check fails; and an engine refusal told in rule-file terms (file, line)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from triage.engine.analysis import check_conflicts
from triage.errors import RuleFileError
from triage.rules.loader import load_rule_files, read_rule_files
from triage.rules.model import RuleSet
from triage.rules.safety import policy_problems


def load_checked_rules(directory: str | Path) -> RuleSet:
    """Load rule files and refuse conflicting sets (ROUTING_POLICY.md, semantics 4)."""
    return check_rule_files(read_rule_files(directory), root=Path(directory))


def check_rule_files(files: Mapping[str, str], root: Path = Path()) -> RuleSet:
    """Load rules from {relative path: text} and refuse conflicting sets, and policy-3
    sets that fail its checks (rules/safety.py). The same texts give the same RuleSet
    (immutable), read once: validating a version and then serving it parse it once."""
    return _checked(tuple(sorted(files.items())), root)


@functools.lru_cache(maxsize=8)
def _checked(files: tuple[tuple[str, str], ...], root: Path) -> RuleSet:
    rules = load_rule_files(dict(files), root=root)
    check_conflicts(rules)
    for problem in policy_problems(rules):
        raise problem
    return rules


def refused_by_engine(rules: RuleSet, exc: Exception) -> RuleFileError:
    """An engine refusal as a rule-file error naming the need's file and, when one rule
    alone is refused, that rule's line."""
    need = str(getattr(exc, "need", ""))
    action = getattr(exc, "action", None)
    if need not in rules.needs:
        return RuleFileError(f"the rule engine refused the rules: {exc}")
    rule = None
    if action and action[1:].isdigit():
        rule = rules.rules_for(need)[int(action[1:])]
    return RuleFileError(
        "the rule engine cannot take this rule (simplify its conditions)"
        if rule
        else "the rule engine cannot take this need's rules (simplify their conditions)",
        file=rule.file if rule else rules.needs[need].file,
        line=rule.line if rule else None,
        rule_id=rule.id if rule else None,
    )
