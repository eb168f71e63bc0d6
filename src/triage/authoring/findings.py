"""Findings of `triage check`, and those about the wording of a rule set: texts missing a
translation, enum values without a label."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from triage.rules.model import RuleSet
from triage.rules.safety import texts, untranslated

Severity = Literal["error", "warning", "info"]


@dataclass
class Finding:
    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    rules: list[str] = field(default_factory=list)
    example: dict[str, Any] | None = None

    def render(self) -> str:
        where = (
            f"{self.file}:{self.line}: "
            if self.file and self.line
            else (f"{self.file}: " if self.file else "")
        )
        text = f"{where}{self.severity}[{self.code}] {self.message}"
        if self.example is not None:
            text += f"\n    example: {self.example}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


def wording_findings(rules: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    for need in rules.needs:
        for fact in rules.needs[need].facts.values():
            unlabelled = [v for v in fact.values if fact.label(v) is None]
            if unlabelled:
                findings.append(
                    Finding(
                        "warning",
                        "missing_label",
                        f"fact {need}.{fact.code}: no label for {', '.join(unlabelled)}",
                        fact.file,
                        fact.line,
                    )
                )
    if rules.policy >= 3:
        return findings  # a missing text is an error there (policy_problems, C6)
    for what, text, file, line in texts(rules):
        missing = untranslated(text)
        if missing:
            findings.append(
                Finding(
                    "warning",
                    "missing_translation",
                    f"{what} has no {', '.join(missing)} translation",
                    file,
                    line,
                )
            )
    return findings
