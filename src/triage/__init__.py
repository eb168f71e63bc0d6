"""Rule-based client needs triage for social and health service guidance.

>>> from triage import Triage
>>> triage = Triage.from_directory("rules")
>>> triage.decide({"need": "dental", "client": {"age": 34, "municipality": "179"},
...                "facts": {"pain": 5}}).urgency
'within_3_days'
"""

__version__ = "0.1.0"

from triage.domain.case import Case, parse_case
from triage.domain.decider import Triage
from triage.domain.decision import Decision
from triage.engine.checked import load_checked_rules
from triage.errors import (
    EngineError,
    InvalidCaseError,
    RuleConflictError,
    RuleFileError,
    ScenarioError,
    TriageError,
)
from triage.rules.loader import load_rules
from triage.rules.model import RuleSet

__all__ = [
    "Case",
    "Decision",
    "EngineError",
    "InvalidCaseError",
    "RuleConflictError",
    "RuleFileError",
    "RuleSet",
    "ScenarioError",
    "Triage",
    "TriageError",
    "load_checked_rules",
    "load_rules",
    "parse_case",
]
