"""Findings of `triage check`, and those about the wording of a rule set: texts missing a
translation, enum values without a label."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from triage.rules.model import LOCALES, RuleSet, Text

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


def _texts(rules: RuleSet) -> Iterator[tuple[str, Text, str | None, int | None]]:
    for code, t in rules.services.items():
        yield f"service {code}", t, None, None
    for code, t in rules.urgencies.items():
        yield f"urgency {code}", t, None, None
    for code, t in rules.red_flags.items():
        yield f"red flag {code}", t, None, None
    for need in rules.needs.values():
        yield f"need {need.code} name", need.name, need.file, None
        for fact in need.facts.values():
            yield f"question of fact {need.code}.{fact.code}", fact.question, fact.file, fact.line
            for value, label in fact.labels:
                where = f"label of {need.code}.{fact.code}={value}"
                yield where, label, fact.file, fact.line
        for rule in need.rules:
            yield f"description of rule {rule.id}", rule.description, rule.file, rule.line
    for rule in rules.common_rules:
        yield f"description of rule {rule.id}", rule.description, rule.file, rule.line


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
    for what, text, file, line in _texts(rules):
        missing = [loc for loc in LOCALES if getattr(text, loc) is None]
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
